"""Retention: empty old raw requests that are fully processed (`hub purge --older-than 90d`).

What a lead still needs from its raw event is the row, not the bytes: the lead row holds the
normalized data, `leads.raw_event_id` must keep resolving, and `(channel, delivery_key)` must
stay so a redelivery of an old event is still recognised and stored nothing. So a purge keeps
the row (id, channel, route, delivery key, status, times, attempts, last error) and replaces
`body` with b"" and `headers` with {}, setting `purged_at`; a purged event cannot be replayed.
Only `done` and `ignored` events are purged: `pending`, `processing`, `failed` and
`needs_token` ones are still work to do and keep their bytes whatever their age.

Batched Meta deliveries (`webhook_deliveries`, kept only to re-verify signatures) older than
the cutoff are deleted, except one an unfinished event still points at.
Every step is a short transaction of at most `batch` rows, so a big table is never locked long.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from hub.store import Store
from hub.store.schema import RawEventRow, WebhookDeliveryRow

FINISHED = ("done", "ignored")
DELIVERY_HEADER = "X-Hub-Delivery-Sha256"
Progress = Callable[[str, int], None]  # (table, rows done in this batch)


@dataclass
class PurgeCounts:
    raw_events: int = 0
    webhook_deliveries: int = 0


def _purgeable(cutoff: datetime):  # type: ignore[no-untyped-def]
    return (RawEventRow.received_at < cutoff, RawEventRow.status.in_(FINISHED),
            RawEventRow.purged_at.is_(None))


def _pinned_deliveries(session: Session, cutoff: datetime) -> set[str]:
    """Deliveries an unfinished event still names (their items were received with them)."""
    query = select(RawEventRow.headers).where(
        RawEventRow.status.not_in(FINISHED), RawEventRow.received_at < cutoff + timedelta(days=1))
    return {h[DELIVERY_HEADER] for h in session.execute(query).scalars() if h and DELIVERY_HEADER in h}


def count(store: Store, cutoff: datetime) -> PurgeCounts:
    """What a purge with this cutoff would remove (for --dry-run)."""
    with store.sessions() as session:
        events = session.execute(select(func.count()).select_from(RawEventRow).where(*_purgeable(cutoff))).scalar_one()
        pinned = _pinned_deliveries(session, cutoff)
        shas = session.execute(select(WebhookDeliveryRow.sha256).where(WebhookDeliveryRow.received_at < cutoff)).scalars()
        return PurgeCounts(events, sum(1 for sha in shas if sha not in pinned))


def purge(store: Store, cutoff: datetime, *, batch: int = 1000, progress: Progress | None = None) -> PurgeCounts:
    """Empty finished raw events received before `cutoff` and delete old deliveries."""
    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch!r}")
    done = PurgeCounts()
    after = 0
    while True:
        with store.transaction() as session:
            ids = list(session.execute(
                select(RawEventRow.id).where(*_purgeable(cutoff), RawEventRow.id > after)
                .order_by(RawEventRow.id).limit(batch)).scalars())
            if not ids:
                break
            # The status is checked again in the update: an event replayed meanwhile is skipped.
            result = session.execute(
                update(RawEventRow).where(RawEventRow.id.in_(ids), *_purgeable(cutoff))
                .values(body=b"", headers={}, purged_at=datetime.now(timezone.utc)))
        after = ids[-1]
        done.raw_events += result.rowcount
        if progress:
            progress("raw_events", result.rowcount)
    done.webhook_deliveries = _delete_deliveries(store, cutoff, batch, progress)
    return done


def _delete_deliveries(store: Store, cutoff: datetime, batch: int, progress: Progress | None) -> int:
    with store.sessions() as session:
        pinned = _pinned_deliveries(session, cutoff)
    deleted, after = 0, 0
    while True:
        with store.transaction() as session:
            rows = session.execute(
                select(WebhookDeliveryRow.id, WebhookDeliveryRow.sha256)
                .where(WebhookDeliveryRow.received_at < cutoff, WebhookDeliveryRow.id > after)
                .order_by(WebhookDeliveryRow.id).limit(batch)).all()
            if not rows:
                return deleted
            doomed = [row.id for row in rows if row.sha256 not in pinned]
            if doomed:
                session.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.id.in_(doomed)))
        after = rows[-1].id
        deleted += len(doomed)
        if progress:
            progress("webhook_deliveries", len(doomed))
