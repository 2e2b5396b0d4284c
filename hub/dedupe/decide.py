"""Decide what a lead is: a new person, or one already known (basic: exact keys)."""
from __future__ import annotations

from collections.abc import Sequence

from hub.model import Contact, Decision, Lead

MODEL = "exact-keys-v1"


def decide(lead: Lead, candidates: Sequence[Contact]) -> Decision:
    """Merge into the oldest contact sharing a phone, email key or channel identity."""
    phones = {p.e164 for p in lead.phones}
    emails = {e.key for e in lead.emails}
    identity = lead.identity.key if lead.identity else None
    matches = []
    for contact in candidates:
        evidence = {
            "phone": sorted(phones & contact.phones),
            "email": sorted(emails & contact.emails),
            "identity": [identity] if identity in contact.identities else [],
        }
        if any(evidence.values()):
            matches.append((contact.created_at, contact.id, evidence))
    if not matches:
        return Decision(action="new", model=MODEL)
    _, contact_id, evidence = min(matches)
    return Decision(
        action="merge",
        contact_id=contact_id,
        score=1.0,
        evidence={k: v for k, v in evidence.items() if v},
        model=MODEL,
    )
