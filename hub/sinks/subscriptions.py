"""Webhook subscriptions and their delivery log: what the CLI, the API and the ops UI call.

Every function takes the Store (and Settings where the SSRF guard applies), checks its input
and raises SubscriptionError (with an HTTP-like `status`) before changing anything.
"""
from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from standardwebhooks import Webhook

from hub.config import Settings
from hub.sinks.ssrf import UnsafeUrl, check_url
from hub.store import Store
from hub.store.schema import OutboxRow, WebhookAttemptRow, WebhookMessageRow, WebhookSubscriptionRow

EVENT_TYPE = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
STATUSES = ("pending", "sending", "delivered", "failed", "held")
MAX_RATE = 1000.0
MAX_ID = 2**63 - 1  # larger ids cannot exist (and PostgreSQL would refuse to compare them)


class SubscriptionError(ValueError):
    """A request about subscriptions was refused; nothing was changed."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def new_secret() -> str:
    """A Standard Webhooks secret: "whsec_" + base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def create(store: Store, settings: Settings, url: str, event_types: Sequence[str] = ("*",), *,
           secret: str | None = None, description: str = "", rate_limit: float | None = None,
           allow_private: bool = False) -> dict[str, Any]:
    """Add a subscription (enabled) and return it, secret included. Raises SubscriptionError."""
    url = _text(url, "url", 2048)
    try:
        check_url(url, allow_private=allow_private or settings.webhooks_out.allow_private)
    except UnsafeUrl as exc:
        raise SubscriptionError(str(exc)) from None
    types = _event_types(event_types)
    secret = _secret(secret) if secret else new_secret()
    now = datetime.now(timezone.utc)
    row = WebhookSubscriptionRow(
        url=url, event_types=types, secret=secret, description=_description(description),
        enabled=True, auto_disabled=False, rate_limit=_rate(rate_limit), allow_private=allow_private,
        created_at=now, updated_at=now)
    with store.transaction() as session:
        session.add(row)
        session.flush()
        return subscription_json(row, with_secret=True)


def listing(store: Store) -> list[dict[str, Any]]:
    with store.sessions() as session:
        rows = session.execute(select(WebhookSubscriptionRow).order_by(WebhookSubscriptionRow.id)).scalars()
        return [subscription_json(r) for r in rows]


def show(store: Store, subscription_id: int, *, with_secret: bool = False) -> dict[str, Any]:
    with store.sessions() as session:
        return subscription_json(_get(session, subscription_id), with_secret=with_secret)


def enable(store: Store, subscription_id: int) -> dict[str, Any]:
    """Enable it again; deliveries held while it was disabled are sent now."""
    now = datetime.now(timezone.utc)
    with store.transaction() as session:
        row = _get(session, subscription_id)
        row.enabled, row.disabled_reason, row.disabled_at = True, None, None
        row.auto_disabled, row.failing_since, row.updated_at = False, None, now
        session.execute(
            update(WebhookMessageRow)
            .where(WebhookMessageRow.subscription_id == row.id, WebhookMessageRow.status == "held")
            .values(status="pending", attempts=0, next_attempt_at=now, updated_at=now))
        return subscription_json(row)


def disable(store: Store, subscription_id: int, reason: str) -> dict[str, Any]:
    """Stop delivering; new events are kept (held) and go out when it is enabled again."""
    reason = _text(reason, "reason", 1000)
    if not reason:
        raise SubscriptionError("hãy ghi lý do / give a reason for disabling")
    with store.transaction() as session:
        row = _get(session, subscription_id)
        mark_disabled(session, row, reason[:1000], auto=False, now=datetime.now(timezone.utc))
        return subscription_json(row)


def mark_disabled(session: Session, row: WebhookSubscriptionRow, reason: str, *, auto: bool,
                  now: datetime) -> None:
    """Disable inside the caller's transaction; waiting deliveries are held, not dropped."""
    row.enabled, row.disabled_reason, row.disabled_at = False, reason, now
    row.auto_disabled, row.updated_at = auto, now
    session.execute(
        update(WebhookMessageRow)
        .where(WebhookMessageRow.subscription_id == row.id, WebhookMessageRow.status == "pending")
        .values(status="held", next_attempt_at=None, slot_at=None, updated_at=now))


def remove(store: Store, subscription_id: int) -> None:
    """Delete the subscription with its deliveries and their log."""
    with store.transaction() as session:
        row = _get(session, subscription_id)
        messages = select(WebhookMessageRow.id).where(WebhookMessageRow.subscription_id == row.id)
        session.execute(delete(WebhookAttemptRow).where(WebhookAttemptRow.message_id.in_(messages)))
        session.execute(delete(WebhookMessageRow).where(WebhookMessageRow.subscription_id == row.id))
        session.delete(row)


def deliveries(store: Store, subscription_id: int, *, status: str | None = None, limit: int = 50,
               before: int | None = None) -> list[dict[str, Any]]:
    """The subscription's deliveries, newest first (`before`: a delivery id, for paging)."""
    if status is not None and status not in STATUSES:
        raise SubscriptionError(f"status must be one of {', '.join(STATUSES)}, got {status!r}", 400)
    with store.sessions() as session:
        _get(session, subscription_id)
        query = select(WebhookMessageRow).where(WebhookMessageRow.subscription_id == subscription_id)
        if status is not None:
            query = query.where(WebhookMessageRow.status == status)
        if before is not None:
            query = query.where(WebhookMessageRow.id < before)
        rows = session.execute(query.order_by(WebhookMessageRow.id.desc()).limit(limit)).scalars()
        return [message_json(r) for r in rows]


def delivery(store: Store, message_id: int) -> dict[str, Any]:
    """One delivery with its attempts, oldest first."""
    with store.sessions() as session:
        row = session.get(WebhookMessageRow, message_id) if message_id <= MAX_ID else None
        if row is None:
            raise SubscriptionError(f"không có delivery {message_id} / no delivery {message_id}", 404)
        attempts = session.execute(select(WebhookAttemptRow).where(WebhookAttemptRow.message_id == row.id)
                                   .order_by(WebhookAttemptRow.id)).scalars()
        return {**message_json(row), "log": [attempt_json(a) for a in attempts]}


def replay_one(store: Store, message_id: int) -> dict[str, Any]:
    """Send the delivery again now (same webhook-id), whatever its state."""
    now = datetime.now(timezone.utc)
    with store.transaction() as session:
        row = session.get(WebhookMessageRow, message_id) if message_id <= MAX_ID else None
        if row is None:
            raise SubscriptionError(f"không có delivery {message_id} / no delivery {message_id}", 404)
        _require_enabled(_get(session, row.subscription_id))
        if row.status == "sending":
            raise SubscriptionError(f"delivery {message_id} is being sent right now", 409)
        _reset(row, now)
        return message_json(row)


def replay_since(store: Store, subscription_id: int, since: datetime) -> int:
    """Send again every event of the subscription's types created since `since` (same webhook-ids).

    Events the subscription never got (it did not exist yet) are added too, up to the fan-out
    cursor. Returns how many deliveries were queued.
    """
    if since.tzinfo is None:
        raise SubscriptionError("since needs a time zone", 400)
    from hub.sinks.webhooks_out import cursor, matches, new_message

    now = datetime.now(timezone.utc)
    with store.transaction() as session:
        sub = _require_enabled(_get(session, subscription_id))
        upto = cursor(session)
        events = session.execute(select(OutboxRow).where(OutboxRow.created_at >= since, OutboxRow.seq <= upto)
                                 .order_by(OutboxRow.seq)).scalars()
        wanted = {e.seq: e for e in events if matches(sub.event_types, e.type)}
        known = {m.outbox_seq: m for m in session.execute(
            select(WebhookMessageRow).where(WebhookMessageRow.subscription_id == sub.id,
                                            WebhookMessageRow.outbox_seq.in_(list(wanted)))).scalars()}
        for seq, event in wanted.items():
            if seq in known:
                if known[seq].status != "sending":
                    _reset(known[seq], now)
            else:
                session.add(new_message(sub.id, event, now))
        return len(wanted)


def _reset(row: WebhookMessageRow, now: datetime) -> None:
    row.status, row.attempts, row.next_attempt_at, row.slot_at = "pending", 0, now, None
    row.lease_until, row.updated_at = None, now


def _require_enabled(row: WebhookSubscriptionRow) -> WebhookSubscriptionRow:
    if not row.enabled:
        raise SubscriptionError(f"subscription {row.id} is disabled ({row.disabled_reason}); enable it first", 409)
    return row


def _get(session: Session, subscription_id: int) -> WebhookSubscriptionRow:
    row = session.get(WebhookSubscriptionRow, subscription_id) if subscription_id <= MAX_ID else None
    if row is None:
        raise SubscriptionError(f"không có subscription {subscription_id} / no subscription {subscription_id}", 404)
    return row


def _event_types(values: Sequence[str]) -> list[str]:
    if isinstance(values, str):
        values = [values]
    types = sorted({v.strip() for v in values if isinstance(v, str) and v.strip()})
    bad = [t for t in types if t != "*" and not EVENT_TYPE.match(t)]
    if bad or not types:
        raise SubscriptionError(f'event types must be "*" or names like contact.created; got {bad or "none"}')
    return types


def _secret(secret: str) -> str:
    secret = secret.strip()
    try:
        raw = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        Webhook(secret)
    except Exception:
        raw = b""
    if not secret.startswith("whsec_") or not 24 <= len(raw) <= 64:
        raise SubscriptionError('secret must be "whsec_" + base64 of 24 to 64 bytes (leave it out to get one)')
    return secret


def _description(value: str) -> str:
    return _text(value, "description", 500)


def _text(value: str, name: str, longest: int) -> str:
    """Stripped text without control characters (PostgreSQL refuses NUL), at most `longest` long."""
    if not isinstance(value, str) or len(value) > longest or any(ord(c) < 32 and c not in "\t\n" for c in value):
        raise SubscriptionError(f"{name} must be text of at most {longest} characters without control characters")
    return value.strip()


def _rate(value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_RATE:
        raise SubscriptionError(f"rate_limit must be deliveries per second, more than 0 and at most {MAX_RATE:g}; got {value!r}")
    return float(value)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def subscription_json(row: WebhookSubscriptionRow, *, with_secret: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": row.id, "url": row.url, "event_types": list(row.event_types), "description": row.description,
        "enabled": row.enabled, "disabled_reason": row.disabled_reason, "disabled_at": _iso(row.disabled_at),
        "auto_disabled": row.auto_disabled, "rate_limit": row.rate_limit, "allow_private": row.allow_private,
        "failing_since": _iso(row.failing_since), "created_at": _iso(row.created_at),
    }
    if with_secret:
        data["secret"] = row.secret
    return data


def message_json(row: WebhookMessageRow) -> dict[str, Any]:
    return {"id": row.id, "subscription_id": row.subscription_id, "webhook_id": row.msg_id,
            "sequence": row.outbox_seq, "event_type": row.event_type, "status": row.status,
            "attempts": row.attempts, "next_attempt_at": _iso(row.next_attempt_at),
            "last_status_code": row.last_status_code, "last_error": row.last_error,
            "delivered_at": _iso(row.delivered_at), "created_at": _iso(row.created_at)}


def attempt_json(row: WebhookAttemptRow) -> dict[str, Any]:
    return {"id": row.id, "attempted_at": _iso(row.attempted_at), "outcome": row.outcome,
            "status_code": row.status_code, "latency_ms": row.latency_ms,
            "response_excerpt": row.response_excerpt, "error": row.error, "trigger": row.trigger}
