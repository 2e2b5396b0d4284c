"""Decisions: bands, guard rules, and what every decision records."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.dedupe import decide, weights
from hub.dedupe.decide import MAX_CANDIDATES, score_candidate
from hub.model import Identity
from tests.dedupe.helpers import ZALO, contact, lead

HUNG = "Nguyễn Văn Hùng"


def test_the_same_person_in_western_order_without_diacritics_auto_merges_on_phone():
    decision = decide(lead("Lan Nguyen", ["0912 345 678"]), [contact("a", "Nguyễn Thị Lan", ["+84912345678"])])
    assert (decision.action, decision.contact_id) == ("merge", "a")


@pytest.mark.parametrize("name", ["chị Lan", "c Lan", "LAN", "Nguyễn Lan"])
def test_a_given_name_or_kinship_term_from_a_chat_merges_on_the_shared_phone(name):
    decision = decide(lead(name, text="sđt em 0912345678 nhé"), [contact("a", "Nguyễn Thị Lan", ["+84912345678"])])
    assert (decision.action, decision.contact_id) == ("merge", "a")


@pytest.mark.parametrize("name", ["Nguyễn Văn Hùng", "Nguyễn Thị Mai", "chị Mai", "Nguyễn Thị Huơngg", "Mai Cute"])
def test_family_members_sharing_a_phone_are_never_auto_merged(name):
    decision = decide(lead(name, ["0912345678"]), [contact("mom", "Nguyễn Thị Lan", ["+84912345678"])])
    assert decision.action == "suggest"
    assert [s.contact_id for s in decision.suggestions] == ["mom"]
    assert decision.suggestions[0].evidence["guard"] == "shared_phone_other_given"


@pytest.mark.parametrize("name", ["Hằng Mít", "Hương Kem", "chị Hằng Xoài", "Lan Cute", "chị Lan Xinh"])
def test_a_home_name_signed_beside_the_given_name_merges_on_the_shared_phone(name):
    given = name.split()[-2]
    decision = decide(lead(name, ["0912345678"]), [contact("a", f"Ngô Thị {given}", ["+84912345678"])])
    assert (decision.action, decision.contact_id) == ("merge", "a")


@pytest.mark.parametrize("name", ["Mít", "Sóc Nguyễn", "Mẹ Bin"])
def test_a_home_name_alone_is_never_merged_into_a_relative_on_the_phone_and_mailbox(name):
    """A child signing "Mít" with the father's phone and email: a person, whoever it is."""
    known = contact("dad", "Nguyễn Văn Phúc", ["+84912345678"], emails=["phuc@gmail.com"])
    decision = decide(lead(name, ["0912345678"], emails=["phuc@gmail.com"]), [known])
    assert decision.action == "suggest"
    assert [s.contact_id for s in decision.suggestions] == ["dad"]


@pytest.mark.parametrize("name, other", [
    ("Nguyễn Văn Hưng", HUNG),  # father and son: Hùng and Hưng fold alike
    ("Nguyễn Văn Dũng", "Nguyễn Thị Dung"),  # brother and sister
    ("Trần Thị Hạ", "Trần Thị Hà"),
    ("anh Hưng", HUNG),  # a chat signed with the given name alone
    ("Nguyễn Văn Anh", "Nguyễn Thị Anh"),  # the same given name, a man's and a woman's middle name
    ("Nguyen Van Anh", "Nguyễn Thị Anh"),
    ("Hưng Hoàng", "Hoàng Văn Hùng"),  # his son, in Western order: is his given name Hưng or Hoàng?
    # Typed without diacritics, a Thị or Văn still tells a woman from a man, and Dũng is a man's
    # name, Dung a woman's: his daughter, her father.
    ("NGUYEN THI KHANH DUNG", "Dũng Nguyễn"),
    ("Nguyen Van Dung", "Dung Nguyễn"),
    ("c Dung", "Dũng Phạm"),  # "c" is chị: a woman, on the phone of a man named Dũng
])
def test_names_that_fold_alike_but_are_written_apart_are_family_on_a_shared_phone(name, other):
    decision = decide(lead(name, ["0912345678"]), [contact("kin", other, ["+84912345678"])])
    assert decision.action == "suggest"
    assert decision.suggestions[0].evidence["guard"] == "shared_phone_other_given"


@pytest.mark.parametrize("name", ["Nguyễn Văn Hùng", "NGUYỄN VĂN HÙNG", "Nguyen Van Hung", "Hùng Nguyễn", "anh Hùng",
                                  "Nguye\u0302\u0303n Va\u0306n Hu\u0300ng"])
def test_the_same_name_however_its_accents_were_typed_merges_on_the_phone(name):
    """NFD input, capitals, Western order, no diacritics at all (then Hùng and Hưng cannot be told apart)."""
    decision = decide(lead(name, ["0912345678"]), [contact("a", HUNG, ["+84912345678"])])
    assert (decision.action, decision.contact_id) == ("merge", "a")


@pytest.mark.parametrize("name, known", [("NGUYEN THI KHANH DUNG", "Nguyễn Khánh Dung"),
                                         ("NGUYEN VAN DUNG", "Dũng Nguyễn"), ("Nguyen Thi Lan", "Lan Nguyễn")])
def test_a_name_without_diacritics_whose_thi_or_van_agrees_with_the_given_name_merges(name, known):
    decision = decide(lead(name, ["0354672299"]), [contact("a", known, ["+84354672299"])])
    assert (decision.action, decision.contact_id) == ("merge", "a")


def test_the_old_and_new_tone_placement_are_one_spelling():
    decision = decide(lead("Nguyễn Thị Hoà", ["0912345678"]), [contact("a", "Nguyễn Thị Hòa", ["+84912345678"])])
    assert (decision.action, decision.contact_id) == ("merge", "a")


def test_a_nameless_lead_on_a_family_phone_goes_to_review_with_everyone_on_it():
    """The province points at Huyền, but a family lives together: either of them may have sent it."""
    family = [contact("hoa", "Trần Hoà", ["+84375492358"], age_days=9),
              contact("huyen", "Trần Thị Huyền", ["+84375492358"], province="46", age_days=5)]
    for name in ("Khách hàng", None):
        decision = decide(lead(name, ["0375 492 358"], province="Huế"), family)
        assert (decision.action, decision.contact_id) == ("suggest", None)
        assert [(s.contact_id, s.evidence["guard"]) for s in decision.suggestions] == [
            ("huyen", "no_name"), ("hoa", "no_name")]
    assert decide(lead("Trần Thị Huyền", ["0375492358"]), family).contact_id == "huyen"


LINE = "+84375492358"
HOUSEHOLD = [contact("mom", "Nguyễn Thị Lan", [LINE], age_days=9), contact("dad", "Trần Văn Nam", [LINE], age_days=5)]


def test_a_third_name_on_a_household_line_is_a_new_contact_with_no_review_item():
    """Mother and father already on the phone: the son's form is a third person, not a question for ops."""
    decision = decide(lead("Trần Minh Khôi", ["0375 492 358"]), HOUSEHOLD)
    assert (decision.action, decision.suggestions) == ("new", ())
    assert decision.evidence["shared_line"] == ["dad", "mom"]
    assert decision.evidence["guard"] == "shared_phone_other_given"  # never a merge either
    # With one person on the phone, the family guard sends the pair to review, as before.
    assert decide(lead("Trần Văn Nam", ["0375492358"]), HOUSEHOLD[:1]).action == "suggest"


def test_a_member_of_a_household_line_joins_their_own_contact_without_review_items():
    son = contact("son", "Trần Minh Khôi", [LINE], age_days=1)
    decision = decide(lead("Tran Van Nam", ["0375492358"]), [*HOUSEHOLD, son])
    assert (decision.action, decision.contact_id, decision.suggestions) == ("merge", "dad", ())
    assert decision.evidence["shared_line"] == ["mom", "son"]


def test_two_contacts_of_one_person_on_a_phone_are_not_a_shared_line():
    """"Lan" is Nguyễn Thị Lan's Zalo name, not yet merged: one person on the phone, the guard's case."""
    one = [contact("a", "Nguyễn Thị Lan", [LINE]), contact("b", "Lan", [LINE])]
    decision = decide(lead("Trần Văn Hùng", ["0375492358"]), one)
    assert decision.action == "suggest"
    assert sorted(s.contact_id for s in decision.suggestions) == ["a", "b"]
    assert "shared_line" not in decision.evidence


def test_a_line_is_one_number_two_numbers_each_with_one_person_are_two_family_cases():
    known = [contact("mom", "Nguyễn Thị Lan", ["+84912345678"]), contact("dad", "Trần Văn Nam", [LINE])]
    decision = decide(lead("Trần Minh Khôi", ["0912345678", "0375492358"]), known)
    assert decision.action == "suggest"
    assert sorted(s.contact_id for s in decision.suggestions) == ["dad", "mom"]


@pytest.mark.parametrize("name, known", [
    ("Khách hàng", "Trần Thị Huyền"),  # the form gave no name: Huyền, or her son?
    ("Bống", "Trần Thị Huyền"),  # a nickname says nothing about who it is
    ("Trần Văn Hoà", None),  # the contact has no name yet: the first lead on the phone gave none
])
def test_a_phone_alone_with_no_name_on_one_side_is_a_suggestion_whatever_the_province(name, known):
    """Only one person known on the phone, in the same province: a family shares both, and one
    member may be the first the hub hears of. The name would tell; without one, ops do."""
    decision = decide(lead(name, ["0375492358"], province="Huế"), [contact("a", known, ["+84375492358"], province="46")])
    assert decision.action == "suggest"
    assert [(s.contact_id, s.evidence["guard"]) for s in decision.suggestions] == [("a", "no_name")]
    assert decision.suggestions[0].score >= weights.MERGE_AT  # the score alone would have merged it


@pytest.mark.parametrize("name, known, same_words", [
    ("Liên Thanh Nguyễn", "Nguyễn Thanh Thanh", "Nguyễn Thanh Liên"),  # Liên, or her sister Thanh?
    ("Nhung Anh Nguyễn", "Anh", "Nguyễn Anh Nhung"),
])
def test_a_name_whose_given_name_may_be_either_of_two_words_is_no_proof_on_a_shared_phone(name, known, same_words):
    decision = decide(lead(name, ["0370782268"]), [contact("kin", known, ["+84370782268"])])
    assert decision.action == "suggest"
    assert decision.suggestions[0].evidence["guard"] == "shared_phone_other_given"
    # The same words in Vietnamese order are the same person whichever word is the given name.
    same = decide(lead(name, ["0370782268"]), [contact("a", same_words, ["+84370782268"])])
    assert (same.action, same.contact_id) == ("merge", "a")


def test_an_email_alone_with_no_name_on_one_side_is_a_suggestion():
    """A family's one mailbox, as a family's one phone."""
    decision = decide(lead("Khách hàng", emails=["huyen.tran@gmail.com"], province="Huế"),
                      [contact("a", "Trần Thị Huyền", emails=["huyentran@gmail.com"], province="46")])
    assert decision.action == "suggest"
    assert [(s.contact_id, s.evidence["guard"]) for s in decision.suggestions] == [("a", "no_name")]


def test_a_chat_waits_for_its_profile_to_be_merged_on_what_its_message_gives():
    """A son types his father's phone and email into Messenger: who is typing, his profile says."""
    father = contact("bo", "Phạm Quang Cường", ["+84331420375"], ["pqcuong@gmail.com"])
    chat = lead(None, text="Đt 0331420375 mail pqcuong@gmail.com", identity=ZALO)
    decision = decide(chat, [father])
    assert decision.action == "suggest"
    assert [(s.contact_id, s.evidence["guard"]) for s in decision.suggestions] == [("bo", "chat_without_name")]
    # The chat once its identity is known is merged.
    known = contact("bo", "Phạm Quang Cường", ["+84331420375"], identities=[ZALO.key])
    assert decide(chat, [known]).contact_id == "bo"


@pytest.mark.parametrize("name", [None, "Khách hàng", "Bé Heo"])
def test_a_nameless_lead_giving_a_phone_and_an_email_of_the_family_goes_to_review(name):
    """A son's nameless form with the family phone and his mother's mailbox: the name would tell."""
    family = [contact("hoa", "Trần Hoà", ["+84375492358"], age_days=9),
              contact("huyen", "Trần Thị Huyền", ["+84375492358"], ["huyentran@gmail.com"], age_days=5)]
    decision = decide(lead(name, ["0375492358"], ["huyen.tran@gmail.com"]), family)
    assert (decision.action, decision.contact_id) == ("suggest", None)
    assert [(s.contact_id, s.evidence["guard"]) for s in decision.suggestions] == [
        ("huyen", "no_name"), ("hoa", "no_name")]
    assert decision.suggestions[0].score >= weights.MERGE_AT  # the score alone would have merged it
    named = decide(lead("Trần Thị Huyền", ["0375492358"], ["huyen.tran@gmail.com"]), family)
    assert (named.action, named.contact_id) == ("merge", "huyen")


def test_the_same_nickname_on_the_same_phone_and_mailbox_merges():
    """"Gấu Phan" is no personal name, but the same nickname with the same phone and email is
    whoever signs with it: merged, not queued lead after lead for review."""
    known = contact("gau", "Gấu Phan", ["+84375492358"], ["gauphan@gmail.com"])
    decision = decide(lead("GẤU PHAN", ["0375 492 358"], ["Gau.Phan@gmail.com"]), [known])
    assert (decision.action, decision.contact_id) == ("merge", "gau")
    assert decision.evidence["name"]["level"] == "alias"
    # The phone alone, or another nickname, is not enough.
    by_phone = decide(lead("Gấu Phan", ["0375492358"]), [known])
    assert (by_phone.action, by_phone.suggestions[0].evidence["name"]["level"]) == ("suggest", "alias")
    other = decide(lead("Cún Phan", ["0375492358"], ["gauphan@gmail.com"]), [known])
    assert (other.action, other.suggestions[0].evidence["guard"]) == ("suggest", "no_name")


@pytest.mark.parametrize("name", ["Khách hàng", "Zalo User", "Bé"])
def test_the_same_placeholder_on_the_same_phone_and_mailbox_still_goes_to_review(name):
    """A placeholder, or "Bé" (what a family calls its youngest), says nobody in particular."""
    known = contact("kh", name, ["+84375492358"], ["huyentran@gmail.com"])
    decision = decide(lead(name, ["0375492358"], ["huyentran@gmail.com"]), [known])
    assert (decision.action, decision.suggestions[0].evidence["guard"]) == ("suggest", "no_name")


def test_another_given_name_on_a_shared_email_is_never_auto_merged():
    """A family's one mailbox: the email and the province add up past the merge band, the given
    names say two people."""
    decision = decide(lead("Nguyễn Văn Hùng", emails=["lan.nguyen@gmail.com"], province="Hà Nội"),
                      [contact("wife", "Nguyễn Thị Lan", emails=["lannguyen@gmail.com"], province="01")])
    assert decision.action == "suggest"
    assert decision.suggestions[0].evidence["guard"] == "shared_email_other_given"


def test_a_word_that_may_be_the_family_name_is_no_proof_on_a_shared_phone():
    """Her father signs "Mr Hoàng"; she is "Thảo Hoàng" on Facebook (Hoàng is her family name)."""
    decision = decide(lead("Mr Hoàng", ["0347855063"]), [contact("thao", "Thảo Hoàng", ["+84347855063"])])
    assert decision.action == "suggest"
    assert decision.suggestions[0].evidence["guard"] == "shared_phone_other_given"


def test_two_names_with_no_family_name_known_and_the_same_last_word_are_no_proof():
    """"Chi Dinh" and "Trung Dinh" on one phone and mailbox: the first words may be the given
    names (Đinh Chi, Đinh Trung: siblings), so the last word in common says nothing."""
    known = contact("chi", "Chi Dinh", ["+84347855063"], ["dinh.family@gmail.com"])
    decision = decide(lead("Trung Dinh", ["0347855063"], ["dinh.family@gmail.com"]), [known])
    assert decision.action == "suggest"
    assert decision.suggestions[0].evidence["guard"] == "shared_phone_other_given"


def test_the_same_channel_identity_is_the_same_person_whatever_the_name():
    decision = decide(lead("Bống", identity=ZALO), [contact("a", "Nguyễn Thị Lan", identities=[ZALO.key])])
    assert (decision.action, decision.contact_id) == ("merge", "a")


@pytest.mark.parametrize("province", [None, "79"])
def test_a_name_alone_is_at_most_a_suggestion(province):
    decision = decide(lead("Lâm Ngọc Diệp"), [contact("a", "Lâm Ngọc Diệp", province=province)])
    assert decision.action == "suggest"


def test_a_common_name_alone_is_more_likely_someone_else_and_not_sent_to_review():
    """Nguyễn Thị Lan: the family name of 4 in 10 people, the middle name of most women."""
    decision = decide(lead("Nguyễn Thị Lan"), [contact("a", "Nguyễn Thị Lan")])
    assert (decision.action, decision.suggestions) == ("new", ())
    assert decision.evidence["name"]["level"] == "exact_common"


def test_a_common_name_shared_by_many_contacts_sends_nobody_to_review():
    candidates = [contact(str(i), "Lâm Văn Hùng", [f"+8491234560{i}"]) for i in range(5)]
    decision = decide(lead("Lâm Văn Hùng"), candidates)
    assert (decision.action, decision.suggestions) == ("new", ())
    one = decide(lead("Lâm Văn Hùng"), candidates[:1])
    assert one.action == "suggest"  # the same name, found once: worth a look


def test_the_same_name_with_a_different_phone_is_never_auto_merged():
    decision = decide(lead("Lâm Ngọc Diệp", ["0987654321"]), [contact("a", "Lâm Ngọc Diệp", ["+84912345678"])])
    assert decision.action != "merge"


def test_a_namesake_reachable_on_another_phone_is_not_sent_to_review():
    decision = decide(lead("Trần Thị Diệp", ["0987654321"]), [contact("a", "Trần Thị Diệp", ["+84912345678"])])
    assert (decision.action, decision.suggestions) == ("new", ())
    assert decision.evidence["contact_id"] == "a"  # still recorded as the best candidate


def test_a_rare_name_in_the_same_province_with_another_phone_is_still_reviewed():
    """A second SIM is common; a rare name in the same province is worth a look."""
    decision = decide(lead("Lâm Ngọc Diệp", ["0987654321"], province="Hà Nội"),
                      [contact("a", "Lâm Ngọc Diệp", ["+84912345678"], province="01")])
    assert decision.action == "suggest"


def test_beside_a_merge_only_a_contact_with_the_very_same_name_goes_to_review():
    candidates = [contact("own", "Lâm Ngọc Diệp", ["+84912345678"], age_days=9),
                  contact("chat", "Diệp Lâm Ngọc", identities=["zalo:oa1:77"], age_days=5),
                  contact("short", "Lâm Diệp", identities=["zalo:oa1:78"], age_days=3)]
    decision = decide(lead("Lâm Ngọc Diệp", ["0912345678"]), candidates)
    assert (decision.action, decision.contact_id) == ("merge", "own")
    assert [s.contact_id for s in decision.suggestions] == ["chat"]


def test_a_typo_that_is_no_vietnamese_word_is_not_a_family_member_on_a_shared_phone():
    decision = decide(lead("Hoang Van Qaun", ["0332043150"]), [contact("a", "Hoàng Văn Quân", ["+84332043150"])])
    assert (decision.action, decision.contact_id) == ("merge", "a")
    assert decision.evidence["name"]["slips"] == ["qaun ~ quan"]


def test_a_gmail_slip_and_the_same_name_auto_merge():
    decision = decide(lead("Nguyễn Thị Lan", emails=["lannguyen@gmial.com"]),
                      [contact("a", "Nguyễn Thị Lan", emails=["lannguyen@gmail.com"])])
    assert decision.action == "merge"


@pytest.mark.parametrize("typed", ["0912345679", "0912345687", "01681234567"])
def test_a_slipped_number_and_the_same_name_auto_merge(typed):
    known = "+84381234568" if typed.startswith("0168") else "+84912345678"
    decision = decide(lead("Lâm Ngọc Diệp", [typed]), [contact("a", "Lâm Ngọc Diệp", [known])])
    assert (decision.action, decision.contact_id) == ("merge", "a")
    assert decision.evidence["phone"]["level"] == "near"


@pytest.mark.parametrize("name, known", [
    ("Nguyễn Văn Hùng", "Nguyễn Văn Hùng"),  # among thousands of them, numbers a digit apart turn up
    ("Nguyễn Hùng", "Nguyễn Anh Hùng"),
    ("anh Hùng", "Nguyễn Anh Hùng"),
])
def test_a_slipped_number_beside_a_common_or_short_name_is_at_most_a_suggestion(name, known):
    decision = decide(lead(name, ["0825507132"]), [contact("a", known, ["+84825507131"])])
    assert decision.action != "merge"


def test_a_slipped_number_with_another_given_name_is_never_auto_merged():
    decision = decide(lead("Lâm Ngọc Hà", ["0912345679"]), [contact("a", "Lâm Ngọc Diệp", ["+84912345678"])])
    assert decision.action != "merge"


def test_a_number_two_digits_off_with_the_same_name_is_not_merged():
    decision = decide(lead("Lâm Ngọc Diệp", ["0912345699"]), [contact("a", "Lâm Ngọc Diệp", ["+84912345678"])])
    assert decision.action != "merge"


def test_a_name_folded_alike_from_two_relatives_on_one_phone_is_not_merged_into_either():
    """Hùng and his son Hưng share the phone: "Nguyen Thanh Hung" may be either."""
    candidates = [contact("father", "Nguyễn Thanh Hùng", ["+84912345678"], age_days=9),
                  contact("son", "Nguyễn Thanh Hưng", ["+84912345678"], age_days=3)]
    decision = decide(lead("Nguyen Thanh Hung", ["0912345678"]), candidates)
    assert decision.action == "suggest"
    assert {s.contact_id for s in decision.suggestions} == {"father", "son"}
    # With its diacritics the name says who it is.
    assert (decide(lead("Nguyễn Thanh Hưng", ["0912345678"]), candidates).contact_id) == "son"


def test_the_same_identity_is_merged_even_beside_a_relative_the_name_also_fits():
    candidates = [contact("father", "Nguyễn Thanh Hùng", ["+84912345678"], age_days=9),
                  contact("son", "Nguyễn Thanh Hưng", ["+84912345678"], identities=[ZALO.key], age_days=3)]
    decision = decide(lead("Nguyen Thanh Hung", ["0912345678"], identity=ZALO), candidates)
    assert (decision.action, decision.contact_id) == ("merge", "son")


def test_a_mistyped_middle_name_merges_on_the_phone():
    decision = decide(lead("Nguyễn Ngcọ Phúc", ["0912345678"]), [contact("a", "Nguyễn Ngọc Phúc", ["+84912345678"])])
    assert (decision.action, decision.contact_id) == ("merge", "a")
    assert decision.evidence["name"]["level"] == "middle_typo"


@pytest.mark.parametrize("name, known", [
    ("Nguyễn Bích Dung", "Nguyễn Thị Dung"),  # colleagues on the office's line
    ("Hà Minh Ánh", "Nguyễn Thùy Ánh"),  # a sales collaborator's customers, on her phone and mailbox
])
def test_the_same_given_name_with_another_middle_or_family_name_on_a_shared_phone_is_a_suggestion(name, known):
    candidates = [contact("a", known, ["+84989944976"], ["anhnguyen@yahoo.com"])]
    decision = decide(lead(name, ["0989944976"], ["anhnguyen@yahoo.com"]), candidates)
    assert decision.action == "suggest"
    assert decision.suggestions[0].evidence["guard"] == "shared_phone_other_given"


def test_several_candidates_above_the_band_are_merged_together_into_the_best():
    candidates = [contact("phone-only", "Nguyễn Thị Lan", ["+84912345678"], age_days=1),
                  contact("phone-and-email", "Nguyễn Thị Lan", ["+84912345678"], ["lan@gmail.com"], age_days=9)]
    decision = decide(lead("Nguyễn Thị Lan", ["0912345678"], ["lan@gmail.com"]), candidates)
    assert (decision.action, decision.contact_id) == ("merge", "phone-and-email")
    assert [m.contact_id for m in decision.merged] == ["phone-only"] and decision.suggestions == ()
    assert decision.merged[0].score >= weights.MERGE_AT and decision.merged[0].evidence["with"] == "phone-and-email"


def test_a_chat_that_gives_a_known_phone_joins_its_contact_with_the_phones_contact():
    """The chat's identity reaches its nameless chat contact, its phone a form's contact: the
    chat contact with the lead is the form's person, though the lead alone has no name to tell."""
    candidates = [contact("chat", None, identities=[ZALO.key], age_days=3),
                  contact("form", "Lan Nguyễn", ["+84912345678"], age_days=9)]
    decision = decide(lead(None, identity=ZALO, text="sđt 0912345678"), candidates)
    assert (decision.action, decision.contact_id) == ("merge", "chat")
    assert [m.contact_id for m in decision.merged] == []  # no name on either side of the chat yet
    named = [contact("chat", "Nguyễn Thị Lan", identities=[ZALO.key], age_days=3), candidates[1]]
    decision = decide(lead(None, identity=ZALO, text="sđt 0912345678"), named)
    assert [m.contact_id for m in decision.merged] == ["form"]


@pytest.mark.parametrize("other", ["Nguyễn Thị Mai", "chị Mai"])
def test_a_family_member_on_the_phone_is_never_merged_in_with_the_others(other):
    candidates = [contact("lan", "Nguyễn Thị Lan", ["+84912345678"], ["lan@gmail.com"], age_days=9),
                  contact("mai", other, ["+84912345678"], age_days=5)]
    decision = decide(lead("Nguyễn Thị Lan", ["0912345678"], ["lan@gmail.com"]), candidates)
    assert (decision.action, decision.contact_id, decision.merged) == ("merge", "lan", ())
    assert [s.contact_id for s in decision.suggestions] == ["mai"]


def test_a_contact_the_lead_would_only_match_by_name_is_not_merged_in():
    candidates = [contact("own", "Nguyễn Thị Lan", ["+84912345678"], age_days=9),
                  contact("namesake", "Nguyễn Thị Lan", ["+84987654321"], province="01", age_days=5)]
    decision = decide(lead("Nguyễn Thị Lan", ["0912345678"]), candidates)
    assert (decision.contact_id, decision.merged) == ("own", ())


def test_equal_candidates_merge_into_the_oldest():
    candidates = [contact("new", "Lan", ["+84912345678"], age_days=1), contact("old", "Lan", ["+84912345678"], age_days=9)]
    assert decide(lead("Lan", ["0912345678"]), candidates).contact_id == "old"


def test_every_decision_records_score_evidence_thresholds_and_model():
    decision = decide(lead("Lan Nguyen", ["0912345678"]), [contact("a", "Nguyễn Thị Lan", ["+84912345678"])])
    assert decision.thresholds == {"merge": weights.MERGE_AT, "suggest": weights.SUGGEST_AT,
                                   "name_only": weights.NAME_ONLY_AT}
    assert decision.model == weights.MODEL and decision.model.startswith("fs-")
    assert decision.score >= weights.MERGE_AT
    assert decision.evidence["phone"]["level"] == "exact"
    json.dumps({"evidence": dict(decision.evidence), "suggestions": [dict(s.evidence) for s in decision.suggestions]})


def test_no_candidates_is_a_new_contact():
    assert decide(lead("Lan", ["0912345678"]), []).action == "new"


def test_at_most_max_candidates_are_considered_those_sharing_a_phone_first():
    strangers = [contact(f"s{i}", "Nguyễn Thị Lan", age_days=500) for i in range(MAX_CANDIDATES + 5)]
    decision = decide(lead("Nguyễn Thị Lan", ["0912345678"]), [*strangers, contact("a", "Lan", ["+84912345678"])])
    assert (decision.action, decision.contact_id) == ("merge", "a")


NAMES = st.one_of(st.none(), st.sampled_from(["Nguyễn Thị Lan", "Lan Nguyen", "chị Lan", HUNG, "Khách hàng", "🌸",
                                               "Gấu Phan", "GẤU PHAN", "Shop Hoa Mai"]),
                  st.text(max_size=20))
PHONES = st.lists(st.sampled_from(["0912345678", "01681234567", "0381234567", "+84987654321", "12"]), max_size=2)
EMAILS = st.lists(st.sampled_from(["lannguyen@gmail.com", "lannguyem@gmail.com", "x@y"]), max_size=2)
IDENTITIES = st.sampled_from([None, ZALO, Identity("messenger", "page1", "42")])


@st.composite
def contacts(draw):
    return contact(draw(st.sampled_from("abc")), draw(NAMES),
                   draw(st.lists(st.sampled_from(["+84912345678", "+84381234567", "+841681234567"]), max_size=2)),
                   draw(st.lists(st.sampled_from(["lannguyen@gmail.com", "hung@yahoo.com"]), max_size=1)),
                   draw(st.lists(st.sampled_from([ZALO.key, "zalo:oa1:1"]), max_size=1)),
                   draw(st.integers(0, 9)), draw(st.sampled_from([None, "01", "79"])))


@settings(max_examples=200)
@given(NAMES, PHONES, EMAILS, IDENTITIES, st.lists(contacts(), max_size=4))
def test_decide_never_raises_and_merges_only_into_a_candidate(name, phones, emails, identity, candidates):
    decision = decide(lead(name, phones, emails, identity), candidates)
    assert decision.contact_id in {None, *(c.id for c in candidates)}
    json.dumps(dict(decision.evidence))


@given(NAMES, PHONES, EMAILS, contacts())
def test_adding_an_identity_match_never_lowers_a_score(name, phones, emails, candidate):
    without = score_candidate(lead(name, phones, emails), candidate)
    with_identity = score_candidate(lead(name, phones, emails, ZALO),
                                    type(candidate)(**{**candidate.__dict__, "identities": frozenset({ZALO.key})}))
    assert with_identity.score >= without.score
    assert decide(lead(name, phones, emails, ZALO),
                  [type(candidate)(**{**candidate.__dict__, "identities": frozenset({ZALO.key})})]).action == "merge"
