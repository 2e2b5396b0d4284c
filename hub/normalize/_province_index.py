"""Lookup tables for provinces, built once on first use.

Keys are folded place names (see `place_key`). Each table maps a key to the set of 2025 unit
codes it may mean; more than one code means the name is ambiguous.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Iterable, Mapping

from hub.normalize._province_data import ABBREVIATIONS, OLD_DISTRICTS, OLD_PROVINCES, OLD_TO_NEW
from hub.normalize._name_fold import fold

Table = Mapping[str, frozenset[int]]

_NON_WORD = re.compile(r"[\W_]+")
_DIGIT = re.compile(r"\d")
# "Q1", "Q.1", "quận 01", "District 1" -> "quan 1"; "P12", "phường 12" -> "phuong 12".
_NUMBERED_DISTRICT = re.compile(r"\b(?:q|quan|district|dist)\s*0*(\d{1,2})\b")
_NUMBERED_WARD = re.compile(r"\b(?:p|phuong|ward)\s*0*(\d{1,2})\b")

# Administrative-type words in front of a name ("Tỉnh", "TP.", "Quận", "H.", "P.", ...), longest
# first, with the level they announce: 0 province, 1 district, 2 ward. The level decides which
# table is tried first, so "Huyện Quảng Ninh" (a district of Quảng Bình) is not the province.
_PREFIXES = (
    ("thanh pho ", 0), ("thi tran ", 2), ("dac khu ", 2), ("phuong ", 2), ("huyen ", 1),
    ("thi xa ", 1), ("tinh ", 0), ("quan ", 1), ("t p ", 0), ("tp ", 0), ("tx ", 1),
    ("tt ", 2), ("xa ", 2), ("q ", 1), ("h ", 1), ("p ", 2),
)
_TABLE_ORDER = {0: (0, 1, 2), 1: (1, 0, 2), 2: (2, 1, 0)}
_SUFFIXES = (" viet nam", " vietnam", " province", " city", " vn")
NOISE = frozenset({"viet nam", "vietnam", "vn", "vnm"})


def place_key(text: str) -> str:
    """Folded, punctuation-free form of a place name: "TP. Hồ Chí Minh" -> "tp ho chi minh"."""
    key = _NON_WORD.sub(" ", fold(text)).strip()
    if not _DIGIT.search(key):
        return key
    key = _NUMBERED_DISTRICT.sub(r"quan \1", key)
    return _NUMBERED_WARD.sub(r"phuong \1", key)


def _strip_suffix(key: str) -> str:
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def split_prefix(key: str) -> tuple[str, int | None]:
    """The key without its administrative prefix, and the prefix level (None if no prefix).

    A prefix is kept when only digits would remain: "quan 1" is a name, "1" is not.
    """
    for prefix, level in _PREFIXES:
        if key.startswith(prefix) and not key[len(prefix):].isdigit():
            return key[len(prefix):], level
    return key, None


@dataclass(frozen=True)
class Index:
    """Three tables, most trusted first, and the display name of every 2025 unit."""

    tables: tuple[Table, Table, Table]  # provinces (current, old, abbreviations); old districts;
    # 2025 wards and communes
    names: Mapping[int, str]

    def candidates(self, key: str, depth: int = 3) -> frozenset[int] | None:
        """The codes a place key may mean, or None when no table knows it.

        `depth` limits the tables consulted: 1 = provinces only, 2 = and districts, 3 = all.
        The key as written is tried before the key without its prefix / without spaces.
        """
        tables = self.tables[:depth]
        for table in tables:
            hit = table.get(key)
            if hit:
                return hit
        return self._candidates_of_variants(key, depth)

    def _candidates_of_variants(self, key: str, depth: int) -> frozenset[int] | None:
        key = _strip_suffix(key)
        bare, level = split_prefix(key)
        attempts = [(key, (0, 1, 2))]
        if level is not None:
            attempts.append((bare, _TABLE_ORDER[level]))
        for attempt, order in attempts:
            compact = attempt.replace(" ", "")
            for tier in order:
                if tier < depth:
                    table = self.tables[tier]
                    hit = table.get(attempt) or table.get(compact)
                    if hit:
                        return hit
        return None


def _add(table: dict[str, set[int]], key: str, code: int) -> None:
    if key:
        table.setdefault(key, set()).add(code)


def _add_names(table: dict[str, set[int]], names: Iterable[str], code: int) -> None:
    """Index each name under its key and its key without spaces ("Hanoi", "BinhDuong")."""
    for name in names:
        key = place_key(name)
        _add(table, key, code)
        _add(table, key.replace(" ", ""), code)


def _freeze(table: dict[str, set[int]]) -> Table:
    return {key: frozenset(codes) for key, codes in table.items()}


def _province_table(units: Iterable[tuple[int, str, str]]) -> Table:
    table: dict[str, set[int]] = {}
    for code, name, codename in units:
        bare = split_prefix(place_key(name))[0]  # "Thành phố Hà Nội" -> "ha noi"
        _add_names(table, (name, bare, codename.replace("_", " ")), code)
    for old_code, names in OLD_PROVINCES.items():
        _add_names(table, names, OLD_TO_NEW[old_code])
    for key, codes in ABBREVIATIONS.items():
        table.setdefault(key, set()).update(codes)
    return _freeze(table)


def _district_table() -> Table:
    table: dict[str, set[int]] = {}
    for old_code, names in OLD_DISTRICTS.items():
        _add_names(table, names.split("|"), OLD_TO_NEW[old_code])
    return _freeze(table)


def _ward_table(wards: Iterable[tuple[str, int]]) -> Table:
    """2025 wards by full name ("phuong ben thanh") and bare name ("ben thanh")."""
    table: dict[str, set[int]] = {}
    for name, code in wards:
        key = place_key(name)
        _add(table, key, code)
        _add(table, split_prefix(key)[0], code)
    return _freeze(table)


@cache
def get_index() -> Index:
    """Build the tables from `vietnam-provinces` and the old-name data (first call only)."""
    from vietnam_provinces import Province, Ward  # imported lazily: its ward table is large

    units = [(int(p.code), p.name, p.codename) for p in Province.iter_all()]
    wards = ((w.name, int(w.province_code)) for w in Ward.iter_all())
    return Index(
        tables=(_province_table(units), _district_table(), _ward_table(wards)),
        names={code: name for code, name, _ in units},
    )
