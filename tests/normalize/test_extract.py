from __future__ import annotations

import unicodedata
from datetime import datetime, timezone

import pytest

from hub.model import LeadDraft
from hub.normalize import extract_emails, extract_phones, normalize


def e164s(text: str | None) -> list[str]:
    return [phone.e164 for phone in extract_phones(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sđt 0912.345.678 nha", ["+84912345678"]),
        ("ib e 0168 234 5678", ["+84382345678"]),
        ("zalo: 09 12 34 56 78", ["+84912345678"]),
        ("em tên Lan, 0912345678, ở Q1", ["+84912345678"]),
        ("Chị ơi tư vấn giúp em, sdt 0987 654 321 ạ", ["+84987654321"]),
        ("SĐT/Zalo: 0912 345 678", ["+84912345678"]),
        ("liên hệ 0912345678 để nhận báo giá", ["+84912345678"]),
        ("gọi em nhé 0912-345-678", ["+84912345678"]),
        ("0912345678", ["+84912345678"]),
        ("0912345678 giá bao nhiêu shop", ["+84912345678"]),
        ("số em 0912345678", ["+84912345678"]),
        ("Q1 0912345678", ["+84912345678"]),
        ("em ở Q.1, đt 028 3825 1234 ạ", ["+842838251234"]),
        ("(028) 3825 1234 gặp chị Hoa", ["+842838251234"]),
        ("+84 (0) 912 345 678", ["+84912345678"]),
        ("my number is +84 912 345 678", ["+84912345678"]),
        ("84912345678", ["+84912345678"]),
        ("zalo 912345678", ["+84912345678"]),
        ("sdt0912345678", ["+84912345678"]),
        ("zalo:0912345678", ["+84912345678"]),
        ("https://zalo.me/0912345678", ["+84912345678"]),
        ("gọi +1 650 253 0000 nếu em ở Mỹ", ["+16502530000"]),
        ("hotline 1900 1234", ["+8419001234"]),
        ("０９１２３４５６７８ nhé", ["+84912345678"]),
        ("sđt em 0️⃣9️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣ nha", ["+84912345678"]),
        ("1️⃣ chị Lan 0912345678 2️⃣ anh Hùng 0987654321", ["+84912345678", "+84987654321"]),
        ("❤️0912345678❤️", ["+84912345678"]),
        ("ngày 12.05.2024 em gọi 0912345678", ["+84912345678"]),
        ("tổng 1.250.000đ, sđt 0912345678", ["+84912345678"]),
        ("stk 0123456789 vcb, sđt 0912345678", ["+84912345678"]),
        ("0912345678 k nghe máy thì nhắn zalo", ["+84912345678"]),
        ("0912345678 đ/c 12 Lê Lợi", ["+84912345678"]),
        ("lan.nguyen@gmail.com, 0912345678", ["+84912345678"]),
    ],
)
def test_phone_numbers_are_found_in_messages(text: str, expected: list[str]) -> None:
    assert e164s(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0912345678 0987654321", ["+84912345678", "+84987654321"]),
        ("sđt 0912345678 hoặc 0987.654.321", ["+84912345678", "+84987654321"]),
        ("0912345678/0987654321", ["+84912345678", "+84987654321"]),
        ("sđt: 0912345678, stk 0987654321 tcb", ["+84912345678"]),
        ("stk: 0123456789 - sđt 0987654321", ["+84987654321"]),
        ("zalo 0912345678, sđt cũ 0168 123 4567", ["+84912345678", "+84381234567"]),
        ("0912345678 nha, 0912.345.678 là số zalo", ["+84912345678"]),
    ],
)
def test_several_numbers_in_a_message_are_all_found_once(
    text: str, expected: list[str]
) -> None:
    assert e164s(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "giá 1.500.000đ",
        "1.500.000 VND",
        "giá 2tr5",
        "350k",
        "1,2tr",
        "giá 1.680.000.000",
        "1680000000 VND",
        "chuyển 1.650.000.000đ",
        "0912345678đ",
        "0912345678k",
        "12/03/2024",
        "12-03-2024",
        "2024-03-12 09:15",
        "lúc 10:30 ngày 05.08.2024 12 giờ",
        "mã đơn DH0912345678",
        "mã đơn: 0912345678",
        "#0912345678",
        "đơn hàng 0912345678 đã giao",
        "order 0912345678",
        "mã vận đơn GHN0912345678",
        "stk 0123456789 Vietcombank",
        "STK: 1903 4567 8901 23 Techcombank",
        "stk 0912345678 MB bank",
        "số tài khoản: 0912 345 678",
        "0912345678 Vietcombank",
        "chuyển khoản 0912345678",
        "ck vào 0912345678 nhé",
        "cmnd 079123456789",
        "CCCD: 001 095 012 345",
        "id: 0912345678",
        "facebook.com/profile.php?id=100012345678901",
        "1900 1234",
        "912345678",
        "0912345678@gmail.com",
        "lan0912345678@gmail.com",
        "user_0912345678",
        "091234567",
        "09123456789",
    ],
)
def test_prices_dates_codes_and_accounts_are_not_phones(text: str) -> None:
    assert e164s(text) == []


@pytest.mark.parametrize("text", [None, "", "chị ơi còn hàng không", "😀😀", "\x00\x01"])
def test_texts_without_numbers_give_nothing(text: str | None) -> None:
    assert extract_phones(text) == ()


# Numbers spelt in words, as comments get past a page's phone-number filter: Vietnamese with
# and without marks, upper case, decomposed (NFD), mixed with digits, grouped with commas.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sđt không chín một hai ba bốn năm sáu bảy tám nha", ["+84912345678"]),
        ("SĐT: KHÔNG CHÍN MỘT HAI BA BỐN NĂM SÁU BẢY TÁM", ["+84912345678"]),
        ("ib em khong chin mot hai ba bon nam sau bay tam", ["+84912345678"]),
        (unicodedata.normalize("NFD", "zalo không chín một hai ba bốn năm sáu bảy tám ạ"), ["+84912345678"]),
        ("09 tám 7 sáu 5 4 3 2 1", ["+84987654321"]),
        ("không chín tám bảy, sáu năm bốn, ba hai một", ["+84987654321"]),
        ("không chín một hai 345 678 nha", ["+84912345678"]),
        ("không một sáu tám hai ba bốn năm sáu bảy tám", ["+84382345678"]),  # the old 11-digit form
        ("zero nine one two three four five six seven eight", ["+84912345678"]),
        ("chị Lan không chín một hai ba bốn năm sáu bảy tám, anh Hùng 0987654321",
         ["+84912345678", "+84987654321"]),
    ],
)
def test_numbers_spelt_in_words_are_found(text: str, expected: list[str]) -> None:
    assert e164s(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "hai ba người, năm nay sáu tuổi",
        "một hai ba bốn năm sáu bảy tám chín",  # counting, no trunk 0
        "còn không hai ba cái ạ",
        "không không không",
        "bảy tám chục nghìn một cái",
        "mã đơn không chín một hai ba bốn năm sáu bảy tám",
    ],
)
def test_number_words_in_prose_are_not_phones(text: str) -> None:
    assert e164s(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("có không 0912345678", ["+84912345678"]),
        ("Nam 0912345678 hai", ["+84912345678"]),
        ("hai ba 0912345678", ["+84912345678"]),
    ],
)
def test_number_words_beside_a_number_leave_it_as_it_is(text: str, expected: list[str]) -> None:
    assert [(p.e164, p.raw) for p in extract_phones(text)] == [(expected[0], "0912345678")]


def test_a_number_spelt_in_words_keeps_its_words_as_raw() -> None:
    (phone,) = extract_phones("sđt em: không chín một hai ba bốn năm sáu bảy tám ạ")
    assert phone.raw == "không chín một hai ba bốn năm sáu bảy tám"
    nfd = unicodedata.normalize("NFD", "không chín một hai ba bốn năm sáu bảy tám")
    (phone,) = extract_phones(f"sđt {nfd}")
    assert phone.raw == nfd


def test_an_extracted_phone_keeps_the_spelling_it_was_written_in() -> None:
    (phone,) = extract_phones("ib e 0168 234 5678 nhé")
    assert phone.raw == "0168 234 5678"
    assert (phone.old_e164, phone.carrier) == ("+841682345678", "Viettel")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail: lan.nguyen@gmail.com nhé", ("lan.nguyen@gmail.com",)),
        ("email lan@gmail.com.", ("lan@gmail.com",)),
        ("Email:Lan.Nguyen@Gmail.com", ("Lan.Nguyen@Gmail.com",)),
        ("(lan@yahoo.com.vn)", ("lan@yahoo.com.vn",)),
        ("gửi về lan@công-ty.vn giúp em", ("lan@công-ty.vn",)),
        ("lan@gmail.com, hoa@gmail.com", ("lan@gmail.com", "hoa@gmail.com")),
        ("lan@gmail.com hoặc lan@gmail.com", ("lan@gmail.com",)),
        ("mail ｌａｎ＠ｇｍａｉｌ．ｃｏｍ ạ", ("lan@gmail.com",)),
        ("0912345678 - lan+shop@gmail.com", ("lan+shop@gmail.com",)),
    ],
)
def test_emails_are_found_in_messages(text: str, expected: tuple[str, ...]) -> None:
    assert extract_emails(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "lan@gmail",
        "lan @ gmail.com",
        "@lan_shop",
        "a@b",
        "giá 1.500.000đ @ shop",
        "nguyễnlan@gmail.com",
    ],
)
def test_things_that_are_not_emails_are_not_extracted(text: str | None) -> None:
    assert extract_emails(text) == ()


def test_a_lead_gets_phones_and_emails_from_its_fields_and_its_message() -> None:
    draft = LeadDraft(
        channel="zalo_oa",
        source_ref="msg-1",
        captured_at=datetime(2025, 7, 1, tzinfo=timezone.utc),
        phones=("0168 123 4567 (Zalo)", "không nhớ"),
        text="em tên Lan, sđt 0912.345.678, mail: Lan.Nguyen@gmial.com nhé. stk 0987654321 MB",
    )
    lead = normalize(draft)
    assert [p.e164 for p in lead.phones] == ["+84381234567", "+84912345678"]
    assert [e.key for e in lead.emails] == ["lannguyen@gmail.com"]
    assert lead.unparsed == ("không nhớ",)
