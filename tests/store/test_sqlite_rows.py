"""hub.store.sqlite_rows stores exactly what SQLAlchemy's own INSERT stores, and gives the ids
RETURNING gives."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hub.store import Store
from hub.store.migrate import upgrade
from hub.store.schema import ContactRow, LeadRow, OutboxRow, RawEventRow
from hub.store.sqlite_rows import insert_rows, insert_rows_ids

NOW = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=timezone.utc)
ICT = timezone(timedelta(hours=7))


def _store(tmp_path: Path, name: str) -> tuple[Store, Path]:
    path = tmp_path / f"{name}.db"
    upgrade(f"sqlite:///{path}")
    return Store(f"sqlite:///{path}"), path


def _rows(path: Path, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:  # the stored values, as SQLite holds them
        return connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()  # noqa: S608


def _contacts() -> list[dict[str, object]]:
    base = {column.key: None for column in ContactRow.__table__.columns}
    return [{**base, "id": f"c{i}", "name": f"Nguyễn Văn {i}", "attributes": {"nguồn": "Zalo", "n": i},
             "version": 1, "name_is_personal": True, "name_family_last": i == 1, "created_at": NOW,
             "updated_at": NOW + timedelta(seconds=i)}
            for i in range(3)]


def _leads() -> list[dict[str, object]]:
    return [{"raw_event_id": None, "contact_id": f"c{i}", "channel": "import", "source_ref": f"f.xlsx#{i}",
             "captured_at": datetime(2025, 1, 2, 3, 4, 5, tzinfo=ICT) if i else NOW,
             "data": {"name": {"display": "Lê Thị Hoa"}, "phones": [], "i": i}, "attribution": {"channel": "import"},
             "decision": {"action": "new", "score": 1.5}, "created_at": NOW} for i in range(3)]


def _outbox() -> list[dict[str, object]]:
    return [{"event_id": f"evt_{i}", "type": "contact.created", "contact_id": f"c{i}", "contact_version": 1,
             "payload": {"contact": {"id": f"c{i}", "tên": "Hoà", "score": 0.1 + i}}, "created_at": NOW}
            for i in range(3)]


def test_rows_are_stored_as_sqlalchemy_stores_them(tmp_path: Path) -> None:
    ours, our_path = _store(tmp_path, "ours")
    theirs, their_path = _store(tmp_path, "theirs")
    with ours.transaction() as session:
        connection = session.connection()
        insert_rows(connection, ContactRow.__table__, _contacts())
        ids = insert_rows_ids(connection, LeadRow.__table__, _leads())
        insert_rows(connection, OutboxRow.__table__, _outbox())
    with theirs.transaction() as session:
        connection = session.connection()
        connection.execute(ContactRow.__table__.insert(), _contacts())
        leads = LeadRow.__table__
        returned = connection.execute(leads.insert().returning(leads.c.id, sort_by_parameter_order=True),
                                      _leads()).scalars().all()
        connection.execute(OutboxRow.__table__.insert(), _outbox())
    assert ids == returned
    for table in ("contacts", "leads", "outbox"):
        assert _rows(our_path, table) == _rows(their_path, table)
        assert len(_rows(our_path, table)) == 3


def test_ignored_conflicts_give_no_id(tmp_path: Path) -> None:
    store, path = _store(tmp_path, "hub")
    event = {"channel": "import", "route": "", "delivery_key": "k1", "headers": {}, "body": b"{}",
             "received_at": NOW, "status": "pending", "attempts": 0, "updated_at": NOW, "due_at": NOW}
    with store.transaction() as session:
        first = insert_rows_ids(session.connection(), RawEventRow.__table__, [event],
                                ignore_conflicts_on=("channel", "delivery_key"))
    with store.transaction() as session:
        again = insert_rows_ids(session.connection(), RawEventRow.__table__,
                                [{**event, "delivery_key": "k2"}, event, {**event, "delivery_key": "k3"}],
                                ignore_conflicts_on=("channel", "delivery_key"))
    assert first == [1] and again[1] is None and again[0] is not None and again[2] == again[0] + 1
    assert [row[3] for row in _rows(path, "raw_events")] == ["k1", "k2", "k3"]


def test_rows_leaving_out_a_defaulted_column_go_through_sqlalchemy(tmp_path: Path) -> None:
    store, path = _store(tmp_path, "hub")
    event = {"channel": "import", "delivery_key": "k1", "headers": {}, "body": b"{}",  # no route, status, attempts
             "received_at": NOW, "updated_at": NOW, "due_at": NOW}
    with store.transaction() as session:
        insert_rows(session.connection(), RawEventRow.__table__, [event])
        with pytest.raises(ValueError, match="leave out"):
            insert_rows_ids(session.connection(), RawEventRow.__table__, [{**event, "delivery_key": "k2"}])
    stored = _rows(path, "raw_events")
    assert len(stored) == 1 and "pending" in stored[0]  # SQLAlchemy filled in the defaults


def test_driver_errors_are_raised_as_sqlalchemy_raises_them(tmp_path: Path) -> None:
    """Callers catch sqlalchemy.exc errors (the ingest answers 503 on an OperationalError)."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    store, path = _store(tmp_path, "hub")
    with pytest.raises(IntegrityError):
        with store.transaction() as session:
            insert_rows(session.connection(), ContactRow.__table__, _contacts() + _contacts())
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE leads RENAME TO leads_away")
    with pytest.raises(OperationalError):
        with store.transaction() as session:
            insert_rows_ids(session.connection(), LeadRow.__table__, _leads())
