"""Many rows INSERTed on SQLite through the driver's cursor (sqlite3 executemany, or one execute
per row when each row's id is wanted), their values bound by the very processors SQLAlchemy
compiles for the statement: the same stored values as `connection.execute(table.insert(), rows)`
without SQLAlchemy's per-row statement machinery, which cost a bulk import more CPU than SQLite
took to store the rows.

In the caller's transaction (the session's connection: BEGIN IMMEDIATE holds the write lock, so
the ids SQLite hands out are the ones an INSERT ... RETURNING would have read). A statement whose
rows leave out a column SQLAlchemy would fill with a default goes through SQLAlchemy as before.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Callable, NamedTuple, cast

from sqlalchemy import JSON, Connection, Table, bindparam
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError


class Dumped:
    """A JSON column's value already serialized as SQLAlchemy serializes it for SQLite (json.dumps,
    the engine having no json_serializer of its own): bound as it is. A bulk import serializes its
    leads' data in its second process (hub.importer.feed)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Plan(NamedTuple):
    sql: str
    columns: tuple[str, ...]  # in the statement's order
    processors: tuple[Callable[[Any], Any] | None, ...]  # per column
    dumped: tuple[bool, ...]  # per column: a Dumped value may be bound as its text (a JSON column)


_PLANS: dict[tuple[str, tuple[str, ...], tuple[str, ...] | None], _Plan | None] = {}


def _plan(connection: Connection, table: Table, columns: tuple[str, ...],
          ignore_conflicts_on: tuple[str, ...] | None) -> _Plan | None:
    key = (table.name, columns, ignore_conflicts_on)
    if key not in _PLANS:
        statement = sqlite.insert(table).values({name: bindparam(name) for name in columns})
        if ignore_conflicts_on is not None:
            statement = statement.on_conflict_do_nothing(index_elements=list(ignore_conflicts_on))
        compiled = statement.compile(dialect=connection.dialect)
        order = tuple(compiled.positiontup or ())
        if sorted(order) != sorted(columns):  # a default SQLAlchemy would fill in: not ours to mimic
            _PLANS[key] = None
        else:
            # What SQLAlchemy binds them with: one callable per column for a single-row INSERT.
            processors = cast(Mapping[str, Callable[[Any], Any] | None], compiled._bind_processors)  # noqa: SLF001
            plain_json = connection.dialect._json_serializer is None  # type: ignore[attr-defined]  # noqa: SLF001
            _PLANS[key] = _Plan(compiled.string, order, tuple(processors.get(name) for name in order),
                                tuple(plain_json and isinstance(table.c[name].type, JSON) for name in order))
    return _PLANS[key]


def _bound(plan: _Plan, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows' values as the driver gets them. A value shared by many rows (a batch's `now`) is
    processed once."""
    columns = plan.columns
    done: list[tuple[Any, Any]] = [(_NOTHING, None)] * len(columns)
    bound = []
    for row in rows:
        values = []
        for index, (name, processor) in enumerate(zip(columns, plan.processors)):
            value = row[name]
            if type(value) is Dumped:
                if not plan.dumped[index]:
                    raise TypeError(f"{name}: a Dumped value for a column that is not JSON")
                value = value.text
            elif processor is not None and value is not None:
                last, processed = done[index]
                if value is not last:
                    processed = processor(value)
                    done[index] = (value, processed)
                value = processed
            values.append(value)
        bound.append(tuple(values))
    return bound


_NOTHING = object()


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT the rows (dicts with the same keys)."""
    if not rows:
        return
    columns = tuple(rows[0])
    plan = _plan(connection, table, columns, None)
    if plan is None:
        connection.execute(table.insert(), [loaded(row) for row in rows])
        return
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(plan.sql, _bound(plan, rows))
    except connection.dialect.loaded_dbapi.Error as exc:
        raise _wrapped(connection, plan, exc) from exc
    finally:
        cursor.close()


def loaded(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row with its Dumped values read back (for statements SQLAlchemy binds itself)."""
    return {name: json.loads(value.text) if type(value) is Dumped else value for name, value in row.items()}


def insert_rows_ids(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]],
                    ignore_conflicts_on: tuple[str, ...] | None = None) -> list[int | None]:
    """INSERT the rows one statement each; the id SQLite gave each row, in their order (None for
    a row left out by ON CONFLICT (ignore_conflicts_on) DO NOTHING)."""
    if not rows:
        return []
    columns = tuple(rows[0])
    plan = _plan(connection, table, columns, ignore_conflicts_on)
    if plan is None:
        raise ValueError(f"{table.name}: rows of columns {columns} leave out a column with a default")
    cursor = connection.connection.cursor()
    ids: list[int | None] = []
    try:
        for values in _bound(plan, rows):
            cursor.execute(plan.sql, values)
            ids.append(cursor.lastrowid if cursor.rowcount == 1 else None)
    except connection.dialect.loaded_dbapi.Error as exc:
        raise _wrapped(connection, plan, exc) from exc
    finally:
        cursor.close()
    return ids


def _wrapped(connection: Connection, plan: _Plan, error: Exception) -> Exception:
    """The driver's error as SQLAlchemy raises it (sqlalchemy.exc.OperationalError, IntegrityError...):
    callers handle those, as they did when SQLAlchemy ran the statement."""
    return DBAPIError.instance(plan.sql, None, error, connection.dialect.loaded_dbapi.Error,
                               hide_parameters=True, dialect=connection.dialect)
