"""The line type of a Vietnamese national number, from phonenumbers' own metadata for VN.

`phonenumbers.number_type` resolves the region and looks every pattern up again on each call,
which is most of the cost of reading a number. Nearly all numbers we read are +84, so for those
the same metadata is matched with patterns compiled once, in the order libphonenumber's
getNumberTypeHelper uses (https://github.com/google/libphonenumber/blob/master/java/
libphonenumber/src/com/google/i18n/phonenumbers/PhoneNumberUtil.java). A test checks that the
answer agrees with `phonenumbers.number_type` across the whole numbering plan.
"""
from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from phonenumbers import PhoneMetadata, PhoneNumberDesc, PhoneNumberType


class _Matcher(NamedTuple):
    lengths: frozenset[int]  # empty: any length the general description allows
    pattern: re.Pattern[str]

    def matches(self, national: str) -> bool:
        if self.lengths and len(national) not in self.lengths:
            return False
        return self.pattern.fullmatch(national) is not None


class _Plan(NamedTuple):
    general: _Matcher | None
    # Per length, one alternation of the specific types in libphonenumber's order (special
    # types, fixed line, mobile): `fullmatch` tries the alternatives in order, so the group
    # that matched is the first type that applies, found in one regex call instead of up to
    # ten. Group names are `t<index into kinds>`.
    by_length: dict[int, re.Pattern[str]]
    kinds: tuple[int, ...]
    mobile: _Matcher | None
    same_fixed_and_mobile: bool


_SPECIAL_TYPES = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)


def _matcher(desc: PhoneNumberDesc | None) -> _Matcher | None:
    if desc is None or not desc.national_number_pattern:
        return None
    return _Matcher(frozenset(desc.possible_length), re.compile(desc.national_number_pattern))


@cache
def _plan() -> _Plan:
    # Loaded on first use, like phonenumbers itself loads a region's metadata.
    metadata = PhoneMetadata.metadata_for_region("VN")
    if metadata is None:  # phonenumbers always ships VN: a broken install, not a bad number
        raise RuntimeError("phonenumbers has no metadata for region VN")
    ordered = [(kind, _matcher(getattr(metadata, name))) for name, kind in _SPECIAL_TYPES]
    ordered.append((PhoneNumberType.FIXED_LINE, _matcher(metadata.fixed_line)))
    ordered.append((PhoneNumberType.MOBILE, _matcher(metadata.mobile)))
    present = [(kind, m) for kind, m in ordered if m is not None]
    general = _matcher(metadata.general_desc)
    lengths = set(general.lengths) if general is not None else set()
    for _, m in present:
        lengths.update(m.lengths)
    by_length = {}
    for length in lengths:
        alternatives = [
            f"(?P<t{index}>{m.pattern.pattern})"
            for index, (_, m) in enumerate(present)
            if not m.lengths or length in m.lengths
        ]
        if alternatives:
            by_length[length] = re.compile("|".join(alternatives))
    return _Plan(
        general=general,
        by_length=by_length,
        kinds=tuple(kind for kind, _ in present),
        mobile=_matcher(metadata.mobile),
        same_fixed_and_mobile=bool(metadata.same_mobile_and_fixed_line_pattern),
    )


def vietnamese_number_type(national: str) -> int:
    """The `PhoneNumberType` of a +84 national significant number; UNKNOWN when invalid."""
    plan = _plan()
    if plan.general is None or not plan.general.matches(national):
        return PhoneNumberType.UNKNOWN
    combined = plan.by_length.get(len(national))
    match = combined.fullmatch(national) if combined is not None else None
    if match is None or match.lastgroup is None:
        return PhoneNumberType.UNKNOWN
    kind = plan.kinds[int(match.lastgroup[1:])]
    if kind == PhoneNumberType.FIXED_LINE:
        mobile = plan.mobile is not None and plan.mobile.matches(national)
        if plan.same_fixed_and_mobile or mobile:
            return PhoneNumberType.FIXED_LINE_OR_MOBILE
        return PhoneNumberType.FIXED_LINE
    if kind == PhoneNumberType.MOBILE and plan.same_fixed_and_mobile:
        return PhoneNumberType.UNKNOWN
    return kind
