"""The `hub` command."""
from __future__ import annotations

import logging
import re
import sys
import time
from datetime import datetime, timedelta, timezone
from typing import IO

import click

from hub import inbox
from hub.config import ConfigError, Settings, load_settings
from hub.model import EVENT_STATUSES
from hub.queue import RQQueue
from hub.runtime import Hub

log = logging.getLogger("hub")


def _settings(migrate: bool = True) -> Settings:
    """The settings, or a clear error. In the embedded mode (SQLite) the local database is also
    brought to the current schema, as `hub serve` does, so `hub users add`, `hub import` and the
    other commands work on a fresh checkout without a `hub db upgrade` first."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(f"configuration error: {exc}") from None
    if migrate and settings.uses_sqlite:
        from hub.store.migrate import upgrade

        upgrade(settings.database_url)
    return settings


def _setup_logging(settings: Settings) -> None:
    from hub import redact

    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    redact.install(settings)  # phones, emails and secrets masked in every record


@click.group()
def main() -> None:
    """lead-hub: omnichannel lead capture for Vietnamese businesses."""


@main.command()
@click.option("--host", default=None, help="Interface to listen on (default: server.host).")
@click.option("--port", default=None, type=int, help="Port (default: server.port, 8000).")
def serve(host: str | None, port: int | None) -> None:
    """Run ingest + ops in one process. Without Redis, an in-process worker runs the jobs."""
    from waitress import serve as waitress_serve

    from hub.app import create_app
    from hub.store.migrate import upgrade

    settings = _settings()
    _setup_logging(settings)
    if settings.uses_sqlite:
        upgrade(settings.database_url)
    hub = Hub(settings)
    app = create_app(role="embedded", hub=hub)
    hub.start_background()
    hub.sweep()  # pick up whatever an earlier run left pending
    host, port = host or settings.server.host, port or settings.server.port
    mode = "embedded (in-process worker)" if settings.embedded else "production queue (RQ)"
    log.info("lead-hub on http://%s:%s, %s, settings from %s", host, port, mode, settings.source)
    if "demo" in settings.forms and settings.source == "defaults":
        log.warning(
            "no config file: the demo form is open at /webhooks/forms/demo?token=demo; "
            "copy config/hub.example.toml to config/hub.toml to configure real forms"
        )
    try:
        waitress_serve(app, host=host, port=port, threads=settings.server.threads, ident="lead-hub")
    finally:
        hub.stop_background()


@main.command()
@click.option("--burst", is_flag=True, help="Exit once the queue is empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker for the pipeline (production mode; needs HUB_REDIS_URL)."""
    from hub import runtime

    settings = _settings()
    _setup_logging(settings)
    if settings.redis_url is None:
        raise click.ClickException("hub worker needs HUB_REDIS_URL (the embedded mode runs its worker inside `hub serve`)")
    hub = Hub(settings)
    runtime.set_current(hub)
    assert isinstance(hub.queue, RQQueue)
    from hub.queue import ScheduledJobs

    scheduled = ScheduledJobs(hub.queue)
    hub.start_periodic()
    scheduled.start()
    try:
        _work_through_outages(hub.queue, burst)
    finally:
        scheduled.stop()
        hub.stop_periodic()


def _work_through_outages(queue: RQQueue, burst: bool) -> None:
    """Run the RQ worker; when Redis goes away, wait for it and start again instead of exiting."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
    from rq import SimpleWorker

    delay = 1.0
    while True:
        try:
            # SimpleWorker runs jobs in this process: no fork per job, and the database pool
            # is never shared across a fork. A job is one short transaction. RQ's scheduler,
            # which releases the webhook retries queued with enqueue_in, runs as a thread of this
            # process (hub.queue.ScheduledJobs), so a killed worker leaves no orphan behind.
            SimpleWorker([queue.rq], connection=queue.connection).work(burst=burst)
            return  # burst finished, or stopped by a signal
        except (RedisConnectionError, RedisTimeoutError) as exc:
            log.warning("redis unavailable (%s); retrying in %.0f s", exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 30.0)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create or migrate the schema (Alembic)."""
    from hub.store.migrate import upgrade

    settings = _settings(migrate=False)
    upgrade(settings.database_url, revision)
    click.echo(f"database at revision {revision}")


def _parse_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    match = re.fullmatch(r"(\d+)([mhd])", value.strip())
    if match:
        unit = {"m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
        return datetime.now(timezone.utc) - timedelta(**{unit: int(match.group(1))})
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: use an ISO date/time or 30m, 6h, 7d") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


@main.command()
@click.option("--status", "statuses", multiple=True, default=["failed"], show_default=True,
              type=click.Choice(EVENT_STATUSES), help="Replay events in this status (repeatable).")
@click.option("--since", help="Only events received since (ISO date/time, or 30m, 6h, 7d).")
@click.option("--channel", help="Only this channel.")
@click.option("--id", "event_ids", multiple=True, type=int, help="Only this event id (repeatable).")
def replay(statuses: tuple[str, ...], since: str | None, channel: str | None, event_ids: tuple[int, ...]) -> None:
    """Run stored events through the pipeline again (a stored lead is never doubled)."""
    from hub.pipeline import run

    settings = _settings()
    _setup_logging(settings)
    hub = Hub(settings)
    ids = inbox.reset_for_replay(
        hub.store, statuses=statuses, since=_parse_since(since), channel=channel, event_ids=event_ids
    )
    if not ids:
        click.echo("nothing to replay")
        return
    if settings.embedded:
        outcomes: dict[str, int] = {}
        with click.progressbar(ids, label=f"replaying {len(ids)} events", file=sys.stderr) as bar:
            for event_id in bar:
                status = run(hub, event_id)
                outcomes[status] = outcomes.get(status, 0) + 1
        click.echo(", ".join(f"{n} {status}" for status, n in sorted(outcomes.items())))
    else:
        enqueued = sum(hub.enqueue(event_id) for event_id in ids)
        click.echo(f"{len(ids)} events reset to pending, {enqueued} enqueued (the sweeper takes the rest)")


@main.command("export")
@click.argument("what", type=click.Choice(["contacts", "leads"]))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--out", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="File to write (default: standard output).")
@click.option("--include-merged", is_flag=True, help="Also export merged-away contacts (tombstones).")
@click.option("--channel", help="Only captures from this channel (form, zalo, messenger, ...).")
@click.option("--since", help="Only captures from then on: ISO date (Vietnam midnight), date-time with zone, or 7d.")
@click.option("--until", help="Only captures before then (same forms as --since).")
@click.option("--excel", is_flag=True, help="CSV for Excel: UTF-8 BOM, formula-like cells defused.")
def export_cmd(what: str, fmt: str, out: IO[str], include_merged: bool, channel: str | None,
               since: str | None, until: str | None, excel: bool) -> None:
    """Export contacts (the documented contact shape) or leads, optionally filtered."""
    from hub.sinks import csv_export

    try:
        filters = csv_export.ExportFilter.parse(channel, since, until)
    except csv_export.FilterError as exc:
        raise click.BadParameter(str(exc)) from None
    hub = Hub(_settings())
    count = csv_export.write(hub.store, out, what, fmt, filters, excel=excel, include_merged=include_merged)
    click.echo(f"exported {count} {what}", err=True)


@main.group()
def backfill() -> None:
    """Fetch leads a channel has but the hub may have missed."""


@backfill.command("facebook")
@click.option("--form", "form_ids", multiple=True, help="Lead Ads form id (repeatable).")
@click.option("--all-forms", is_flag=True, help="Every form of every configured page (the reconcile).")
@click.option("--since", required=True, help="Leads created since (ISO date/time, or 30m, 6h, 2d).")
@click.option("--page", "page_id", help="The page owning --form (default: facebook.forms.<id>.page, "
                                        "or the only configured page).")
def backfill_facebook(form_ids: tuple[str, ...], all_forms: bool, since: str, page_id: str | None) -> None:
    """Store Lead Ads leads whose webhook never came; leads already stored are skipped."""
    from hub import backfill as lead_backfill
    from hub.errors import HubError

    settings = _settings()
    _setup_logging(settings)
    if bool(form_ids) == all_forms:
        raise click.UsageError("give --form FORM_ID (repeatable) or --all-forms")
    hub = Hub(settings)
    when = _parse_since(since)
    assert when is not None

    def progress(form_id: str, read: int, new: int) -> None:
        click.echo(f"\rform {form_id}: {read} leads read, {new} new", err=True, nl=False)

    try:
        if all_forms:
            outcome = lead_backfill.reconcile(hub, when, progress)
        else:
            outcome = lead_backfill.Outcome()
            for form_id in form_ids:
                one = lead_backfill.backfill_form(hub, form_id, _page_of(settings, form_id, page_id),
                                                  when, progress)
                outcome.read, outcome.new = outcome.read + one.read, outcome.new + one.new
                outcome.event_ids.extend(one.event_ids)
    except HubError as exc:
        raise click.ClickException(f"backfill stopped: {exc}") from None
    click.echo("", err=True)
    _process_inline(hub, outcome.event_ids)
    click.echo(f"{outcome.read} leads read, {outcome.new} new")


def _page_of(settings: Settings, form_id: str, page_id: str | None) -> str:
    form = settings.facebook.forms.get(form_id)
    page = page_id or (form.page if form else None)
    if page is None and len(settings.facebook.pages) == 1:
        page = next(iter(settings.facebook.pages))
    if page is None:
        raise click.UsageError(f"form {form_id}: which page owns it? Give --page or set "
                               f"facebook.forms.{form_id}.page")
    return page


def _process_inline(hub: Hub, event_ids: list[int]) -> None:
    """Embedded mode has no separate worker: run the new events here (production: enqueued)."""
    if not hub.settings.embedded or not event_ids:
        return
    from hub.pipeline import run

    with click.progressbar(event_ids, label=f"processing {len(event_ids)} leads", file=sys.stderr) as bar:
        for event_id in bar:
            run(hub, event_id)


@main.group()
def dedupe() -> None:
    """Matching over the whole store."""


@dedupe.command("rescan")
@click.option("--batch", default=200, show_default=True, help="Contacts per saved step.")
@click.option("--restart", is_flag=True, help="Start from the first contact, not where the last run stopped.")
def dedupe_rescan(batch: int, restart: bool) -> None:
    """Match every contact against the others again (after new weights or an import).

    Merges and suggestions follow the same rules as for new leads; every merge can be undone.
    Interrupted, it resumes where it stopped.
    """
    from hub.store.rescan import remaining, rescan, reset_cursor

    settings = _settings()
    _setup_logging(settings)
    hub = Hub(settings)
    if restart:
        reset_cursor(hub.store)
    total = remaining(hub.store)
    with click.progressbar(length=total, label=f"rescanning {total} contacts", file=sys.stderr,
                           show_pos=True, show_eta=True) as bar:
        result = rescan(hub.store, batch=batch, progress=bar.update)
    click.echo(f"{result.contacts} contacts rescanned: {result.merged} merged, {result.suggested} suggestions added")


@main.group("tokens")
def tokens_group() -> None:
    """API tokens for downstream consumers."""


@tokens_group.command("create")
@click.option("--name", required=True, help="Who or what uses the token (e.g. the CRM's name).")
@click.option("--scopes", default="contacts:read,events:read", show_default=True,
              help="Comma-separated: contacts:read, events:read, suggestions:read, suggestions:write, "
                   "export:read, contacts:erase, webhooks:manage.")
def tokens_create(name: str, scopes: str) -> None:
    """Create a token; it is printed once and cannot be shown again."""
    from hub.ops import tokens

    hub = Hub(_settings())
    try:
        token = tokens.create(hub.store, name, [s.strip() for s in scopes.split(",") if s.strip()])
    except tokens.TokenError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(token)
    click.echo("Keep it now: only a hash is stored.", err=True)


@tokens_group.command("list")
def tokens_list() -> None:
    """The tokens (never their secret part)."""
    from hub.ops import tokens

    for row in tokens.listing(Hub(_settings()).store):
        state = "revoked" if row["revoked"] else f"last used {row['last_used_at'] or 'never'}"
        click.echo(f"{row['id']}\tlh_{row['prefix']}_…\t{row['name']}\t{','.join(row['scopes'])}\t{state}")


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id: int) -> None:
    """Revoke a token for good."""
    from hub.ops import tokens

    try:
        tokens.revoke(Hub(_settings()).store, token_id)
    except tokens.TokenError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"token {token_id} revoked")


from hub.enrich.cli import zalo_group  # noqa: E402  (profile enrichment)

main.add_command(zalo_group)
from hub.ops.users_cli import users_group  # noqa: E402  (the ops console's accounts, issue #7)

main.add_command(users_group)
from hub.privacy.cli import contacts_group, purge_cmd  # noqa: E402  (privacy, issue #9)

main.add_command(purge_cmd)
main.add_command(contacts_group)


@contacts_group.command("renormalize")
@click.option("--batch", default=200, show_default=True, help="Leads per saved step.")
@click.option("--restart", is_flag=True, help="Start from the first lead, not where the last run stopped.")
@click.option("--dry-run", is_flag=True, help="Only count what would change (and show some names).")
def contacts_renormalize(batch: int, restart: bool, dry_run: bool) -> None:
    """Read every stored lead again with this version's normalizer (after an upgrade).

    Names typed in Telex or VNI, numbers spelt in words and the like, stored before the hub read
    them: each lead gets the new reading, its contact the phones and emails found and, when its
    name came from that lead, the corrected name; changed contacts are matched again (merges are
    undoable). Interrupted, it resumes where it stopped; run again, it changes nothing.
    """
    from hub.store.renormalize import remaining, renormalize, reset_cursor

    settings = _settings()
    _setup_logging(settings)
    hub = Hub(settings)
    if restart and not dry_run:
        reset_cursor(hub.store)
    total = remaining(hub.store, dry_run=dry_run)
    with click.progressbar(length=total, label=f"reading {total} leads again", file=sys.stderr,
                           show_pos=True, show_eta=True) as bar:
        result = renormalize(hub.store, batch=batch, dry_run=dry_run, progress=bar.update)
    for old, new in result.examples:
        click.echo(f"  {old} -> {new}")
    verb = "would change" if dry_run else "changed"
    click.echo(f"{result.leads} leads read again: {result.changed} {verb}; contacts: {result.renamed} renamed, "
               f"{result.points} phones / emails / ids added"
               + ("" if dry_run else f", {result.merged} merged, {result.suggested} suggestions added"))
from hub.simulate import simulate_command  # noqa: E402  (issue 9: load and demo traffic)

main.add_command(simulate_command)
from hub.sinks.webhooks_cli import webhooks  # noqa: E402  (outbound webhooks, issue 8)

main.add_command(webhooks)
from hub.importer.command import import_command  # noqa: E402  (registered last: see the common brief)

main.add_command(import_command)
