"""One phone field -> every number in it, in E.164, plus what could not be read.

Vietnamese rules on top of phonenumbers: the pre-2018 11-digit mobile numbers are converted,
text around a number is ignored (phonenumbers would read "Zalo" as keypad digits), and a
missing trunk 0 is restored. Nothing is guessed: a part that does not read is kept verbatim.
"""
from __future__ import annotations

import re
from typing import Iterator

from hub.model import Phone, Phones
from hub.normalize._phone_parse import parse_digits
from hub.normalize._phone_runs import (
    MAX_DIGITS,
    MIN_DIGITS,
    find_runs,
    read_run,
    translate_wide,
)
from hub.normalize._phone_words import spell_digits

# What separates several numbers in one field: "0912345678 / 0987654321", "... hoặc ...".
_PARTS = re.compile(r"[,;/|\n]+|\s+(?:hoặc|hay|và|or|and)\s+", re.IGNORECASE)
# Most form and API fields hold one number and nothing else ("0912345678", "+84912345678"):
# those skip the general reading below, which costs more than the parse itself.
_BARE = re.compile(r"\s*(\+?[0-9]{8,17})\s*")
# The other usual shape: one number in digit groups with the punctuation people put inside a
# number ("0912.345.678", "+84 912 345 678", "(+84) 912-345-678", "+84 (0) 912...", "(028)
# 3823 4567"). It is exactly a field that `find_runs` reads as one run of groups (a "+" only
# on the first group, gaps that `_GAP` joins), so when all its digits make one valid number,
# the general reading below would return that number and nothing else: it is read at once.
_PAREN_GROUP = r"\([ \t]*[0-9]{1,4}[ \t]*\)"
_ONE_RUN = re.compile(
    rf"[ \t]*((?:\+?\([ \t]*\+?[ \t]*[0-9]{{1,4}}[ \t]*\)|(?:\+[ \t]?)?[0-9]+)"
    rf"(?:[ \t]*(?:[.\-][ \t]*)?{_PAREN_GROUP}"
    rf"|(?:[ \t]*[.\-][ \t]*|[ \t]+|(?<=\)))[0-9]+)*)[ \t]*"
)
_NOT_DIGIT_CHARS = str.maketrans("", "", " \t.-+()")
# Fewer stray digits than this are a label ("Zalo 2", "máy 1"), not an unread number.
_MIN_UNREAD_DIGITS = 3


def normalize_phone(text: str | None) -> Phones:
    """Read every number in one phone field.

    Returns the distinct valid numbers in the order written, and in `unparsed` each part of the
    field (verbatim, trimmed) that holds digits no number accounts for; a field with nothing
    readable at all is kept whole in `unparsed`. Never raises.
    """
    if not text or not text.strip():
        return Phones()
    bare = _BARE.fullmatch(text)
    if bare is not None:
        raw = bare.group(1)
        number = parse_digits(raw.lstrip("+"), raw.startswith("+"))
        if number is not None:
            return Phones(numbers=(number.phone(raw),))
    translated = translate_wide(text)
    one_run = _ONE_RUN.fullmatch(translated)
    if one_run is not None:
        raw = one_run.group(1)
        digits = raw.translate(_NOT_DIGIT_CHARS)
        if MIN_DIGITS <= len(digits) <= MAX_DIGITS:
            number = parse_digits(digits, "+" in raw)
            if number is not None:
                return Phones(numbers=(number.phone(text[one_run.start(1) : one_run.end(1)]),))
    return read_field(text, spell_digits(translated))


def read_field(text: str, translated: str) -> Phones:
    """The general reading of a phone field (`translated` is `translate_wide(text)`, with the
    numbers spelt in words read by `spell_digits`): every part, every run of digit groups in
    it, split into numbers longest first."""
    numbers: dict[str, Phone] = {}
    unparsed: list[str] = []
    for start, end in _part_spans(translated):
        readable = _read_part(text, translated, start, end, numbers)
        if not readable:
            unparsed.append(text[start:end].strip())
    if not numbers and not unparsed:
        unparsed.append(text.strip())
    return Phones(numbers=tuple(numbers.values()), unparsed=tuple(dict.fromkeys(unparsed)))


def _part_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank part between separators."""
    spans: list[tuple[int, int]] = []
    start = 0
    for separator_start, separator_end in _separators(text):
        spans.append((start, separator_start))
        start = separator_end
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _separators(text: str) -> Iterator[tuple[int, int]]:
    """The spans `_PARTS.finditer(text)` matches, found in linear time.

    The regex tries its `\\s+` from every space of a long blank stretch and scans to the
    stretch's end each time (quadratic: a field of 10,000 spaces took 2 s). A keyword can
    only follow the whole stretch, so here each stretch is scanned once and, when no keyword
    follows, skipped but for the newlines in it, which separate on their own.
    """
    position, dead_end = 0, -1
    while (candidate := _SEPARATOR_START.search(text, position)) is not None:
        at = candidate.start()
        if text[at] in _SEPARATOR_CHARS:
            end = _SEPARATOR_RUN.match(text, at).end()  # type: ignore[union-attr]
            yield at, end
            position = end
            continue
        if at >= dead_end:
            dead_end = _BLANK.match(text, at).end()  # type: ignore[union-attr]
            word = _WORD_SEPARATOR.match(text, dead_end)
            if word is not None:
                yield at, word.end()
                position = word.end()
                continue
        newline = text.find("\n", at, dead_end)
        position = newline if newline != -1 else dead_end


# The two kinds of separator in `_PARTS`, and where either can start.
_SEPARATOR_CHARS = frozenset(",;/|\n")
_SEPARATOR_RUN = re.compile(r"[,;/|\n]+")
_WORD_SEPARATOR = re.compile(r"(?:hoặc|hay|và|or|and)\s+", re.IGNORECASE)
_SEPARATOR_START = re.compile(r"[,;/|\n]|\s")
_BLANK = re.compile(r"\s+")


def _read_part(
    text: str, translated: str, start: int, end: int, numbers: dict[str, Phone]
) -> bool:
    """Add the part's numbers to `numbers`; False when digits were left unread."""
    unread = 0
    for run in find_runs(translated, start, end):
        readings, leftovers = read_run(run)
        for reading in readings:
            numbers.setdefault(reading.number.e164, reading.phone(text))
        unread += sum(len(group.digits) for group in leftovers)
    return unread < _MIN_UNREAD_DIGITS
