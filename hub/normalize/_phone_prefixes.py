"""Vietnamese numbering data: the 2018 mobile renumbering and the names of line types."""
from __future__ import annotations

from phonenumbers import PhoneNumberType

# Old 11-digit mobile prefix -> today's prefix, as people dial them (with the trunk 0). In 2018
# the networks moved these ranges and kept the last 7 digits (see /work/shared/CHANNELS.md,
# "Vietnamese data"); phonenumbers only knows today's plan and calls the old forms invalid.
OLD_TO_NEW_DIALLED: dict[str, str] = {
    # Viettel
    "0162": "032", "0163": "033", "0164": "034", "0165": "035",
    "0166": "036", "0167": "037", "0168": "038", "0169": "039",
    # MobiFone
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    # VinaPhone
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    # Vietnamobile
    "0186": "056", "0188": "058",
    # Gmobile
    "0199": "059",
}  # fmt: skip

# The same table on national significant numbers (no trunk 0), the form phone parsing works on.
OLD_MOBILE_PREFIXES: dict[str, str] = {
    old[1:]: new[1:] for old, new in OLD_TO_NEW_DIALLED.items()
}
OLD_MOBILE_LENGTH = 10  # national significant digits of a pre-2018 mobile number

LINE_TYPES: dict[int, str] = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}

# Carrier data only describes mobile ranges; asking about other types just costs a lookup.
CARRIER_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
