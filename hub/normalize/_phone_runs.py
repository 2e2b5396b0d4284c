"""Find digit groups in text and read them as phone numbers.

A *run* is a sequence of digit groups joined by what people put inside a phone number (spaces,
dots, dashes, brackets); a run may hold several numbers ("0912345678 0987654321") or none.
"""
from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from hub.model import Phone
from hub.normalize._phone_parse import MIN_DIGITS, ParsedNumber, parse_digits

# Characters people type from full-width or smart keyboards, mapped one-to-one so that offsets
# into the translated text are offsets into the original text too.
WIDE_CHARS = str.maketrans(
    {
        **{chr(0xFF10 + d): str(d) for d in range(10)},
        "＋": "+", "（": "(", "）": ")", "．": ".", "－": "-", "‐": "-", "‑": "-",
        "–": "-", "—": "-", "＠": "@", "\u3000": " ", "\u00a0": " ", "\u202f": " ",
        # Keycap digits ("0️⃣9️⃣1️⃣...": a digit, a variation selector, the enclosing keycap), as
        # Zalo and Facebook users decorate a number: the digit and two blanks.
        "\ufe0f": " ", "\u20e3": " ",
    }
)  # fmt: skip
_ANY_WIDE = re.compile("[" + "".join(re.escape(chr(c)) for c in WIDE_CHARS) + "]")

_GROUP = re.compile(r"\+?\([ \t]*\+?[ \t]*[0-9]{1,4}[ \t]*\)|(?:\+[ \t]?)?[0-9]+")
_GAP = re.compile(r"[ \t]*[.\-][ \t]*|[ \t]*")
_NOT_DIGITS = re.compile(r"[^0-9]+")
MAX_DIGITS = 17  # E.164's 15 digits plus a "00" international prefix


def translate_wide(text: str) -> str:
    """`text` with WIDE_CHARS mapped to ASCII, offsets unchanged."""
    # str.translate looks every character up in a dict; a regex scan finds out faster that
    # there is nothing to translate, which is the usual case.
    if text.isascii() or _ANY_WIDE.search(text) is None:
        return text
    return text.translate(WIDE_CHARS)


class Group(NamedTuple):
    """One group of digits as written: "0912", "(+84)", "(0)"."""

    digits: str
    start: int
    end: int
    plus: bool  # written with a "+": it starts an international number
    gap: str  # what joins it to the previous group of its run ("" for the first)


class Reading(NamedTuple):
    """The groups of a run that together form one valid number."""

    groups: tuple[Group, ...]
    number: ParsedNumber

    @property
    def start(self) -> int:
        return self.groups[0].start

    @property
    def end(self) -> int:
        return self.groups[-1].end

    @property
    def digits(self) -> str:
        return "".join(group.digits for group in self.groups)

    def phone(self, text: str) -> Phone:
        """The `Phone`, with `raw` taken from `text` (the text the offsets point into). A last
        digit spelt as a word (`_phone_words`: "... bảy tám") ends where the word ends."""
        end = self.end
        if text[end - 1].isalpha():  # the first letter of the word the digit stands for
            while end < len(text) and (text[end].isalpha() or unicodedata.combining(text[end])):
                end += 1
        return self.number.phone(text[self.start : end])


def find_runs(text: str, start: int = 0, end: int | None = None) -> list[list[Group]]:
    """The runs of digit groups in `text[start:end]`; `text` must come from translate_wide."""
    stop = len(text) if end is None else end
    runs: list[list[Group]] = []
    for match in _GROUP.finditer(text, start, stop):
        token, at = match.group(), match.start()
        previous = runs[-1][-1] if runs else None
        joined = previous is not None and _GAP.fullmatch(text, previous.end, at) is not None
        gap = text[previous.end : at] if previous is not None and joined else ""
        digits = token if token.isdigit() else _NOT_DIGITS.sub("", token)
        group = Group(digits, at, match.end(), "+" in token, gap)
        if joined:
            runs[-1].append(group)
        else:
            runs.append([group])
    return runs


def read_run(run: list[Group]) -> tuple[list[Reading], list[Group]]:
    """Split a run into numbers, longest first; also return the groups that fit no number."""
    readings: list[Reading] = []
    leftovers: list[Group] = []
    index = 0
    while index < len(run):
        reading = _longest_reading_at(run, index)
        if reading is None:
            leftovers.append(run[index])
            index += 1
        else:
            readings.append(reading)
            index += len(reading.groups)
    return readings, leftovers


def _longest_reading_at(run: list[Group], index: int) -> Reading | None:
    international = run[index].plus
    prefixes: list[str] = []
    digits = ""
    for group in run[index:]:
        if prefixes and group.plus:  # a "+" always starts the next number
            break
        digits += group.digits
        if len(digits) > MAX_DIGITS:
            break
        prefixes.append(digits)
    for count in range(len(prefixes), 0, -1):
        if len(prefixes[count - 1]) < MIN_DIGITS:
            return None
        number = parse_digits(prefixes[count - 1], international)
        if number is not None:
            return Reading(tuple(run[index : index + count]), number)
    return None
