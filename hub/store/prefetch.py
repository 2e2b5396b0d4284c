"""What a batch of leads reads before it is decided (hub.store.bulk): one query per kind of
row for the whole batch, as plain rows, instead of find_candidates' queries per lead."""
from __future__ import annotations

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from hub.model import Contact, Lead
from hub.store.contacts import HOT_KEY_LIMIT, members_of, person_name
from hub.store.schema import ContactPointRow, ContactRow, LeadRow, MatchKeyRow

# What dedupe reads of a stored contact (person_name and Contact).
_CANDIDATE_COLUMNS = ("id", "created_at", "name", "name_key", "family_name", "middle_name", "given_name",
                      "name_is_personal", "province_code")


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
    counted = select(MatchKeyRow.key).where(MatchKeyRow.key.in_(keys)).group_by(MatchKeyRow.key)
    hot = set(session.execute(counted.having(func.count() > HOT_KEY_LIMIT)).scalars())
    by_key: dict[str, list[str]] = {}
    if keys - hot:
        for key, contact_id in session.execute(select(MatchKeyRow.key, MatchKeyRow.contact_id)
                                               .where(MatchKeyRow.key.in_(keys - hot))):
            by_key.setdefault(key, []).append(contact_id)
    return hot, by_key


def candidates_by_id(session: Session, root_ids: set[str]) -> dict[str, Contact]:
    """load_candidates for many survivors, by id, read as plain rows: thousands a batch, where
    ORM objects would cost more than the decisions made with them."""
    if not root_ids:
        return {}
    groups = members_of(session, root_ids)
    owner = {member: root for root, members in groups.items() for member in members}
    points: dict[str, dict[str, set[str]]] = {r: {"phone": set(), "email": set(), "identity": set()} for r in groups}
    rows = ContactPointRow.__table__.c
    for cid, kind, value in session.execute(select(rows.contact_id, rows.kind, rows.value)
                                            .where(rows.contact_id.in_(owner))):
        points[owner[cid]].setdefault(kind, set()).add(value)
    contacts = ContactRow.__table__.c
    query = select(*(contacts[name] for name in _CANDIDATE_COLUMNS)).where(contacts.id.in_(groups))
    return {
        row.id: Contact(id=row.id, created_at=row.created_at, name=person_name(row),  # type: ignore[arg-type]
                        phones=frozenset(points[row.id]["phone"]), emails=frozenset(points[row.id]["email"]),
                        identities=frozenset(points[row.id]["identity"]), province_code=row.province_code)
        for row in session.execute(query)
    }
