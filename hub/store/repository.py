"""Apply a lead to the store: lock its keys, find candidates, decide, write, emit an outbox event.

Everything here runs inside the caller's transaction, so the contact, its points, the lead,
the outbox event and the inbox status commit together or not at all.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub import dedupe
from hub.ids import uuid7
from hub.dedupe.merge import NameValue, ProvinceValue, choose_name, choose_province
from hub.model import Decision, Lead, Suggestion
from hub.store.documents import build_document, contact_document, lead_data, record
from hub.store.engine import lock_keys
from hub.store.contacts import (
    add_match_keys,
    apply_survivors,
    lock_and_find,
    members_of,
    name_value,
    province_value,
    resolve,
)
from hub.store.schema import (ContactPointRow, ContactRow, LeadRow, MergeLogRow, MergeSuggestionRow, OutboxRow,
                              table_of)

_CONTACT_COLUMNS = [c.key for c in ContactRow.__table__.columns]
_POINT_COLUMNS = ("contact_id", "kind", "value", "display", "data", "created_at")

# Serialises outbox inserts so sequence numbers become visible in commit order (PostgreSQL
# assigns them at insert time; without this a feed reader could skip a late-committing one).
OUTBOX_LOCK = "outbox-sequence"


@dataclass(frozen=True)
class Applied:
    lead_id: int
    contact_id: str
    action: str  # "new", "merge", "suggest", or "duplicate" when the lead was already stored
    merged: tuple[str, ...] = ()  # other contacts merged into contact_id with the lead (N-way)


def apply_lead(session: Session, lead: Lead, raw_event_id: int | None) -> Applied:
    """Store one lead and the contact it belongs to. A lead already stored is a no-op."""
    keys = dedupe.blocking_keys(lead)
    stored, candidates = lock_and_find(session, lead, keys)
    if stored is not None:
        return Applied(lead_id=stored[0], contact_id=stored[1], action="duplicate")
    decision = dedupe.decide(lead, candidates)
    now = datetime.now(timezone.utc)
    merge = decision.action == "merge" and decision.contact_id is not None
    merged: list[str] = []
    if merge:
        contact = resolve(session, decision.contact_id)  # type: ignore[arg-type]
        merged = merge_others(session, contact.id, decision, lead)
        _absorb(contact, lead)
        contact.version += 1
        contact.updated_at = now
    else:
        contact = _create_contact(session, lead, now)
    # A new contact has no points nor keys yet: nothing to read back.
    points = _add_points(session, contact.id, lead, now, known=None if merge else set())
    add_match_keys(session, contact.id, keys, known=None if merge else set())
    values = {
        "raw_event_id": raw_event_id,
        "contact_id": contact.id,
        "channel": lead.channel,
        "source_ref": lead.source_ref,
        "captured_at": lead.captured_at,
        "data": lead_data(lead),
        "attribution": lead.attribution.as_dict(),
        "decision": _decision_record(decision),
        "created_at": now,
    }
    leads = table_of(LeadRow)
    lead_id = session.execute(leads.insert().returning(leads.c.id), values).scalar_one()
    add_suggestions(session, contact.id, decision.suggestions, now)
    if merge:
        append_outbox(session, "contact.updated", contact.id)
    else:  # its whole document is what was just written: built here, not read back
        row = LeadRow(**{**values, "id": lead_id, "captured_at": lead.captured_at.astimezone(timezone.utc)})
        append_outbox(session, "contact.created", contact.id, document=build_document(contact, points, [row]))
    return Applied(lead_id=lead_id, contact_id=contact.id, action=decision.action, merged=tuple(merged))


MERGE_ACTOR = "dedupe"


def merge_others(session: Session, contact_id: str, decision: Decision, lead: Lead) -> list[str]:
    """Merge the decision's other contacts (the lead's person too) into the contact it lands on,
    as one logged, undoable merge; those ops kept apart (a rejected suggestion, an undone merge)
    stay apart. Returns the contacts merged."""
    from hub.store.merging import merge_contacts  # merging builds on this module

    found = dict.fromkeys(resolve(session, m.contact_id).id for m in decision.merged)
    others = [o for o in found if o != contact_id and not kept_apart(session, contact_id, o)]
    if others:
        evidence = {"lead": f"{lead.channel}:{lead.source_ref}",
                    "merged": [{"contact_id": m.contact_id, "score": m.score, "evidence": dict(m.evidence)}
                               for m in decision.merged]}
        merge_contacts(session, contact_id, others, actor=MERGE_ACTOR, score=decision.score, evidence=evidence)
    return others


def kept_apart(session: Session, a: str, b: str) -> bool:
    """Whether ops said two contacts (survivors) are two people: a suggestion between their
    groups rejected, or a merge of the two undone."""
    return _settled(session, a, b, statuses=("rejected",))


def pair_known(session: Session, a: str, b: str) -> bool:
    """Whether two contacts (survivors) were ever put to review, whatever became of it, or
    unmerged: between their groups, so a pair does not come back once a side merged on."""
    return _settled(session, a, b, statuses=None)


def _settled(session: Session, a: str, b: str, statuses: tuple[str, ...] | None) -> bool:
    groups = members_of(session, [a, b])
    side = {member: root for root, members in groups.items() for member in members}
    rows = MergeSuggestionRow
    query = select(rows.contact_id, rows.candidate_id).where(rows.contact_id.in_(side), rows.candidate_id.in_(side))
    if statuses is not None:
        query = query.where(rows.status.in_(statuses))
    if any(side[x] != side[y] for x, y in session.execute(query)):
        return True
    undone = session.execute(
        select(MergeLogRow.survivor_id, MergeLogRow.merged_ids).where(
            MergeLogRow.undone_at.is_not(None), MergeLogRow.survivor_id.in_(side))
    ).all()
    return any(side[survivor] != side.get(merged, side[survivor]) for survivor, ids in undone for merged in ids)


def add_suggestions(session: Session, contact_id: str, suggestions: Sequence[Suggestion], now: datetime) -> int:
    """Queue pairs for ops review, except pairs already known (pair_known: open, decided,
    rejected or unmerged, between the two contacts' groups).

    Returns how many were added.
    """
    added = 0
    for suggestion in suggestions:
        other = resolve(session, suggestion.contact_id).id
        if other == contact_id or pair_known(session, contact_id, other):
            continue
        session.add(MergeSuggestionRow(contact_id=contact_id, candidate_id=other, score=suggestion.score,
                                       evidence=dict(suggestion.evidence), status="open", created_at=now))
        added += 1
    return added


def append_outbox(
    session: Session, event_type: str, contact_id: str, extra: Mapping[str, Any] | None = None,
    document: Mapping[str, Any] | None = None,
) -> None:
    """Record a contact event carrying the contact's current document and version.

    `document` replaces the stored one (an erased contact has none left to read).
    """
    # Rows first (their locks come with their writes), the lock last, after the lead's key
    # locks and row locks, as hub.store.bulk takes it: no deadlock, and held the shortest.
    session.flush()
    lock_keys(session, [OUTBOX_LOCK])
    document = document if document is not None else contact_document(session, contact_id)
    session.execute(
        table_of(OutboxRow).insert(),
        {
            "event_id": "evt_" + uuid7().replace("-", ""),
            "type": event_type,
            "contact_id": contact_id,
            "contact_version": document["version"],
            "payload": {"contact": document, **(extra or {})},
            "created_at": datetime.now(timezone.utc),
        },
    )


def _create_contact(session: Session, lead: Lead, now: datetime) -> ContactRow:
    """A new contact, inserted at once; the row returned holds what was inserted but is not
    in the session (a Core INSERT: the ORM's unit of work cost more than the statement)."""
    contact = ContactRow(id=uuid7(), name_is_personal=True, name_family_last=False, attributes={}, version=1,
                         created_at=now, updated_at=now)
    _absorb(contact, lead)
    session.execute(table_of(ContactRow).insert(), {column: getattr(contact, column) for column in _CONTACT_COLUMNS})
    return contact


def _typed_province(raw: str) -> str:
    """A province the normalizer did not resolve, as typed, within contacts.province_name."""
    return raw.strip()[:128].rstrip()


def _absorb(contact: ContactRow, lead: Lead) -> None:
    """Survivorship between what the contact knows and what the lead brings."""
    name = lead.name
    lead_name = (
        NameValue(name.display, name.key, name.family, name.middle, name.given, name.is_personal,
                  f"{lead.channel}:{lead.source_ref}", lead.captured_at, name.family_last)
        if name is not None else None
    )
    province = lead.province
    lead_province = (
        ProvinceValue(province.code, province.name or _typed_province(province.raw),
                      f"{lead.channel}:{lead.source_ref}", lead.captured_at)
        if province is not None else None
    )
    names = [v for v in (name_value(contact), lead_name) if v is not None]
    provinces = [v for v in (province_value(contact), lead_province) if v is not None]
    apply_survivors(contact, choose_name(names), choose_province(provinces))


def _add_points(session: Session, contact_id: str, lead: Lead, now: datetime,
                known: set[tuple[str, str]] | None = None) -> list[ContactPointRow]:
    """Give the contact the lead's phones, emails and identity it does not have yet (inserted
    at once); those added, as rows outside the session. `known`: the contact's own (kind,
    value)s when the caller has them (read otherwise)."""
    if known is None:
        known = {
            (kind, value)
            for kind, value in session.execute(
                select(ContactPointRow.kind, ContactPointRow.value).where(
                    ContactPointRow.contact_id == contact_id
                )
            )
        }
    added = []
    points = [("phone", p.e164, p.e164, record(p)) for p in lead.phones]
    points += [("email", e.key, e.address, record(e)) for e in lead.emails]
    points += [("identity", i.key, i.key, record(i)) for i in lead.identities]
    for kind, value, display, data in points:
        if (kind, value) in known:
            continue
        known.add((kind, value))
        added.append(ContactPointRow(
            contact_id=contact_id,
            kind=kind,
            value=value,
            display=display,
            data={**data, "source": f"{lead.channel}:{lead.source_ref}"},
            created_at=now,
        ))
    if added:
        session.execute(table_of(ContactPointRow).insert(),
                        [{column: getattr(point, column) for column in _POINT_COLUMNS} for point in added])
    return added


def _decision_record(decision: Decision) -> dict[str, object]:
    return {
        "action": decision.action,
        "contact_id": decision.contact_id,
        "score": decision.score,
        "evidence": dict(decision.evidence),
        "model": decision.model,
        "thresholds": dict(decision.thresholds),
        "suggestions": [
            {"contact_id": x.contact_id, "score": x.score, "evidence": dict(x.evidence)}
            for x in decision.suggestions
        ],
        **({"merged": [{"contact_id": x.contact_id, "score": x.score, "evidence": dict(x.evidence)}
                       for x in decision.merged]} if decision.merged else {}),
    }
