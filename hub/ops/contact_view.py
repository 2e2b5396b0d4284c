"""What the contact page shows: points with their sources, the lead timeline, merge history."""
from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hub.store.contacts import members_of
from hub.store.schema import ContactPointRow, ContactRow, LeadRow, MergeLogRow

# Attribution keys shown first on the timeline (the ad and campaign a lead came from).
AD_KEYS = ("campaign_name", "utm_campaign", "campaign_id", "adset_id", "ad_id", "ad_name", "form_id",
           "utm_source", "utm_medium", "referral_source", "ref")


def members(session: Session, contact: ContactRow) -> list[str]:
    """The contact and, when it is a survivor, every contact merged into it."""
    if contact.merged_into is not None:
        return [contact.id]
    return members_of(session, [contact.id])[contact.id]


def points(session: Session, member_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Phones, emails and identities by kind, each with where it came from (channel:ref)."""
    result: dict[str, list[dict[str, Any]]] = {"phone": [], "email": [], "identity": []}
    seen: set[tuple[str, str]] = set()
    for row in session.execute(select(ContactPointRow).where(ContactPointRow.contact_id.in_(member_ids))
                               .order_by(ContactPointRow.id)).scalars():
        if (row.kind, row.value) in seen:
            continue
        seen.add((row.kind, row.value))
        result.setdefault(row.kind, []).append({
            "value": row.display, "source": (row.data or {}).get("source", ""), "contact_id": row.contact_id,
            "at": row.created_at, "old": (row.data or {}).get("old_e164"),
        })
    return result


def timeline(session: Session, member_ids: list[str]) -> list[dict[str, Any]]:
    """Every lead of the contact's members, newest first."""
    rows = session.execute(select(LeadRow).where(LeadRow.contact_id.in_(member_ids))
                           .order_by(LeadRow.captured_at.desc(), LeadRow.id.desc())).scalars()
    return [lead_item(row) for row in rows]


def lead_item(row: LeadRow) -> dict[str, Any]:
    attribution = {k: v for k, v in (row.attribution or {}).items() if k != "channel"}
    ads = [(k, attribution.pop(k)) for k in AD_KEYS if k in attribution]
    data = row.data or {}
    return {"id": row.id, "channel": row.channel, "source_ref": row.source_ref, "at": row.captured_at,
            "text": data.get("text") or "", "ads": ads, "attribution": sorted(attribution.items()),
            "contact_id": row.contact_id, "action": (row.decision or {}).get("action", "")}


def merges(session: Session, member_ids: list[str]) -> list[MergeLogRow]:
    """Merges into the contact or any of its members, newest first."""
    query = select(MergeLogRow).where(or_(MergeLogRow.survivor_id.in_(member_ids)))
    return list(session.execute(query.order_by(MergeLogRow.id.desc())).scalars())


def field_sources(contact: ContactRow, member_rows: list[ContactRow], merge_rows: list[MergeLogRow]) -> dict[str, list[str]]:
    """Which members brought the contact's current name and province.

    A survivor's own row holds the merged result, so its original values come from the
    before-image of the earliest merge still in force.
    """
    originals = {m.id: (m.name, m.province_name) for m in member_rows if m.id != contact.id}
    active = [m for m in merge_rows if m.undone_at is None and m.survivor_id == contact.id]
    own = min(active, key=lambda m: m.id).before["contacts"][contact.id] if active else None
    originals[contact.id] = (own["name"], own["province_name"]) if own else (contact.name, contact.province_name)
    return {
        "name": [cid for cid, (name, _) in originals.items() if name and name == contact.name],
        "province": [cid for cid, (_, province) in originals.items() if province and province == contact.province_name],
    }
