"""Properties of the phone and email functions over arbitrary and phone-/email-shaped text."""
from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from hub.normalize import extract_emails, extract_phones, normalize_email, normalize_phone

# Characters that drive the parsers down their interesting paths, next to arbitrary Unicode.
_PHONE_CHARS = list("0123456789０１２３４５６７８９+().-–/,;:#@đĐkK \t\n\u00a0\u3000") + [
    "84", "0084", "(+84)", "(0)", "sđt ", "zalo ", "stk ", "mã đơn ", "đ", "ế", "\u0301", "\x00",
]  # fmt: skip

arbitrary_text = st.one_of(
    st.text(),
    st.text().map(lambda s: unicodedata.normalize("NFD", s)),
    st.lists(st.sampled_from(_PHONE_CHARS), max_size=40).map("".join),
)

_prefix = st.sampled_from(["", "0", "+84", "84", "0084", "(+84) ", "+84 (0) ", "+84 0"])
_separator = st.sampled_from(["", " ", ".", "-", " - "])
_old_or_new = st.sampled_from(
    ["9", "8", "3", "7", "5", "16", "12", "18", "19", "24", "28", "236", "1900", "1800"]
)
phone_like = st.builds(
    lambda prefix, head, body, sep, around: f"{around[0]}{prefix}{head}{sep}{body}{around[1]}",
    _prefix,
    _old_or_new,
    st.text(alphabet="0123456789", min_size=5, max_size=9),
    _separator,
    st.tuples(
        st.sampled_from(["", "sđt ", "zalo: ", "ib e "]),
        st.sampled_from(["", " nha", " (Zalo)"]),
    ),
)

_local = st.from_regex(r"[A-Za-z0-9_%+-]{1,8}(\.[A-Za-z0-9_%+-]{1,8}){0,2}", fullmatch=True)
_domain = st.sampled_from(
    [
        "gmail.com", "Gmail.COM", "googlemail.com", "gmial.com", "gmail.con", "yahoo.com.vn",
        "yahooo.com", "hotmial.com", "mailinator.com", "yopmail.fr", "fpt.com.vn", "công-ty.vn",
        "CÔNG-TY.VN", "xn--cng-ty-ixa.vn", "bücher.de", "ｇｍａｉｌ．ｃｏｍ",
    ]
)  # fmt: skip
email_like = st.builds(
    lambda local, domain, pad: f"{pad}{local}@{domain}{pad}",
    _local,
    _domain,
    st.sampled_from(["", " ", "\t"]),
)


@given(arbitrary_text)
def test_normalize_phone_never_raises(text: str) -> None:
    normalize_phone(text)


@given(arbitrary_text)
def test_extract_phones_never_raises(text: str) -> None:
    extract_phones(text)


@given(st.one_of(arbitrary_text, email_like))
def test_normalize_email_never_raises(text: str) -> None:
    normalize_email(text)


@given(st.one_of(arbitrary_text, st.lists(email_like).map(" ".join)))
def test_extract_emails_never_raises(text: str) -> None:
    extract_emails(text)


@given(st.one_of(phone_like, arbitrary_text))
def test_normalizing_an_e164_again_gives_the_same_number(text: str) -> None:
    for phone in normalize_phone(text).numbers:
        (again,) = normalize_phone(phone.e164).numbers
        assert (again.e164, again.line_type, again.carrier) == (
            phone.e164,
            phone.line_type,
            phone.carrier,
        )
        if phone.old_e164 is not None:
            assert normalize_phone(phone.old_e164).numbers[0].e164 == phone.e164


@given(st.lists(st.one_of(phone_like, arbitrary_text), max_size=4).map(" ; ".join))
def test_extracting_from_the_extracted_numbers_gives_them_back(text: str) -> None:
    found = [phone.e164 for phone in extract_phones(text)]
    assert [phone.e164 for phone in extract_phones(" ".join(found))] == found


@given(st.one_of(email_like, arbitrary_text))
def test_normalizing_a_display_address_again_gives_the_same_email(text: str) -> None:
    email = normalize_email(text)
    if email is not None:
        again = normalize_email(email.address)
        assert again is not None
        assert (again.address, again.key, again.flags) == (email.address, email.key, email.flags)


@given(st.lists(st.one_of(email_like, arbitrary_text), max_size=4).map(" , ".join))
def test_extracting_from_the_extracted_emails_gives_them_back(text: str) -> None:
    found = extract_emails(text)
    assert extract_emails(" ".join(found)) == found


@given(phone_like)
def test_every_number_found_in_a_field_is_valid_e164(text: str) -> None:
    result = normalize_phone(text)
    assert all(p.e164.startswith("+") and p.e164[1:].isdigit() for p in result.numbers)
    assert result.numbers or result.unparsed
