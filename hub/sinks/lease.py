"""One publisher at a time per sink, across every `hub worker` and `hub serve` process.

PostgreSQL: a session-level advisory lock (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS)
held on a connection of its own for the length of one pass; if the process dies, the server
drops the connection and the lock with it. SQLite (embedded mode) has one process, so a lock
in this process, one per database, is enough.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from hub.store import Store

_local_locks: dict[tuple[str, str], threading.Lock] = {}
_local_guard = threading.Lock()


@contextmanager
def lease(store: Store, name: str) -> Iterator[bool]:
    """Yield True while this caller alone holds the lease `name`, False when another holds it."""
    if store.is_postgres:
        with _pg_lease(store, name) as held:
            yield held
        return
    lock = _local_lock(str(store.engine.url), name)
    held = lock.acquire(blocking=False)
    try:
        yield held
    finally:
        if held:
            lock.release()


@contextmanager
def _pg_lease(store: Store, name: str) -> Iterator[bool]:
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
    conn = store.engine.connect()
    held = False
    try:
        held = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar_one())
        conn.commit()  # the lock outlives the transaction; the connection must not idle in one
        yield held
    finally:
        if held:
            _unlock(conn, key)
        conn.close()


def _unlock(conn: Connection, key: int) -> None:
    try:
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        conn.commit()
    except SQLAlchemyError:
        conn.invalidate()  # closing the connection is what releases the lock then


def _local_lock(url: str, name: str) -> threading.Lock:
    with _local_guard:
        return _local_locks.setdefault((url, name), threading.Lock())
