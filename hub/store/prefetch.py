"""What a batch of leads reads before it is decided (hub.store.bulk): one query per kind of
row for the whole batch, as plain rows, instead of find_candidates' queries per lead (the
candidates themselves are read with hub.store.contacts.candidates_by_id, as find_candidates does)."""
from __future__ import annotations

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from hub.model import Lead
from hub.store import candidate_rows
from hub.store.contacts import HOT_KEY_LIMIT
from hub.store.engine import driver_connection
from hub.store.schema import LeadRow, MatchKeyRow


def stored_refs(session: Session, leads: list[Lead]) -> set[tuple[str, str]]:
    """The leads' (channel, source_ref)s already stored."""
    refs = list({(lead.channel, lead.source_ref) for lead in leads})
    if not refs:
        return set()
    query = select(LeadRow.channel, LeadRow.source_ref).where(tuple_(LeadRow.channel, LeadRow.source_ref).in_(refs))
    return {(channel, ref) for channel, ref in session.execute(query)}


def key_rows(session: Session, keys: set[str]) -> tuple[set[str], dict[str, list[str]]]:
    """The keys shared by more than HOT_KEY_LIMIT contacts (find_candidates skips them), and
    for the others, key -> contact ids. Hot keys are only counted, on the key index: in a big
    store, a common name's key has thousands of rows."""
    if not keys:
        return set(), {}
    if session.get_bind().dialect.name == "postgresql":  # no more than HOT_KEY_LIMIT + 1 rows per key
        return candidate_rows.key_rows(driver_connection(session), keys)
    counted = select(MatchKeyRow.key).where(MatchKeyRow.key.in_(keys)).group_by(MatchKeyRow.key)
    hot = set(session.execute(counted.having(func.count() > HOT_KEY_LIMIT)).scalars())
    by_key: dict[str, list[str]] = {}
    if keys - hot:
        for key, contact_id in session.execute(select(MatchKeyRow.key, MatchKeyRow.contact_id)
                                               .where(MatchKeyRow.key.in_(keys - hot))):
            by_key.setdefault(key, []).append(contact_id)
    return hot, by_key
