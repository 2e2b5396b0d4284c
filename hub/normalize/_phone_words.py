"""Phone numbers spelt in words: "không chín một hai ba bốn năm sáu bảy tám".

Pages often hide comments that hold a phone number (a Facebook page moderation setting), and
wary customers do not want their number scraped: they write it in words, or mix words and
digits ("09 tám 7 sáu 5 4 3 2 1", "khong chin mot hai..."). A stretch of such words is read as
its digits in place: each word becomes its digit followed by blanks, so offsets into the result
are offsets into the text, and the usual reading of digit runs (`_phone_runs`) and the context
checks (`_phone_context`) apply to it unchanged.

Number words are everyday words too ("hai ba người", "năm nay", "có không"), so a stretch is
read only when it holds at least `MIN_WORDS` of them and, with the digits written among them,
enough digits for a number (`MIN_DIGITS`); anything shorter is left as written.
"""
from __future__ import annotations

import re
import unicodedata

from hub.normalize._phone_parse import MIN_DIGITS

# The words for each digit: Vietnamese with and without its marks (typed on a keyboard without
# Vietnamese input), the northern "bẩy", and English.
DIGIT_WORDS: dict[str, str] = {
    "không": "0", "khong": "0", "zero": "0",
    "một": "1", "mot": "1", "one": "1",
    "hai": "2", "two": "2",
    "ba": "3", "three": "3",
    "bốn": "4", "bon": "4", "four": "4",
    "năm": "5", "nam": "5", "five": "5",
    "sáu": "6", "sau": "6", "six": "6",
    "bảy": "7", "bẩy": "7", "bay": "7", "seven": "7",
    "tám": "8", "tam": "8", "eight": "8",
    "chín": "9", "chin": "9", "nine": "9",
}  # fmt: skip
# Two words at least: a single number word beside a number ("có không 0912345678", "Nam
# 0912345678") is the word it is. What a stretch reads still has to be a valid number, read
# longest first, and in a message one written with a trunk 0 or a phone word before it.
MIN_WORDS = 2

# Each word as typed in composed (NFC) and decomposed (NFD) form, which macOS and some Android
# keyboards send; a letter or a combining mark right after a word makes it another word ("bá").
_FORMS = {unicodedata.normalize(form, word): digit for word, digit in DIGIT_WORDS.items() for form in ("NFC", "NFD")}
_NOT_AFTER = r"(?![^\W_]|[\u0300-\u036f])"
_WORD = "(?:" + "|".join(re.escape(w) for w in sorted(_FORMS, key=len, reverse=True)) + ")" + _NOT_AFTER
_TOKEN = rf"(?:{_WORD}|[0-9]+)"
_SEPARATOR = r"(?:[ \t]*[.,\-][ \t]*|[ \t]+)"
_STRETCH = re.compile(rf"(?<![^\W_])(?<![\u0300-\u036f]){_TOKEN}(?:{_SEPARATOR}{_TOKEN})+", re.IGNORECASE)
_WORD_IN = re.compile(_WORD, re.IGNORECASE)
_ANY_WORD = re.compile(rf"(?<![^\W_]){_WORD}", re.IGNORECASE)


def spell_digits(text: str) -> str:
    """`text` with each long enough stretch of number words read as digits, offsets unchanged:
    "sđt không chín một hai..." -> "sđt 0     9    1   2  ...". Commas inside such a stretch
    ("không chín một hai, ba bốn năm...") become blanks; the rest of the text is unchanged."""
    if _ANY_WORD.search(text) is None:  # the usual case: a regex scan finds out fastest
        return text
    spelled: list[str] | None = None
    for stretch in _STRETCH.finditer(text):
        words = list(_WORD_IN.finditer(text, stretch.start(), stretch.end()))
        if len(words) < MIN_WORDS:
            continue
        digits = sum(c.isdigit() for c in stretch.group()) + len(words)
        if digits < MIN_DIGITS:
            continue
        if spelled is None:
            spelled = list(text)
        for word in words:
            digit = _FORMS[word.group().lower()]  # matched in one of its forms, in any case
            spelled[word.start() : word.end()] = digit + " " * (word.end() - word.start() - 1)
        for at in range(stretch.start(), stretch.end()):
            if spelled[at] == ",":
                spelled[at] = " "
    return text if spelled is None else "".join(spelled)

