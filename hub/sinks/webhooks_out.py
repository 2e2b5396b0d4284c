"""Signed outbound webhooks (Standard Webhooks, https://www.standardwebhooks.com/).

1. fan_out: every outbox event after the recorded cursor becomes one message per subscription
   whose event types match (unique per subscription and event; the cursor moves in the same
   transaction, under a lock, so several processes can run it and a restart resumes exactly).
2. deliver: claim a due message (compare-and-set), POST the event JSON of the feed, signed,
   with the stable `webhook-id`; log the attempt; 2xx delivered, 410 disables the endpoint,
   anything else is retried on the Svix-like schedule (webhooks_out.retry_schedule_seconds).
   An endpoint failing non-stop longer than disable_after_failing_hours is disabled, with an alert.
3. Outbound runs both every poll interval (Hub.start_periodic) and hands due deliveries to RQ
   (production) or to local timer threads (embedded); next_attempt_at is the truth.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client.core import GaugeMetricFamily, Metric

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from standardwebhooks import Webhook

from hub.config import Settings, WebhooksOutSettings
from hub.http import UpstreamError, post_webhook
from hub.queue import RQQueue, Sweeper
from hub.sinks.dispatch import Dispatcher, LocalDispatcher, RQDispatcher
from hub.sinks.events import event_document
from hub.sinks.ssrf import UnsafeUrl, check_url
from hub.sinks.subscriptions import mark_disabled
from hub.store import Store, lock_keys
from hub.store.schema import (OutboxRow, WebhookAttemptRow, WebhookMessageRow,
                              WebhookSubscriptionRow)
from hub.store.state import read_state, write_state

if TYPE_CHECKING:
    from hub.runtime import Hub

log = logging.getLogger(__name__)
CURSOR = "sinks.webhooks_out.cursor"
FANOUT_LOCK = "sinks.webhooks_out.fanout"
LEASE_MARGIN = timedelta(seconds=60)
INSERT_CHUNK = 500
# A timer may fire this much before the due time (RQ's scheduler keeps whole seconds; clocks
# differ between hosts): the delivery is put back for its time instead of waiting for the sweep.
EARLY_TOLERANCE = timedelta(seconds=5)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def matches(event_types: list[str], event_type: str) -> bool:
    return "*" in event_types or event_type in event_types


def cursor(session: Session) -> int:
    """The last outbox sequence number fanned out."""
    return int(read_state(session, CURSOR) or 0)


def new_message(subscription_id: int, event: OutboxRow, now: datetime, status: str = "pending") -> WebhookMessageRow:
    return WebhookMessageRow(subscription_id=subscription_id, outbox_seq=event.seq, msg_id=event.event_id,
                             event_type=event.type, status=status, attempts=0,
                             next_attempt_at=now if status == "pending" else None,
                             created_at=now, updated_at=now)


def fan_out(store: Store, batch: int = 500) -> list[int]:
    """Turn the outbox events after the cursor into messages; returns the new pending ids."""
    created: list[int] = []
    while True:
        with store.transaction() as session:
            lock_keys(session, [FANOUT_LOCK])  # SQLite: BEGIN IMMEDIATE already serialises
            after = cursor(session)
            events = list(session.execute(select(OutboxRow).where(OutboxRow.seq > after)
                                          .order_by(OutboxRow.seq).limit(batch)).scalars())
            if not events:
                return created
            subs = list(session.execute(select(WebhookSubscriptionRow)).scalars())
            now = _now()
            rows = [_values(s, e, now) for e in events for s in subs if matches(s.event_types, e.type)]
            dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
            for start in range(0, len(rows), INSERT_CHUNK):  # SQLite caps bound parameters per statement
                inserted = session.execute(
                    dialect.insert(WebhookMessageRow).values(rows[start:start + INSERT_CHUNK])
                    .on_conflict_do_nothing(index_elements=["subscription_id", "outbox_seq"])
                    .returning(WebhookMessageRow.id, WebhookMessageRow.status)).all()
                created.extend(i for i, status in inserted if status == "pending")
            _save_cursor(session, events[-1].seq, now)


def _values(sub: WebhookSubscriptionRow, event: OutboxRow, now: datetime) -> dict[str, object]:
    status = "pending" if sub.enabled else "held"
    return {"subscription_id": sub.id, "outbox_seq": event.seq, "msg_id": event.event_id,
            "event_type": event.type, "status": status, "attempts": 0,
            "next_attempt_at": now if sub.enabled else None, "created_at": now, "updated_at": now}


def _save_cursor(session: Session, seq: int, now: datetime) -> None:
    write_state(session, CURSOR, str(seq), now)


@dataclass(frozen=True)
class Claim:
    message_id: int
    msg_id: str
    url: str
    secret: str
    allow_private: bool
    body: str
    trigger: str


@dataclass(frozen=True)
class Wait:
    until: datetime
    reason: str  # "rate_limited" (the endpoint's next slot) or "early" (a timer fired a bit soon)


def claim(store: Store, settings: Settings, message_id: int, now: datetime) -> Claim | Wait | None:
    """Take a due message for sending (compare-and-set on its status).

    Returns the Claim; or a Wait (the rate-limit slot, or the due time of a timer that fired a
    few seconds early); or None when the message is not for this caller (delivered, someone
    else has it, its subscription is disabled, a stray timer).
    """
    with store.transaction() as session:
        sub_id = session.execute(select(WebhookMessageRow.subscription_id)
                                 .where(WebhookMessageRow.id == message_id)).scalar_one_or_none()
        if sub_id is None:
            return None
        # Locks in one order everywhere (subscription, then message): no deadlock.
        sub = session.get(WebhookSubscriptionRow, sub_id, with_for_update=True)
        msg = session.get(WebhookMessageRow, message_id, with_for_update=True, populate_existing=True)
        if sub is None or msg is None:
            return None
        if not _due(msg, now):
            return _early(msg, now)
        if not sub.enabled:
            msg.status, msg.next_attempt_at, msg.slot_at, msg.updated_at = "held", None, None, now
            return None
        slot = _rate_slot(sub, msg, now)
        if slot is not None:
            return Wait(slot, "rate_limited")
        tried_before = msg.delivered_at is not None or msg.last_status_code is not None or msg.last_error is not None
        trigger = "replay" if msg.attempts == 0 and tried_before else "scheduled"
        msg.status, msg.slot_at, msg.attempts, msg.updated_at = "sending", None, msg.attempts + 1, now
        msg.lease_until = now + timedelta(seconds=settings.webhooks_out.timeout_seconds) + LEASE_MARGIN
        event = session.execute(select(OutboxRow).where(OutboxRow.seq == msg.outbox_seq)).scalar_one()
        return Claim(msg.id, msg.msg_id, sub.url, sub.secret, sub.allow_private, event_body(event), trigger)


def event_body(row: OutboxRow) -> str:
    """The webhook body: the feed's event document as UTF-8 JSON (Vietnamese kept as is)."""
    return json.dumps(event_document(row), ensure_ascii=False, separators=(",", ":"))


def _due(msg: WebhookMessageRow, now: datetime) -> bool:
    if msg.status == "pending":
        return msg.next_attempt_at is not None and msg.next_attempt_at <= now
    return msg.status == "sending" and msg.lease_until is not None and msg.lease_until <= now


def _early(msg: WebhookMessageRow, now: datetime) -> Wait | None:
    """A Wait when a timer fired just before the message is due; None for a stray timer."""
    due = msg.next_attempt_at
    if msg.status == "pending" and due is not None and due - now <= EARLY_TOLERANCE:
        return Wait(due, "early")
    return None


def _rate_slot(sub: WebhookSubscriptionRow, msg: WebhookMessageRow, now: datetime) -> datetime | None:
    """Reserve the subscription's next free send slot; the time to wait for, or None to send now."""
    if not sub.rate_limit or (msg.slot_at is not None and msg.slot_at <= now):
        return None
    slot = max(now, sub.next_slot_at or now)
    sub.next_slot_at = slot + timedelta(seconds=1 / sub.rate_limit)
    if slot <= now:
        return None
    msg.slot_at = msg.next_attempt_at = slot
    msg.updated_at = now
    return slot


@dataclass(frozen=True)
class Result:
    outcome: str  # delivered | failed | gone | refused
    status_code: int | None = None
    latency_ms: int | None = None
    excerpt: str | None = None
    error: str | None = None


def send(settings: Settings, c: Claim) -> Result:
    """POST the signed event. The SSRF guard runs again: DNS may have changed since creation,
    and once more on the connection itself (the address it reached), which closes the window
    between this check and requests' own lookup."""
    config = settings.webhooks_out
    allow_private = c.allow_private or config.allow_private
    try:
        check_url(c.url, allow_private=allow_private)
    except UnsafeUrl as exc:
        return Result("refused", error=str(exc))
    stamp = datetime.now(timezone.utc)  # the real time, whatever clock schedules the attempts
    headers = {"content-type": "application/json", "user-agent": "lead-hub-webhooks/1",
               "webhook-id": c.msg_id, "webhook-timestamp": str(int(stamp.timestamp())),
               "webhook-signature": Webhook(c.secret).sign(c.msg_id, stamp, c.body)}
    try:
        posted = post_webhook(c.url, c.body.encode(), headers, config.timeout_seconds,
                              config.response_excerpt_chars, public_only=not allow_private)
    except UnsafeUrl as exc:
        return Result("refused", error=str(exc))
    except UpstreamError as exc:
        return Result("failed", error=str(exc))
    outcome = "delivered" if 200 <= posted.status < 300 else "gone" if posted.status == 410 else "failed"
    return Result(outcome, posted.status, posted.latency_ms, posted.excerpt,
                  None if outcome == "delivered" else f"HTTP {posted.status}")


def record(store: Store, settings: Settings, c: Claim, result: Result, now: datetime) -> datetime | None:
    """Log the attempt and move the message on; returns when to try again (None: no retry)."""
    config = settings.webhooks_out
    with store.transaction() as session:
        sub_id = session.execute(select(WebhookMessageRow.subscription_id)
                                 .where(WebhookMessageRow.id == c.message_id)).scalar_one_or_none()
        if sub_id is None:
            return None  # the subscription was removed meanwhile
        sub = session.get(WebhookSubscriptionRow, sub_id, with_for_update=True)
        msg = session.get(WebhookMessageRow, c.message_id, with_for_update=True, populate_existing=True)
        assert sub is not None and msg is not None
        if result.outcome != "delivered" and sub.failing_since is not None and _idle(session, sub, config, now):
            sub.failing_since = None  # not tried for a long while: "failing non-stop" starts again
        session.add(WebhookAttemptRow(message_id=msg.id, attempted_at=now, outcome=result.outcome,
                                      status_code=result.status_code, latency_ms=result.latency_ms,
                                      response_excerpt=result.excerpt, error=result.error, trigger=c.trigger))
        msg.last_status_code, msg.last_error, msg.lease_until, msg.updated_at = (
            result.status_code, result.error, None, now)
        if result.outcome == "delivered":
            msg.status, msg.delivered_at, msg.next_attempt_at = "delivered", now, None
            sub.failing_since = None
            return None
        if result.outcome == "gone":
            _auto_disable(session, sub, msg, "the endpoint answered 410 Gone", now)
            return None
        sub.failing_since = sub.failing_since or now
        window = timedelta(hours=config.disable_after_failing_hours)
        if now - sub.failing_since >= window:
            _auto_disable(session, sub, msg, f"failing without a success since {sub.failing_since.isoformat()} "
                          f"(more than {config.disable_after_failing_hours:g} h); last error: {result.error}", now)
            return None
        schedule = config.retry_schedule_seconds
        if msg.attempts > len(schedule):
            msg.status, msg.next_attempt_at = "failed", None
            return None
        msg.status = "pending"
        msg.next_attempt_at = now + timedelta(seconds=schedule[msg.attempts - 1])
        return msg.next_attempt_at


def _idle(session: Session, sub: WebhookSubscriptionRow, config: WebhooksOutSettings, now: datetime) -> bool:
    """True when the endpoint had no attempt for longer than the longest retry wait plus an hour."""
    last = session.execute(
        select(func.max(WebhookAttemptRow.attempted_at)).join(
            WebhookMessageRow, WebhookMessageRow.id == WebhookAttemptRow.message_id)
        .where(WebhookMessageRow.subscription_id == sub.id)).scalar_one_or_none()
    longest = timedelta(seconds=max(config.retry_schedule_seconds, default=0)) + timedelta(hours=1)
    return last is None or now - last > longest


def _auto_disable(session: Session, sub: WebhookSubscriptionRow, msg: WebhookMessageRow, reason: str,
                  now: datetime) -> None:
    msg.status, msg.next_attempt_at = "held", None
    mark_disabled(session, sub, reason, auto=True, now=now)
    log.error("ALERT webhook subscription %s (%s) disabled: %s", sub.id, sub.url, reason)


def due_messages(store: Store, now: datetime, grace: timedelta, limit: int = 1000) -> list[int]:
    """Pending messages overdue by more than `grace`, and sends whose lease ran out."""
    with store.sessions() as session:
        return list(session.execute(
            select(WebhookMessageRow.id).where(or_(
                and_(WebhookMessageRow.status == "pending", WebhookMessageRow.next_attempt_at <= now - grace),
                and_(WebhookMessageRow.status == "sending", WebhookMessageRow.lease_until <= now)))
            .order_by(WebhookMessageRow.next_attempt_at).limit(limit)).scalars())


class Outbound:
    """The sink as a process runs it: the periodic pump plus a dispatcher for deliveries."""

    def __init__(self, hub: Hub) -> None:
        self.store, self.settings = hub.store, hub.settings
        config = hub.settings.webhooks_out
        self.dispatcher: Dispatcher = (RQDispatcher(hub.queue.rq) if isinstance(hub.queue, RQQueue)
                                       else LocalDispatcher(self.deliver, config.local_workers))
        self.loop = Sweeper(self.pump, config.poll_interval_seconds)
        self.grace = timedelta(seconds=config.stuck_after_seconds)

    def start(self) -> None:
        self.dispatcher.start()
        try:
            self.pump(grace=timedelta(0))  # whatever an earlier run left due
        except Exception:
            log.warning("webhooks: first pump failed; the loop retries", exc_info=True)
        self.loop.start()

    def stop(self) -> None:
        self.loop.stop()
        self.dispatcher.stop()

    def pump(self, grace: timedelta | None = None) -> int:
        """Fan out new events and hand out what is due; returns how many were handed out."""
        now = _now()
        ids = fan_out(self.store, self.settings.webhooks_out.batch_size)
        fresh = set(ids)
        ids += [i for i in due_messages(self.store, now, self.grace if grace is None else grace) if i not in fresh]
        for message_id in ids:
            self.dispatcher.at(message_id, now)
        return len(ids)

    def deliver(self, message_id: int, now: datetime | None = None) -> str:
        """One attempt at a message, scheduling the next one; returns what happened."""
        now = now or _now()
        taken = claim(self.store, self.settings, message_id, now)
        if taken is None:
            return "skipped"
        if isinstance(taken, Wait):
            self.dispatcher.at(message_id, taken.until)
            return taken.reason
        result = send(self.settings, taken)
        retry_at = record(self.store, self.settings, taken, result, now)
        if retry_at is not None:
            self.dispatcher.at(message_id, retry_at)
        return result.outcome


def deliver_job(message_id: int) -> str:
    """The RQ job: one delivery attempt in the worker's hub."""
    from hub import runtime

    return runtime.current().webhooks_out.deliver(message_id)


class WebhooksCollector:
    """Prometheus figures read from the database (true across every process)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Metric]:
        with self.store.sessions() as session:
            by_status = session.execute(select(WebhookMessageRow.status, func.count())
                                        .group_by(WebhookMessageRow.status)).all()
            endpoints = session.execute(
                select(WebhookSubscriptionRow.enabled, WebhookSubscriptionRow.auto_disabled, func.count())
                .group_by(WebhookSubscriptionRow.enabled, WebhookSubscriptionRow.auto_disabled)).all()
        deliveries = GaugeMetricFamily("hub_webhook_out_deliveries", "Outbound webhook deliveries by status",
                                       labels=["status"])
        for status, count in sorted(by_status):
            deliveries.add_metric([status], count)
        yield deliveries
        states = GaugeMetricFamily(
            "hub_webhook_out_endpoints", "Webhook subscriptions: enabled, disabled by an operator, or "
            "auto_disabled (failing too long or 410 Gone: alert on this)", labels=["state"])
        counts = {"enabled": 0, "disabled": 0, "auto_disabled": 0}
        for enabled, auto, count in endpoints:
            counts["enabled" if enabled else "auto_disabled" if auto else "disabled"] += count
        for state, count in counts.items():
            states.add_metric([state], count)
        yield states
