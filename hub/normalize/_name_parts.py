"""Reading the words of a personal name: salutation, letter case, family / middle / given."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from hub.normalize._name_data import (
    MIDDLE_ONLY,
    NICKNAME_WORDS,
    PARENT_OF_FOLDED,
    PET_NAMES,
    PLAIN_PET_NAMES,
    PLAIN_SALUTATIONS,
    PLAIN_WEAK_SURNAMES,
    SALUTATIONS,
    SURNAMES,
    WEAK_SURNAMES,
)
from hub.normalize._name_fold import fold

# A word: letters, possibly joined by an apostrophe or hyphen ("H'Hen", "Jean-Pierre").
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")

# surname -> (frequency rank, strong); a weak surname is as often a given name.
_ACCENTED: dict[str, tuple[int, bool]] = {
    name: (rank, name not in WEAK_SURNAMES) for rank, name in enumerate(SURNAMES)
}


def _plain_surnames() -> dict[str, tuple[int, bool]]:
    """The same table for words typed without accents ("nguyen", "tran"): a spelling shared
    by several surnames ("la" = La / Lã) takes the best rank, and is weak if any of them is."""
    table: dict[str, tuple[int, bool]] = {}
    for name, (rank, strong) in _ACCENTED.items():
        plain = fold(name)
        strong = strong and plain not in PLAIN_WEAK_SURNAMES
        best_rank, was_strong = table.get(plain, (rank, True))
        table[plain] = (best_rank, strong and was_strong)
    return table


_PLAIN = _plain_surnames()

# Nickname words signed after a given name ("Khánh Heo", "Lan Cute", "Thịnh Bé"), as typed;
# and the two-word ones ("Kiên Đẹp Trai", "Trung Dep Trai", "Lan Công Chúa"), folded.
_TRAILING_NICKNAMES = frozenset({*(w for w in NICKNAME_WORDS if " " not in w), "bé", "pé"})
_TRAILING_PHRASES = frozenset(fold(w) for w in NICKNAME_WORDS if " " in w)


class Word(NamedTuple):
    """One word of a name as typed, with what reading a name needs of it. A few thousand
    syllables make up nearly every Vietnamese name, so this is worked out once per distinct
    word (see `word`) even though whole names rarely repeat."""

    text: str
    ascii: bool
    lowered: str
    folded: str  # fold(text)
    # fold(text) is one non-empty word, so folding the words joined by spaces gives exactly
    # the folded words (fold works character by character otherwise).
    simple: bool
    capitalized: str  # capitalize(text)
    surname: tuple[int, bool] | None  # _surname(capitalized)
    salutation: str | None  # the salutation it always is ("chị", "a", "Mr")
    plain_salutation: str | None  # the one it is typed in lower case before a name ("chi Lan")
    starts_upper: bool
    pet: bool  # a home name ("Mít", "Bin"; see PET_NAMES)
    nickname: bool  # a nickname word ("Heo", "Cute", "Bé"; see NICKNAME_WORDS)


@lru_cache(maxsize=16384)
def word(text: str) -> Word:
    """The `Word` for one word of a name (memoised)."""
    lowered = text.lower()
    folded = fold(text)
    capitalized = capitalize(text)
    return Word(
        text=text,
        ascii=text.isascii(),
        lowered=lowered,
        folded=folded,
        simple=bool(folded) and "".join(folded.split()) == folded,
        capitalized=capitalized,
        surname=_surname(capitalized),
        salutation=SALUTATIONS.get(lowered),
        plain_salutation=PLAIN_SALUTATIONS.get(lowered) if text.islower() else None,
        starts_upper=text[:1].isupper(),
        pet=(folded in PLAIN_PET_NAMES) if text.isascii() else lowered in PET_NAMES,
        nickname=lowered in _TRAILING_NICKNAMES,
    )


class Parts(NamedTuple):
    """The words of a personal name in family-first order, and how they split."""

    words: tuple[str, ...]
    family: str | None
    middle: str | None
    given: str
    western_order: bool
    family_last: bool = False  # typed with the family name last ("Liên Thanh Nguyễn")


def split_salutation(words: list[Word]) -> tuple[str | None, list[Word]]:
    """Remove leading kinship terms / titles while a name remains after them.

    Returns the first salutation in its canonical form ("C." -> "chị") and the other words.
    "Anh" alone and "Nguyễn Anh" keep their "Anh": only leading words are examined, and
    never the last one. Unaccented spellings that are also names ("Chi", "Chu", "Cau") are a
    salutation only typed in lower case before a capitalised word in unaccented text.
    """
    plain = all(map(attrgetter("ascii"), words))
    salutation = None
    while len(words) > 1:
        found = words[0].salutation
        if found is None and plain and words[1].starts_upper:
            found = words[0].plain_salutation
        if found is None or _given_anh(words):
            break
        salutation = salutation or found
        words = words[1:]
    return salutation, words


def proper_name(words: list[Word]) -> list[Word]:
    """The words of a name without a home name typed beside a given name: "Hằng Mít" is Hằng,
    "Hoàng Bin" is Hoàng (a weak surname is as often a given name), and without a nickname word
    signed after one: "Khánh Heo" is Khánh, "Lan Cute" Lan, "Kiên Đẹp Trai" Kiên. Other names
    are kept as typed. A home name alone ("Mít") or with a family name ("Bin Nguyễn", "Trần
    Tũn") keeps its home name: it stays a name that differs from a relative's given name, since
    families share phones and mailboxes. "Nguyễn Văn Tí" has Tí as its given name, and "Mẹ Bin"
    is a parent. A nickname in front ("Bé Heo", "Mèo Con", "Tiểu Yến") is a nickname, not a
    name (name.py).
    """
    other = _beside_a_nickname(words)
    if other is None:
        return words
    if (other.surname and other.surname[1]) or other.folded in PARENT_OF_FOLDED or other.lowered in MIDDLE_ONLY:
        return words
    return [other]


def _beside_a_nickname(words: list[Word]) -> Word | None:
    """The one word of a two-word name beside a home name or a nickname word ("Hằng Mít",
    "Khánh Heo"), or before two words of praise ("Kiên Đẹp Trai"); None for any other name."""
    if len(words) == 3 and f"{words[1].folded} {words[2].folded}" in _TRAILING_PHRASES:
        return None if words[0].pet or words[0].nickname else words[0]
    if len(words) != 2:
        return None
    first, second = words
    if second.nickname and not (first.pet or first.nickname):
        return first
    if first.pet != second.pet:
        return second if first.pet else first
    return None


def _given_anh(words: list[Word]) -> bool:
    """"Anh Nguyễn", "Anh Thư Nguyễn": a capitalised Anh in a name typed with its family name
    last is the given name Anh, or a part of one, in Western order (Nguyễn Anh, Nguyễn Anh
    Thư), not "brother Nguyễn" ("anh Nguyễn", "a Nguyễn" and "Anh Trần Tuấn" keep the salutation)."""
    first, rest = words[0], words[1:]
    last = rest[-1].surname
    return (first.lowered == "anh" and first.text[:1] == "A" and last is not None and last[1]
            and (len(rest) == 1 or rest[0].surname is None))


def capitalize(word: str) -> str:
    """"NGUYỄN" / "nguyễn" / "nGUYỄN" -> "Nguyễn"; "McDonald" and "Jean-Pierre" are kept.

    A word whose case cannot be changed stably (e.g. "ß" -> "SS", or letters that gain marks)
    is kept as typed, so capitalizing a capitalized word is always a no-op.
    """
    if word[:1].isupper() and not word.isupper():
        return word
    candidate = _capitalized(word)
    stable = _capitalized(candidate) == candidate and WORD.fullmatch(candidate)
    return candidate if stable else word


def _capitalized(word: str) -> str:
    if word[:1].isupper() and not word.isupper():
        return word
    pieces = (piece[:1].upper() + piece[1:].lower() for piece in word.split("-"))
    return unicodedata.normalize("NFC", "-".join(pieces))


def order_parts(words: list[Word]) -> Parts:
    """Split the words of a name into family / middle / given, family name first, capitalized.

    The family name is the first word when it is a common surname ("Nguyễn Thị Lan"); else a
    strong surname further on starts it and the words before it move behind ("Lan Nguyễn" ->
    "Nguyễn Lan", "Hùng Trần Văn" -> "Trần Văn Hùng", western_order=True), except that a
    given name typed before its middle name, as on a first / middle / last form, goes last
    ("Hương Thị Nguyễn" -> "Nguyễn Thị Hương"). A weak surname in front ("Hoàng Vũ") stays the
    family name unless the later surname is more frequent.
    Without any surname ("Thu Hà", "Lan") there is no family name.
    """
    capitalized = [item.capitalized for item in words]
    first = words[0].surname if len(words) > 1 else None
    if first is None or not first[1]:
        later = _strong_surname_after_first(words)
        if later and (first is None or later[1] < first[0]):
            cut = later[0]
            before = tuple(capitalized[:cut])
            if cut > 1 and words[1].lowered in MIDDLE_ONLY:  # given, middle..., family
                before = (*before[1:], before[0])
            return _family_first((*capitalized[cut:], *before), western=True, family_last=cut == len(words) - 1)
    if first:
        return _family_first(tuple(capitalized), western=False)
    given = capitalized[-1]
    return Parts(tuple(capitalized), None, " ".join(capitalized[:-1]) or None, given, False)


def _strong_surname_after_first(words: list[Word]) -> tuple[int, int] | None:
    """(position, rank) of the first strong surname after the first word, if any."""
    for position in range(1, len(words)):
        found = words[position].surname
        if found and found[1]:
            return position, found[0]
    return None


def _family_first(words: tuple[str, ...], western: bool, family_last: bool = False) -> Parts:
    return Parts(words, words[0], " ".join(words[1:-1]) or None, words[-1], western, family_last)


def _surname(word: str) -> tuple[int, bool] | None:
    """(frequency rank, strong) when `word` is a family name, matched with its accents when it
    has any: "Lý" is a strong surname, while "Ly" may be the given name Ly, so it is weak."""
    lowered = word.lower()
    return (_PLAIN if lowered.isascii() else _ACCENTED).get(lowered)
