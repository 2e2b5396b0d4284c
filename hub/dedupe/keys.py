"""Blocking keys: the values a lead is looked up by among the known contacts."""
from __future__ import annotations

from hub.model import Lead

PointKey = tuple[str, str]  # (kind, value) as stored in contact_points


def strong_keys(lead: Lead) -> list[PointKey]:
    """Keys that identify a person on their own: phones, email keys, channel identities."""
    keys: list[PointKey] = [("phone", p.e164) for p in lead.phones]
    keys += [("email", e.key) for e in lead.emails]
    if lead.identity is not None:
        keys.append(("identity", lead.identity.key))
    return list(dict.fromkeys(keys))
