"""Blocking keys: the values a lead is looked up by among the known contacts."""
from __future__ import annotations

from hub.model import Lead
from hub.normalize import fold

PointKey = tuple[str, str]  # (kind, value) as stored in contact_points


def strong_keys(lead: Lead) -> list[PointKey]:
    """Keys that identify a person on their own: phones, email keys, channel identities."""
    keys: list[PointKey] = [("phone", p.e164) for p in lead.phones]
    keys += [("email", e.key) for e in lead.emails]
    if lead.identity is not None:
        keys.append(("identity", lead.identity.key))
    return list(dict.fromkeys(keys))


def blocking_keys(lead: Lead) -> list[str]:
    """Every key a lead is looked up by, strongest first.

    "p:<E.164>" (and the pre-2018 form), "e:<email key>", "i:<identity key>", then folded name
    keys for personal names: "nf:<family>|<given>", "np:<given>|<last 4 phone digits>",
    "nv:<given>|<province code>".
    """
    keys = [f"p:{p.e164}" for p in lead.phones]
    keys += [f"p:{p.old_e164}" for p in lead.phones if p.old_e164]
    keys += [f"e:{e.key}" for e in lead.emails]
    if lead.identity is not None:
        keys.append(f"i:{lead.identity.key}")
    name = lead.name
    if name is not None and name.is_personal and name.given:
        given = fold(name.given)
        if name.family:
            keys.append(f"nf:{fold(name.family)}|{given}")
        keys += [f"np:{given}|{p.e164[-4:]}" for p in lead.phones]
        if lead.province is not None and lead.province.code:
            keys.append(f"nv:{given}|{lead.province.code}")
    return list(dict.fromkeys(keys))
