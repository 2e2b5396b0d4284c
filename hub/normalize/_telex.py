"""Names typed in Telex with the input method off: "Nguyeenx Thij Lan" is Nguyễn Thị Lan.

Telex is how most Vietnamese type: letters for the marks (aa â, aw ă, ee ê, oo ô, ow ơ, uw or
w ư, dd đ) and for the tones (s sắc, f huyền, r hỏi, x ngã, j nặng), which the input method
turns into the letters. When it is off (another computer, a phone's English keyboard) the keys
arrive as typed. A word is read back only when it is no Vietnamese syllable as typed and its
keys spell one, marks and all ("Hoaang" is Hoàng with a key pressed twice, not "Hoâng", which
no Vietnamese writes: it stays as typed); and a name only when one of its words is plainly
Telex: a w ("Vawn", "Hwng"), a huyền or nặng key (f, j: "Trafn", "Thij"), or a doubled letter
with a tone key ("Nguyeenx", "Tuaans"). A doubled letter alone is as often a key pressed twice
("Thaanh", "VOO"), and s, r or x end English names and words ("Chris", "Max", "Test"): such a
word is read in a name plainly typed in Telex, never alone.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from hub.normalize._name_fold import fold
from hub.normalize._syllable import is_syllable

_TONE_KEYS = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_ENGLISH_TONES = frozenset("srx")  # letters of English names and words too ("Chris", "Max", "Test")
_STOPS = ("c", "ch", "p", "t")
_MARKS = {"aa": "â", "aw": "ă", "ee": "ê", "oo": "ô", "ow": "ơ", "uw": "ư"}
_VOWELS = frozenset("aăâeêioôơuưy")
_MARKED = frozenset("ăâêôơư")

# Vowel groups as written, with no final consonant after them, and before one.
_OPEN = frozenset({
    "a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "âu", "ay", "ây", "eo",
    "êu", "ia", "iu", "oa", "oe", "oi", "ôi", "ơi", "ua", "uê", "ui", "uơ", "ưa", "ưi", "ưu", "uy",
    "uya", "uyu", "oai", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "iêu", "yêu",
})
_CLOSED = frozenset({
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "oa", "oă", "oe", "uâ", "uê", "uy",
    "iê", "yê", "uô", "ươ", "uyê", "oo",
})


def untelex(text: str) -> str:
    """`text` (one space between words) with its words typed in Telex read back, when one of
    them is plainly Telex; else `text` unchanged."""
    if not text.isascii():
        return text
    words = text.split(" ")
    read = [telex_word(word) if word.isalpha() else None for word in words]
    if not any(found is not None and found[1] for found in read):
        return text
    return " ".join(found[0] if found is not None else word for word, found in zip(words, read))


@lru_cache(maxsize=4096)
def telex_word(typed: str) -> tuple[str, bool] | None:
    """(the word the Telex keys typed spell, whether they are plainly Telex) for an ASCII word
    that is no Vietnamese syllable as typed; None when it is one, or its keys spell none."""
    lowered = typed.lower()
    if len(lowered) < 2 or is_syllable(lowered):
        return None
    tone, keys, after_vowel = None, [], False
    for char in lowered:
        # After a vowel a tone key is a tone (no final consonant is s, f, r, x or j); before
        # one, s, r and x are first consonants (Sơn, Rạng, Xuân).
        if char in _TONE_KEYS and after_vowel:
            if tone is not None:
                return None  # two tone keys: "ss" types an s, or this is no Telex
            tone = char
        else:
            keys.append(char)
            after_vowel = after_vowel or char in "aeiouyw"
    spelt = _marked("".join(keys))
    if spelt is None or (at := _tone_vowel(spelt)) is None:
        return None
    marks = spelt != "".join(keys)
    if tone is None and not marks:
        return None
    if tone is not None:
        if spelt.endswith(_STOPS) and tone not in "sj":  # tát, tạt: a stop takes no other tone
            return None
        spelt = unicodedata.normalize("NFC", spelt[: at + 1] + _TONE_KEYS[tone] + spelt[at + 1:])
    # A doubled letter alone is as often a key pressed twice ("Thaanh", "VOO"): it is plainly
    # Telex beside a tone key only. A w, f or j is Telex by itself.
    plainly = "w" in keys or (tone is not None and (marks or tone not in _ENGLISH_TONES))
    return _cased(spelt, typed), plainly


def _marked(keys: str) -> str | None:
    """The letters the mark keys make (dd đ, aa â, uow ươ, w ư...); None when a key is left over."""
    out, i = [], 0
    if keys.startswith("dd"):
        out.append("đ")
        i = 2
    while i < len(keys):
        pair = keys[i:i + 2]
        if pair in _MARKS:
            out.append(_MARKS[pair])
            i += 2
        else:
            out.append("ư" if keys[i] == "w" else keys[i])
            i += 1
    spelt = "".join(out)
    if "uơ" in spelt and not spelt.startswith("qu"):  # "uow": ươ, as input methods make it
        spelt = spelt.replace("uơ", "ươ")
    if not {"f", "j", "z"}.isdisjoint(spelt) or not is_syllable(fold(spelt)):
        return None
    return spelt


def _tone_vowel(spelt: str) -> int | None:
    """Where the tone mark goes, or None when the vowels are no Vietnamese group: on the marked
    vowel (ơ of ươ), else the last before a final consonant, else the middle of three or the
    first of two ("hòa", "thủy", as names are mostly written)."""
    onset = spelt.startswith("qu") or (spelt.startswith("gi") and len(spelt) > 2 and spelt[2] in _VOWELS)
    first = 2 if onset else 0
    while first < len(spelt) and spelt[first] not in _VOWELS:
        first += 1
    end = first
    while end < len(spelt) and spelt[end] in _VOWELS:
        end += 1
    group = spelt[first:end]
    if not group or group not in (_CLOSED if end < len(spelt) else _OPEN):
        return None
    marked = [i for i in range(first, end) if spelt[i] in _MARKED]
    if marked:
        return marked[-1]
    if end < len(spelt) or len(group) == 1:
        return end - 1
    return first + (1 if len(group) == 3 else 0)


def _cased(word: str, typed: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if typed[:1].isupper() else word
