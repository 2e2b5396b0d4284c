"""Engine and transactions for SQLite (embedded) and PostgreSQL (production)."""
from __future__ import annotations

import hashlib
import os
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Engine, Result, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 30_000


def database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever driver the URL names (or none)."""
    for prefix in ("postgresql+psycopg2://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str) -> Engine:
    """An engine configured for the pipeline's concurrency rules on either database."""
    url = database_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True)


def _sqlite_engine(url: str) -> Engine:
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                           hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL, not WAL's usual NORMAL: a webhook is answered 200 only after its commit, so the
        # commit must survive a power loss too (https://www.sqlite.org/pragma.html#pragma_synchronous).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers are serialised: BEGIN IMMEDIATE takes the write lock up front, so two
        # workers can never both decide "new contact" for the same person.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Store:
    """The database: sessions, transactions and the locks the pipeline relies on."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._own = threading.local()  # each thread's autocommit connection (see autocommitted)
        self._owned: weakref.WeakSet[_Own] = weakref.WeakSet()
        self._own_lock = threading.Lock()

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any exception."""
        with self.sessions() as session, session.begin():
            yield session

    def ping(self) -> None:
        """Raise if the database cannot be reached."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
        with self._own_lock:
            owned, self._owned = list(self._owned), weakref.WeakSet()
        for own in owned:
            own.close()

    def autocommitted(self, work: Callable[[Any], T]) -> T:
        """work(cursor) on a raw psycopg cursor (PostgreSQL only) whose every statement commits
        on its own: the webhook path, one statement and one round trip per request.

        Each thread keeps one connection of its own for this, open from one call to the next,
        and one cursor on it: no pool checkout and return per request, no ping before use (a
        round trip each time), and no new cursor per call (each new psycopg cursor copies the
        connection's adapters: that cost the process about as much CPU as running a small
        prepared statement). `work` gets the same cursor every time and must not keep it.
        When the connection turns out dead (PostgreSQL restarted, the network cut), a new one
        is made and `work` runs once more on it: so `work` must be safe to run twice
        (idempotent statements). Any database error is raised as SQLAlchemy's
        (sqlalchemy.exc.OperationalError when the database cannot be reached).
        """
        dialect = self.engine.dialect
        error = dialect.loaded_dbapi.Error
        for attempt in (1, 2):
            own = self._own_connection(error)
            connection = own.connection
            try:
                return work(own.cursor)
            except error as exc:
                dead = dialect.is_disconnect(exc, connection, None)
                if dead or connection.info.transaction_status != _IDLE:
                    self._forget(own)
                if attempt == 1 and dead:
                    continue
                raise DBAPIError.instance(None, None, exc, error) from exc
            except BaseException:
                if connection.info.transaction_status != _IDLE:  # interrupted mid-statement
                    self._forget(own)
                raise
        raise AssertionError("unreachable")

    def _own_connection(self, error: type[Exception]) -> _Own:
        """This thread's autocommit connection, made on first use (and after a fork or a
        dead one). Raises DBAPIError when the database cannot be reached."""
        own: _Own | None = getattr(self._own, "value", None)
        if own is not None and own.pid == os.getpid() and not own.connection.closed:
            return own
        dialect = self.engine.dialect
        cargs, cparams = dialect.create_connect_args(self.engine.url)
        try:
            connection = dialect.connect(*cargs, **cparams)
        except error as exc:  # cannot connect
            raise DBAPIError.instance(None, None, exc, error) from exc
        connection.autocommit = True
        own = _Own(connection)
        self._own.value = own
        with self._own_lock:
            self._owned.add(own)
        return own

    def _forget(self, own: _Own) -> None:
        if getattr(self._own, "value", None) is own:
            del self._own.value
        own.close()


_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE: no transaction open, nothing running
_INHERITED: list[Any] = []  # a parent's connections found after a fork: never closed here


class _Own:
    """A thread's autocommit connection; closed when the thread ends or the store is disposed.

    A forked child must neither use nor close its parent's connections (closing one ends the
    parent's session on the server): they are kept, untouched, in _INHERITED.
    """

    __slots__ = ("connection", "cursor", "pid", "__weakref__")

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.cursor = connection.cursor()
        self.pid = os.getpid()

    def close(self) -> None:
        if self.pid == os.getpid():
            try:
                self.connection.close()
            except Exception:  # noqa: BLE001 - a connection that cannot close cleanly is gone anyway
                pass
        else:
            _INHERITED.append(self.connection)

    def __del__(self) -> None:  # the thread ended
        self.close()


LOCK = "SELECT pg_advisory_xact_lock(k) FROM (SELECT unnest(CAST(%s AS bigint[])) AS k ORDER BY 1) AS s"


def lock_keys(session: Session, keys: Iterable[str]) -> None:
    """Hold a transaction-scoped lock on each key (PostgreSQL advisory locks).

    Keys are locked in sorted order so two transactions can never deadlock on them. On SQLite
    the whole transaction already holds the database write lock (BEGIN IMMEDIATE).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    ids = lock_ids(keys)
    if ids:
        with driver_connection(session).cursor() as cursor:
            cursor.execute(LOCK, (ids,))


def lock_ids(keys: Iterable[str]) -> list[int]:
    """The advisory lock ids of the keys, sorted (the order LOCK takes them in)."""
    return sorted({_lock_id(key) for key in keys})


def changed(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE changed: Session.execute gives a CursorResult for them,
    which its signature calls a Result."""
    return cast(CursorResult[Any], result).rowcount


def driver_connection(session: Session) -> Any:
    """The session's psycopg connection, inside the session's transaction (begun if need be).

    For a few fixed statements run for every lead: psycopg prepares them on the server after
    a few runs, and they skip SQLAlchemy's work around each statement (building, caching,
    compiling, result objects), which cost a decision more than the database did.
    """
    return session.connection().connection.driver_connection


def _lock_id(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)
