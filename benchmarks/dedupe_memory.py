"""An in-memory stand-in for the store's side of dedupe, for calibration and accuracy runs.

Contacts are indexed by contact_blocking_keys; a lead is looked up by blocking_keys, with the
store's hot-key guard and candidate cap, and a merged lead updates its contact the way the store
does: the name survivorship keeps by default (hub.dedupe.merge.choose_name, "most_complete": a
personal name over a nickname or placeholder, more name parts, diacritics over the folded twin,
else the older), the first province known; points add up.
Contacts merged together (a decision's `merged`) leave the index and resolve to their survivor.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime

from hub.dedupe.decide import MAX_CANDIDATES
from hub.dedupe.keys import blocking_keys, contact_blocking_keys
from hub.dedupe.merge import surviving_name
from hub.model import Contact, Decision, Lead

HOT_KEY_CONTACTS = 50  # a key shared by more contacts than this finds nobody in particular


class MemoryContacts:
    def __init__(self) -> None:
        self.contacts: dict[str, Contact] = {}
        self.index: dict[str, set[str]] = defaultdict(set)
        self.merged_into: dict[str, str] = {}

    def resolve(self, contact_id: str) -> str:
        while contact_id in self.merged_into:
            contact_id = self.merged_into[contact_id]
        return contact_id

    def pair(self, ids: frozenset[str]) -> frozenset[str]:
        """Two contact ids as the contacts they now are (one id when merged together)."""
        return frozenset(map(self.resolve, ids))

    def merge(self, survivor_id: str, others: list[str]) -> None:
        """Fold other contacts into the survivor (the name survivorship keeps); they resolve to it."""
        survivor = self.contacts[survivor_id]
        for other_id in others:
            other = self.contacts.pop(other_id)
            name = surviving_name(survivor.name, survivor.created_at, other.name, other.created_at)
            survivor = replace(survivor, name=name,
                               phones=survivor.phones | other.phones, emails=survivor.emails | other.emails,
                               identities=survivor.identities | other.identities,
                               province_code=survivor.province_code or other.province_code)
            self.merged_into[other_id] = survivor_id
            for ids in self.index.values():
                if other_id in ids:
                    ids.discard(other_id)
                    ids.add(survivor_id)
        self.contacts[survivor_id] = survivor
        for key in contact_blocking_keys(survivor):
            self.index[key].add(survivor_id)

    def candidates(self, lead: Lead) -> list[Contact]:
        """Contacts sharing a blocking key with the lead, oldest first, at most MAX_CANDIDATES."""
        ids: set[str] = set()
        for key in blocking_keys(lead):
            found = self.index.get(key, set())
            if len(found) <= HOT_KEY_CONTACTS:
                ids |= found
        ranked = sorted((self.contacts[i] for i in ids), key=lambda c: (c.created_at, c.id))
        return ranked[:MAX_CANDIDATES]

    def apply(self, decision: Decision, lead: Lead, new_id: str) -> str:
        """Land a lead as the store would: merged (with the decision's other contacts) or new."""
        contact_id = decision.contact_id if decision.action == "merge" and decision.contact_id else new_id
        others = [m.contact_id for m in decision.merged if m.contact_id != contact_id]
        if others:
            self.merge(contact_id, others)
        self.add(contact_id, lead, lead.captured_at)
        return contact_id

    def add(self, contact_id: str, lead: Lead, at: datetime) -> Contact:
        """Create the contact, or fold the lead into it; index it by its keys."""
        known = self.contacts.get(contact_id) or Contact(id=contact_id, created_at=at)
        name = surviving_name(known.name, known.created_at, lead.name, at)
        province = known.province_code or (lead.province.code if lead.province else None)
        contact = replace(
            known,
            name=name,
            phones=known.phones | {p.e164 for p in lead.phones},
            emails=known.emails | {e.key for e in lead.emails},
            identities=known.identities | ({lead.identity.key} if lead.identity else set()),
            province_code=province,
        )
        self.contacts[contact_id] = contact
        for key in contact_blocking_keys(contact):
            self.index[key].add(contact_id)
        return contact

