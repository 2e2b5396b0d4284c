"""Every example and spelling issue #3 names, through the pipeline's entry point `normalize`.

The per-function tables hold the detail; these rows check what a lead carrying each example
ends up with, field by field, the way the issue's held-back cases are run.
"""
from __future__ import annotations

import unicodedata
from datetime import datetime, timezone

import pytest

from hub.model import Lead, LeadDraft
from hub.normalize import normalize

NOW = datetime(2025, 7, 1, tzinfo=timezone.utc)


def lead(**fields: object) -> Lead:
    return normalize(LeadDraft(channel="form", source_ref="issue-3", captured_at=NOW, **fields))


# (phone field, E.164 numbers, pre-2018 forms, what stays unparsed)
PHONE_FIELDS = [
    ("+84912345678", ["+84912345678"], [None], []),
    ("84912345678", ["+84912345678"], [None], []),
    ("0084912345678", ["+84912345678"], [None], []),
    ("0084 912 345 678", ["+84912345678"], [None], []),
    ("(+84) 912 345 678", ["+84912345678"], [None], []),
    ("(+84)0912345678", ["+84912345678"], [None], []),
    ("+84 (0) 912-345-678", ["+84912345678"], [None], []),
    ("+84-912-345-678", ["+84912345678"], [None], []),
    ("84 912 345 678", ["+84912345678"], [None], []),
    ("0912.345.678", ["+84912345678"], [None], []),
    ("0912 345 678", ["+84912345678"], [None], []),
    ("0912-345-678", ["+84912345678"], [None], []),
    ("09 12 34 56 78", ["+84912345678"], [None], []),
    ("912345678", ["+84912345678"], [None], []),
    ("912.345.678", ["+84912345678"], [None], []),
    ("０９１２３４５６７８", ["+84912345678"], [None], []),
    ("０９１２ ３４５ ６７８", ["+84912345678"], [None], []),
    ("＋８４ ９１２ ３４５ ６７８", ["+84912345678"], [None], []),
    ("Zalo: 0912345678 (chị Lan)", ["+84912345678"], [None], []),
    ("0912 345 678 (Zalo)", ["+84912345678"], [None], []),
    ("ĐT: 0912.345.678", ["+84912345678"], [None], []),
    ("01682345678", ["+84382345678"], ["+841682345678"], []),
    ("0168 234 5678", ["+84382345678"], ["+841682345678"], []),
    ("0168.234.5678", ["+84382345678"], ["+841682345678"], []),
    ("+84 168 234 5678", ["+84382345678"], ["+841682345678"], []),
    ("(+84) 168 234 5678", ["+84382345678"], ["+841682345678"], []),
    ("0084 168 234 5678", ["+84382345678"], ["+841682345678"], []),
    ("84 168 234 5678", ["+84382345678"], ["+841682345678"], []),
    ("1682345678", ["+84382345678"], ["+841682345678"], []),
    ("0162 345 6789", ["+84323456789"], ["+841623456789"], []),
    ("0120 345 6789", ["+84703456789"], ["+841203456789"], []),
    ("0121 345 6789", ["+84793456789"], ["+841213456789"], []),
    ("0123 345 6789", ["+84833456789"], ["+841233456789"], []),
    ("0127 345 6789", ["+84813456789"], ["+841273456789"], []),
    ("0186 345 6789", ["+84563456789"], ["+841863456789"], []),
    ("0188 345 6789", ["+84583456789"], ["+841883456789"], []),
    ("0199 345 6789", ["+84593456789"], ["+841993456789"], []),
    ("028 3823 4567", ["+842838234567"], [None], []),
    ("(028) 3823 4567", ["+842838234567"], [None], []),
    ("024.3826.1234", ["+842438261234"], [None], []),
    ("+84 24 3826 1234", ["+842438261234"], [None], []),
    ("0236 3123 456", ["+842363123456"], [None], []),
    ("+65 9123 4567", ["+6591234567"], [None], []),
    ("+1 (415) 555-2671", ["+14155552671"], [None], []),
    ("0065 9123 4567", ["+6591234567"], [None], []),
    ("+86 138 0013 8000", ["+8613800138000"], [None], []),
    ("0912345678 / 0987654321", ["+84912345678", "+84987654321"], [None, None], []),
    ("0912345678 hoặc 0987654321", ["+84912345678", "+84987654321"], [None, None], []),
    ("0912345678, 0168.234.5678", ["+84912345678", "+84382345678"], [None, "+841682345678"], []),
    ("0912.345.678 - 0987.654.321", ["+84912345678", "+84987654321"], [None, None], []),
    ("SĐT: 0912345678 - Zalo: 0987654321", ["+84912345678", "+84987654321"], [None, None], []),
    ("0912345678 / abc123", ["+84912345678"], [None], ["abc123"]),
    ("không có", [], [], ["không có"]),
    ("0912 345", [], [], ["0912 345"]),
    ("09123456789", [], [], ["09123456789"]),
    ("0168 234", [], [], ["0168 234"]),
]  # fmt: skip


@pytest.mark.parametrize(("field", "numbers", "old_forms", "unparsed"), PHONE_FIELDS)
def test_every_phone_spelling_in_the_issue_reaches_the_lead_as_e164(
    field: str, numbers: list[str], old_forms: list[str | None], unparsed: list[str]
) -> None:
    result = lead(phones=(field,))
    assert [phone.e164 for phone in result.phones] == numbers
    assert [phone.old_e164 for phone in result.phones] == old_forms
    assert list(result.unparsed) == unparsed


@pytest.mark.parametrize(
    ("field", "line_type", "carrier"),
    [
        ("0912345678", "mobile", "Vinaphone"),
        ("0987654321", "mobile", "Viettel"),
        ("0168 234 5678", "mobile", "Viettel"),
        ("0903 123 456", "mobile", "MobiFone"),
        ("028 3823 4567", "fixed_line", None),
        ("1800 1090", "toll_free", None),
        ("1900 1234", "premium_rate", None),
    ],
)
def test_carrier_and_line_type_are_recorded_where_known(
    field: str, line_type: str, carrier: str | None
) -> None:
    (phone,) = lead(phones=(field,)).phones
    assert (phone.line_type, phone.carrier) == (line_type, carrier)


# (message, numbers taken from it)
MESSAGES = [
    ("sđt 0912.345.678 nha", ["+84912345678"]),
    ("ib e 0168 234 5678", ["+84382345678"]),
    ("zalo: 09 12 34 56 78", ["+84912345678"]),
    ("Liên hệ: 0912 345 678", ["+84912345678"]),
    ("SĐT: 0168.234.5678", ["+84382345678"]),
    ("sdt0912345678", ["+84912345678"]),
    ("đt 091 234 5678", ["+84912345678"]),
    ("sdt: 84912345678", ["+84912345678"]),
    ("alo 912345678", ["+84912345678"]),
    ("inbox 0912345678 e tư vấn", ["+84912345678"]),
    ("lh 028 3823 4567", ["+842838234567"]),
    ("mình tên Lan 0912345678", ["+84912345678"]),
    ("ship 30.000đ, sdt 0912345678", ["+84912345678"]),
    ("12/3/2024 gọi 0912345678", ["+84912345678"]),
    ("zalo 0912345678 hoặc 0987 654 321", ["+84912345678", "+84987654321"]),
    ("giá 1.500.000đ", []),
    ("1.500.000đ", []),
    ("giá 2tr5", []),
    ("em chuyển 1.500.000 rồi nha", []),
    ("giá 1,500,000 VND", []),
    ("giá 1.680.000.000", []),
    ("giá 0912345678đ", []),
    ("ngày 12/03/2024", []),
    ("12-03-2024", []),
    ("ngày 05.08.2024 12 giờ", []),
    ("mã đơn DH0912345678", []),
    ("mã đơn: 0912345678", []),
    ("đơn hàng 0912345678", []),
    ("MVĐ: SPXVN042345678901", []),
    ("tracking SPXVN0912345678", []),
    ("order #0912345678", []),
    ("mã giao dịch FT24072123456789", []),
    ("stk 0912345678 vcb", []),
    ("STK: 1903 4567 8901 23 Techcombank", []),
    ("số tài khoản 0912345678 ACB", []),
    ("chuyển khoản 0912345678 MB bank", []),
    ("0912345678 vietcombank", []),
    ("CCCD 001234567890", []),
]


@pytest.mark.parametrize(("text", "numbers"), MESSAGES)
def test_numbers_in_chat_text_are_taken_and_prices_dates_codes_accounts_are_not(
    text: str, numbers: list[str]
) -> None:
    assert [phone.e164 for phone in lead(text=text).phones] == numbers


# (email field, display address, matching key, flags)
EMAILS = [
    ("Lan.Nguyen+shop@gmail.com", "Lan.Nguyen+shop@gmail.com", "lannguyen@gmail.com", ()),
    ("LanNguyen@GMAIL.COM", "LanNguyen@gmail.com", "lannguyen@gmail.com", ()),
    ("l.a.n.nguyen@googlemail.com", "l.a.n.nguyen@googlemail.com", "lannguyen@gmail.com", ()),
    ("lan@gmial.com", "lan@gmial.com", "lan@gmail.com", ("domain_typo",)),
    ("lan@gmail.con", "lan@gmail.con", "lan@gmail.com", ("domain_typo",)),
    ("lan@yahoo.com.vn", "lan@yahoo.com.vn", "lan@yahoo.com", ("domain_typo",)),
    ("lan@yahoo.com", "lan@yahoo.com", "lan@yahoo.com", ()),
    ("lan@công-ty.vn", "lan@công-ty.vn", "lan@công-ty.vn", ()),
    ("lan@xn--cng-ty-ixa.vn", "lan@công-ty.vn", "lan@công-ty.vn", ()),
    ("lan@CÔNG-TY.VN", "lan@công-ty.vn", "lan@công-ty.vn", ()),
    ("ｌａｎ＠ｇｍａｉｌ．ｃｏｍ", "lan@gmail.com", "lan@gmail.com", ()),
    ("lan@mailinator.com", "lan@mailinator.com", "lan@mailinator.com", ("disposable",)),
    ("lan@yopmail.com", "lan@yopmail.com", "lan@yopmail.com", ("disposable",)),
]


@pytest.mark.parametrize(("field", "address", "key", "flags"), EMAILS)
def test_emails_keep_their_display_and_match_on_a_canonical_key(
    field: str, address: str, key: str, flags: tuple[str, ...]
) -> None:
    (email,) = lead(emails=(field,)).emails
    assert (email.address, email.key, email.flags) == (address, key, flags)


@pytest.mark.parametrize("field", ["lan@gmail", "lan@@gmail.com", "lan nguyen@gmail.com"])
def test_a_malformed_email_is_kept_verbatim_as_unparsed(field: str) -> None:
    result = lead(emails=(field,))
    assert (result.emails, result.unparsed) == ((), (field,))


def test_emails_in_chat_text_are_taken() -> None:
    result = lead(text="mail: lan.nguyen@gmail.com nhé, hoặc LAN@yahoo.com.vn")
    assert [email.key for email in result.emails] == ["lannguyen@gmail.com", "lan@yahoo.com"]


NFD = unicodedata.normalize("NFD", "nguyễn thị thúy")

# (name field, display, key, family, middle, given, salutation, western order)
NAMES = [
    ("NGUYỄN THỊ LAN", "Nguyễn Thị Lan", "nguyen thi lan", "Nguyễn", "Thị", "Lan", None, False),
    ("nguyễn thị lan", "Nguyễn Thị Lan", "nguyen thi lan", "Nguyễn", "Thị", "Lan", None, False),
    ("  nguyễn   thị  lan ", "Nguyễn Thị Lan", "nguyen thi lan", "Nguyễn", "Thị", "Lan", None, False),
    ("chị Lan", "Lan", "lan", None, None, "Lan", "chị", False),
    ("c Lan", "Lan", "lan", None, None, "Lan", "chị", False),
    ("a Hùng", "Hùng", "hung", None, None, "Hùng", "anh", False),
    ("Mr Nam", "Nam", "nam", None, None, "Nam", "Mr", False),
    ("Ms Lan", "Lan", "lan", None, None, "Lan", "Ms", False),
    ("em Hương", "Hương", "huong", None, None, "Hương", "em", False),
    ("chi Lan", "Lan", "lan", None, None, "Lan", "chị", False),
    ("Chị Nguyễn Thị Lan", "Nguyễn Thị Lan", "nguyen thi lan", "Nguyễn", "Thị", "Lan", "chị", False),
    ("Lan Nguyễn", "Nguyễn Lan", "nguyen lan", "Nguyễn", None, "Lan", None, True),
    ("Hùng Trần Văn", "Trần Văn Hùng", "tran van hung", "Trần", "Văn", "Hùng", None, True),
    ("Đặng Văn Đức", "Đặng Văn Đức", "dang van duc", "Đặng", "Văn", "Đức", None, False),
    ("Nguyễn Thị Hoà", "Nguyễn Thị Hoà", "nguyen thi hoa", "Nguyễn", "Thị", "Hoà", None, False),
    ("Nguyễn Thị Hòa", "Nguyễn Thị Hòa", "nguyen thi hoa", "Nguyễn", "Thị", "Hòa", None, False),
    ("Nguyễn Thị Thuý", "Nguyễn Thị Thuý", "nguyen thi thuy", "Nguyễn", "Thị", "Thuý", None, False),
    (NFD, "Nguyễn Thị Thúy", "nguyen thi thuy", "Nguyễn", "Thị", "Thúy", None, False),
    ("NGUYEN VAN HUNG", "Nguyen Van Hung", "nguyen van hung", "Nguyen", "Van", "Hung", None, False),
    ("Nguyễn Anh", "Nguyễn Anh", "nguyen anh", "Nguyễn", None, "Anh", None, False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("field", "display", "key", "family", "middle", "given", "salutation", "western"), NAMES
)
def test_personal_names_are_repaired_split_and_folded(
    field: str, display: str, key: str, family: str | None, middle: str | None, given: str,
    salutation: str | None, western: bool,
) -> None:  # fmt: skip
    name = lead(name=field).name
    assert name is not None and name.is_personal
    assert (name.display, name.key, name.family, name.middle, name.given) == (
        display, key, family, middle, given,
    )  # fmt: skip
    assert (name.salutation, name.western_order, name.raw) == (salutation, western, field)


@pytest.mark.parametrize(
    "field",
    ["Bé Heo", "Mèo Con", "Tiểu Yến", "🌸🌸🌸", "Shop Thời Trang Lan Anh", "Cty TNHH ABC",
     "Khách hàng", "khach hang", "User 123", "user123", "Người dùng Zalo", "N/A"],
)  # fmt: skip
def test_display_names_that_are_not_people_are_flagged(field: str) -> None:
    name = lead(name=field).name
    assert name is not None and not name.is_personal


# (province field, official code of the 2025 unit; None: left unresolved)
PROVINCES = [
    ("Hồ Chí Minh", "79"), ("TP.HCM", "79"), ("TPHCM", "79"), ("HCM", "79"), ("tp hcm", "79"),
    ("SG", "79"), ("Sài Gòn", "79"), ("sai gon", "79"), ("Quận 1", "79"), ("Q1", "79"),
    ("Q.1", "79"), ("quan 1", "79"), ("Thủ Đức", "79"), ("thu duc", "79"), ("Bình Dương", "79"),
    ("Bà Rịa - Vũng Tàu", "79"), ("Hà Nội", "01"), ("HN", "01"), ("ha noi", "01"),
    ("Hanoi", "01"), ("Hà Tây", "01"), ("Cầu Giấy", "01"), ("Đà Nẵng", "48"), ("da nang", "48"),
    ("Quảng Nam", "48"), ("Huế", "46"), ("Thừa Thiên Huế", "46"), ("Hải Phòng", "31"),
    ("Cần Thơ", "92"), ("Hậu Giang", "92"), ("Biên Hòa", "75"), ("Khánh Hoà", "56"),
    (unicodedata.normalize("NFD", "Khánh Hòa"), "56"), ("Đắk Nông", "68"), ("tinh lam dong", "68"),
    ("Kiên Giang", "91"), ("Bến Tre", "86"), ("Vĩnh Phúc", "25"), ("Hòa Bình", "25"),
    ("123 Lê Lợi, Q.1, TP.HCM", "79"), ("Thanh Xuân, Hà Nội", "01"),
    ("DN", None), ("ĐN", None), ("BD", None), ("QN", None),
]  # fmt: skip


@pytest.mark.parametrize(("field", "code"), PROVINCES)
def test_places_resolve_to_the_2025_unit_and_ambiguous_abbreviations_do_not(
    field: str, code: str | None
) -> None:
    province = lead(province=field).province
    assert province is not None and province.raw == field
    assert province.code == code
    assert province.status == ("resolved" if code else "ambiguous")


def test_attribution_reads_utm_parameters_from_the_landing_url() -> None:
    url = "https://shop.vn/lp?utm_source=facebook&utm_campaign=tet&fbclid=IwAR1"
    values = lead(attribution={"form_id": "88", "page_url": url}).attribution.values
    assert (values["form_id"], values["utm_source"], values["utm_campaign"], values["fbclid"]) == (
        "88", "facebook", "tet", "IwAR1",
    )  # fmt: skip
