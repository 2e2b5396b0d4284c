"""The inbox of raw events: stored before the 200, claimed by one worker at a time.

Life of an event: pending -> processing (claimed, leased) -> done | ignored | failed,
or back to pending with a later due_at when a transient error asks for a retry.
"""
from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from typing import Any, NamedTuple

from psycopg.errors import UniqueViolation
from sqlalchemy import Connection, bindparam, func, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from hub.config import QueueSettings
from hub.model import REF_CHARS, RawEvent, stored_id
from hub.store import Store
from hub.store.engine import changed
from hub.store.schema import Base, RawEventRow, WebhookDeliveryRow, table_of
from hub.store.sqlite_rows import insert_rows_ids

MAX_ERROR_CHARS = 2000
ROUTE_CHARS = 128  # raw_events.route


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Accepted(NamedTuple):
    """The answer to put(): the event's id and whether it was a redelivery."""

    event_id: int
    duplicate: bool


def put(
    store: Store,
    *,
    channel: str,
    delivery_key: str,
    body: bytes,
    headers: Mapping[str, str],
    route: str = "",
    queue: QueueSettings,
) -> Accepted:
    """Commit one raw event. A second delivery with the same (channel, key) changes nothing.

    Raises sqlalchemy.exc.OperationalError when the database cannot be reached: the caller
    must then answer 503 so the sender retries.
    """
    item = Item(channel=channel, delivery_key=delivery_key, route=route, body=body, headers=headers)
    return put_batch(store, [item], delivery=None, queue=queue)[0]


class Item(NamedTuple):
    """One event of a batched delivery (a Meta webhook POST carries many). Accepted and Item are
    NamedTuples, not frozen dataclasses: ten of each per Meta delivery, built at half the cost."""

    channel: str
    delivery_key: str
    route: str
    body: bytes
    headers: Mapping[str, str]


def put_batch(store: Store, items: Sequence[Item], *, delivery: Mapping[str, Any] | None,
              queue: QueueSettings, now: datetime | None = None) -> list[Accepted]:
    """Commit every item of one delivery, and the delivery itself, in one transaction.

    Items already stored (same channel and key) are redeliveries: left as they are and
    answered with duplicate=True. Raises sqlalchemy.exc.OperationalError like put().
    `now`: their received_at, when the caller read them earlier (a bulk import parses its rows
    before they are stored, with this time).
    """
    now = now or utcnow()
    rows, keys = _rows(items)
    due_at = now + timedelta(seconds=queue.stuck_after_seconds)
    insert = _insert_postgres if store.is_postgres else _insert_sqlite
    new, old = insert(store, rows, delivery, now, due_at)
    return _answers(keys, new, old)


Ids = dict[tuple[str, str], int]

# One statement committed on its own (autocommit), instead of BEGIN, two INSERTs and COMMIT:
# one round trip to PostgreSQL per webhook instead of four, and a statement with its CTEs
# commits all of it or nothing. The items' short fields travel as one JSON document: its text
# is the same whatever their number, so the statement is prepared once per connection, and
# dumping one string costs a sixth of dumping five arrays (psycopg escapes array items one by
# one). Their bodies travel apart, end to end in one bytea parameter sent in binary (%(bodies)b),
# each cut out by its place and length: bytes neither side escapes nor parses (in hex inside
# the JSON they cost the process their encoding and PostgreSQL's JSON lexer, char by char,
# more than the rest of the statement's parsing). The delivery's body is sent in binary too.
_PG_EVENTS = """
INSERT INTO raw_events (channel, route, delivery_key, headers, body, received_at, status, attempts,
                        due_at, updated_at)
SELECT item.channel, item.route, item.delivery_key, item.headers,
       substring(%(bodies)b FROM item.start FOR item.length), %(now)s, 'pending', 0, %(due_at)s, %(now)s
FROM json_to_recordset(%(items)s::json)
     AS item(channel varchar, route varchar, delivery_key varchar, headers json, start int, length int)
ON CONFLICT (channel, delivery_key) DO NOTHING
RETURNING id, channel, delivery_key
"""
_PG_DELIVERY_AND_EVENTS = """
WITH delivery AS (
    INSERT INTO webhook_deliveries (channel, sha256, headers, body, items, received_at)
    VALUES (%(channel)s, %(sha256)s, %(headers)s::json, %(body)b, %(count)s, %(now)s)
    ON CONFLICT (sha256) DO NOTHING
)""" + _PG_EVENTS
# A webhook delivery is new but for the rare redelivery: first tried without ON CONFLICT, whose
# speculative insertion costs PostgreSQL, per row, a lock, a second look in the unique index and
# one more WAL record (about 8 % of its CPU per 10-item delivery). When the delivery or any item
# is stored already, the statement fails whole (committed on its own: nothing of it stays; the
# server logs the unique violation) and the ON CONFLICT form runs. Not for put_batch without a
# delivery: imports run again and backfills meet what is stored as a matter of course.
_PG_NEW_DELIVERY_AND_EVENTS = (_PG_DELIVERY_AND_EVENTS
                               .replace("ON CONFLICT (sha256) DO NOTHING\n", "")
                               .replace("ON CONFLICT (channel, delivery_key) DO NOTHING\n", ""))
_PG_EXISTING = """
SELECT id, channel, delivery_key FROM raw_events
WHERE (channel, delivery_key) IN (SELECT * FROM unnest(%(channels)s::varchar[], %(keys)s::varchar[]))
"""


def _insert_postgres(store: Store, rows: list[dict[str, Any]], delivery: Mapping[str, Any] | None,
                     now: datetime, due_at: datetime) -> tuple[Ids, Ids]:
    """The new rows' ids and the redelivered ones', from one committed statement (on psycopg
    directly: SQLAlchemy's statement machinery cost more CPU than the insert itself)."""
    items, start = [], 1  # substring() counts from 1
    for r in rows:
        length = len(r["body"])
        items.append({"channel": r["channel"], "route": r["route"], "delivery_key": r["delivery_key"],
                      "headers": r["headers"], "start": start, "length": length})
        start += length
    params: dict[str, Any] = {"now": now, "due_at": due_at, "items": json.dumps(items),
                              "bodies": b"".join(r["body"] for r in rows)}
    statement = _PG_EVENTS
    if delivery is not None:
        statement = _PG_DELIVERY_AND_EVENTS
        params.update(channel=delivery["channel"], sha256=delivery["sha256"], body=delivery["body"],
                      count=delivery["items"], headers=json.dumps(delivery["headers"]))

    def insert(cursor: Any) -> tuple[Ids, Ids]:
        # Run again after a dropped connection, it finds what the first try stored, if anything:
        # those items are then answered as redeliveries (and the sweeper enqueues them).
        stored = None
        if delivery is not None:
            try:
                stored = cursor.execute(_PG_NEW_DELIVERY_AND_EVENTS, params, prepare=True).fetchall()
            except UniqueViolation:  # a redelivery, or an item another delivery brought
                pass
        if stored is None:
            stored = cursor.execute(statement, params, prepare=True).fetchall()
        new = {(channel, key): event_id for event_id, channel, key in stored}
        missing = [(r["channel"], r["delivery_key"]) for r in rows if (r["channel"], r["delivery_key"]) not in new]
        old: Ids = {}
        if missing:
            cursor.execute(_PG_EXISTING, {"channels": [c for c, _ in missing], "keys": [k for _, k in missing]})
            old = {(channel, key): event_id for event_id, channel, key in cursor.fetchall()}
        return new, old

    return store.autocommitted(insert)


def _insert_sqlite(store: Store, rows: list[dict[str, Any]], delivery: Mapping[str, Any] | None,
                   now: datetime, due_at: datetime) -> tuple[Ids, Ids]:
    """The same in one transaction (SQLite has no INSERT in a WITH clause)."""
    with store.transaction() as session:
        return _insert_sqlite_in(session, rows, delivery, now, due_at)


def _insert_sqlite_in(session: Session, rows: list[dict[str, Any]], delivery: Mapping[str, Any] | None,
                      now: datetime, due_at: datetime) -> tuple[Ids, Ids]:
    values = [{**r, "received_at": now, "status": "pending", "attempts": 0, "updated_at": now,
               "due_at": due_at} for r in rows]
    if delivery is not None:
        _insert_new(session, WebhookDeliveryRow, [{**delivery, "received_at": now}], ["sha256"])
    new = {(r.channel, r.delivery_key): r.id
           for r in _insert_new(session, RawEventRow, values, ["channel", "delivery_key"])}
    old = _existing_ids(session, [key for key in ((r["channel"], r["delivery_key"]) for r in rows)
                                  if key not in new])
    return new, old


def put_batch_in(session: Session, items: Sequence[Item], *, queue: QueueSettings,
                 now: datetime | None = None) -> list[Accepted]:
    """put_batch() in the caller's SQLite transaction, without a delivery: stored when it commits
    (a bulk import on SQLite stores a chunk's raw events and processes them in one transaction:
    hub.importer)."""
    now = now or utcnow()
    rows, keys = _rows(items)
    new, old = _insert_sqlite_in(session, rows, None, now, now + timedelta(seconds=queue.stuck_after_seconds))
    return _answers(keys, new, old)


def _rows(items: Sequence[Item]) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The rows to store (one per (channel, key)), and each item's (channel, key)."""
    keys = [(item.channel, stored_id(item.delivery_key, REF_CHARS)) for item in items]
    rows = {key: {"channel": item.channel, "route": stored_id(item.route, ROUTE_CHARS), "delivery_key": key[1],
                  "headers": dict(item.headers), "body": item.body} for key, item in zip(keys, items)}
    return list(rows.values()), keys


def _answers(keys: list[tuple[str, str]], new: Ids, old: Ids) -> list[Accepted]:
    return [Accepted(event_id=new[key], duplicate=False) if key in new else Accepted(event_id=old[key], duplicate=True)
            for key in keys]


def _insert_new(session: Session, table: type[Base], values: list[dict[str, Any]],
                unique: list[str]) -> list[Any]:
    """INSERT ... ON CONFLICT DO NOTHING; the inserted rows' keys."""
    if not values:
        return []
    statement = sqlite.insert(table_of(table)).on_conflict_do_nothing(index_elements=unique)
    connection = session.connection()
    if table is not RawEventRow:
        connection.execute(statement, values)
        return []
    # Row by row on the driver's cursor (hub.store.sqlite_rows): the id of each row stored, none
    # for one already there; what RETURNING gave, at a fraction of SQLAlchemy's CPU per row.
    ids = insert_rows_ids(connection, table_of(table), values, tuple(unique))
    return [_Inserted(event_id, row["channel"], row["delivery_key"])
            for event_id, row in zip(ids, values) if event_id is not None]


class _Inserted(NamedTuple):
    id: int
    channel: str
    delivery_key: str


def _existing_ids(connection: Session | Connection, keys: list[tuple[str, str]]) -> Ids:
    found: Ids = {}
    for channel in {c for c, _ in keys}:
        wanted = [k for c, k in keys if c == channel]
        for event_id, key in connection.execute(
            select(RawEventRow.id, RawEventRow.delivery_key).where(
                RawEventRow.channel == channel, RawEventRow.delivery_key.in_(wanted)
            )
        ):
            found[(channel, key)] = event_id
    return found


def claim(store: Store, event_id: int, queue: QueueSettings) -> bool:
    """Take the event for processing; False if another worker has it or it is finished.

    A compare-and-set update: exactly one of several concurrent claimers sees rowcount 1.
    """
    now = utcnow()
    with store.transaction() as session:
        result = session.execute(
            update(RawEventRow)
            .where(RawEventRow.id == event_id, RawEventRow.status == "pending")
            .values(
                status="processing",
                attempts=RawEventRow.attempts + 1,
                due_at=now + timedelta(seconds=queue.lease_seconds),
                updated_at=now,
            )
        )
        return changed(result) == 1


@dataclass(frozen=True)
class Claimed:
    """An event claim_with_fresh took: `attempts` counts this one (1: its first try)."""

    id: int
    channel: str
    attempts: int


def claim_with_fresh(store: Store, event_id: int, queue: QueueSettings, channels: Collection[str],
                     limit: int) -> list[Claimed]:
    """claim_many_with_fresh() for one event."""
    return claim_many_with_fresh(store, [event_id], queue, channels, limit)


def claim_many_with_fresh(store: Store, event_ids: Sequence[int], queue: QueueSettings,
                          channels: Collection[str], limit: int) -> list[Claimed]:
    """claim() the events, and with them up to `limit` - len(event_ids) other pending events of
    `channels` never tried yet, the longest waiting first; what was claimed (nothing when the
    events are taken or finished and no other waits).

    Committed before any processing, as claim() is: a worker killed afterwards leaves them
    "processing" until their lease runs out, their attempt counted, so an event that kills its
    worker is never taken with fresh ones again. Rows another transaction holds are skipped
    (FOR UPDATE SKIP LOCKED; SQLite runs one writer at a time): that one is claiming or
    finishing them, so no worker ever waits for another here, nor can two deadlock.
    """
    now = utcnow()
    own = sorted(set(event_ids))
    params: dict[str, Any] = {"event_ids": own, "channels": sorted(channels), "more": max(limit - len(own), 0),
              "lease": now + timedelta(seconds=queue.lease_seconds), "now": now}
    if store.is_postgres:  # one statement, committed on its own: one round trip
        with store.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            rows = connection.execute(_PG_CLAIM_WITH_FRESH, params).all()
        return [Claimed(*row) for row in rows]
    events = table_of(RawEventRow)
    claimed = update(events).values(status="processing", attempts=events.c.attempts + 1,
                                    due_at=params["lease"], updated_at=now)
    fresh = (select(events.c.id)
             .where(events.c.status == "pending", events.c.attempts == 0, events.c.channel.in_(params["channels"]),
                    events.c.id.not_in(own))
             .order_by(events.c.due_at).limit(params["more"]))
    returning = (events.c.id, events.c.channel, events.c.attempts)
    with store.transaction() as session:
        connection = session.connection()
        rows = list(connection.execute(claimed.where(events.c.id.in_(own), events.c.status == "pending")
                                       .returning(*returning)))
        rows += connection.execute(claimed.where(events.c.id.in_(fresh.scalar_subquery())).returning(*returning)).all()
    return [Claimed(*row) for row in rows]


_PG_CLAIM_WITH_FRESH = text("""
WITH own AS (
    SELECT id FROM raw_events WHERE id = ANY(CAST(:event_ids AS bigint[])) AND status = 'pending'
    FOR UPDATE SKIP LOCKED
), fresh AS (
    SELECT id FROM raw_events
    WHERE status = 'pending' AND attempts = 0 AND channel = ANY(CAST(:channels AS varchar[]))
      AND id <> ALL(CAST(:event_ids AS bigint[]))
    ORDER BY due_at LIMIT :more FOR UPDATE SKIP LOCKED
)
UPDATE raw_events SET status = 'processing', attempts = attempts + 1, due_at = :lease, updated_at = :now
WHERE id IN (SELECT id FROM own UNION ALL SELECT id FROM fresh)
RETURNING id, channel, attempts
""")


def get_many(session: Session, event_ids: Sequence[int]) -> list[RawEvent]:
    """The events, in the order of event_ids (unknown ids left out)."""
    rows = session.execute(select(RawEventRow).where(RawEventRow.id.in_(event_ids))).scalars()
    events = {row.id: to_raw_event(row) for row in rows}
    return [events[event_id] for event_id in event_ids if event_id in events]


def claim_batch(session: Session, event_ids: Sequence[int], queue: QueueSettings) -> list[RawEvent]:
    """Claim the pending events among event_ids inside the caller's transaction (a bulk
    import processes them in it); the claimed events, in the order of event_ids."""
    claimed = claim_ids(session, event_ids, queue)
    rows = session.execute(select(RawEventRow).where(RawEventRow.id.in_(claimed))).scalars()
    events = {row.id: to_raw_event(row) for row in rows}
    return [events[event_id] for event_id in event_ids if event_id in events]


def claim_ids(session: Session, event_ids: Sequence[int], queue: QueueSettings) -> set[int]:
    """claim_batch() without reading the events back: the ids claimed."""
    now = utcnow()
    return set(session.execute(
        update(RawEventRow)
        .where(RawEventRow.id.in_(event_ids), RawEventRow.status == "pending")
        .values(status="processing", attempts=RawEventRow.attempts + 1,
                due_at=now + timedelta(seconds=queue.lease_seconds), updated_at=now)
        .returning(RawEventRow.id)
    ).scalars())


def get(session: Session, event_id: int) -> RawEvent:
    row = session.get(RawEventRow, event_id)
    if row is None:
        raise LookupError(f"raw event {event_id} does not exist")
    return to_raw_event(row)


def to_raw_event(row: RawEventRow) -> RawEvent:
    return RawEvent(
        id=row.id,
        channel=row.channel,
        delivery_key=row.delivery_key,
        route=row.route,
        headers=row.headers,
        body=row.body,
        received_at=row.received_at,
        status=row.status,  # type: ignore[arg-type]
        attempts=row.attempts,
        last_error=row.last_error,
    )


def finish(session: Session, event_id: int, status: str, error: str | None = None) -> None:
    """Close an event inside the caller's transaction (done / ignored / failed)."""
    now = utcnow()
    session.execute(
        update(RawEventRow)
        .where(RawEventRow.id == event_id)
        .values(status=status, last_error=_clip(error), due_at=now, updated_at=now)
    )


def finish_many(session: Session, outcomes: Sequence[tuple[int, str, str | None]]) -> None:
    """finish() for many (event id, status, error) at once (one statement)."""
    if not outcomes:
        return
    now = utcnow()
    session.connection().execute(
        update(table_of(RawEventRow))
        .where(table_of(RawEventRow).c.id == bindparam("event_id"))
        .values(status=bindparam("new_status"), last_error=bindparam("error"), due_at=now, updated_at=now),
        [{"event_id": e, "new_status": s, "error": _clip(err)} for e, s, err in outcomes],
    )


def release(session: Session, event_ids: Sequence[int]) -> None:
    """Put claimed events back to pending at once (another path will process them)."""
    if event_ids:
        session.execute(update(RawEventRow).where(RawEventRow.id.in_(event_ids))
                        .values(status="pending", due_at=utcnow(), updated_at=utcnow()))


def retry_later(store: Store, event_id: int, error: str, queue: QueueSettings,
                retry_after: float | None = None) -> str:
    """Record a transient failure: pending again after a backoff, or failed when out of tries.

    `retry_after` (seconds: the upstream said how long to wait) lengthens the backoff.
    Returns the new status.
    """
    now = utcnow()
    with store.transaction() as session:
        attempts = session.execute(
            select(RawEventRow.attempts).where(RawEventRow.id == event_id)
        ).scalar_one()
        if attempts >= queue.max_attempts:
            finish(session, event_id, "failed", f"gave up after {attempts} attempts: {error}")
            return "failed"
        delay = max(queue.backoff_seconds[min(attempts, len(queue.backoff_seconds)) - 1],
                    retry_after or 0)
        session.execute(
            update(RawEventRow)
            .where(RawEventRow.id == event_id)
            .values(
                status="pending",
                last_error=_clip(error),
                due_at=now + timedelta(seconds=delay),
                updated_at=now,
            )
        )
        return "pending"


def due_for_sweep(store: Store, queue: QueueSettings, limit: int = 500) -> list[int]:
    """Events to (re-)enqueue now: pending ones nobody picked up in time, and processing ones
    whose worker's lease ran out (it died). Their due_at moves on so the next sweep skips them.
    """
    now = utcnow()
    with store.transaction() as session:
        session.execute(
            update(RawEventRow)
            .where(RawEventRow.status == "processing", RawEventRow.due_at <= now)
            .values(status="pending", last_error="worker lease expired", updated_at=now)
        )
        ids = list(
            session.execute(
                select(RawEventRow.id)
                .where(RawEventRow.status == "pending", RawEventRow.due_at <= now)
                .order_by(RawEventRow.due_at)
                .limit(limit)
            ).scalars()
        )
        if ids:
            session.execute(
                update(RawEventRow)
                .where(RawEventRow.id.in_(ids))
                .values(due_at=now + timedelta(seconds=queue.stuck_after_seconds))
            )
        return ids


def reset_for_replay(
    store: Store,
    *,
    statuses: Sequence[str],
    since: datetime | None = None,
    channel: str | None = None,
    event_ids: Sequence[int] = (),
) -> list[int]:
    """Put finished events back to pending so they run again; returns their ids.

    Purged events (retention or erasure emptied their bytes) have nothing left to run.
    """
    now = utcnow()
    query = select(RawEventRow.id).where(RawEventRow.status.in_(statuses), RawEventRow.purged_at.is_(None))
    if since is not None:
        query = query.where(RawEventRow.received_at >= since)
    if channel is not None:
        query = query.where(RawEventRow.channel == channel)
    if event_ids:
        query = query.where(RawEventRow.id.in_(event_ids))
    with store.transaction() as session:
        ids = list(session.execute(query.order_by(RawEventRow.id)).scalars())
        for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
            session.execute(
                update(RawEventRow)
                .where(RawEventRow.id.in_(chunk))
                .values(status="pending", attempts=0, due_at=now, updated_at=now)
            )
    return ids


def counts(store: Store) -> dict[tuple[str, str], int]:
    """Number of events per (channel, status)."""
    with store.sessions() as session:
        rows = session.execute(
            select(RawEventRow.channel, RawEventRow.status, func.count()).group_by(
                RawEventRow.channel, RawEventRow.status
            )
        )
        return {(channel, status): n for channel, status, n in rows}


def oldest_pending(store: Store) -> datetime | None:
    """When the oldest unfinished event was received (for the processing-lag metric)."""
    with store.sessions() as session:
        return session.execute(
            select(func.min(RawEventRow.received_at)).where(
                RawEventRow.status.in_(("pending", "processing"))
            )
        ).scalar_one()


def _clip(error: str | None) -> str | None:
    return None if error is None else error[:MAX_ERROR_CHARS]
