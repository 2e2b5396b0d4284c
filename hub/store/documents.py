"""A contact as exported and served (the shape DESIGN.md fixes), and the lead's stored form."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.model import Lead
from hub.store.contacts import members_of
from hub.store.schema import ContactPointRow, ContactRow, LeadRow


def lead_data(lead: Lead) -> dict[str, Any]:
    """The normalized lead as stored on its row (JSON-safe), original text included."""
    return {
        "name": record(lead.name) if lead.name else None,
        "phones": [record(p) for p in lead.phones],
        "emails": [record(e) for e in lead.emails],
        "province": record(lead.province) if lead.province else None,
        "address": lead.address,
        "text": lead.text,
        "identity": record(lead.identity) if lead.identity else None,
        **({"linked_identities": [record(i) for i in lead.linked_identities]} if lead.linked_identities else {}),
        "extra": _json_safe(dict(lead.extra)),
        "unparsed": list(lead.unparsed),
        "consent": asdict(lead.consent) if lead.consent else None,
    }


def record(value: Any) -> dict[str, Any]:
    """asdict() of one of the model's flat records (PersonName, Phone, Email, Province,
    Identity: strings, booleans, None, tuples of strings), without asdict's recursive copy:
    the same dict at a sixth of the cost, for every lead a worker stores."""
    names = _FIELD_NAMES.get(type(value))
    if names is None:
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
    return {name: getattr(value, name) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # by record class: its field names


def contact_documents(session: Session, contacts: Iterable[ContactRow]) -> Iterator[dict[str, Any]]:
    """Documents for many contacts, loading their points and leads in a few queries a batch.

    A survivor's document carries the points and leads of every contact merged into it; a
    merged-away contact (a tombstone, `merged_into` set) shows only its own.
    """
    rows = list(contacts)
    groups = members_of(session, [c.id for c in rows if c.merged_into is None])
    groups.update({c.id: [c.id] for c in rows if c.merged_into is not None})
    # A tombstone's points and leads show in its own document and in its survivor's, when
    # both are in this batch: a member may belong to several documents.
    owners: dict[str, list[str]] = {}
    for cid, members in groups.items():
        for member in members:
            owners.setdefault(member, []).append(cid)
    points: dict[str, list[ContactPointRow]] = {cid: [] for cid in groups}
    leads: dict[str, list[LeadRow]] = {cid: [] for cid in groups}
    if owners:
        for point in session.execute(
            select(ContactPointRow).where(ContactPointRow.contact_id.in_(owners)).order_by(ContactPointRow.id)
        ).scalars():
            for cid in owners[point.contact_id]:
                _append_unique(points[cid], point)
        for lead in session.execute(
            select(LeadRow).where(LeadRow.contact_id.in_(owners)).order_by(LeadRow.captured_at, LeadRow.id)
        ).scalars():
            for cid in owners[lead.contact_id]:
                leads[cid].append(lead)
    for contact in rows:
        yield build_document(contact, points[contact.id], leads[contact.id])


def _append_unique(points: list[ContactPointRow], point: ContactPointRow) -> None:
    if all((p.kind, p.value) != (point.kind, point.value) for p in points):
        points.append(point)


def contact_document(session: Session, contact_id: str) -> dict[str, Any]:
    contact = session.get(ContactRow, contact_id)
    if contact is None:
        raise LookupError(f"contact {contact_id} does not exist")
    return next(contact_documents(session, [contact]))


def build_document(contact: ContactRow, points: list[ContactPointRow], leads: list[LeadRow]) -> dict[str, Any]:
    """The contact document (outbox, feed, export) from rows the caller already holds."""
    by_kind: dict[str, list[ContactPointRow]] = {"phone": [], "email": [], "identity": []}
    for point in points:
        by_kind.setdefault(point.kind, []).append(point)
    return {
        "id": contact.id,
        "name": contact.name,
        "given_name": contact.given_name,
        "family_name": contact.family_name,
        "phones": [p.value for p in by_kind["phone"]],
        "emails": [p.display for p in by_kind["email"]],
        "province": contact.province_name,
        "province_code": contact.province_code,
        "identities": [_identity(p) for p in by_kind["identity"]],
        "leads": [_lead(lead) for lead in leads],
        "consent": consent_summary(leads),
        "merged_into": contact.merged_into,
        "version": contact.version,
        "created_at": contact.created_at.isoformat(),
        "updated_at": contact.updated_at.isoformat(),
    }


def consent_summary(leads: list[LeadRow]) -> dict[str, Any] | None:
    """The person's latest answer per purpose (a later form may withdraw an earlier yes), with
    the source and time of the latest one; None when no capture recorded consent."""
    latest: dict[str, Any] = {}
    for lead in leads:  # oldest capture first (contact_documents orders them)
        consent = (lead.data or {}).get("consent")
        if consent:
            latest[consent["purpose"]] = consent["given"]
            latest["source"], latest["at"] = consent["source"], lead.captured_at.isoformat()
    if not latest:
        return None
    return {"marketing": latest.get("marketing"), "contact": latest.get("contact"),
            "source": latest["source"], "at": latest["at"]}


def _identity(point: ContactPointRow) -> dict[str, str]:
    channel, scope, external_id = point.value.split(":", 2)
    return {"channel": channel, "scope": scope, "id": external_id}


def _lead(lead: LeadRow) -> dict[str, Any]:
    return {
        "id": lead.id,
        "channel": lead.channel,
        "source_ref": lead.source_ref,
        "captured_at": lead.captured_at.isoformat(),
        "attribution": lead.attribution,
    }


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
