"""Does a number found in free text read as a phone number, judged by the words around it?

Messages carry prices, dates, order codes and bank accounts that parse as valid numbers, so a
number is taken only when nothing around it says otherwise; one written without a trunk 0 or a
country code is taken only when a phone word (sđt, zalo, gọi...) comes right before it.
"""
from __future__ import annotations

import re
import unicodedata

from hub.normalize._phone_runs import Group, Reading

# Folded (lower case, no accents, đ -> d) as `_fold` returns it.
_PHONE_WORDS = (
    "sdt", "so dt", "dt", "dthoai", "dien thoai", "di dong", "phone", "tel", "mobile", "hotline",
    "zalo", "zl", "viber", "whatsapp", "sms", "lien he", "lh", "goi", "call", "nhan tin", "ib",
    "inbox", "alo", "contact",
)  # fmt: skip
_BANKS = (
    "bank", "ngan hang", "nh", "vietcombank", "vcb", "techcombank", "tcb", "mbbank", "mb", "acb",
    "bidv", "agribank", "vietinbank", "vpbank", "tpbank", "sacombank", "shb", "hdbank", "ocb",
    "vib", "msb", "seabank", "eximbank", "lpbank", "abbank", "pvcombank",
)  # fmt: skip
# Accounts, codes and ids. Price words are left out on purpose: a price never starts with 0,
# and "tổng đài" (switchboard) or a name like "Phi" would otherwise hide real numbers.
_NOT_PHONE_WORDS = _BANKS + (
    "stk", "so tk", "tk", "tai khoan", "account", "acc", "ck", "chuyen khoan", "atm", "so the",
    "ma", "ma don", "ma dh", "don hang", "don", "order", "van don", "mvd", "tracking", "cmnd",
    "cccd", "can cuoc", "mst", "ma so thue", "hoa don", "invoice", "id", "uid", "ref",
)  # fmt: skip
# Read after a number: an amount ("... 0đ", "... VND") or the bank an account number is at.
_UNITS_AFTER = _BANKS + ("d", "vnd", "usd", "trieu")


def _fold_table() -> dict[int, str | None]:
    """Latin letters with accents -> the bare letter (đ -> d too); combining accents -> nothing."""
    table: dict[int, str | None] = {cp: None for cp in range(0x300, 0x370)}
    for cp in range(0xC0, 0x1F00):
        base = unicodedata.normalize("NFD", chr(cp))[0]
        if base.isascii() and base.isalpha() and chr(cp) != base:
            table[cp] = base
    table.update({ord("đ"): "d", ord("Đ"): "D"})
    return table


_FOLD = _fold_table()


def _alternation(words: tuple[str, ...]) -> str:
    # Longest first, so "so tk" wins over "tk" and "ma don" over "ma".
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_KEYWORD = re.compile(
    rf"(?<![a-z0-9])(?:(?P<phone>{_alternation(_PHONE_WORDS)})"
    rf"|(?P<other>{_alternation(_NOT_PHONE_WORDS)}))(?![a-z])"
)
_GLUED_PHONE_WORD = re.compile(rf"(?:{_alternation(_PHONE_WORDS)})$")
_UNIT_AFTER = re.compile(rf"[ \t]*[:\-]?[ \t]*(?:{_alternation(_UNITS_AFTER)})(?![a-z/])")
_CODE_MARKS = frozenset("#=@_&$")  # "#0912345678", "id=...", "user_0912..."
_STOP_AFTER = frozenset("@_%$€₫")  # an email's local part, a percentage, an amount
_WINDOW = 30  # characters before a number searched for a context word
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")


def reads_as_phone(text: str, reading: Reading) -> bool:
    """True when `reading` (found in `text`) is a phone number rather than a code or amount."""
    context = _context_before(text, reading.start)
    if context == "other" or _glued_before(text, reading.start):
        return False
    if _stops_after(text, reading.end) or _looks_like_date_or_money(reading.groups):
        return False
    return context == "phone" or _has_prefix(reading)


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD).lower()


def _context_before(text: str, start: int) -> str | None:
    """"phone" or "other" for the nearest context word before `start` on its line, else None."""
    window = text[max(0, start - _WINDOW) : start]
    window = window[window.rfind("\n") + 1 :]
    last = None
    for last in _KEYWORD.finditer(_fold(window)):
        pass
    return last.lastgroup if last else None


def _glued_before(text: str, start: int) -> bool:
    """A code mark or letters right before the number, unless they spell a phone word."""
    if start == 0:
        return False
    before = text[start - 1]
    if before in _CODE_MARKS:
        return True
    if not (before.isalnum() or unicodedata.combining(before)):
        return False
    return not _GLUED_PHONE_WORD.search(_fold(text[max(0, start - 12) : start]))


def _stops_after(text: str, end: int) -> bool:
    """Letters glued after ("0912345678đ"), an email or amount, a currency or bank name."""
    if end == len(text):
        return False
    after = text[end]
    if after.isalnum() or after in _STOP_AFTER:
        return True
    return bool(_UNIT_AFTER.match(_fold(text[end : end + 24])))


def _looks_like_date_or_money(groups: tuple[Group, ...]) -> bool:
    return _looks_like_money(groups) or _looks_like_date(groups)


def _looks_like_money(groups: tuple[Group, ...]) -> bool:
    """Thousands grouped by dots: "1.680.000.000" (a valid number once a 0 is put in front)."""
    return (
        len(groups) > 1
        and len(groups[0].digits) <= 3
        and all(g.gap.strip() == "." and len(g.digits) == 3 for g in groups[1:])
    )


def _looks_like_date(groups: tuple[Group, ...]) -> bool:
    """Day, month and a full year first: "05.08.2024 12 giờ" must not read as 058 2024 12..."""
    return (
        len(groups) >= 3
        and groups[1].gap.strip() in (".", "-")
        and groups[2].gap.strip() == groups[1].gap.strip()
        and len(groups[0].digits) <= 2
        and len(groups[1].digits) <= 2
        and bool(_YEAR.fullmatch(groups[2].digits))
    )


def _has_prefix(reading: Reading) -> bool:
    """Written with a trunk 0, a "+", or a bare 84 country code: no context word needed."""
    digits = reading.digits
    international = len(digits) >= 11 and digits.startswith("84")
    return reading.groups[0].plus or digits.startswith("0") or international
