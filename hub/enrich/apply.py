"""Write a fetched profile onto its contact: survivorship for the name, points for the rest.

A profile is not a capture: no lead is added. It goes through the same normalizer and the same
survivorship as a lead (hub/dedupe/merge.py), so a display name replaces the contact's name only
when it is the better one (a personal name beats a shop name or a nickname-like placeholder,
more parts beat fewer, ties keep the name the contact already has), and a shared phone is
normalized and added as a point with its blocking keys, so a later form with it finds the contact.
The contact is then matched again (hub.store.rematch): the chat's contact, nameless until now,
merges with the form its sender left earlier when the rules say they are one person.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub import dedupe
from hub.model import LeadDraft
from hub.normalize import normalize
from hub.store.contacts import add_match_keys, resolve
from hub.store.engine import lock_keys
from hub.store.rematch import rematch
from hub.store.repository import _absorb, _add_points, append_outbox
from hub.store.schema import ContactPointRow, ContactRow


ACTOR = "enrichment"


def apply_profile(session: Session, contact_id: str, draft: LeadDraft, kind: str) -> bool:
    """Update the contact (or the survivor it was merged into) from a profile; emit
    `contact.updated` when anything changed. Returns whether it changed."""
    lead = normalize(draft)
    lock_keys(session, [f"{k}:{v}" for k, v in dedupe.strong_keys(lead)])
    contact = resolve(session, contact_id)
    before = _snapshot(session, contact)
    now = datetime.now(timezone.utc)
    _absorb(contact, lead)
    _add_points(session, contact.id, lead, now)
    session.flush()
    if _snapshot(session, contact) == before:
        return False
    add_match_keys(session, contact.id, dedupe.blocking_keys(lead))
    contact.version += 1
    contact.updated_at = now
    append_outbox(session, "contact.updated", contact.id, {"enrichment": kind})
    rematch(session, contact.id, actor=ACTOR)
    return True


def _snapshot(session: Session, contact: ContactRow) -> tuple[object, ...]:
    points = session.execute(
        select(func.count()).select_from(ContactPointRow).where(ContactPointRow.contact_id == contact.id)
    ).scalar_one()
    return (contact.name, contact.family_name, contact.middle_name, contact.given_name,
            contact.name_is_personal, contact.name_family_last, contact.province_code, contact.province_name, points)
