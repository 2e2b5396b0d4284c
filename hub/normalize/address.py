"""Provinces (basic: raw text kept, not resolved)."""
from __future__ import annotations

from hub.model import Province


def normalize_province(text: str | None) -> Province | None:
    """Return the province as given, or None when the text is blank."""
    if not text or not text.strip():
        return None
    return Province(raw=text.strip())
