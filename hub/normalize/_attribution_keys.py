"""Key names for attribution records: aliases, URL fields and the URL parameters kept."""
from __future__ import annotations

# Other spellings connectors and forms use -> the canonical key. Keys not listed are kept as
# they are (after lower-casing, "-" / " " / "." -> "_").
ALIASES: dict[str, str] = {
    # ad set: Facebook calls it adset, TikTok and Google "ad group"
    "adgroup_id": "adset_id", "ad_group_id": "adset_id", "adgroupid": "adset_id",
    "adsetid": "adset_id", "adgroup_name": "adset_name", "ad_group_name": "adset_name",
    "adid": "ad_id", "campaignid": "campaign_id", "formid": "form_id", "pageid": "page_id",
    "postid": "post_id", "oaid": "oa_id", "fb_page_id": "page_id", "zalo_oa_id": "oa_id",
    "leadgen_form_id": "form_id", "bot_name": "bot", "bot_username": "bot",
    "referer": "referrer", "http_referer": "referrer", "referrer_url": "referrer",
    "landing_page": "landing_url", "landing_page_url": "landing_url",
    # Messenger referral {ref, source, type, ad_id}; WhatsApp referral {source_url, source_id,
    # source_type, ctwa_clid}: "source" alone is too vague a key next to utm_source.
    "source": "referral_source", "source_type": "referral_source_type",
    "source_id": "referral_source_id", "type": "referral_type",
}

# Fields holding URLs whose query string may carry UTM parameters, most specific first.
URL_FIELDS: tuple[str, ...] = ("landing_url", "page_url", "url", "source_url", "referrer")

# What is read from those query strings: UTM parameters and click ids (Facebook, Google ads,
# Zalo's own "zarsrc" on links shared from Zalo).
URL_PARAMETERS: frozenset[str] = frozenset({
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
    "fbclid", "gclid", "zarsrc",
})

# Values that mean "nothing": JavaScript / Python nulls serialised as text.
EMPTY_VALUES: frozenset[str] = frozenset({"null", "none", "undefined", "nan", "n/a"})
