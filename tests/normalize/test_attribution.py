from __future__ import annotations

from typing import Any

import pytest

from hub.normalize.attribution import normalize_attribution

LANDING = (
    "https://shop.example.vn/khuyen-mai?utm_source=facebook&utm_medium=cpc"
    "&utm_campaign=tet%202025&utm_term=ao+dai&utm_content=video_1&fbclid=IwAR0abc&color=red"
)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ({"page_id": "1029", "form_id": "88"}, {"page_id": "1029", "form_id": "88"}),
        ({"oa_id": "4318", "bot": "shop_bot"}, {"oa_id": "4318", "bot": "shop_bot"}),
        ({"form_key": "lien-he", "post_id": "1_2"}, {"form_key": "lien-he", "post_id": "1_2"}),
        ({"ad_id": "238", "adset_id": "237", "campaign_id": "236", "ad_name": "Tết"},
         {"ad_id": "238", "adset_id": "237", "campaign_id": "236", "ad_name": "Tết"}),
        ({"adgroup_id": "555"}, {"adset_id": "555"}),
        ({"adgroup_id": "555", "adset_id": "777"}, {"adset_id": "777"}),
        ({"adset_id": "777", "adgroup_id": "555"}, {"adset_id": "777"}),
        ({"referer": "https://google.com/"}, {"referrer": "https://google.com/"}),
        ({"UTM_Source": "Zalo", "utm-medium": "oa"}, {"utm_source": "Zalo", "utm_medium": "oa"}),
        ({"ad_id": 120210, "page_id": 99}, {"ad_id": "120210", "page_id": "99"}),
    ],
)
def test_channel_and_ad_ids_get_canonical_keys_and_string_values(
    raw: dict[str, Any], expected: dict[str, str]
) -> None:
    assert normalize_attribution("facebook_leadads", raw).values == expected


@pytest.mark.parametrize(
    "raw",
    [
        {"ad_name": ""},
        {"ad_name": "   "},
        {"ad_name": None},
        {"ad_name": "null"},
        {"ad_name": "undefined"},
        {"utm_campaign": "{{campaign.name}}"},
        {"utm_campaign": "{campaignid}"},
        {"tags": ["a", "b"]},
        {"": "value"},
    ],
)
def test_blank_and_placeholder_values_are_dropped(raw: dict[str, Any]) -> None:
    assert normalize_attribution("web", raw).values == {}


def test_utm_parameters_and_click_ids_are_read_from_the_landing_url() -> None:
    values = normalize_attribution("web", {"landing_url": LANDING}).values
    assert values == {
        "landing_url": LANDING,
        "utm_source": "facebook",
        "utm_medium": "cpc",
        "utm_campaign": "tet 2025",
        "utm_term": "ao dai",
        "utm_content": "video_1",
        "fbclid": "IwAR0abc",
    }


@pytest.mark.parametrize(
    "field", ["page_url", "landing_url", "url", "referrer", "referer", "source_url"]
)
def test_every_url_field_is_parsed(field: str) -> None:
    values = normalize_attribution("web", {field: "https://x.vn/?gclid=G1&zarsrc=31"}).values
    assert (values["gclid"], values["zarsrc"]) == ("G1", "31")


def test_explicit_values_win_over_values_from_urls() -> None:
    raw = {"utm_source": "tiktok", "page_url": "https://x.vn/?utm_source=facebook&utm_medium=cpc"}
    values = normalize_attribution("web", raw).values
    assert (values["utm_source"], values["utm_medium"]) == ("tiktok", "cpc")


def test_the_landing_url_wins_over_the_referrer() -> None:
    raw = {
        "referrer": "https://a.vn/?utm_source=ref",
        "landing_url": "https://b.vn/?utm_source=landing",
    }
    assert normalize_attribution("web", raw).values["utm_source"] == "landing"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://x.vn/#/dang-ky?utm_source=zalo", {"utm_source": "zalo"}),
        ("x.vn/lp?utm_medium=social", {"utm_medium": "social"}),
        ("https://x.vn/?utm_source=&utm_medium=%20", {}),
        ("https://x.vn/?other=1&ref=abc", {}),
        ("http://[::1", {}),
        ("not a url at all", {}),
    ],
)
def test_odd_urls_give_what_they_can_and_never_raise(url: str, expected: dict[str, str]) -> None:
    values = normalize_attribution("web", {"page_url": url}).values
    assert {key: value for key, value in values.items() if key != "page_url"} == expected


def test_a_messenger_ad_referral_is_flattened_with_clear_keys() -> None:
    raw = {
        "page_id": "1029",
        "referral": {"ref": "tet-sale", "source": "ADS", "type": "OPEN_THREAD", "ad_id": "238"},
    }
    assert normalize_attribution("messenger", raw).values == {
        "page_id": "1029",
        "ref": "tet-sale",
        "referral_source": "ADS",
        "referral_type": "OPEN_THREAD",
        "ad_id": "238",
    }


def test_a_whatsapp_click_to_chat_referral_keeps_its_click_id_and_url_parameters() -> None:
    raw = {
        "source_url": "https://fb.me/3abc?utm_source=whatsapp_ad",
        "source_id": "120210",
        "source_type": "ad",
        "ctwa_clid": "ARAkLkA8rmlFeiCktEJQ",
    }
    assert normalize_attribution("whatsapp", raw).values == {
        "source_url": "https://fb.me/3abc?utm_source=whatsapp_ad",
        "referral_source_id": "120210",
        "referral_source_type": "ad",
        "ctwa_clid": "ARAkLkA8rmlFeiCktEJQ",
        "utm_source": "whatsapp_ad",
    }


def test_top_level_values_win_over_nested_ones() -> None:
    raw = {"referral": {"ad_id": "nested"}, "ad_id": "top"}
    assert normalize_attribution("messenger", raw).values == {"ad_id": "top"}


def test_the_channel_is_kept_and_included_in_as_dict() -> None:
    attribution = normalize_attribution("zalo_oa", {"oa_id": "4318"})
    assert attribution.channel == "zalo_oa"
    assert attribution.as_dict() == {"channel": "zalo_oa", "oa_id": "4318"}


def test_values_are_trimmed() -> None:
    assert normalize_attribution("web", {"form_key": "  lien-he \n"}).values == {
        "form_key": "lien-he"
    }
