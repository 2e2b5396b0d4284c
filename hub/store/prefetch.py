"""What a batch of leads reads before it is decided (hub.store.bulk): one query per kind of
row for the whole batch, as plain rows, instead of find_candidates' queries per lead (the
candidates themselves are read with hub.store.contacts.candidates_by_id, as find_candidates does)."""
from __future__ import annotations

import json
from collections.abc import Collection

from sqlalchemy import BindParameter, ColumnElement, bindparam, func, literal_column, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from hub.model import Lead
from hub.store import candidate_rows
from hub.store.contacts import HOT_KEY_LIMIT
from hub.store.engine import driver_connection
from hub.store.schema import LeadRow, MatchKeyRow


def among(session: Session, column: ColumnElement[str] | InstrumentedAttribute[str],
          values: Collection[str]) -> ColumnElement[bool]:
    """`column IN values`. On SQLite the values travel as one JSON array read by json_each: an
    IN list is a bound parameter per value, which SQLAlchemy spends longer building than SQLite
    spends on the query (thousands of keys per import batch)."""
    if session.get_bind().dialect.name != "sqlite":
        return column.in_(values)
    array: BindParameter[str] = bindparam(None, json.dumps(list(values), ensure_ascii=False))
    return column.in_(select(literal_column("value")).select_from(func.json_each(array)))


def stored_refs(session: Session, leads: list[Lead]) -> set[tuple[str, str]]:
    """The leads' (channel, source_ref)s already stored."""
    by_channel: dict[str, set[str]] = {}
    for lead in leads:
        by_channel.setdefault(lead.channel, set()).add(lead.source_ref)
    found: set[tuple[str, str]] = set()
    for channel, refs in by_channel.items():
        query = select(LeadRow.source_ref).where(LeadRow.channel == channel,
                                                 among(session, LeadRow.source_ref, refs))
        found.update((channel, ref) for ref in session.execute(query).scalars())
    return found


def key_rows(session: Session, keys: set[str]) -> tuple[set[str], dict[str, list[str]]]:
    """The keys shared by more than HOT_KEY_LIMIT contacts (find_candidates skips them), and
    for the others, key -> contact ids. Hot keys are only counted, on the key index: in a big
    store, a common name's key has thousands of rows."""
    if not keys:
        return set(), {}
    if session.get_bind().dialect.name == "postgresql":  # no more than HOT_KEY_LIMIT + 1 rows per key
        return candidate_rows.key_rows(driver_connection(session), keys)
    counted = select(MatchKeyRow.key).where(among(session, MatchKeyRow.key, keys)).group_by(MatchKeyRow.key)
    hot = set(session.execute(counted.having(func.count() > HOT_KEY_LIMIT)).scalars())
    by_key: dict[str, list[str]] = {}
    if keys - hot:
        for key, contact_id in session.execute(select(MatchKeyRow.key, MatchKeyRow.contact_id)
                                               .where(among(session, MatchKeyRow.key, keys - hot))):
            by_key.setdefault(key, []).append(contact_id)
    return hot, by_key
