"""Survivorship: which value a merged contact keeps for each field. Pure functions.

Phones, emails and identities always accumulate (every member keeps its own points). The
single-valued fields (name, province) pick one value among the members by a rule per field:
- "most_complete": a personal name beats a shop / placeholder name, a name with diacritics
  beats its folded twin ("Nguyễn Thị Lan" over "Nguyen Thi Lan"), more name parts beat fewer,
  a resolved province beats raw text; ties go to the oldest value;
- "most_recent": the newest known value wins;
- "oldest": the first known value stays.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

from hub.model import PersonName
from hub.normalize import fold

Rule = Literal["most_complete", "most_recent", "oldest"]
RULES: tuple[Rule, ...] = ("most_complete", "most_recent", "oldest")


@dataclass(frozen=True)
class NameValue:
    display: str
    key: str
    family: str | None
    middle: str | None
    given: str | None
    is_personal: bool
    source: str  # the contact it came from
    at: datetime
    family_last: bool = False  # PersonName.family_last


@dataclass(frozen=True)
class ProvinceValue:
    code: str | None
    name: str
    source: str
    at: datetime


V = TypeVar("V", NameValue, ProvinceValue)


def choose_name(values: Sequence[NameValue], rule: Rule = "most_complete") -> NameValue | None:
    """The surviving name among the members' names (None when no member has one)."""
    return _choose(values, rule, _name_completeness)


def surviving_name(kept: PersonName | None, kept_at: datetime,
                   other: PersonName | None, other_at: datetime) -> PersonName | None:
    """Of a contact's name (`kept`, known since `kept_at`) and a newcomer's, the one the default
    rule keeps: what the contact's name becomes once the newcomer (a lead, a merged contact)
    joins it."""
    values = [NameValue(n.display, n.key, n.family, n.middle, n.given, n.is_personal, source, at, n.family_last)
              for n, source, at in ((kept, "kept", kept_at), (other, "other", other_at)) if n is not None]
    chosen = choose_name(values)
    return other if chosen is not None and chosen.source == "other" else kept


def _name_completeness(value: NameValue) -> tuple[int, int, int]:
    has_diacritics = int(fold(value.display) != value.display.lower())
    parts = sum(1 for part in (value.family, value.middle, value.given) if part)
    return (int(value.is_personal), parts, has_diacritics)


def choose_province(values: Sequence[ProvinceValue], rule: Rule = "most_complete") -> ProvinceValue | None:
    """The surviving province among the members' provinces (None when no member has one)."""
    return _choose(values, rule, lambda v: (v.code is not None,))


def _choose(values: Sequence[V], rule: Rule, completeness: Callable[[V], tuple[Any, ...]]) -> V | None:
    """The value a rule keeps; "most_complete" ties go to the oldest value."""
    if not values:
        return None
    if rule == "oldest":
        return min(values, key=lambda v: v.at)
    if rule == "most_recent":
        return max(values, key=lambda v: v.at)
    return max(values, key=lambda v: (*completeness(v), -v.at.timestamp()))
