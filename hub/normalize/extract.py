"""Phones and emails inside free text (basic)."""
from __future__ import annotations

import re

from hub.model import Phone
from hub.normalize.phone import normalize_phone

_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.\-]?\d){9,10}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def extract_phones(text: str | None) -> tuple[Phone, ...]:
    """Every valid phone number written in the text."""
    if not text:
        return ()
    found: dict[str, Phone] = {}
    for match in _PHONE.finditer(text):
        for phone in normalize_phone(match.group()).numbers:
            found.setdefault(phone.e164, phone)
    return tuple(found.values())


def extract_emails(text: str | None) -> tuple[str, ...]:
    """Every email-looking string in the text, as written."""
    if not text:
        return ()
    return tuple(dict.fromkeys(m.group() for m in _EMAIL.finditer(text)))
