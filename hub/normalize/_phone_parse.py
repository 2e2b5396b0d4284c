"""Digits -> a valid number: Vietnamese rules first, phonenumbers for validity and metadata."""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from phonenumbers import (
    NumberParseException,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberType,
    carrier,
)
from phonenumbers.carrierdata import CARRIER_DATA, CARRIER_LONGEST_PREFIX

from hub.model import Phone
from hub.normalize._phone_prefixes import (
    CARRIER_TYPES,
    LINE_TYPES,
    OLD_MOBILE_LENGTH,
    OLD_MOBILE_PREFIXES,
)
from hub.normalize._phone_vn_types import vietnamese_number_type

VN_COUNTRY_CODE = 84
MIN_DIGITS = 8  # shorter than any number we accept (1800 xxxx is the shortest)
_VN_LENGTHS = range(8, 11)  # national significant digits: 1800 xxxx up to 02x landlines
_VN_PREFIXED_LENGTHS = (9, 10)  # what may follow a bare "84" for it to be the country code
_VN_PLUS = f"+{VN_COUNTRY_CODE}"
_UNKNOWN = PhoneNumberType.UNKNOWN


class ParsedNumber(NamedTuple):
    """A valid number, as stored on `hub.model.Phone` (minus the raw text)."""

    e164: str
    old_e164: str | None
    line_type: str | None
    carrier: str | None

    def phone(self, raw: str) -> Phone:
        """The `Phone` for this number as read from `raw`."""
        return Phone(self.e164, raw, self.old_e164, self.line_type, self.carrier)


@lru_cache(maxsize=16384)
def parse_digits(digits: str, international: bool) -> ParsedNumber | None:
    """Read a string of ASCII digits as one phone number.

    `international` says the digits were written after a "+". Returns None when they are not
    a valid number; never raises. Cached: the same customer writes the same number again.
    """
    national = _vietnamese_national(digits, international)
    if national is not None:
        return _read_vietnamese(national)
    if international:
        return _read_international(digits)
    if digits.startswith("00"):  # Vietnam's international call prefix
        return _read_international(digits[2:])
    return None


def _vietnamese_national(digits: str, international: bool) -> str | None:
    """The national significant number when the digits are Vietnamese, else None."""
    if international:
        return _after_country_code(digits[2:]) if digits.startswith("84") else None
    if digits.startswith("0084"):
        return _after_country_code(digits[4:])
    if digits.startswith("00"):
        return None
    if digits.startswith("0"):
        return digits[1:]
    if digits.startswith("84"):
        rest = _after_country_code(digits[2:])
        if len(rest) in _VN_PREFIXED_LENGTHS:
            return rest
    return digits  # the trunk 0 was left out: "912345678"


def _after_country_code(rest: str) -> str:
    """Drop the trunk 0 some write after the country code: "+84 (0) 912...", "+84 0168..."."""
    return rest[1:] if rest.startswith("0") else rest


def _read_vietnamese(national: str) -> ParsedNumber | None:
    old_e164 = None
    if len(national) == OLD_MOBILE_LENGTH:
        new_prefix = OLD_MOBILE_PREFIXES.get(national[:3])
        if new_prefix is not None:
            old_e164 = _VN_PLUS + national
            national = new_prefix + national[3:]
    if len(national) not in _VN_LENGTHS or national.startswith("0"):
        return None
    kind = vietnamese_number_type(national)
    if kind == _UNKNOWN:
        return None
    e164 = _VN_PLUS + national
    carrier_name = _vietnamese_carrier(e164[:_CARRIER_END]) if kind in CARRIER_TYPES else None
    return ParsedNumber(e164, old_e164, LINE_TYPES.get(kind), carrier_name)


# phonenumbers names a number's carrier by the longest prefix of its E.164 digits found in
# its carrier table; for +84 no prefix there is longer than this, so the first digits decide.
_VN_CARRIER_PREFIX = max(
    (len(prefix) for prefix in CARRIER_DATA if prefix.startswith(str(VN_COUNTRY_CODE))),
    default=CARRIER_LONGEST_PREFIX,
)
_CARRIER_END = 1 + _VN_CARRIER_PREFIX  # in the E.164 string, after its "+"


@lru_cache(maxsize=1024)
def _vietnamese_carrier(e164_prefix: str) -> str | None:
    """The carrier of every +84 number starting with `e164_prefix` (see _VN_CARRIER_PREFIX)."""
    number = PhoneNumber(country_code=VN_COUNTRY_CODE, national_number=int(e164_prefix[3:]))
    return carrier.name_for_valid_number(number, "en") or None


def _read_international(digits: str) -> ParsedNumber | None:
    if len(digits) < MIN_DIGITS:  # "00 27 81000" would give +2781000, which no field reads back
        return None
    try:
        number = phonenumbers.parse(f"+{digits}")
    except NumberParseException:
        return None
    # UNKNOWN exactly when is_valid_number is False; asking once saves a second lookup.
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.UNKNOWN:
        return None
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return _describe(number, e164, kind, None)


def _describe(number: PhoneNumber, e164: str, kind: int, old_e164: str | None) -> ParsedNumber:
    name = carrier.name_for_valid_number(number, "en") if kind in CARRIER_TYPES else ""
    return ParsedNumber(
        e164=e164,
        old_e164=old_e164,
        line_type=LINE_TYPES.get(kind),
        carrier=name or None,
    )
