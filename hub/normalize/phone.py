"""Phone numbers -> E.164 (basic: phonenumbers with region VN)."""
from __future__ import annotations

import re

import phonenumbers

from hub.model import Phone, Phones

_SPLIT = re.compile(r"[,;/|\n]+")


def normalize_phone(text: str | None) -> Phones:
    """Read every number in one phone field; what does not parse is kept verbatim."""
    if not text or not text.strip():
        return Phones()
    numbers: list[Phone] = []
    unparsed: list[str] = []
    for part in (p.strip() for p in _SPLIT.split(text)):
        if not part:
            continue
        try:
            parsed = phonenumbers.parse(part, "VN")
        except phonenumbers.NumberParseException:
            unparsed.append(part)
            continue
        if not phonenumbers.is_valid_number(parsed):
            unparsed.append(part)
            continue
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        if all(n.e164 != e164 for n in numbers):
            numbers.append(Phone(e164=e164, raw=part))
    return Phones(numbers=tuple(numbers), unparsed=tuple(unparsed))
