from __future__ import annotations

import random

import phonenumbers
from phonenumbers import carrier
import pytest

from hub.model import Phones
from hub.normalize import normalize_phone
from hub.normalize._phone_parse import parse_digits
from hub.normalize._phone_vn_types import vietnamese_number_type

LAN = "+84912345678"


def e164s(result: Phones) -> list[str]:
    return [phone.e164 for phone in result.numbers]


@pytest.mark.parametrize(
    "text",
    [
        "0912345678",
        "+84912345678",
        "84912345678",
        "0084912345678",
        "(+84) 912 345 678",
        "(+84)912345678",
        "(84) 912 345 678",
        "+84 912 345 678",
        "+84-912-345-678",
        "+84.912.345.678",
        "+84 (0) 912 345 678",
        "+84 0912 345 678",
        "0912.345.678",
        "0912 345 678",
        "091 234 5678",
        "0912-345-678",
        "09 12 34 56 78",
        "0912 - 345 - 678",
        "912345678",
        "912 345 678",
        "０９１２３４５６７８",
        "＋８４ ９１２ ３４５ ６７８",
        "0️⃣9️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣",  # keycap emoji
        "0⃣9⃣1⃣2⃣3⃣4⃣5⃣6⃣7⃣8⃣",  # keycaps without the variation selector
        "không chín một hai ba bốn năm sáu bảy tám",  # in words (hub.normalize._phone_words)
        "Không Chín Một Hai, Ba Bốn Năm, Sáu Bảy Tám",
        "khong chin 12 345 678",
        " 0912345678 ",
        "0912\u00a0345\u00a0678",
        "0912345678 (Zalo)",
        "Zalo 0912345678",
        "SĐT: 0912.345.678",
        "0912345678 - chị Lan",
        "tel:+84912345678",
    ],
)
def test_every_spelling_of_a_mobile_number_reads_as_the_same_e164(text: str) -> None:
    result = normalize_phone(text)
    assert e164s(result) == [LAN]
    assert result.unparsed == ()


# Written out independently of hub.normalize._phone_prefixes, from CHANNELS.md.
OLD_TO_NEW = [
    ("0162", "032", "Viettel"), ("0163", "033", "Viettel"), ("0164", "034", "Viettel"),
    ("0165", "035", "Viettel"), ("0166", "036", "Viettel"), ("0167", "037", "Viettel"),
    ("0168", "038", "Viettel"), ("0169", "039", "Viettel"),
    ("0120", "070", "MobiFone"), ("0121", "079", "MobiFone"), ("0122", "077", "MobiFone"),
    ("0126", "076", "MobiFone"), ("0128", "078", "MobiFone"),
    ("0123", "083", "Vinaphone"), ("0124", "084", "Vinaphone"), ("0125", "085", "Vinaphone"),
    ("0127", "081", "Vinaphone"), ("0129", "082", "Vinaphone"),
    ("0186", "056", "Vietnamobile"), ("0188", "058", "Vietnamobile"),
    ("0199", "059", "G-Mobile"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "carrier"), OLD_TO_NEW)
def test_old_eleven_digit_prefixes_convert_to_todays_numbers(
    old: str, new: str, carrier: str
) -> None:
    (phone,) = normalize_phone(f"{old}1234567").numbers
    assert phone.e164 == f"+84{new[1:]}1234567"
    assert phone.old_e164 == f"+84{old[1:]}1234567"
    assert phone.line_type == "mobile"
    assert phone.carrier == carrier


@pytest.mark.parametrize(
    "text",
    [
        "0168 123 4567",
        "0168.123.4567",
        "0168-123-4567",
        "01681234567",
        "+84 168 123 4567",
        "+841681234567",
        "84168 123 4567",
        "841681234567",
        "0084 168 123 4567",
        "(+84) 168 123 4567",
        "+84 (0) 168 123 4567",
        "1681234567",
        "０１６８１２３４５６７",
    ],
)
def test_old_numbers_convert_in_any_spelling(text: str) -> None:
    (phone,) = normalize_phone(text).numbers
    assert (phone.e164, phone.old_e164) == ("+84381234567", "+841681234567")


def test_a_number_already_in_todays_form_has_no_old_form() -> None:
    (phone,) = normalize_phone("038 123 4567").numbers
    assert (phone.e164, phone.old_e164, phone.carrier) == ("+84381234567", None, "Viettel")


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("024 3825 1234", "+842438251234"),
        ("(024) 3825 1234", "+842438251234"),
        ("028 3825 1234", "+842838251234"),
        ("028.3825.1234", "+842838251234"),
        ("+84 28 3825 1234", "+842838251234"),
        ("0236 382 1234", "+842363821234"),
        ("0236.3821.234", "+842363821234"),
        ("0274 382 1234", "+842743821234"),
    ],
)
def test_landlines_with_an_area_code_are_fixed_line_numbers(text: str, e164: str) -> None:
    (phone,) = normalize_phone(text).numbers
    assert (phone.e164, phone.line_type, phone.carrier) == (e164, "fixed_line", None)


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("+1 650 253 0000", "+16502530000"),
        ("+1 (650) 253-0000", "+16502530000"),
        ("+65 9123 4567", "+6591234567"),
        ("0065 9123 4567", "+6591234567"),
        ("+81 90-1234-5678", "+819012345678"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_foreign_numbers_with_a_country_code_are_valid(text: str, e164: str) -> None:
    assert e164s(normalize_phone(text)) == [e164]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0912345678 / 0987654321", ["+84912345678", "+84987654321"]),
        ("0912345678, 0987.654.321", ["+84912345678", "+84987654321"]),
        ("0912345678; 0168 123 4567", ["+84912345678", "+84381234567"]),
        ("0912345678 hoặc 0987654321", ["+84912345678", "+84987654321"]),
        ("0912345678 0987654321", ["+84912345678", "+84987654321"]),
        ("0912345678 - 0987654321", ["+84912345678", "+84987654321"]),
        ("0912345678/0987654321", ["+84912345678", "+84987654321"]),
        ("0912345678\n028 3825 1234", ["+84912345678", "+842838251234"]),
        ("+84912345678 +6591234567", ["+84912345678", "+6591234567"]),
    ],
)
def test_several_numbers_in_one_field_are_all_kept(text: str, expected: list[str]) -> None:
    result = normalize_phone(text)
    assert e164s(result) == expected
    assert result.unparsed == ()


@pytest.mark.parametrize(
    "text",
    ["0912345678, 0912.345.678", "0912345678 / +84912345678", "0168 123 4567, 038 123 4567"],
)
def test_the_same_number_written_twice_is_kept_once(text: str) -> None:
    assert len(normalize_phone(text).numbers) == 1


@pytest.mark.parametrize(
    "text",
    [
        "091234567",  # one digit short
        "09123456789",  # one digit too many
        "0112345678",  # no such prefix
        "01301234567",  # 0130 was never a mobile prefix
        "12345",
        "không có",
        "N/A",
        "abc",
        "1 650 253 0000",  # a US number without its "+1" is not guessed
        "+0912345678",
        "0000000000",
    ],
)
def test_what_cannot_be_parsed_is_kept_verbatim(text: str) -> None:
    assert normalize_phone(text) == Phones(unparsed=(text,))


@pytest.mark.parametrize(
    ("text", "number", "unparsed"),
    [
        ("0912345678, 12345", "+84912345678", "12345"),
        ("0912345678 / 091234567", "+84912345678", "091234567"),
        ("0912345678; không nhớ số cũ 012345", "+84912345678", "không nhớ số cũ 012345"),
    ],
)
def test_a_bad_part_is_kept_next_to_the_good_numbers(
    text: str, number: str, unparsed: str
) -> None:
    result = normalize_phone(text)
    assert (e164s(result), result.unparsed) == ([number], (unparsed,))


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t"])
def test_blank_fields_give_nothing(text: str | None) -> None:
    assert normalize_phone(text) == Phones()


@pytest.mark.parametrize(
    ("text", "line_type", "carrier"),
    [
        ("0912345678", "mobile", "Vinaphone"),
        ("0987654321", "mobile", "Viettel"),
        ("0901234567", "mobile", "MobiFone"),
        ("0921234567", "mobile", "Vietnamobile"),
        ("1900 1234", "premium_rate", None),
        ("1800 1090", "toll_free", None),
        ("+1 650 253 0000", "fixed_line_or_mobile", None),
    ],
)
def test_line_type_and_carrier_are_recorded_when_known(
    text: str, line_type: str, carrier: str | None
) -> None:
    (phone,) = normalize_phone(text).numbers
    assert (phone.line_type, phone.carrier) == (line_type, carrier)


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("0912.345.678 (Zalo)", "0912.345.678"),
        ("Zalo: +84 168 123 4567", "+84 168 123 4567"),
        ("０９１２３４５６７８", "０９１２３４５６７８"),
    ],
)
def test_raw_is_the_text_the_number_was_read_from(text: str, raw: str) -> None:
    (phone,) = normalize_phone(text).numbers
    assert phone.raw == raw


@pytest.mark.parametrize("first_digit", "123456789")
def test_vietnamese_line_types_agree_with_phonenumbers(first_digit: str) -> None:
    # The fast +84 path must give phonenumbers' own answer for every prefix and length.
    rng = random.Random(first_digit)
    for prefix in range(int(first_digit) * 1000, (int(first_digit) + 1) * 1000):
        for length in range(7, 11):
            for tail in ("0" * 6, "9" * 6, f"{rng.randrange(10**6):06d}"):
                national = (str(prefix) + tail)[:length]
                number = phonenumbers.PhoneNumber(country_code=84, national_number=int(national))
                assert vietnamese_number_type(national) == phonenumbers.number_type(number)


@pytest.mark.parametrize("first_digit", "35789")
def test_vietnamese_carriers_agree_with_phonenumbers(first_digit: str) -> None:
    # Carriers are cached by the first digits of the number: every valid mobile number must
    # still get phonenumbers' own answer for the whole number.
    rng = random.Random(first_digit)
    checked = 0
    for prefix in range(int(first_digit) * 100, (int(first_digit) + 1) * 100):
        for tail in ("000000", "999999", f"{rng.randrange(10**6):06d}"):
            national = f"{prefix}{tail}"
            parsed = parse_digits("0" + national, False)
            if parsed is None or parsed.line_type != "mobile":
                continue
            number = phonenumbers.PhoneNumber(country_code=84, national_number=int(national))
            assert parsed.carrier == (carrier.name_for_valid_number(number, "en") or None)
            checked += 1
    assert checked > 0
