"""Name parts for matching: folded tokens, family name and given name."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from hub.model import PersonName
from hub.normalize import fold

@dataclass(frozen=True)
class NameParts:
    tokens: tuple[str, ...]  # folded, without a leading kinship term
    family: str | None  # None for a single-word name (a given name or a nickname)
    given: str

    @cached_property
    def middle(self) -> tuple[str, ...]:
        """The tokens besides the family and given names (cached: names are compared many times)."""
        rest = list(self.tokens)
        for part in (self.family, self.given):
            if part in rest:
                rest.remove(part)
        return tuple(rest)

    @cached_property
    def bag(self) -> tuple[str, ...]:
        """The tokens in sorted order: equal for the same words in any order."""
        return tuple(sorted(self.tokens))

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(self.tokens)


@lru_cache(maxsize=65536)
def name_parts(name: PersonName) -> NameParts | None:
    """The folded parts of a personal name; None for a blank or non-personal one.

    Cached: a lead is compared with up to 100 candidates, and the same contacts come up as
    candidates again and again (PersonName is frozen, so it is its own cache key).

    The normalizer has already removed salutations and put the family name first; when it
    could not tell the family name ("Lan Hoàng"), the first word stands in for it.
    """
    tokens = name.key.split() if name.key else fold(name.display).split()
    if not tokens or not name.is_personal:
        return None
    if len(tokens) == 1:
        return NameParts(tuple(tokens), None, tokens[0])
    given = fold(name.given) if name.given and fold(name.given) in tokens else tokens[-1]
    family = fold(name.family) if name.family and fold(name.family) in tokens else tokens[0]
    if family == given:
        family, given = tokens[0], tokens[-1]
    return NameParts(tuple(tokens), family, given)
