"""An in-memory stand-in for the store's side of dedupe, for calibration and accuracy runs.

Contacts are indexed by contact_blocking_keys; a lead is looked up by blocking_keys, with the
store's hot-key guard and candidate cap, and a merged lead updates its contact the way the store
does (a known name is kept unless a personal name replaces a non-personal one; points add up).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime

from hub.dedupe.decide import MAX_CANDIDATES
from hub.dedupe.keys import blocking_keys, contact_blocking_keys
from hub.model import Contact, Lead

HOT_KEY_CONTACTS = 50  # a key shared by more contacts than this finds nobody in particular


class MemoryContacts:
    def __init__(self) -> None:
        self.contacts: dict[str, Contact] = {}
        self.index: dict[str, set[str]] = defaultdict(set)

    def candidates(self, lead: Lead) -> list[Contact]:
        """Contacts sharing a blocking key with the lead, oldest first, at most MAX_CANDIDATES."""
        ids: set[str] = set()
        for key in blocking_keys(lead):
            found = self.index.get(key, set())
            if len(found) <= HOT_KEY_CONTACTS:
                ids |= found
        ranked = sorted((self.contacts[i] for i in ids), key=lambda c: (c.created_at, c.id))
        return ranked[:MAX_CANDIDATES]

    def add(self, contact_id: str, lead: Lead, at: datetime) -> Contact:
        """Create the contact, or fold the lead into it; index it by its keys."""
        known = self.contacts.get(contact_id) or Contact(id=contact_id, created_at=at)
        name = known.name
        if lead.name is not None and (name is None or (not name.is_personal and lead.name.is_personal)):
            name = lead.name
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
