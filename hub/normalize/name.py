"""Personal names (basic: NFC, whitespace collapsed, folded key)."""
from __future__ import annotations

import unicodedata

from hub.model import PersonName


def fold(text: str) -> str:
    """Accent-folded, lower-cased form for matching (đ -> d)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())


def normalize_name(text: str | None) -> PersonName | None:
    """Return the cleaned name, or None when the text is blank."""
    if not text or not text.strip():
        return None
    display = " ".join(unicodedata.normalize("NFC", text).split())
    parts = display.split(" ")
    return PersonName(
        raw=text,
        display=display,
        key=fold(display),
        family=parts[0] if len(parts) > 1 else None,
        given=parts[-1],
        middle=" ".join(parts[1:-1]) or None,
    )
