"""Contacts as groups: a survivor and the contacts merged into it (its members).

Merges are non-destructive: a merged contact keeps its own points, leads and blocking keys and
only gets `merged_into` set. A survivor's phones, emails, identities and leads are those of all
its members; its name and province are chosen among them by survivorship (hub.dedupe.merge).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from hub import dedupe
from hub.dedupe.merge import NameValue, ProvinceValue, Rule, choose_name, choose_province
from hub.model import Contact, Lead, PersonName
from hub.store import candidate_rows
from hub.store.candidate_rows import HOT_KEY_LIMIT, MAX_CANDIDATES
from hub.store.engine import driver_connection, lock_ids, lock_keys
from hub.store.schema import ContactPointRow, ContactRow, LeadRow, MatchKeyRow, table_of


def resolve(session: Session, contact_id: str) -> ContactRow:
    """The contact, or the survivor it was merged into (following the chain).

    Raises LookupError when the id is unknown.
    """
    contact = session.get(ContactRow, contact_id)
    seen = set()
    while contact is not None and contact.merged_into is not None and contact.id not in seen:
        seen.add(contact.id)
        contact = session.get(ContactRow, contact.merged_into)
    if contact is None:
        raise LookupError(f"contact {contact_id} does not exist")
    return contact


def roots_of(session: Session, contact_ids: Iterable[str]) -> dict[str, str]:
    """contact id -> the id of the survivor it belongs to (itself when not merged)."""
    parent: dict[str, str | None] = {}
    frontier = set(contact_ids)
    while frontier:
        rows = session.execute(
            select(ContactRow.id, ContactRow.merged_into).where(ContactRow.id.in_(frontier))
        ).all()
        parent.update({cid: merged for cid, merged in rows})
        frontier = {merged for _, merged in rows if merged and merged not in parent}
    roots = {}
    for cid in parent:
        node, hops = cid, 0
        while parent.get(node) and hops < 1000:
            node, hops = parent[node], hops + 1  # type: ignore[assignment]
        roots[cid] = node
    return roots


def members_of(session: Session, root_ids: Iterable[str]) -> dict[str, list[str]]:
    """survivor id -> its own id and every contact merged into it, directly or not."""
    groups = {root: [root] for root in root_ids}
    owner = {root: root for root in groups}
    frontier = set(groups)
    while frontier:
        rows = session.execute(
            select(ContactRow.id, ContactRow.merged_into).where(ContactRow.merged_into.in_(frontier))
        ).all()
        frontier = set()
        for cid, parent in rows:
            if cid not in owner and parent is not None:  # (merged_into IN ...: never None)
                owner[cid] = owner[parent]
                groups[owner[parent]].append(cid)
                frontier.add(cid)
    return groups


def find_candidates(session: Session, keys: Sequence[str]) -> list[Contact]:
    """Survivors sharing a blocking key with a lead, strongest keys first, at most 100.

    A key shared by more than HOT_KEY_LIMIT contacts is skipped (a common name, a shop's
    switchboard number): it would flood the candidates without telling anyone apart. Per key,
    contacts come in id order (the order of the key index); a merged contact stands for its
    survivor, at the first place one of the survivor's members comes.
    """
    if not keys:
        return []
    if _postgres(session):
        return candidate_rows.find(driver_connection(session), keys)
    return portable_find_candidates(session, keys)


def lock_and_find(session: Session, lead: Lead, keys: Sequence[str]) -> tuple[tuple[int, str] | None, list[Contact]]:
    """Lock the lead's strong keys, then read whether it is stored already, as (lead id,
    contact id), and its candidates by these blocking keys (find_candidates).

    On PostgreSQL the lock and both reads go in one round trip (hub.store.candidate_rows).
    """
    locks = [f"{kind}:{value}" for kind, value in dedupe.strong_keys(lead)]
    ref = (lead.channel, lead.source_ref)
    if _postgres(session):
        return candidate_rows.lock_and_read(driver_connection(session), lock_ids(locks), ref, keys)
    lock_keys(session, locks)
    stored = session.execute(select(LeadRow.id, LeadRow.contact_id)
                             .where(LeadRow.channel == ref[0], LeadRow.source_ref == ref[1])).first()
    return (tuple(stored) if stored is not None else None), find_candidates(session, keys)  # type: ignore[return-value]


def portable_find_candidates(session: Session, keys: Sequence[str]) -> list[Contact]:
    """find_candidates on any database, through SQLAlchemy (PostgreSQL reads the same in one
    statement: hub.store.candidate_rows)."""
    # One round trip: per key, at most HOT_KEY_LIMIT + 1 rows (never a hot key's whole list).
    parts = [
        select(MatchKeyRow.key, MatchKeyRow.contact_id).where(MatchKeyRow.key == key)
        .order_by(MatchKeyRow.contact_id).limit(HOT_KEY_LIMIT + 1).subquery()
        for key in dict.fromkeys(keys)
    ]
    rows = session.execute(union_all(*(select(part) for part in parts))).all()
    by_key: dict[str, list[str]] = {}
    for key, contact_id in rows:
        by_key.setdefault(key, []).append(contact_id)
    found: list[str] = []
    for key in keys:
        ids = by_key.get(key, [])
        if len(ids) <= HOT_KEY_LIMIT:
            found.extend(i for i in ids if i not in found)
    roots = roots_of(session, found)
    ordered = list(dict.fromkeys(roots[i] for i in found))[:MAX_CANDIDATES]
    contacts = portable_candidates_by_id(session, set(ordered))
    return [contacts[root] for root in ordered]


def load_candidates(session: Session, root_ids: Sequence[str]) -> list[Contact]:
    """Dedupe's view of the given survivors, in the order given, points gathered over their members."""
    found = candidates_by_id(session, set(root_ids))
    return [found[root] for root in root_ids]


# What dedupe reads of a stored contact (person_name and Contact).
_CANDIDATE_COLUMNS = ("id", "created_at", "name", "name_key", "family_name", "middle_name", "given_name",
                      "name_is_personal", "name_family_last", "province_code")


def candidates_by_id(session: Session, root_ids: set[str]) -> dict[str, Contact]:
    """Dedupe's view of many survivors, by id, read as plain rows of the columns it uses: up to
    100 per lead (thousands per import batch), where ORM objects would cost more than the
    decisions made with them."""
    if not root_ids:
        return {}
    if _postgres(session):
        return {c.id: c for c in candidate_rows.by_id(driver_connection(session), root_ids)}
    return portable_candidates_by_id(session, root_ids)


def portable_candidates_by_id(session: Session, root_ids: set[str]) -> dict[str, Contact]:
    """candidates_by_id on any database, through SQLAlchemy (hub.store.candidate_rows on PostgreSQL)."""
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


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def person_name(contact: ContactRow) -> PersonName | None:
    return candidate_rows.person_name(contact.name, contact.name_key, contact.family_name, contact.middle_name,
                                      contact.given_name, contact.name_is_personal, contact.name_family_last)


def add_match_keys(session: Session, contact_id: str, keys: Iterable[str], known: set[str] | None = None) -> None:
    """Index a contact under the blocking keys of a lead it received. `known`: the keys it
    already has, when the caller knows them (a new contact: none); read otherwise."""
    wanted = set(keys)
    if not wanted:
        return
    if known is None:
        known = set(
            session.execute(
                select(MatchKeyRow.key).where(MatchKeyRow.contact_id == contact_id, MatchKeyRow.key.in_(wanted))
            ).scalars()
        )
    rows = [{"key": key, "contact_id": contact_id} for key in sorted(wanted - known)]
    if rows:
        session.execute(table_of(MatchKeyRow).insert(), rows)


def name_value(contact: ContactRow) -> NameValue | None:
    if not contact.name or not contact.name_key:
        return None
    return NameValue(contact.name, contact.name_key, contact.family_name, contact.middle_name,
                     contact.given_name, contact.name_is_personal, contact.id, contact.updated_at,
                     bool(contact.name_family_last))


def province_value(contact: ContactRow) -> ProvinceValue | None:
    if not contact.province_name:
        return None
    return ProvinceValue(contact.province_code, contact.province_name, contact.id, contact.updated_at)


def apply_survivors(contact: ContactRow, name: NameValue | None, province: ProvinceValue | None) -> None:
    """Write the chosen name and province onto the survivor's row."""
    if name is not None:
        contact.name, contact.name_key = name.display, name.key
        contact.family_name, contact.middle_name, contact.given_name = name.family, name.middle, name.given
        contact.name_is_personal, contact.name_family_last = name.is_personal, name.family_last
    if province is not None:
        contact.province_code, contact.province_name = province.code, province.name


def survive(contact: ContactRow, others: Sequence[ContactRow], rules: dict[str, Rule]) -> None:
    """Pick the survivor's name and province among itself and others, by the field rules."""
    group = [contact, *others]
    names = [v for v in (name_value(c) for c in group) if v is not None]
    provinces = [v for v in (province_value(c) for c in group) if v is not None]
    apply_survivors(
        contact,
        choose_name(names, rules.get("name", "most_complete")),
        choose_province(provinces, rules.get("province", "most_complete")),
    )
