"""`hub purge` and `hub contacts erase` (registered at the end of hub/cli.py)."""
from __future__ import annotations

import getpass
import re
from datetime import datetime, timedelta, timezone

import click

from hub.runtime import Hub


def _settings():  # type: ignore[no-untyped-def]
    from hub.cli import _settings as load

    return load()


def _setup(settings) -> None:  # type: ignore[no-untyped-def]
    from hub.cli import _setup_logging

    _setup_logging(settings)


def parse_age(value: str) -> timedelta:
    """"90d", "12h", "30m" (also "2w") as a timedelta. Raises click.BadParameter."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", value)
    if not match or int(match.group(1)) == 0:
        raise click.BadParameter(f"{value!r}: use an age like 90d, 12h, 30m or 2w (more than 0)")
    unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[match.group(2)]
    return timedelta(**{unit: int(match.group(1))})


@click.command("purge")
@click.option("--older-than", "older_than", help="Age of the events to purge, e.g. 90d "
              "(default: retention.raw_events_days).")
@click.option("--dry-run", is_flag=True, help="Only count what would be purged.")
def purge_cmd(older_than: str | None, dry_run: bool) -> None:
    """Empty the raw bodies and headers of processed events older than the cutoff, and delete
    old batched deliveries and the console's import folders (rejects reports) last changed
    before it. Rows that leads and redelivery checks use are kept; pending, failed and
    needs_token events are never touched."""
    from hub.ops import imports
    from hub.privacy import purge

    settings = _settings()
    _setup(settings)
    if older_than is None:
        if settings.retention.raw_events_days == 0:
            raise click.UsageError("retention.raw_events_days is 0 (keep forever): give --older-than")
        age = timedelta(days=settings.retention.raw_events_days)
    else:
        age = parse_age(older_than)
    cutoff = datetime.now(timezone.utc) - age
    hub = Hub(settings)
    store = hub.store
    if dry_run:
        counts = purge.count(store, cutoff)
        click.echo(f"would purge {counts.raw_events} raw events and delete {counts.webhook_deliveries} "
                   f"webhook deliveries received before {cutoff.isoformat(timespec='seconds')}, "
                   f"and {len(imports.old_folders(hub, cutoff))} import folders")
        return
    totals: dict[str, int] = {}

    def progress(table: str, n: int) -> None:
        totals[table] = totals.get(table, 0) + n
        click.echo(f"\r{table}: {totals[table]}", err=True, nl=False)

    counts = purge.purge(store, cutoff, batch=settings.retention.batch_size, progress=progress)
    if totals:
        click.echo("", err=True)
    folders = imports.purge_folders(hub, cutoff)
    click.echo(f"purged {counts.raw_events} raw events, deleted {counts.webhook_deliveries} webhook "
               f"deliveries received before {cutoff.isoformat(timespec='seconds')}, and {folders} import folders")


@click.group("contacts")
def contacts_group() -> None:
    """Contacts: erasure requests; stored leads read again by a newer normalizer."""


@contacts_group.command("erase")
@click.argument("contact_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--reason", default="", help="Why (e.g. the request's reference); kept on the erasure record.")
def erase_cmd(contact_id: str, yes: bool, reason: str) -> None:
    """Erase a person: the contact (and every contact merged with it), their leads, raw
    events, suggestions and past feed payloads. Sends contact.erased downstream. Cannot be undone."""
    from hub.privacy.erase import UnknownContact, erase, erased
    from hub.store.contacts import members_of, resolve

    settings = _settings()
    _setup(settings)
    store = Hub(settings).store
    with store.sessions() as session:
        earlier = erased(session, contact_id)
        if earlier is None:
            try:
                root = resolve(session, contact_id).id
            except LookupError:
                raise click.ClickException(f"no contact {contact_id!r}") from None
            group = members_of(session, [root])[root]
    if earlier is not None:
        click.echo(f"contact {contact_id} was already erased (erasure {earlier.id})")
        return
    if not yes:
        click.confirm(f"Erase {len(group)} contact(s) {', '.join(sorted(group))} and all their data? "
                      "This cannot be undone", abort=True)
    try:
        with store.transaction() as session:
            result = erase(session, contact_id, requested_by=f"cli:{getpass.getuser()}", reason=reason)
    except UnknownContact as exc:
        raise click.ClickException(str(exc)) from None
    detail = ", ".join(f"{n} {table}" for table, n in result.counts.items() if n)
    click.echo(f"erasure {result.id}: erased {', '.join(result.contact_ids)} ({detail})")
