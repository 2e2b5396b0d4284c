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

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from hub.store import Store
from hub.store.engine import changed
from hub.store.schema import RawEventRow, WebhookDeliveryRow

FINISHED = ("done", "ignored")
DELIVERY_HEADER = "X-Hub-Delivery-Sha256"
Progress = Callable[[str, int], None]  # (table, rows done in this batch)


@dataclass
class PurgeCounts:
    raw_events: int = 0
    webhook_deliveries: int = 0


def _purgeable(cutoff: datetime) -> tuple[Any, ...]:
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
    # Walk the primary key in windows of `batch` ids: each step is a short range scan, where
    # "the next N matching rows in id order" would make the database sort every match each time.
    for low, high in _windows(store, RawEventRow.id, _purgeable(cutoff), batch):
        with store.transaction() as session:
            # The status is checked in the update itself: an event replayed meanwhile is skipped.
            emptied = changed(session.execute(
                update(RawEventRow).where(RawEventRow.id > low, RawEventRow.id <= high, *_purgeable(cutoff))
                .values(body=b"", headers={}, purged_at=datetime.now(timezone.utc))))
        done.raw_events += emptied
        if progress and emptied:
            progress("raw_events", emptied)
    done.webhook_deliveries = _delete_deliveries(store, cutoff, batch, progress)
    return done


def _windows(store: Store, column: Any, where: Sequence[Any], size: int) -> Iterator[tuple[int, int]]:
    """(low, high] id windows covering every row matching `where`."""
    with store.sessions() as session:
        first, last = session.execute(select(func.min(column), func.max(column)).where(*where)).one()
    if first is None:
        return
    for low in range(first - 1, last, size):
        yield low, min(low + size, last)


def _delete_deliveries(store: Store, cutoff: datetime, batch: int, progress: Progress | None) -> int:
    with store.sessions() as session:
        pinned = _pinned_deliveries(session, cutoff)
    deleted = 0
    old = (WebhookDeliveryRow.received_at < cutoff,)
    for low, high in _windows(store, WebhookDeliveryRow.id, old, batch):
        with store.transaction() as session:
            rows = session.execute(select(WebhookDeliveryRow.id, WebhookDeliveryRow.sha256).where(
                WebhookDeliveryRow.id > low, WebhookDeliveryRow.id <= high, *old)).all()
            doomed = [row.id for row in rows if row.sha256 not in pinned]
            if doomed:
                session.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.id.in_(doomed)))
        deleted += len(doomed)
        if progress and doomed:
            progress("webhook_deliveries", len(doomed))
    return deleted
