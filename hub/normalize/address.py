"""Provinces: whatever a lead wrote -> one of the 34 provincial units of 1 July 2025.

Accepted: current names, the 63 old provinces, old districts and provincial cities, 2025 wards,
abbreviations (HCM, TPHCM, SG, HN, ...), any case, accents or none, NFC or NFD, with or without
"Tỉnh" / "TP." / "Quận" prefixes, and full addresses. See `_province_data` for the tables.
"""
from __future__ import annotations

import re
from functools import lru_cache

from hub.model import Province
from hub.normalize._province_index import NOISE, Index, get_index, place_key

# Address components: "123 Lê Lợi, Quận 1, TP.HCM". Dashes are not separators ("Bà Rịa - Vũng Tàu").
_COMPONENT_SEPARATORS = re.compile(r"[,;|/\\\n\r\t]+")
_MAX_SUFFIX_WORDS = 4


def normalize_province(text: str | None) -> Province | None:
    """Return the 2025 provincial unit `text` names, or None when the text is blank.

    The result is "resolved" (code and name set), "ambiguous" (several units fit, e.g. "DN" is
    Đà Nẵng or Đồng Nai) or "unknown"; `raw` is always the text as given. Never raises.
    Leads repeat a few hundred spellings ("HCM", "Hà Nội", ...) and Province is frozen, so
    the result is memoised by text.
    """
    if not text or not text.strip():
        return None
    return _province(text)


@lru_cache(maxsize=4096)
def _province(text: str) -> Province:
    codes = _resolve(text)
    if len(codes) == 1:
        (code,) = codes
        name = get_index().names[code]
        return Province(raw=text, code=f"{code:02d}", name=name, status="resolved")
    return Province(raw=text, status="ambiguous" if codes else "unknown")


def _resolve(text: str) -> frozenset[int]:
    """Read components right to left (the province is usually last) until one unit remains.

    The first component that names places sets the candidates; components further left only
    narrow them ("Biên Hòa, ĐN" -> Đồng Nai) and are ignored when they contradict them.
    """
    index = get_index()
    found: frozenset[int] = frozenset()
    for part in reversed(_COMPONENT_SEPARATORS.split(text)):
        key = place_key(part)
        if not key or key in NOISE or key.isdigit():
            continue
        codes = _component_codes(index, key)
        if not codes:
            continue
        found = (found & codes or found) if found else codes
        if len(found) == 1:
            break
    return found


def _component_codes(index: Index, key: str) -> frozenset[int] | None:
    """Codes for one component: the whole of it, else its last words ("... cầu giấy hà nội").

    A trailing single word is only matched against province names and abbreviations, and
    trailing words never against ward names, so street names rarely produce a match.
    """
    hit = index.candidates(key)
    if hit:
        return hit
    words = key.split()
    for size in range(min(len(words) - 1, _MAX_SUFFIX_WORDS), 0, -1):
        hit = index.candidates(" ".join(words[-size:]), depth=1 if size == 1 else 2)
        if hit:
            return hit
    return None
