"""Phones and emails inside free text: Messenger / Zalo messages, page comments, notes."""
from __future__ import annotations

import re
import unicodedata

from hub.model import Phone
from hub.normalize._phone_context import reads_as_phone
from hub.normalize._phone_runs import MIN_DIGITS, find_runs, read_run, translate_wide
from hub.normalize._phone_words import spell_digits
from hub.normalize.email import normalize_email

_ANY_DIGIT = re.compile(r"[0-9０-９]")
# A number needs MIN_DIGITS digits in one run, and inside a run only these characters come
# between two digits (see `_phone_runs`): text without such a stretch holds no number.
_ENOUGH_DIGITS = re.compile(rf"[0-9](?:[ \t.\-()+]*[0-9]){{{MIN_DIGITS - 1}}}")
# Deliberately narrower than RFC 5322: in chat text, quotes, slashes and the like around an
# address are punctuation, not part of it. The look-behind keeps "nguyễnlan@..." from
# yielding "nlan@...".
_EMAIL_IN_TEXT = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)+"
)


def extract_phones(text: str | None) -> tuple[Phone, ...]:
    """Every distinct phone number written in the text, in order; `raw` is as written.

    Numbers inside emails, prices, dates, order codes and bank-account mentions are left out
    (see `_phone_context`); a number spelt in words is read (see `_phone_words`). Never raises.
    """
    if not text:
        return ()
    translated = translate_wide(text) if _ANY_DIGIT.search(text) else text
    translated = spell_digits(translated)  # "không chín một hai..."
    if not _ENOUGH_DIGITS.search(translated):
        return ()
    scanned = _mask_emails(translated)
    found: dict[str, Phone] = {}
    for run in find_runs(scanned):
        readings, _ = read_run(run)
        for reading in readings:
            if reads_as_phone(scanned, reading):
                found.setdefault(reading.number.e164, reading.phone(text))
    return tuple(found.values())


def extract_emails(text: str | None) -> tuple[str, ...]:
    """Every distinct valid email address in the text, as written (full-width forms folded).

    Never raises.
    """
    if not text or ("@" not in text and "＠" not in text):
        return ()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    found = (match.group() for match in _EMAIL_IN_TEXT.finditer(text))
    return tuple(dict.fromkeys(e for e in found if normalize_email(e) is not None))


def _mask_emails(text: str) -> str:
    """Blank out email addresses so their digits are not read as phone numbers."""
    if "@" not in text:
        return text
    return _EMAIL_IN_TEXT.sub(lambda match: "@" * len(match.group()), text)
