"""Accent folding for matching keys: fast for Vietnamese text, correct for any text."""
from __future__ import annotations

import unicodedata

# NFD/NFKD leave "đ" alone (it is a letter of its own, not d + a mark); matching wants "d".
_D_LIKE = str.maketrans({"đ": "d", "ð": "d", "Đ": "d", "Ð": "d"})


def _slow_fold(text: str) -> str:
    """Decompose (NFKD, so full-width and ligatures too), drop marks, lower-case, đ -> d."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_D_LIKE).casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKD", stripped.translate(_D_LIKE).casefold())


def _latin_table() -> dict[int, str]:
    """Every precomposed Latin letter whose folded form is plain ASCII, e.g. "Ặ" -> "a"."""
    table: dict[int, str] = {}
    for point in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        folded = _slow_fold(chr(point))
        if folded.isascii() and folded.isalpha():
            table[point] = folded
    return table


_LATIN = _latin_table()


def fold(text: str) -> str:
    """Accent-folded, lower-cased form of any string, whitespace collapsed: for matching only.

    "Nguyễn Thị Thuý", "NGUYEN THI THUY" and the NFD spelling of "nguyễn thị thúy" all give
    "nguyen thi thuy" (old and new tone placement differ only in marks, which are dropped).
    """
    quick = text.translate(_LATIN)
    if quick.isascii():
        return " ".join(quick.lower().split())
    return " ".join(_slow_fold(text).split())
