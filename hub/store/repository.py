"""Apply a lead to the store: lock its keys, find candidates, decide, write, emit an outbox event.

Everything here runs inside the caller's transaction, so the contact, its points, the lead,
the outbox event and the inbox status commit together or not at all.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hub import dedupe
from hub.dedupe.keys import PointKey
from hub.ids import uuid7
from hub.model import Contact, Decision, Lead, PersonName
from hub.store.documents import contact_document, lead_data
from hub.store.engine import lock_keys
from hub.store.schema import ContactPointRow, ContactRow, LeadRow, OutboxRow

# Serialises outbox inserts so sequence numbers become visible in commit order (PostgreSQL
# assigns them at insert time; without this a feed reader could skip a late-committing one).
OUTBOX_LOCK = "outbox-sequence"


@dataclass(frozen=True)
class Applied:
    lead_id: int
    contact_id: str
    action: str  # "new", "merge", "suggest", or "duplicate" when the lead was already stored


def apply_lead(session: Session, lead: Lead, raw_event_id: int | None) -> Applied:
    """Store one lead and the contact it belongs to. A lead already stored is a no-op."""
    keys = dedupe.strong_keys(lead)
    lock_keys(session, [f"{kind}:{value}" for kind, value in keys])
    existing = session.execute(
        select(LeadRow.id, LeadRow.contact_id).where(
            LeadRow.channel == lead.channel, LeadRow.source_ref == lead.source_ref
        )
    ).first()
    if existing is not None:
        return Applied(lead_id=existing.id, contact_id=existing.contact_id, action="duplicate")
    decision = dedupe.decide(lead, find_candidates(session, keys))
    now = datetime.now(timezone.utc)
    if decision.action == "merge" and decision.contact_id is not None:
        contact = _update_contact(session, decision.contact_id, lead, now)
        event_type = "contact.updated"
    else:
        contact = _create_contact(session, lead, now)
        event_type = "contact.created"
    _add_points(session, contact.id, lead, now)
    lead_id = session.execute(
        insert(LeadRow).returning(LeadRow.id),
        {
            "raw_event_id": raw_event_id,
            "contact_id": contact.id,
            "channel": lead.channel,
            "source_ref": lead.source_ref,
            "captured_at": lead.captured_at,
            "data": lead_data(lead),
            "attribution": lead.attribution.as_dict(),
            "decision": _decision_record(decision),
            "created_at": now,
        },
    ).scalar_one()
    append_outbox(session, event_type, contact.id)
    return Applied(lead_id=lead_id, contact_id=contact.id, action=decision.action)


def find_candidates(session: Session, keys: Sequence[PointKey]) -> list[Contact]:
    """Active contacts sharing any of the keys (a merged-away contact resolves to its survivor)."""
    if not keys:
        return []
    ids: set[str] = set()
    for kind in {k for k, _ in keys}:
        values = [v for k, v in keys if k == kind]
        ids.update(
            session.execute(
                select(ContactPointRow.contact_id).where(
                    ContactPointRow.kind == kind, ContactPointRow.value.in_(values)
                )
            ).scalars()
        )
    contacts = []
    for contact_id in sorted(ids):
        contact = resolve(session, contact_id)
        if contact.id not in {c.id for c in contacts}:
            contacts.append(_candidate(session, contact))
    return contacts


def resolve(session: Session, contact_id: str) -> ContactRow:
    """The contact, or the survivor it was merged into (following the chain)."""
    contact = session.get(ContactRow, contact_id)
    seen = set()
    while contact is not None and contact.merged_into is not None and contact.id not in seen:
        seen.add(contact.id)
        contact = session.get(ContactRow, contact.merged_into)
    if contact is None:
        raise LookupError(f"contact {contact_id} does not exist")
    return contact


def append_outbox(session: Session, event_type: str, contact_id: str) -> None:
    """Record a contact event carrying the contact's current document and version."""
    lock_keys(session, [OUTBOX_LOCK])  # taken last, after the lead's key locks: no deadlock
    session.flush()
    document = contact_document(session, contact_id)
    session.execute(
        insert(OutboxRow),
        {
            "event_id": "evt_" + uuid7().replace("-", ""),
            "type": event_type,
            "contact_id": contact_id,
            "contact_version": document["version"],
            "payload": {"contact": document},
            "created_at": datetime.now(timezone.utc),
        },
    )


def _candidate(session: Session, contact: ContactRow) -> Contact:
    points: dict[str, set[str]] = {"phone": set(), "email": set(), "identity": set()}
    for kind, value in session.execute(
        select(ContactPointRow.kind, ContactPointRow.value).where(
            ContactPointRow.contact_id == contact.id
        )
    ):
        points.setdefault(kind, set()).add(value)
    return Contact(
        id=contact.id,
        created_at=contact.created_at,
        name=_person_name(contact),
        phones=frozenset(points["phone"]),
        emails=frozenset(points["email"]),
        identities=frozenset(points["identity"]),
        province_code=contact.province_code,
    )


def _person_name(contact: ContactRow) -> PersonName | None:
    if not contact.name or not contact.name_key:
        return None
    return PersonName(
        raw=contact.name,
        display=contact.name,
        key=contact.name_key,
        family=contact.family_name,
        middle=contact.middle_name,
        given=contact.given_name,
        is_personal=contact.name_is_personal,
    )


def _create_contact(session: Session, lead: Lead, now: datetime) -> ContactRow:
    contact = ContactRow(id=uuid7(), attributes={}, version=1, created_at=now, updated_at=now)
    _fill_fields(contact, lead)
    session.add(contact)
    session.flush()
    return contact


def _update_contact(session: Session, contact_id: str, lead: Lead, now: datetime) -> ContactRow:
    contact = resolve(session, contact_id)
    _fill_fields(contact, lead)
    contact.version += 1
    contact.updated_at = now
    return contact


def _fill_fields(contact: ContactRow, lead: Lead) -> None:
    """Basic survivorship: a field already known is kept; a missing one is filled in."""
    name = lead.name
    # A display name that is not a personal name ("Shop ABC", "Khách hàng") is kept only
    # until a real personal name arrives.
    replaceable = not contact.name or (not contact.name_is_personal and name is not None and name.is_personal)
    if name is not None and replaceable:
        contact.name = name.display
        contact.given_name = name.given
        contact.family_name = name.family
        contact.middle_name = name.middle
        contact.name_is_personal = name.is_personal
        contact.name_key = name.key
    province = lead.province
    if province is not None and not contact.province_name:
        contact.province_code = province.code
        contact.province_name = province.name or province.raw


def _add_points(session: Session, contact_id: str, lead: Lead, now: datetime) -> None:
    known = {
        (kind, value)
        for kind, value in session.execute(
            select(ContactPointRow.kind, ContactPointRow.value).where(
                ContactPointRow.contact_id == contact_id
            )
        )
    }
    points = [("phone", p.e164, p.e164, asdict(p)) for p in lead.phones]
    points += [("email", e.key, e.address, asdict(e)) for e in lead.emails]
    if lead.identity is not None:
        points.append(("identity", lead.identity.key, lead.identity.key, asdict(lead.identity)))
    for kind, value, display, data in points:
        if (kind, value) in known:
            continue
        known.add((kind, value))
        session.add(
            ContactPointRow(
                contact_id=contact_id,
                kind=kind,
                value=value,
                display=display,
                data={**data, "source": f"{lead.channel}:{lead.source_ref}"},
                created_at=now,
            )
        )


def _decision_record(decision: Decision) -> dict[str, object]:
    return {
        "action": decision.action,
        "contact_id": decision.contact_id,
        "score": decision.score,
        "evidence": dict(decision.evidence),
        "model": decision.model,
    }
