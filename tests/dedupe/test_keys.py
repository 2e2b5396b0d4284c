"""Blocking keys: the same strings for a lead and for the contact it belongs to."""
from __future__ import annotations

from hub.dedupe.keys import blocking_keys, contact_blocking_keys, strong_keys
from tests.dedupe.helpers import ZALO, contact, lead


def test_strong_keys_are_phones_email_keys_and_the_identity_without_repeats():
    the_lead = lead(phones=["0912345678", "+84 912 345 678"], emails=["lan@gmail.com"], identity=ZALO)
    assert strong_keys(the_lead) == [("phone", "+84912345678"), ("email", "lan@gmail.com"),
                                     ("identity", "zalo:oa1:5829138498217368123")]


def test_a_lead_is_looked_up_by_phone_email_identity_and_folded_name_keys():
    keys = blocking_keys(lead("Nguyễn Thị Lan", ["0912 345 678"], ["lan@gmail.com"], ZALO))
    assert keys == ["p:+84912345678", "e:lan@gmail.com", f"i:{ZALO.key}", "nf:nguyen|lan", "np:lan|5678"]


def test_a_new_style_number_is_also_indexed_under_its_pre_2018_form():
    keys = contact_blocking_keys(contact(name="Phạm Văn Nam", phones=["+84381234567"]))
    assert "p:+84381234567" in keys and "p:+841681234567" in keys
    assert "np:nam|4567" in keys


def test_western_order_without_diacritics_gives_the_same_name_keys_as_the_contact():
    the_lead = blocking_keys(lead("Lan Nguyen", ["0912345678"]))
    the_contact = contact_blocking_keys(contact(name="Nguyễn Thị Lan", phones=["+84912345678"]))
    assert set(the_lead) <= set(the_contact)


def test_a_given_name_and_a_province_give_a_province_key():
    keys = contact_blocking_keys(contact(name="chị Lan", province="79"))
    assert keys == ["nv:lan|79"]


def test_names_that_are_not_personal_give_no_name_keys():
    from dataclasses import replace
    shop = contact(name="Shop Hoa Mai", phones=["+84912345678"])
    shop = replace(shop, name=replace(shop.name, is_personal=False))
    assert contact_blocking_keys(shop) == ["p:+84912345678"]
