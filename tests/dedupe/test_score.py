"""Per-field comparators: levels on real Vietnamese inputs, and symmetry."""
from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.dedupe.score import LEVELS, compare, compare_emails, compare_identities, compare_names, compare_phones
from hub.normalize import normalize_name
from hub.dedupe.names import corrections
from hub.normalize._syllable import is_syllable
from tests.dedupe.helpers import ZALO, contact, lead


@pytest.mark.parametrize(
    "a, b, level",
    [
        ("Nguyễn Thị Thuý", "Nguyen Thi Thuy", "exact_common"),
        ("Nguyễn Thị Lan", "Lan Nguyễn Thị", "exact_common"),
        ("Nguyễn Thị Lan", unicodedata.normalize("NFD", "NGUYỄN THỊ LAN"), "exact_common"),
        ("Nguyễn Thị Lan", "Lan Nguyễn", "full_common"),
        ("Nguyễn Thị Lan", "Nguyễn Lan", "full_common"),
        ("Nguyễn Văn Hùng", "Nguyễn Đức Hùng", "middle_differs"),
        ("Nguyễn Bích Dung", "Nguyen Thi Dung", "middle_differs"),
        ("Nguyễn Ngcọ Phúc", "Nguyễn Ngọc Phúc", "middle_typo"),  # two letters swapped
        ("Hoàng Hng Trang", "Hoang Hong Trang", "middle_typo"),  # a letter dropped
        ("Nguyễn Xuâ Huy", "Nguyễn Xuân Huy", "middle_typo"),
        ("Lê Mỹ Kim Tâm", "Lê Uỹ Kim Tâm", "middle_typo"),  # a wrong letter in one of two
        ("Lê Mỹ Kim Tâm", "Lê Uỹ Kin Tâm", "middle_differs"),  # two of them: not a slip
        ("Nguyễn Thu Oanh", "Nguyễn Thị Oanh", "middle_differs"),  # two names a letter apart: two people
        ("c Trang", "Võ Anh Tráng", "different"),  # a woman, and a man's name
        ("A LÂN", "Nguyen Thi Lan", "different"),
        ("Nguyễn Thị Lan", "Ngyuễn Thị Lan", "exact_common"),  # "ngyuen" cannot be Vietnamese: a slip
        ("Nguyễn Văn Đức", "Nguyễn Văn Đứức", "exact_common"),  # a key pressed twice
        ("Dương Thị Lan", "Dung Thị Lan", "family_typo"),  # a slip that is still a word
        ("Nguyễn Thị Lan", "Trần Thị Lan", "family_differs"),
        ("Nguyễn Thị Lan", "chị Lan", "given"),
        ("Nguyễn Thị Lan", "Lan", "given"),
        ("Mr Hoàng", "Thảo Hoàng", "given_unsure"),  # Hoàng: her given name, or her family name?
        ("Thảo", "Thảo Hoàng", "given_unsure"),
        ("Nguyễn Thanh Liên", "chú Thành", "different"),
        ("Nguyễn Thị Hương", "Nguyễn Thị Huơngg", "exact_common"),
        ("Hoàng Văn Quân", "Hoang Van Qaun", "exact"),  # Hoàng is rarer, Văn is not
        ("Nguyễn Thanh Hà", "Hà Nguyne Thanh", "exact"),
        ("Lâm Ngọc Diệp", "Diep Lam Ngoc", "exact_rare"),
        ("Lâm Ngọc Diệp", "Diệp Lâm", "full"),
        # Vũ Phương Huyền, given name first: her father Vũ Phương's words are all in her name,
        # but her given name may be the first word as well as the last.
        ("Vũ Phương", "Huyền Vũ Phương", "family_differs"),
        ("Vũ Huyền", "Huyền Phương Vũ", "full"),  # both ends in the short name: the same Huyền
        ("Nguyễn Lan", "Lan Nguyen", "exact_common"),  # no middle name: nothing rare in it
        ("Lê Ngọc Hương", "Lê Ngọc Houng", "given_typo"),  # Hùng or Hương mistyped? no telling
        ("Lê Hùng", "Lê Ngọc Houng", "given_differs"),
        ("Nguyễn Thành", "Nguyễn Thanh Bảo", "given_differs"),  # Thanh is Bảo's middle name
        ("Hoàng Hoàng", "Thảo Hoàng", "family_differs"),  # not "full": one Hoàng only
        ("Nguyễn Thị Tuyết", "Nguyễn Thị Tuyến", "given_typo"),  # two real names: maybe two people
        ("Nguyễn Thu Trang", "Nguyễn Thu Trung", "given_differs"),  # a woman's name and a man's
        ("Nguyễn Văn Hùng", "Nguyễn Văn Dũng", "given_differs"),
        ("Nguyễn Thị Lan", "Nguyễn Thị Mai", "given_differs"),
        ("Nguyễn Thị Trang", "Nguyễn Văn Trung", "given_differs"),
        ("Nguyễn Thị Lan", "Phạm Văn Nam", "different"),
        ("Nguyễn Thị Lan", None, "unknown"),
        # Western order with the family name last: "Liên Thanh Nguyễn" is Nguyễn Thanh Liên on a
        # first / middle / last form, Nguyễn Liên Thanh when the first name field held both words.
        ("Liên Thanh Nguyễn", "Nguyễn Thanh Liên", "exact"),  # the same words: either way
        ("Liên Thanh Nguyễn", "Nguyễn Thanh Thanh", "given_unsure"),  # her sister Thanh, or her?
        ("Anh", "Nhung Anh Nguyễn", "given_unsure"),
        ("ANH", "Khánh Anh Lê", "given_unsure"),
        ("Chi Dinh", "Trung Dinh", "given_unsure"),  # no family name known: Đinh Chi and Đinh Trung?
        ("Tuấn Mai", "Kevin Mai", "given_unsure"),
        ("Hương Thị Nguyễn", "chị Hương", "given"),  # Thị is no given name: the order is sure
        ("Hùng Văn Phạm", "Phạm Hùng", "full"),
        # "Hưng Hoàng": given name Hưng or Hoàng? Either way, Hưng is spelt apart from Hùng.
        ("Hưng Hoàng", "Hoàng Văn Hùng", "different"),
        ("Hưng Hoàng", "Hoàng Văn Hưng", "full"),
        ("Hung Hoang", "Hoàng Văn Hùng", "full"),  # typed without diacritics: no telling
        # Typed in Telex with the input method off: Hungf is Hùng, and his brother Hưng another.
        ("Traanf Vawn Hungf", "Trần Văn Hùng", "exact_common"),
        ("Traanf Vawn Hungf", "Trần Văn Hưng", "given_differs"),
    ],
)
def test_names_compare_order_free_accent_free_and_tolerant_of_dropped_middles_and_typos(a, b, level):
    assert compare_names(normalize_name(a), normalize_name(b)).level == level


@pytest.mark.parametrize(
    "a, b, level",
    [
        # A given name with a letter missing, wrong or swapped that no Vietnamese can be named,
        # one edit from the other name's given name and from no other name: a slip.
        ("Nguyễn Văn Hưng", "Nguyễn Văn Hưg", "exact_common"),
        ("Nguyễn Thị Hằng", "Nguyễn Thị Hằgn", "exact_common"),
        ("Phương Trần", "Trần Thị Phươgn", "full_common"),
        ("Phạm Văn Cường", "Pham Van Cuog", "exact"),
        # Spelt, the slip is one edit from Hưng, three from Hùng: Hùng's brother's name mistyped.
        ("Nguyễn Văn Hùng", "Nguyễn Văn Hưg", "given_differs"),
        ("Nguyễn Thị Hân", "Nguyễn Thị Hằgn", "given_differs"),  # Hằng, one edit from Hân folded
        # One edit from several names: "Mnh" may be Minh or Mạnh, "Dug" Dũng, Duy or Đức.
        ("Nguyễn Văn Minh", "NGUYỄN VĂN MNH", "given_differs"),
        ("Lê Văn Dũng", "Le Van Dug", "given_differs"),
        ("Hoàng Văn Phúc", "Hoàng Văn Phc", "given_differs"),  # Phúc or Phi
        ("Lê Mỹ Tâm", "Lê Mỹ Trââm", "given_differs"),  # Trâm with a key pressed twice: not Tâm
    ],
)
def test_a_given_name_mistyped_is_mended_only_when_no_other_name_was_meant(a, b, level):
    assert compare_names(normalize_name(a), normalize_name(b)).level == level
    assert compare_names(normalize_name(b), normalize_name(a)).level == level


def test_the_name_tables_hold_vietnamese_syllables_each_in_one_table():
    from hub.dedupe.names import NAME_WORDS
    from hub.normalize._name_data import MEN_GIVEN, SHARED_GIVEN, WOMEN_GIVEN

    assert [word for word in NAME_WORDS if not is_syllable(word)] == []
    assert MEN_GIVEN & WOMEN_GIVEN == MEN_GIVEN & SHARED_GIVEN == WOMEN_GIVEN & SHARED_GIVEN == set()


def test_a_corrected_slip_is_in_the_evidence():
    comparison = compare_names(normalize_name("Hoàng Văn Quân"), normalize_name("Hoang Van Qaun"))
    assert comparison.evidence["slips"] == ["qaun ~ quan"]


@pytest.mark.parametrize("word", ["quang", "nguyen", "huong", "khuyen", "ngoc", "giang", "quynh", "luu", "oanh", "bong"])
def test_vietnamese_syllables_are_words(word):
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["qaun", "quaang", "trug", "ngueyn", "ngyuen", "thhao", "duung", "tarn", "uyyen"])
def test_keyboard_slips_are_not_vietnamese_syllables(word):
    assert not is_syllable(word)


@pytest.mark.parametrize("slip, meant", [("qaun", {"quan"}), ("quaang", {"quang"}), ("ngueyn", {"nguyen"}),
                                         ("houng", {"hung", "hong", "huong"}), ("honag", {"hoang", "hong"}),
                                         ("duuc", {"duc"}), ("hunng", {"hung"})])
def test_a_slip_is_corrected_only_when_one_word_could_have_been_meant(slip, meant):
    assert corrections(slip) == meant


def test_a_name_that_is_not_personal_carries_no_weight():
    shop = normalize_name("Shop Hoa Mai")
    assert shop is not None
    assert compare_names(shop, normalize_name("Nguyễn Thị Mai")).level == "unknown"
    assert compare_names(normalize_name("Khách hàng"), normalize_name("khach hang")).level == "unknown"


def test_the_same_nickname_or_shop_name_on_both_sides_is_an_alias():
    assert compare_names(normalize_name("Shop Hoa Mai"), normalize_name("SHOP HOA MAI")).level == "alias"
    assert compare_names(normalize_name("Gấu Phan"), normalize_name("GẤU  PHAN")).level == "alias"
    assert compare_names(normalize_name("Gấu Phan"), normalize_name("Cún Phan")).level == "unknown"


@pytest.mark.parametrize(
    "a, b, level",
    [
        (["+84912345678"], ["+84912345678"], "exact"),
        (["+841681234567"], ["+84381234567"], "converted"),
        (["+84381234567"], ["+841681234567"], "converted"),
        (["+84912345678"], ["+84987654321"], "different"),
        ([], ["+84987654321"], "unknown"),
        (["+84912345678"], ["+84912345679"], "near"),  # one digit typed wrong
        (["+84912345678"], ["+84912345687"], "near"),  # two neighbours swapped
        (["+841681234567"], ["+84381234568"], "near"),  # the old form of a slip
        (["+84912345678"], ["+84912345699"], "different"),  # two digits: another number
        (["+84912345678"], ["+84921345687"], "different"),
        (["+84912345678"], ["+8491234567"], "different"),  # a digit missing: not taken for a slip
        (["+84825507131"], ["+84885507131"], "different"),  # another network code: another carrier's number
    ],
)
def test_phones_match_exactly_or_as_the_same_subscriber_after_the_2018_prefix_change(a, b, level):
    assert compare_phones(a, b).level == level


def test_a_slipped_number_names_both_numbers_as_evidence():
    assert compare_phones(["+841681234567"], ["+84381234568"]).evidence == {"pairs": ["+84381234567 ~ +84381234568"]}


@pytest.mark.parametrize(
    "a, b, level",
    [
        (["lannguyen@gmail.com"], ["lannguyen@gmail.com"], "exact"),
        (["lannguyen@gmail.com"], ["lannguyem@gmail.com"], "near"),
        (["lannguyen@gmail.com"], ["lannguyen@gmial.com"], "near"),
        (["lannguyen91@gmail.com"], ["lannguyen92@gmail.com"], "different"),
        (["lan@gmail.com"], ["lam@gmail.com"], "different"),
        (["lannguyen@gmail.com"], ["lannguyem@yahoo.com"], "different"),
        (["lannguyen@gmail.com"], [], "unknown"),
    ],
)
def test_emails_match_on_the_canonical_key_or_a_one_letter_slip(a, b, level):
    assert compare_emails(a, b).level == level


def test_identities_are_the_same_different_in_one_channel_scope_or_unknown():
    assert compare_identities([ZALO.key], [ZALO.key]).level == "same"
    assert compare_identities([ZALO.key], ["zalo:oa1:42"]).level == "different"
    assert compare_identities([ZALO.key], ["messenger:page1:42"]).level == "unknown"


def test_compare_covers_every_field_with_a_known_level_and_json_evidence():
    result = compare(lead("Lan Nguyễn", ["0912 345 678"], ["lan@gmail.com"]),
                     contact(name="Nguyễn Thị Lan", phones=["+84912345678"]))
    assert {name: c.level for name, c in result.items()} == {
        "name": "full_common", "phone": "exact", "email": "unknown", "province": "unknown", "identity": "unknown"}
    assert all(c.level in LEVELS[name] for name, c in result.items())
    json.dumps({name: c.evidence for name, c in result.items()})


NAMES = st.sampled_from(["Nguyễn Thị Lan", "Lan Nguyễn", "chị Lan", "Nguyen Van Hung", "Hùng", "Trần Thị Lan",
                         "Nguyễn Thị Mai", "Nguyễn Đức Hùng", "Lê Thị Huơngg", "Lê Thị Hương", "Khách hàng"])
PHONES = st.lists(st.sampled_from(["+84912345678", "+84381234567", "+841681234567", "+84987654321"]), max_size=2)
EMAILS = st.lists(st.sampled_from(["lannguyen@gmail.com", "lannguyem@gmail.com", "lannguyen@gmial.com"]), max_size=2)


@given(NAMES, NAMES, PHONES, PHONES, EMAILS, EMAILS)
def test_comparators_are_symmetric(name_a, name_b, phones_a, phones_b, emails_a, emails_b):
    a, b = normalize_name(name_a), normalize_name(name_b)
    assert compare_names(a, b).level == compare_names(b, a).level
    assert compare_phones(phones_a, phones_b).level == compare_phones(phones_b, phones_a).level
    assert compare_emails(emails_a, emails_b).level == compare_emails(emails_b, emails_a).level
