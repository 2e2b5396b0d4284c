"""Store.autocommitted: the webhook path's own connection per thread, kept between calls and
replaced when it turns out dead; database errors come out as SQLAlchemy's."""
from __future__ import annotations

import os
import threading
from typing import Any

import psycopg
import pytest
from sqlalchemy.exc import DataError, OperationalError

from hub.store import Store


def _backend(store: Store) -> int:
    return int(store.autocommitted(lambda cursor: cursor.execute("SELECT pg_backend_pid()").fetchone()[0]))


def _terminate(url: str, pid: int) -> None:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))


@pytest.fixture
def store(pg_only_url: str):  # type: ignore[no-untyped-def]
    store = Store(pg_only_url)
    yield store
    store.dispose()


def test_a_thread_keeps_its_connection_and_another_thread_gets_its_own(store):
    first = _backend(store)
    assert _backend(store) == first
    other: list[int] = []
    thread = threading.Thread(target=lambda: other.append(_backend(store)))
    thread.start()
    thread.join()
    assert other and other[0] != first
    assert _backend(store) == first


def test_a_dead_connection_is_replaced_and_the_work_runs_once_more(store, pg_only_url):
    first = _backend(store)
    _terminate(pg_only_url, first)  # as a PostgreSQL restart would
    runs: list[int] = []

    def work(cursor: Any) -> int:
        runs.append(1)
        return int(cursor.execute("SELECT pg_backend_pid()").fetchone()[0])

    assert store.autocommitted(work) != first
    assert len(runs) == 2


def test_a_statement_error_is_sqlalchemys_and_the_connection_stays_usable(store):
    first = _backend(store)
    with pytest.raises(DataError):
        store.autocommitted(lambda cursor: cursor.execute("SELECT 1 / 0"))
    assert _backend(store) == first


def test_an_unreachable_database_is_an_operational_error():
    with pytest.raises(OperationalError):
        Store("postgresql://postgres@127.0.0.1:9/nowhere").autocommitted(lambda cursor: None)


def test_dispose_closes_the_connections_and_the_next_call_makes_a_new_one(store):
    first = _backend(store)
    store.dispose()
    assert _backend(store) != first


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_a_forked_child_makes_its_own_connection_and_leaves_the_parents_alone(store):
    parent = _backend(store)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its backend, then drop everything it inherited
        try:
            os.write(write, str(_backend(store)).encode())
            store.dispose()
        finally:
            os._exit(0)
    os.close(write)
    child = int(os.read(read, 64))
    os.waitpid(pid, 0)
    assert child != parent
    assert _backend(store) == parent  # still open: the child neither used nor closed it


def test_a_thread_reuses_its_cursor_and_a_failed_statement_leaves_it_usable(store):
    cursors: list[Any] = []

    def work(cursor: Any) -> int:
        cursors.append(cursor)
        return int(cursor.execute("SELECT %s::int + 1", (len(cursors),)).fetchone()[0])

    assert store.autocommitted(work) == 2
    with pytest.raises(DataError):
        store.autocommitted(lambda cursor: cursors.append(cursor) or cursor.execute("SELECT 1 / 0"))
    assert store.autocommitted(work) == 4
    assert cursors[0] is cursors[1] is cursors[2]
