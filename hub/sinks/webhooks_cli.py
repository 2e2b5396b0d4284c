"""`hub webhooks ...`: manage outbound webhook subscriptions from the command line."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from hub.sinks import subscriptions
from hub.sinks.subscriptions import SubscriptionError

T = TypeVar("T")


def _hub() -> Any:
    from hub.cli import _settings
    from hub.runtime import Hub

    return Hub(_settings())


def _run(call: Callable[[], T]) -> T:
    try:
        return call()
    except SubscriptionError as exc:
        raise click.ClickException(str(exc)) from None


def _line(sub: dict[str, Any]) -> str:
    state = "enabled" if sub["enabled"] else f"DISABLED ({sub['disabled_reason']})"
    rate = f"{sub['rate_limit']:g}/s" if sub["rate_limit"] else "no limit"
    return f"{sub['id']}\t{sub['url']}\t{','.join(sub['event_types'])}\t{rate}\t{state}\t{sub['description']}"


@click.group("webhooks")
def webhooks() -> None:
    """Outbound webhooks to downstream CRMs (Standard Webhooks signatures)."""


@webhooks.command("add")
@click.argument("url")
@click.option("--events", default="*", show_default=True,
              help='Comma-separated event types (contact.created, contact.merged, ...) or "*".')
@click.option("--secret", help="A whsec_... secret (default: a new one, printed once).")
@click.option("--description", default="", help="Who receives it (e.g. the CRM's name).")
@click.option("--rate-limit", type=float, help="At most this many deliveries per second (the rest wait).")
@click.option("--allow-private", is_flag=True, help="Allow private/loopback addresses (same-network receivers).")
def add(url: str, events: str, secret: str | None, description: str, rate_limit: float | None,
        allow_private: bool) -> None:
    """Subscribe URL to events from now on (older ones: `hub webhooks replay --since`)."""
    hub = _hub()
    sub = _run(lambda: subscriptions.create(
        hub.store, hub.settings, url, events.split(","), secret=secret, description=description,
        rate_limit=rate_limit, allow_private=allow_private))
    click.echo(_line(sub))
    click.echo(f"secret: {sub['secret']}")


@webhooks.command("list")
def list_cmd() -> None:
    """Every subscription (never their secrets)."""
    for sub in subscriptions.listing(_hub().store):
        click.echo(_line(sub))


@webhooks.command("show")
@click.argument("subscription_id", type=int)
@click.option("--secret", "with_secret", is_flag=True, help="Print the signing secret too.")
def show(subscription_id: int, with_secret: bool) -> None:
    """One subscription, as JSON."""
    sub = _run(lambda: subscriptions.show(_hub().store, subscription_id, with_secret=with_secret))
    click.echo(json.dumps(sub, ensure_ascii=False, indent=2))


@webhooks.command("enable")
@click.argument("subscription_id", type=int)
def enable(subscription_id: int) -> None:
    """Enable again; deliveries held meanwhile go out now."""
    click.echo(_line(_run(lambda: subscriptions.enable(_hub().store, subscription_id))))


@webhooks.command("disable")
@click.argument("subscription_id", type=int)
@click.option("--reason", required=True, help="Why (shown in list/show and the API).")
def disable(subscription_id: int, reason: str) -> None:
    """Stop delivering; new events are held until it is enabled again."""
    click.echo(_line(_run(lambda: subscriptions.disable(_hub().store, subscription_id, reason))))


@webhooks.command("remove")
@click.argument("subscription_id", type=int)
@click.confirmation_option(prompt="Delete the subscription and its delivery log?")
def remove(subscription_id: int) -> None:
    """Delete the subscription with its deliveries and their log."""
    _run(lambda: subscriptions.remove(_hub().store, subscription_id))
    click.echo(f"subscription {subscription_id} removed")


@webhooks.command("deliveries")
@click.argument("subscription_id", type=int)
@click.option("--status", type=click.Choice(subscriptions.STATUSES))
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.option("--id", "delivery_id", type=int, help="One delivery with every attempt.")
def deliveries(subscription_id: int, status: str | None, limit: int, delivery_id: int | None) -> None:
    """The delivery log, newest first."""
    store = _hub().store
    if delivery_id is not None:
        found = _run(lambda: subscriptions.delivery(store, delivery_id))
        if found["subscription_id"] != subscription_id:
            raise click.ClickException(f"subscription {subscription_id} has no delivery {delivery_id}")
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for d in _run(lambda: subscriptions.deliveries(store, subscription_id, status=status, limit=limit)):
        code = d["last_status_code"] or "-"
        click.echo(f"{d['id']}\t{d['webhook_id']}\t{d['event_type']}\t{d['status']}\t"
                   f"attempts={d['attempts']}\tlast={code}\t{d['last_error'] or ''}")


@webhooks.command("replay")
@click.option("--delivery", "delivery_id", type=int, help="Send this delivery again.")
@click.option("--subscription", "subscription_id", type=int, help="With --since: this subscription's events.")
@click.option("--since", help="Every event since (ISO date/time, or 30m, 6h, 7d).")
def replay(delivery_id: int | None, subscription_id: int | None, since: str | None) -> None:
    """Send deliveries again with the same webhook-id (the running hub sends them)."""
    from hub.cli import _parse_since

    store = _hub().store
    if delivery_id is not None and subscription_id is None and since is None:
        _run(lambda: subscriptions.replay_one(store, delivery_id))
        click.echo(f"delivery {delivery_id} queued again")
    elif delivery_id is None and subscription_id is not None and since is not None:
        when = _parse_since(since)
        assert when is not None
        count = _run(lambda: subscriptions.replay_since(store, subscription_id, when))
        click.echo(f"{count} deliveries queued again")
    else:
        raise click.UsageError("give --delivery ID, or --subscription ID --since WHEN")
