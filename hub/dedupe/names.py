"""Name parts for matching: folded tokens, family name and given name."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from rapidfuzz.distance import OSA

from hub.model import PersonName
from hub.normalize import fold, is_alias
from hub.normalize._name_data import (  # one table for both
    MEN_GIVEN,
    MIDDLE_NAMES,
    MIDDLE_ONLY,
    SALUTATION_SEX,
    SHARED_GIVEN,
    WOMEN_GIVEN,
)
from hub.normalize._syllable import is_syllable


@dataclass(frozen=True)
class NameParts:
    tokens: tuple[str, ...]  # folded, without a leading kinship term
    family: str | None  # None for a single-word name (a given name or a nickname)
    given: str
    # False when the normalizer could not tell the family name ("Thảo Hoàng": Hoàng is a family
    # name and a given name): the first word only stands in for it, the given name may be either end.
    order_known: bool = True
    # The given name as written, when the name was written with diacritics (see spelt()): Hùng and
    # Hưng, Dũng and Dung, Hà and Hạ fold alike and are different names. None when the name was
    # typed without any (then "Dung" may be any of them).
    given_spelt: str | None = None
    # "f" for a middle name Thị, "m" for Văn (the middle names that tell a woman from a man), else
    # for a given name spelt as only women's or only men's are (Dung, Dũng), else for a
    # salutation ("chị", "chú"); None when nothing tells, or the middle names say both (_name_sex).
    sex: str | None = None
    # Another word that may be the given name: the first word of a name typed in Western order
    # with its family name last ("Liên Thanh Nguyễn" is Nguyễn Thanh Liên on a first / middle /
    # last form, and Nguyễn Liên Thanh when the first name field held "Liên Thanh"). None when
    # the order is sure.
    given_either: str | None = None
    # (folded, spelt) for each word written with diacritics: how each word was spelt, for a
    # name whose given name is not sure ("Hưng Hoàng": Hưng or Hoàng?).
    spellings: tuple[tuple[str, str], ...] = ()

    @cached_property
    def maybe_given(self) -> frozenset[str]:
        """The words that may be the given name: the given name, and when the order is not
        sure the first word too, or given_either."""
        words = {self.given}
        if not self.order_known:
            words.add(self.tokens[0])
        if self.given_either is not None:
            words.add(self.given_either)
        return frozenset(words)

    @cached_property
    def spelt_words(self) -> dict[str, str]:
        """How each word was spelt: its spellings, or for a name whose order is sure (which
        keeps none) its given name's."""
        if self.spellings:
            return dict(self.spellings)
        return {self.given: self.given_spelt} if self.given_spelt is not None else {}

    def readings(self) -> tuple[NameParts, ...]:
        """The name as each of the ways it may be split: itself, and with given_either as the given name."""
        if self.given_either is None:
            return (self,)
        return self, replace(self, given=self.given_either, given_either=None, given_spelt=None, sex=None)

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

    @cached_property
    def misspelt(self) -> frozenset[str]:
        """The words no Vietnamese syllable is spelt like (usually none: then nothing to mend)."""
        return frozenset(word for word in self.tokens if not is_syllable(word))


@lru_cache(maxsize=8192)
def name_parts(name: PersonName) -> NameParts | None:
    """The folded parts of a personal name; None for a blank or non-personal one.

    Cached: a lead is compared with up to 100 candidates, and the same contacts come up as
    candidates again and again (PersonName is frozen, so it is its own cache key). An entry
    keeps its PersonName alive and costs about 1.5 KB with the parts' cached properties: 8192
    of them bound a worker's growth to ~12 MB (65536 grew a worker ~0.8 MB a minute for over
    an hour of a steady 20 leads/s before it would have levelled off near 100 MB).

    The normalizer has already removed salutations and put the family name first; when it
    could not tell the family name ("Lan Hoàng"), the first word stands in for it.
    """
    tokens = name.key.split() if name.key else fold(name.display).split()
    if not tokens or not name.is_personal:
        return None
    if len(tokens) == 1:
        given_spelt = None if name.display.isascii() else spelt(name.display)
        return NameParts(tuple(tokens), None, tokens[0], given_spelt=given_spelt, sex=_name_sex(name, given_spelt))
    given = fold(name.given) if name.given and fold(name.given) in tokens else tokens[-1]
    family = fold(name.family) if name.family and fold(name.family) in tokens else tokens[0]
    if family == given:
        family, given = tokens[0], tokens[-1]
    given_spelt = None
    if not name.display.isascii():  # "Nguyễn Thị Dung": her given name is Dung, not Dũng
        written = name.given if name.given and fold(name.given) == given else name.display.split()[-1]
        given_spelt = spelt(written) if fold(written) == given else None
    either = _given_either(name, tokens)
    spellings = () if name.display.isascii() or (name.family is not None and either is None) else tuple(
        (fold(word), spelt(word)) for word in name.display.split() if not word.isascii())
    return NameParts(tuple(tokens), family, given, order_known=name.family is not None,
                     given_spelt=given_spelt, sex=_name_sex(name, given_spelt), given_either=either,
                     spellings=spellings)


def _given_either(name: PersonName, tokens: list[str]) -> str | None:
    """The first word typed, when it may be the given name as well as the last word before the
    family name: a name of three words or more typed with its family name last (after Thị or
    Văn, never a given name, the normalizer's order is sure)."""
    words = name.display.lower().split()
    if not name.family_last or len(tokens) < 3 or len(words) != len(tokens) or {words[1], words[-1]} & MIDDLE_ONLY:
        return None
    return tokens[1]


_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng


def alias(name: PersonName | None) -> str | None:
    """The folded key of a name that is a nickname or a shop's name, not a person's ("Gấu Phan":
    "gau phan"; see hub.normalize.is_alias); None for a personal name or a placeholder."""
    if name is None or name.is_personal or not name.key:
        return None
    return name.key if is_alias(name.display) else None


@lru_cache(maxsize=4096)
def spelt(word: str) -> str:
    """A word as written with its diacritics, wherever its tone mark was put ("Hoà" and "Hòa"
    are one spelling: the tone as a suffix after the letters)."""
    if word.isascii():
        return word.lower()
    letters = unicodedata.normalize("NFD", word.lower())
    tones = "".join(c for c in letters if c in _TONES)
    return unicodedata.normalize("NFC", "".join(c for c in letters if c not in _TONES)) + tones


_GIVEN_SEX = {**{spelt(name): "m" for name in MEN_GIVEN}, **{spelt(name): "f" for name in WOMEN_GIVEN}}

# Words known to be names, folded: of two middle names a letter apart, both such words are two
# names (Thu / Thị), one that is not is a slip (score.middle_typo).
NAME_WORDS = frozenset(
    fold(name) for name in (*MIDDLE_NAMES, *MEN_GIVEN, *WOMEN_GIVEN, *SHARED_GIVEN, *MIDDLE_ONLY))


def _name_sex(name: PersonName, given_spelt: str | None) -> str | None:
    """"f" or "m" by the middle names (Thị / Văn), else by a given name spelt as only women's or
    only men's are, else by the salutation (a lead's: a contact keeps none)."""
    return _sex(name.middle) or _GIVEN_SEX.get(given_spelt or "") or SALUTATION_SEX.get(name.salutation or "")


def _sex(middle: str | None) -> str | None:
    """Thị is a woman's middle name and Văn a man's ("Vân" is a woman's: spelt, it is not Văn)."""
    if not middle:
        return None
    words = middle.lower().split()
    female = any(fold(w) == "thi" and (w.isascii() or w == "thị") for w in words)
    male = any(w == "văn" or w == "van" for w in words)
    return None if female == male else ("f" if female else "m")


def written_apart(a: NameParts, b: NameParts) -> bool:
    """Two names that fold alike and yet cannot be one person's: given names written with
    different diacritics (Dũng / Dung), or the middle name of a woman and of a man (Nguyễn Thị
    Anh / Nguyễn Văn Anh). Families share phones: these are a family's members, not typos.
    When a name's given name is not sure ("Hưng Hoàng"), any word that may be its given name
    counts: Hưng Hoàng is not Hoàng Văn Hùng."""
    if a.given == b.given and None not in (a.given_spelt, b.given_spelt) and a.given_spelt != b.given_spelt:
        return True
    if a.spellings or b.spellings:
        spelt_a, spelt_b = a.spelt_words, b.spelt_words
        for word in a.maybe_given & b.maybe_given:
            if word in spelt_a and word in spelt_b and spelt_a[word] != spelt_b[word]:
                return True
    return a.sex is not None and b.sex is not None and a.sex != b.sex


@lru_cache(maxsize=4096)
def corrections(word: str) -> frozenset[str]:
    """The Vietnamese syllables a slip may have come from by two letters swapped or one letter
    typed twice or too many: "qaun" -> {"quan"}, "quaang" -> {"quang"}, "houng" -> {"hung",
    "hong", "huong"} (Hùng and Hương share phones: such a slip says nothing). A letter typed
    twice in a row that leaves one syllable once typed once is that syllable: "duuc" -> {"duc"}
    (not also "duu")."""
    stutters = {word[:i] + word[i + 1:] for i in range(len(word) - 1) if word[i] == word[i + 1]}
    meant = [w for w in stutters if is_syllable(w)]
    if len(meant) == 1:  # a key pressed twice ("duuc", "hunng"): what else it may be does not count
        return frozenset(meant)
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    dropped = {word[:i] + word[i + 1:] for i in range(len(word))}
    return frozenset(w for w in swapped | dropped if is_syllable(w))


def _slips(a: NameParts, b: NameParts) -> dict[str, str]:
    """a's misspelt words whose only possible correction is a word of b."""
    found = {}
    for word in a.misspelt - b.words:
        if len(word) < 3:
            continue
        meant = corrections(word)
        if len(meant) == 1 and next(iter(meant)) in b.words:
            found[word] = next(iter(meant))
        elif word in a.maybe_given and (name := _meant_name(word, a.spelt_words.get(word), b)) is not None:
            found[word] = name
    return found


def _by_folded(names: frozenset[str]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for name in names:
        found.setdefault(fold(name), set()).add(spelt(name))
    return {folded: frozenset(spellings) for folded, spellings in found.items()}


# The spellings of each known name, by its folded form ("hung": Hùng, Hưng).
_SPELLINGS = _by_folded(MIDDLE_NAMES | MEN_GIVEN | WOMEN_GIVEN | SHARED_GIVEN | MIDDLE_ONLY)


@lru_cache(maxsize=4096)
def _names_near(word: str) -> frozenset[str]:
    """The known names (folded) one letter missing, added, wrong or swapped from a word."""
    return frozenset(name for name in NAME_WORDS if OSA.distance(word, name) <= 1)


def _meant_name(word: str, spelling: str | None, other: NameParts) -> str | None:
    """The word of `other` a misspelt word was meant as, with a letter missing, added, wrong or
    swapped ("Hưg", "Hằgn", "Phươgn": Hưng, Hằng, Phương), when no other name may have been:
    "Mnh" may be Minh or Mạnh, "Dug" Dũng, Duy or Đức (brothers share phones), so neither is
    mended. A word written with diacritics is only near a name spelt one edit from it: Hưg is
    not Hùng nor Huy. The corrections() above, which need no name list, come first."""
    near = {v for v in other.words if is_syllable(v) and OSA.distance(word, v) <= 1} | _names_near(word)
    if spelling is not None and not spelling.isascii():
        near = {v for v in near if _spelt_near(spelling, v, other)}
    return next(iter(near)) if len(near) == 1 and near <= other.words else None


def _spelt_near(spelling: str, folded: str, other: NameParts) -> bool:
    """Whether a word spelt so may be `folded` mistyped: one of its spellings (the other name's,
    else a known name's) one edit away; a word of unknown spelling may be."""
    written = other.spelt_words.get(folded)
    spellings = {written} if written is not None else _SPELLINGS.get(folded)
    return not spellings or any(OSA.distance(spelling, s) <= 1 for s in spellings)


def _corrected(parts: NameParts, slips: dict[str, str]) -> NameParts:
    fixed = tuple(slips.get(word, word) for word in parts.tokens)
    family = slips.get(parts.family, parts.family) if parts.family is not None else None
    return replace(parts, tokens=fixed, family=family, given=slips.get(parts.given, parts.given))


def mended(a: NameParts, b: NameParts) -> tuple[NameParts, NameParts, list[str]]:
    """Both names with their slips corrected towards the other name, and the slips found.

    Only a word that cannot be Vietnamese is corrected: "Hùng" and "Dũng" (fathers and sons
    share phones) stay two names, while "Qaun" is Quân mistyped, not Quân's brother.
    """
    if not a.misspelt and not b.misspelt:
        return a, b, []
    slips_a, slips_b = _slips(a, b), _slips(b, a)
    if not slips_a and not slips_b:
        return a, b, []
    found = sorted(f"{w} ~ {r}" for w, r in (*slips_a.items(), *slips_b.items()))
    return _corrected(a, slips_a), _corrected(b, slips_b), found
