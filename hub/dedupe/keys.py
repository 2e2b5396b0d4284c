"""Blocking keys: the values a lead is looked up by among the known contacts.

strong_keys are the locks the store takes (phones, email keys, identities). blocking_keys are
what the store indexes contacts by (contact_blocking_keys) and looks leads up by (blocking_keys):
the same strings on both sides, so a lead finds every contact it could plausibly be.
"""
from __future__ import annotations

from collections.abc import Iterable

from hub.dedupe.names import name_parts
from hub.dedupe.phones import forms
from hub.dedupe.score import lead_phones
from hub.model import Contact, Lead, PersonName

PointKey = tuple[str, str]  # (kind, value) as stored in contact_points


def strong_keys(lead: Lead) -> list[PointKey]:
    """Keys that identify a person on their own: phones, email keys, channel identities."""
    keys: list[PointKey] = [("phone", p.e164) for p in lead.phones]
    keys += [("email", e.key) for e in lead.emails]
    keys += [("identity", identity.key) for identity in lead.identities]
    return list(dict.fromkeys(keys))


def _keys(
    name: PersonName | None,
    phones: Iterable[str],
    emails: Iterable[str],
    identities: Iterable[str],
    province_code: str | None,
) -> list[str]:
    numbers = [form for phone in phones for form in forms(phone)]
    keys = [f"p:{n}" for n in numbers] + [f"e:{e}" for e in emails] + [f"i:{i}" for i in identities]
    parts = name_parts(name) if name is not None else None
    if parts is not None:
        if parts.family is not None:
            keys.append(f"nf:{parts.family}|{parts.given}")
        # The last 4 digits survive the 2018 prefix change, so old and new forms share this key.
        keys += [f"np:{parts.given}|{n[-4:]}" for n in numbers]
        if province_code:
            keys.append(f"nv:{parts.given}|{province_code}")
    return list(dict.fromkeys(keys))


def blocking_keys(lead: Lead) -> list[str]:
    """The keys to look the lead up by: "p:" phones (both forms), "e:" email keys, "i:" identities,
    and for a personal name "nf:" family|given, "np:" given|phone suffix, "nv:" given|province."""
    return _keys(
        lead.name,
        lead_phones(lead),
        [e.key for e in lead.emails],
        [identity.key for identity in lead.identities],
        lead.province.code if lead.province else None,
    )


def contact_blocking_keys(contact: Contact) -> list[str]:
    """The keys to index a known contact by: the same kinds as blocking_keys."""
    return _keys(
        contact.name,
        sorted(contact.phones),
        sorted(contact.emails),
        sorted(contact.identities),
        contact.province_code,
    )
