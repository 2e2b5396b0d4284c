from __future__ import annotations

import pytest

from hub.normalize import normalize_email


@pytest.mark.parametrize(
    ("text", "address", "key"),
    [
        ("lan@gmail.com", "lan@gmail.com", "lan@gmail.com"),
        (" Lan@Gmail.COM ", "Lan@gmail.com", "lan@gmail.com"),
        ("Lan.Nguyen@gmail.com", "Lan.Nguyen@gmail.com", "lannguyen@gmail.com"),
        ("lan.nguyen+shop@gmail.com", "lan.nguyen+shop@gmail.com", "lannguyen@gmail.com"),
        ("l.a.n@googlemail.com", "l.a.n@googlemail.com", "lan@gmail.com"),
        ("lan+fb@outlook.com", "lan+fb@outlook.com", "lan@outlook.com"),
        ("lan.nguyen@outlook.com", "lan.nguyen@outlook.com", "lan.nguyen@outlook.com"),
        ("lan+vip@yahoo.com", "lan+vip@yahoo.com", "lan+vip@yahoo.com"),
        ("Lan.Nguyen@FPT.COM.VN", "Lan.Nguyen@fpt.com.vn", "lan.nguyen@fpt.com.vn"),
        ("ketoan@congty.vn", "ketoan@congty.vn", "ketoan@congty.vn"),
        ("lan_nguyen-90@vnn.vn", "lan_nguyen-90@vnn.vn", "lan_nguyen-90@vnn.vn"),
        ("mailto:lan@gmail.com", "lan@gmail.com", "lan@gmail.com"),
        ("<lan@gmail.com>", "lan@gmail.com", "lan@gmail.com"),
        ("ｌａｎ＠ｇｍａｉｌ．ｃｏｍ", "lan@gmail.com", "lan@gmail.com"),
        ("\tlan@gmail.com\n", "lan@gmail.com", "lan@gmail.com"),
        ("0912345678@gmail.com", "0912345678@gmail.com", "0912345678@gmail.com"),
    ],
)
def test_addresses_keep_their_spelling_and_get_a_matching_key(
    text: str, address: str, key: str
) -> None:
    email = normalize_email(text)
    assert email is not None
    assert (email.address, email.key, email.raw, email.flags) == (address, key, text, ())


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("lan.nguyen@gmail.com", "LanNguyen@gmail.com"),
        ("lannguyen+shopee@gmail.com", "lannguyen@googlemail.com"),
        ("lan@yahoo.com.vn", "Lan@Yahoo.com"),
        ("lan@gmial.com", "lan@gmail.com"),
        ("lan@công-ty.vn", "lan@xn--cng-ty-ixa.vn"),
    ],
)
def test_spellings_of_one_mailbox_share_a_key(first: str, second: str) -> None:
    a, b = normalize_email(first), normalize_email(second)
    assert a is not None and b is not None
    assert a.key == b.key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("lan@gmial.com", "lan@gmail.com"),
        ("lan@gmai.com", "lan@gmail.com"),
        ("lan@gmail.con", "lan@gmail.com"),
        ("lan@gmail.co", "lan@gmail.com"),
        ("lan@gmail.com.vn", "lan@gmail.com"),
        ("lan@yahoo.com.vn", "lan@yahoo.com"),
        ("Lan.Nguyen+shop@Yahoo.Com.VN", "lan.nguyen+shop@yahoo.com"),
        ("lan@gamil.com", "lan@gmail.com"),
        ("lan@gmal.com", "lan@gmail.com"),
        ("lan@gmail.cm", "lan@gmail.com"),
        ("lan@yahooo.com", "lan@yahoo.com"),
        ("lan@yaho.com", "lan@yahoo.com"),
        ("lan@hotmial.com", "lan@hotmail.com"),
        ("lan@hotmail.con", "lan@hotmail.com"),
        ("lan@outlok.com", "lan@outlook.com"),
        ("lan@iclould.com", "lan@icloud.com"),
        ("Lan.Nguyen+shop@GMIAL.COM", "lannguyen@gmail.com"),
    ],
)
def test_obvious_domain_typos_are_corrected_only_in_the_key(text: str, key: str) -> None:
    email = normalize_email(text)
    assert email is not None
    assert email.key == key
    assert email.address.rpartition("@")[2] == text.rpartition("@")[2].lower()
    assert email.flags == ("domain_typo",)


@pytest.mark.parametrize(
    "text", ["lan@mail.com", "lan@ymail.com", "lan@gmx.com", "lan@email.com", "lan@hotmail.co.uk"]
)
def test_real_domains_near_a_big_provider_are_not_typos(text: str) -> None:
    email = normalize_email(text)
    assert email is not None
    assert (email.key, email.flags) == (text, ())


@pytest.mark.parametrize(
    "text",
    [
        "test@mailinator.com",
        "abc@10minutemail.com",
        "abc@guerrillamail.com",
        "abc@sharklasers.com",
        "abc@yopmail.com",
        "abc@temp-mail.org",
        "abc@inbox.mailinator.com",
        "ABC@YOPMAIL.FR",
    ],
)
def test_disposable_domains_are_flagged(text: str) -> None:
    email = normalize_email(text)
    assert email is not None
    assert email.flags == ("disposable",)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("lan@công-ty.vn", "lan@công-ty.vn"),
        ("lan@CÔNG-TY.VN", "lan@công-ty.vn"),
        ("lan@xn--cng-ty-ixa.vn", "lan@công-ty.vn"),
        ("lan@co\u0302ng-ty.vn", "lan@công-ty.vn"),  # NFD, as some keyboards send it
        ("lan@bücher.de", "lan@bücher.de"),
    ],
)
def test_international_domains_are_shown_in_unicode(text: str, address: str) -> None:
    email = normalize_email(text)
    assert email is not None
    assert email.address == address


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "lan@gmail",
        "lan gmail.com",
        "lan @gmail.com",
        "lan@ gmail.com",
        "lan@gmail .com",
        "lan@@gmail.com",
        "lan@gmail..com",
        "lan..nguyen@gmail.com",
        ".lan@gmail.com",
        "lan.@gmail.com",
        "@gmail.com",
        "lan@",
        "lan@gmail.com.",
        "lan@-gmail.com",
        "lan@gmail-.com",
        "lan@gmail.c",
        "lan@gmail.123",
        "lan@192.168.1.1",
        "lan@gmail_com.vn",
        "nguyễn@gmail.com",
        '"lan nguyen"@gmail.com',
        "lan@xn--zz.com",
        "lan@gmail.com, hoa@gmail.com",
        "0912345678",
        "x" * 65 + "@gmail.com",
    ],
)
def test_what_is_not_an_email_gives_none(text: str | None) -> None:
    assert normalize_email(text) is None
