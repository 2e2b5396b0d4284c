"""Vietnamese mobile prefixes moved in 2018: the same subscriber under an old and a new number.

0162-0169 -> 032-039, 0120 -> 070, ... keeping the last 7 digits (see CHANNELS.md, "Vietnamese
data"). Matching treats both forms as one subscriber, whichever form each side stored.
"""
from __future__ import annotations

from hub.normalize._phone_prefixes import OLD_MOBILE_PREFIXES as _OLD_TO_NEW  # one table for both
_NEW_TO_OLD = {new: old for old, new in _OLD_TO_NEW.items()}


def subscriber(e164: str) -> str:
    """The current (post-2018) form of a Vietnamese mobile number; other numbers unchanged."""
    if e164.startswith("+84") and len(e164) == 13 and e164[3:6] in _OLD_TO_NEW:
        return f"+84{_OLD_TO_NEW[e164[3:6]]}{e164[6:]}"
    return e164


def forms(e164: str) -> list[str]:
    """Every form the number may be stored under: itself and its old or new counterpart."""
    current = subscriber(e164)
    old = _NEW_TO_OLD.get(current[3:5]) if current.startswith("+84") and len(current) == 12 else None
    found = [e164, current] + ([f"+84{old}{current[5:]}"] if old else [])
    return list(dict.fromkeys(found))
