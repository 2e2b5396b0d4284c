"""Properties of the phone and email functions over arbitrary and phone-/email-shaped text."""
from __future__ import annotations

import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hub.normalize import extract_emails, extract_phones, normalize_email, normalize_phone
from hub.normalize._phone_runs import translate_wide
from hub.normalize.phone import _PARTS, _separators, read_field

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
@example("9 002781000")  # "00" then 7 digits: a +27 number too short for any field to read back
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


# A number's digits cut into groups and joined the ways people punctuate one number, with
# gaps and groups that must send the field down the general reading: the quick paths of
# normalize_phone must agree with that reading on every field.
_head = st.sampled_from(
    ["0", "+84", "84", "0084", "(+84)", "+(84)", "(84)", "+84 (0)", "84(0)", "( +84 )", "+ 84", "+"]
)
_national = st.sampled_from(["912345678", "1682345678", "2838234567", "2363123456", "18001090"])
_gap = st.sampled_from(
    ["", " ", "  ", ".", "-", " - ", " . ", "\t", "..", "/", "–", "\u00a0", "x", "(", ")", "+"]
)


def _grouped(head: str, digits: str, cuts: list[int], gaps: list[str], wrap: tuple[str, str]) -> str:
    pieces, last = [], 0
    for cut in sorted(set(cuts)):
        pieces.append(digits[last:cut])
        last = cut
    pieces.append(digits[last:])
    body = "".join(gap + piece for gap, piece in zip(gaps, pieces) if piece)
    return f"{wrap[0]}{head}{body}{wrap[1]}"


grouped_number = st.builds(
    _grouped,
    _head,
    st.one_of(_national, st.text(alphabet="0123456789", min_size=6, max_size=12)),
    st.lists(st.integers(1, 11), max_size=4),
    st.lists(_gap, min_size=6, max_size=6),
    st.tuples(st.sampled_from(["", " ", "\t", "(", "０"]), st.sampled_from(["", " ", ")", "\n"])),
)


@given(st.one_of(grouped_number, phone_like, arbitrary_text))
@example("(+84) 1800 1090")
@example("(+65) 9123 4567")
@example("+(84) 168.234.5678")
@example("09..12345678")
@settings(max_examples=1000)
def test_quick_paths_read_a_field_as_the_general_reading_does(text: str) -> None:
    if text.strip():
        assert normalize_phone(text) == read_field(text, translate_wide(text))


_SEPARATOR_PIECES = [" ", "  ", "\n", "\t", "\r", "\u00a0", "\u3000", ",", "/", ";", "|", "or",
                     "OR", "hoặc", "HOẶC", "và", "and", "hay", "order", "x", "1", " or ", "\n or \n"]  # fmt: skip


@given(st.one_of(arbitrary_text, st.lists(st.sampled_from(_SEPARATOR_PIECES), max_size=16).map("".join)))
@settings(max_examples=1000)
def test_separators_are_found_where_the_separator_regex_finds_them(text: str) -> None:
    assert list(_separators(text)) == [match.span() for match in _PARTS.finditer(text)]
