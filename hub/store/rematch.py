"""Match a known contact again, as if it were a new lead: after a profile gave it a name or a
phone (enrichment), and for every contact in `hub dedupe rescan`.

A chat arrives with only its channel identity; its sender's name comes a few seconds later
from the profile API. Matching the contact again then finds the form the same person left
earlier by the same rules as a lead: a merge merges the newer contact into the older one
(undoable like any merge), suggestions go to review. Pairs ops kept apart stay apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from hub import dedupe
from hub.dedupe.keys import contact_blocking_keys
from hub.model import Attribution, Contact, Email, Identity, Lead, Phone, Province
from hub.store.contacts import find_candidates, load_candidates, resolve
from hub.store.engine import lock_keys
from hub.store.repository import add_suggestions, kept_apart


@dataclass(frozen=True)
class Rematched:
    contact_id: str  # the contact's survivor afterwards
    merged: int  # contacts merged with it
    suggested: int  # pairs added to the review queue


def as_lead(contact: Contact) -> Lead:
    """A known contact seen as a lead, so the lead rules decide on it: known by all of its
    identities (the first as the lead's identity, the others linked to it)."""
    identities = [Identity(*key.split(":", 2)) for key in sorted(contact.identities)]
    identity = identities[0] if identities else None
    return Lead(
        channel="rescan",
        source_ref=contact.id,
        captured_at=contact.created_at,
        attribution=Attribution("rescan"),
        name=contact.name,
        phones=tuple(Phone(e164=p, raw=p) for p in sorted(contact.phones)),
        emails=tuple(Email(address=e, key=e, raw=e) for e in sorted(contact.emails)),
        province=Province(raw=contact.province_code, code=contact.province_code, status="resolved")
        if contact.province_code else None,
        identity=identity,
        linked_identities=tuple(identities[1:]),
    )


def rematch(session: Session, contact_id: str, *, actor: str) -> Rematched:
    """Decide on the contact (or its survivor) against the others; merge or suggest as decided.

    Merged contacts join the oldest of them (UUIDv7 ids sort by age); the merge is logged for
    `actor`. Runs in the caller's transaction.
    """
    from hub.store.merging import merge_contacts  # merging builds on the repository

    root = resolve(session, contact_id).id
    [contact] = load_candidates(session, [root])
    lead = as_lead(contact)
    lock_keys(session, [f"{kind}:{value}" for kind, value in dedupe.strong_keys(lead)])
    candidates = [c for c in find_candidates(session, contact_blocking_keys(contact)) if c.id != root]
    decision = dedupe.decide(lead, candidates)
    group = [root]
    if decision.action == "merge" and decision.contact_id is not None:
        found = [decision.contact_id, *(m.contact_id for m in decision.merged)]
        group += [other for other in found if all(not kept_apart(session, member, other) for member in group)]
    survivor = min(group)
    if len(group) > 1:
        evidence = dict(decision.evidence)
        if decision.merged:
            evidence["merged"] = [{"contact_id": m.contact_id, "score": m.score, "evidence": dict(m.evidence)}
                                  for m in decision.merged]
        merge_contacts(session, survivor, sorted(set(group) - {survivor}), actor=actor, score=decision.score,
                       evidence=evidence)
    suggested = add_suggestions(session, survivor, decision.suggestions, datetime.now(timezone.utc))
    return Rematched(survivor, len(group) - 1, suggested)
