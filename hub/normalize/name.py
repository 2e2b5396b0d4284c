"""Personal names: repaired display, accent-folded key, family / middle / given, salutation.

Display names that are not a person's name (shops, nicknames, placeholders, emoji) are kept
as cleaned text with `is_personal=False`, so dedupe can give them no weight.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from operator import attrgetter

from hub.model import PersonName
from hub.normalize._name_data import (
    NICKNAME_FIRST_WORDS,
    NICKNAME_WORDS,
    PLACEHOLDERS,
    SHOP_PHRASES,
    SHOP_WORDS,
    SHOP_WORDS_FOLDED,
)
from hub.normalize._name_fold import fold
from hub.normalize._name_parts import WORD, Word, order_parts, proper_name, split_salutation, word
from hub.normalize._telex import untelex

__all__ = ["fold", "is_alias", "normalize_name"]

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")  # "Lan (Zalo)", "Hùng [bán hàng]"
_DIGIT = re.compile(r"\d")
_NOT_WORD_OR_SPACE = re.compile(r"[^\w\s]")
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co"})  # control, format (ZWJ, BOM), surrogate, private
_EMOJI = frozenset({"So", "Sk"})
_MAX_NAME_WORDS = 6  # longer "names" are slogans or shop descriptions
_MAX_WORD = 30  # no name's word is longer ("Nguyễn" is 6 letters): a longer one is not a name
_MAX_DISPLAY = 255  # what the store keeps of a name (contacts.name)
_PLAIN_SHOP_PHRASES = frozenset(fold(phrase) for phrase in SHOP_PHRASES)
_PLAIN_NICKNAME_PHRASES = frozenset(fold(words) for words in NICKNAME_WORDS if " " in words)
_STAND_IN_MIDDLE = frozenset({"van", "thi"})  # "Nguyễn Văn A", "Trần Thị B"


# Names repeat (Nguyễn is four Vietnamese in ten; "Nguyễn Thị Lan" recurs across any large
# list), and PersonName is frozen: one result per distinct text is computed once per process.
@lru_cache(maxsize=8192)
def normalize_name(text: str | None) -> PersonName | None:
    """Return the repaired name, or None when the text is blank. Never raises.

    Personal names get NFC, collapsed whitespace, the words typed in Telex with the input
    method off read back ("Nguyeenx Thij Lan": hub.normalize._telex), "Nguyễn Thị Lan" casing,
    lose a leading salutation ("chị", "a", "Mr") and a home name beside a given name ("Hằng
    Mít": Hằng), and are put family name first; `key` folds the display.
    Memoised by text (the result is immutable).
    """
    if text is None:
        return None
    cleaned = _clean(text)
    if not cleaned:
        return None
    if cleaned.isascii():  # typed in Telex with the input method off: "Nguyeenx Thij Lan"
        cleaned = untelex(cleaned)
    core = _BRACKETED.sub(" ", cleaned) if "(" in cleaned or "[" in cleaned else cleaned
    words = list(map(word, WORD.findall(core) or WORD.findall(cleaned)))
    salutation, name_words = split_salutation(words)
    proper = proper_name(name_words)
    if proper is not name_words:  # the words checked below are the salutation's and the name's
        words = [*words[: len(words) - len(name_words)], *proper]
    if not _is_personal(core, _Words(words), len(proper)):
        if len(cleaned) > _MAX_DISPLAY:  # a paragraph typed as a name: its start is kept (raw has it all)
            cleaned = cleaned[:_MAX_DISPLAY].rstrip()
        return PersonName(
            raw=text, display=cleaned, key=fold(cleaned)[:_MAX_DISPLAY], salutation=salutation, is_personal=False
        )
    parts = order_parts(proper)
    display = " ".join(parts.words)
    return PersonName(
        raw=text,
        display=display,
        key=fold(display),
        family=parts.family,
        middle=parts.middle,
        given=parts.given,
        salutation=salutation,
        western_order=parts.western_order,
        family_last=parts.family_last,
    )


def _clean(text: str) -> str:
    """NFC text without control / format characters, whitespace collapsed."""
    if not text.isprintable():  # cheap test; also true for tabs, newlines and NBSP
        text = "".join(_visible(c) for c in text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def _visible(char: str) -> str:
    """Whitespace and zero-width spaces become spaces; other invisible characters vanish."""
    if char.isspace() or char == "\u200b":
        return " "
    return "" if unicodedata.category(char) in _INVISIBLE else char


# First words of the shop and nickname phrases, accented and folded: a name with none of them
# holds no phrase.
_PHRASE_STARTS = frozenset(
    phrase.split(" ")[0]
    for phrase in (*SHOP_PHRASES, *_PLAIN_SHOP_PHRASES, *NICKNAME_WORDS, *_PLAIN_NICKNAME_PHRASES)
    if " " in phrase
)


_ASCII = attrgetter("ascii")
_SIMPLE = attrgetter("simple")


class _Words:
    """The words of a display name, lower-cased and folded once for all the checks."""

    def __init__(self, words: list[Word]) -> None:
        self.plain = all(map(_ASCII, words))
        if words and all(map(_SIMPLE, words)):
            self.lowered = [item.lowered for item in words]
            self.folded = [item.folded for item in words]
            self.phrases = not (
                _PHRASE_STARTS.isdisjoint(self.lowered) and _PHRASE_STARTS.isdisjoint(self.folded)
            )
            return
        texts = [item.text for item in words]
        joined = " ".join(texts)
        self.lowered = joined.lower().split(" ")
        folded = fold(joined).split(" ")
        self.folded = folded if len(folded) == len(texts) else [fold(text) for text in texts]
        self.phrases = True

    def has_phrase(self, phrases: frozenset[str], plain_phrases: frozenset[str]) -> bool:
        """True when two or three consecutive words form one of `phrases` ("thời trang"),
        or of the folded `plain_phrases` for text typed without accents."""
        if not self.phrases:
            return False
        words, known = (self.folded, plain_phrases) if self.plain else (self.lowered, phrases)
        for start in range(len(words) - 1):
            pair = f"{words[start]} {words[start + 1]}"
            if pair in known:
                return True
            if start + 2 < len(words) and f"{pair} {words[start + 2]}" in known:
                return True
        return False


def _is_personal(core: str, words: _Words, name_size: int) -> bool:
    """False for digits, emoji without a word, placeholders, shop names and nicknames. A name
    decorated with emoji or symbols is its words ("🌸 Lan 🌸", "✿ Thành Vũ ✿": how many sign
    their Zalo and Facebook accounts).

    The last `name_size` words are the name proper (after any salutation).
    """
    if not name_size or name_size > _MAX_NAME_WORDS or _DIGIT.search(core):
        return False
    if any(len(w) > _MAX_WORD for w in words.lowered):
        return False
    skip = len(words.lowered) - name_size
    return not (
        _is_placeholder(words.folded)
        or (skip > 0 and _is_placeholder(words.folded[skip:]))
        or _is_shop(words)
        or _is_nickname(words, skip)
    )


@lru_cache(maxsize=4096)
def is_alias(display: str) -> bool:
    """True when a display name that is not a personal name is a nickname or a shop's name
    ("Gấu Phan", "Cún", "Shop Hoa Xinh"): it still names whoever signs with it, unlike a
    placeholder ("Khách hàng", "Zalo User", "User 123"), digits, emoji, or a word a family calls
    a child by, alone ("Bé", "Bin")."""
    words = list(map(word, WORD.findall(display)))
    if not words or _DIGIT.search(display) or _emoji_count(display) > len(words):
        return False
    if len(words) == 1 and words[0].lowered in NICKNAME_FIRST_WORDS:  # "Bé": any family's youngest
        return False
    found = _Words(words)
    return not _is_placeholder(found.folded) and (_is_shop(found) or _is_nickname(found, 0))


def _emoji_count(text: str) -> int:
    """Pictographs and symbols ("❤", "🌸", "★"); more of them than words is emoji-heavy."""
    if text.isascii():
        return 0
    found = _NOT_WORD_OR_SPACE.findall(text)
    return sum(1 for c in found if unicodedata.category(c) in _EMOJI) if found else 0


def _is_placeholder(folded: list[str]) -> bool:
    """"Khách hàng", "User 123", "Người dùng Zalo", "N/A", "test", "aaaa", "Test Test"; and
    "Nguyễn Văn A", "Trần Thị B": the Vietnamese John Doe, a letter for the given name."""
    key = " ".join(folded)
    if key in PLACEHOLDERS or (len(key) > 1 and len(set(key.replace(" ", ""))) == 1):
        return True
    if len(folded) > 1 and all(word in PLACEHOLDERS for word in folded):
        return True
    return len(folded) > 2 and len(folded[-1]) == 1 and folded[-2] in _STAND_IN_MIDDLE


def _is_shop(words: _Words) -> bool:
    """A shop / company word or phrase anywhere: "Shop Thời Trang ABC", "Cty TNHH ..."."""
    if not SHOP_WORDS_FOLDED.isdisjoint(words.folded) or not SHOP_WORDS.isdisjoint(words.lowered):
        return True
    return words.has_phrase(SHOP_PHRASES, _PLAIN_SHOP_PHRASES)


def _is_nickname(words: _Words, skip: int) -> bool:
    """"Bé Heo", "Mèo Con", "Tiểu Yến", "Công Chúa Lan" (salutations skipped)."""
    name = words.lowered[skip:]
    if name[0] in NICKNAME_FIRST_WORDS or not NICKNAME_WORDS.isdisjoint(name):
        return True
    return words.has_phrase(NICKNAME_WORDS, _PLAIN_NICKNAME_PHRASES)
