"""Names typed in Telex or VNI with the input method off: "Nguyeenx Thij Lan" and
"Nguye64n Thi5 Lan" are Nguyễn Thị Lan.

Telex is how most Vietnamese type: letters for the marks (aa â, aw ă, ee ê, oo ô, ow ơ, uw or
w ư, dd đ) and for the tones (s sắc, f huyền, r hỏi, x ngã, j nặng), which the input method
turns into the letters. When it is off (another computer, a phone's English keyboard) the keys
arrive as typed. A word is read back only when it is no Vietnamese syllable as typed and its
keys spell one, marks and all ("Hoaang" is Hoàng with a key pressed twice, not "Hoâng", which
no Vietnamese writes: it stays as typed); and a name only when one of its words is plainly
Telex: a w ("Vawn", "Hwng"), a huyền or nặng key (f, j: "Trafn", "Thij"), or a doubled letter
with a tone key ("Nguyeenx", "Tuaans"). A doubled letter alone is as often a key pressed twice
("Thaanh", "VOO"), and s, r or x end English names and words ("Chris", "Max", "Test"): such a
word is read in a name plainly typed in Telex, never alone; and a word whose only key is s, r or
x only when it spells a name Vietnamese people carry ("Thuyr" is Thủy, while "Max Nguyeenx" is
Max Nguyễn, not "Mã Nguyễn").

VNI, the other way Vietnamese type, puts digits for the marks (6 â ê ô, 7 ơ ư, 8 ă, 9 đ) and
the tones (1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng), anywhere after the letter they mark
("Nguye64n", "Nguyen64"). A word with a digit among its letters is read back when its keys spell
a Vietnamese syllable, marks and all, and with a tone digit alone only when it spells a name
Vietnamese people carry ("Hu2ng" is Hùng; "Nam2" stays as typed); a name only when every such
word is read.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from hub.normalize._name_data import MEN_GIVEN, MIDDLE_NAMES, SHARED_GIVEN, SURNAMES, WOMEN_GIVEN
from hub.normalize._name_fold import fold
from hub.normalize._syllable import is_syllable

_TONE_KEYS = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_ENGLISH_TONES = frozenset("srx")  # letters of English names and words too ("Chris", "Max", "Test")
_STOPS = ("c", "ch", "p", "t")
_STOP_TONES = frozenset({"\u0301", "\u0323"})  # sắc, nặng: the only tones after a stop
_MARKS = {"aa": "â", "aw": "ă", "ee": "ê", "oo": "ô", "ow": "ơ", "uw": "ư"}
_VOWELS = frozenset("aăâeêioôơuưy")
_MARKED = frozenset("ăâêôơư")
_NAME_WORDS = frozenset(SURNAMES) | MEN_GIVEN | WOMEN_GIVEN | SHARED_GIVEN | MIDDLE_NAMES

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
    them is plainly Telex, or typed in VNI, when every word with a digit among its letters is;
    else `text` unchanged."""
    if not text.isascii():
        return text
    words = text.split(" ")
    if any(char.isdigit() for char in text):
        return _unvni(words) or text
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
        toned = _toned(spelt, at, _TONE_KEYS[tone])
        if toned is None:
            return None
        spelt = toned
        if tone in _ENGLISH_TONES and not marks and spelt not in _NAME_WORDS:
            return None  # "Max", "Rex": English names, not Mã, Rẽ
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


def _toned(spelt: str, at: int, tone: str) -> str | None:
    """`spelt` with the tone mark (a combining character) on its vowel at `at`; None for a tone a
    syllable ending in a stop cannot take (tát, tạt: sắc and nặng only)."""
    if spelt.endswith(_STOPS) and tone not in _STOP_TONES:
        return None
    return unicodedata.normalize("NFC", spelt[: at + 1] + tone + spelt[at + 1:])


def _cased(word: str, typed: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if typed[:1].isupper() else word


_VNI_TONES = {"1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323"}
_CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
_HORN = {"o": "ơ", "u": "ư"}


def _unvni(words: list[str]) -> str | None:
    """The words with those typed in VNI read back, or None when one with a digit among its
    letters does not read (a nickname "Bin2k", "Nam 2", an email): left as typed."""
    read = []
    for word in words:
        if word.isalpha() or not any(char.isalpha() for char in word):
            read.append(word)
            continue
        found = vni_word(word)
        if found is None:
            return None
        read.append(found)
    return " ".join(read)


@lru_cache(maxsize=4096)
def vni_word(typed: str) -> str | None:
    """The word the VNI keys typed spell, or None when they spell no Vietnamese syllable."""
    lowered = typed.lower()
    if not lowered[:1].isalpha() or not lowered.isalnum():
        return None
    letters = "".join(char for char in lowered if char.isalpha())
    digits = [char for char in lowered if char.isdigit()]
    if digits.count("7") == 2:  # "u7o7": the horn typed on each vowel of ươ
        digits.remove("7")
    tones = [d for d in digits if d in _VNI_TONES]
    if len(tones) > 1 or len(set(digits)) != len(digits) or "0" in digits:
        return None
    spelt = _vni_marked(letters, {d for d in digits if d not in _VNI_TONES})
    if spelt is None or not is_syllable(fold(spelt)) or (at := _tone_vowel(spelt)) is None:
        return None
    if tones:
        toned = _toned(spelt, at, _VNI_TONES[tones[0]])
        if toned is None:
            return None
        spelt = toned
        if len(digits) == 1 and spelt not in _NAME_WORDS:
            return None  # a tone digit alone: "Nam2" is Nam the second, not Nàm
    return _cased(spelt, typed)


def _vni_marked(letters: str, marks: set[str]) -> str | None:
    """The letters with the mark digits applied (9 đ, 6 â ê ô, 7 ơ ư / ươ, 8 ă); None when a
    mark has no letter to go on."""
    chars = list(letters)
    if "9" in marks:
        if chars[0] != "d":
            return None
        chars[0] = "đ"
    start = 2 if letters.startswith(("qu", "gi")) and len(letters) > 2 and letters[2] in "aeiouy" else 0
    vowels = [i for i in range(start, len(chars)) if chars[i] in "aeiouy"]
    if not vowels:
        return None
    group = "".join(chars[i] for i in vowels)
    if "6" in marks:
        at = [i for i in vowels if chars[i] in _CIRCUMFLEX]
        if not at:
            return None
        chars[at[-1]] = _CIRCUMFLEX[chars[at[-1]]]
    if "7" in marks:
        if "uo" in group:  # ươ, as input methods write it
            first = vowels[group.index("uo")]
            chars[first], chars[first + 1] = "ư", "ơ"
        else:
            at = [i for i in vowels if chars[i] in _HORN]
            if not at:
                return None
            chars[at[0]] = _HORN[chars[at[0]]]
    if "8" in marks:
        at = [i for i in vowels if chars[i] == "a"]
        if not at:
            return None
        chars[at[0]] = "ă"
    return "".join(chars)
