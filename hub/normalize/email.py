"""Email addresses (basic: trimmed, lower-cased)."""
from __future__ import annotations

import re

from hub.model import Email

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(text: str | None) -> Email | None:
    """Return the email, or None when the text is not an email address."""
    if not text:
        return None
    value = text.strip().lower()
    if not _EMAIL.match(value):
        return None
    return Email(address=value, key=value, raw=text)
