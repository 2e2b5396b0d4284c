"""Name parts for matching: folded tokens, family name and given name, whatever the input order.

The normalizer fills family / given; this module only repairs what a basic normalizer leaves
(a kinship term in front, Western order "Lan Nguyễn") so that matching never depends on order.
"""
from __future__ import annotations

from dataclasses import dataclass

from hub.model import PersonName
from hub.normalize import fold

# Kinship terms and titles people put before a name ("chị Lan", "a Hùng", "Mr Nam").
SALUTATIONS = frozenset(
    "anh chi em co chu bac ong ba di cau thim mo a c e mr ms mrs miss".split()
)
# Common family names that are never given names, folded: a name ending in one of them was
# written in Western order. (Hoàng, Mai, Lâm, Hà... are family and given names: not listed.)
SURNAMES = frozenset(
    "nguyen tran le pham huynh phan vu vo dang bui do ho ngo duong dinh truong trinh luong "
    "quach".split()
)


@dataclass(frozen=True)
class NameParts:
    tokens: tuple[str, ...]  # folded, without a leading kinship term
    family: str | None  # None for a single-word name (a given name or a nickname)
    given: str

    @property
    def middle(self) -> tuple[str, ...]:
        rest = list(self.tokens)
        for part in (self.family, self.given):
            if part in rest:
                rest.remove(part)
        return tuple(rest)


def _tokens(name: PersonName) -> list[str]:
    tokens = fold(name.key or name.display).split()
    rest = tokens[1:]
    # "Anh Nguyễn" is Anh of the Nguyễn family, not "brother Nguyễn": keep a lone surname's partner.
    if tokens and tokens[0] in SALUTATIONS and rest and not (len(rest) == 1 and rest[0] in SURNAMES):
        return rest
    return tokens


def name_parts(name: PersonName) -> NameParts | None:
    """The folded parts of a personal name; None for a blank or non-personal one."""
    tokens = _tokens(name)
    if not tokens or not name.is_personal:
        return None
    if len(tokens) == 1:
        return NameParts(tuple(tokens), None, tokens[0])
    given = fold(name.given) if name.given and fold(name.given) in tokens else tokens[-1]
    family = fold(name.family) if name.family and fold(name.family) in tokens else tokens[0]
    if family == given:
        family, given = tokens[0], tokens[-1]
    if given == tokens[-1] and given in SURNAMES and tokens[0] not in SURNAMES:
        family, given = tokens[-1], tokens[0]  # Western order the normalizer did not spot
    return NameParts(tuple(tokens), family, given)
