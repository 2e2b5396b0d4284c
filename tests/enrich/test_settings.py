"""Enrichment settings: the Zalo OAuth URL, switches and per-OA OAuth secrets."""
from __future__ import annotations

import pytest

from hub.config import ConfigError, load_settings

OA = "579745863508352884"
TOML = f"""
[zalo]
oauth_url = "http://127.0.0.1:9/oauth"
enrich_profiles = true
[zalo.oas.{OA}]
app_id = "1234567890123456789"
secret_key = "env:ZALO_OA_SECRET"
app_secret = "env:ZALO_APP_SECRET"
refresh_token = "env:ZALO_REFRESH"
[facebook]
enrich_profiles = true
"""
ENV = {"HUB_SECRET_KEY": "k", "ZALO_OA_SECRET": "oa-secret", "ZALO_APP_SECRET": "bí-mật-app",
       "ZALO_REFRESH": "zrt-seed"}


def test_the_oauth_settings_are_read_with_env_references(tmp_path):
    (tmp_path / "hub.toml").write_text(TOML, encoding="utf-8")
    settings = load_settings(tmp_path / "hub.toml", environ=ENV)
    assert (settings.zalo.oauth_url, settings.zalo.enrich_profiles, settings.facebook.enrich_profiles) == (
        "http://127.0.0.1:9/oauth", True, True)
    oa = settings.zalo.oas[OA]
    assert (oa.app_secret, oa.refresh_token) == ("bí-mật-app", "zrt-seed")


def test_enrichment_is_off_unless_asked_for(tmp_path):
    (tmp_path / "hub.toml").write_text("", encoding="utf-8")
    settings = load_settings(tmp_path / "hub.toml", environ={"HUB_SECRET_KEY": "k"})
    assert (settings.zalo.enrich_profiles, settings.facebook.enrich_profiles) == (False, False)
    assert settings.zalo.oauth_url == "https://oauth.zaloapp.com"


@pytest.mark.parametrize("environ, message", [
    ({**ENV, "HUB_ZALO__ENRICH_PROFILES": "maybe"}, "zalo.enrich_profiles"),
    ({k: v for k, v in ENV.items() if k != "ZALO_REFRESH"}, "ZALO_REFRESH"),
])
def test_a_bad_value_fails_naming_the_setting(tmp_path, environ, message):
    (tmp_path / "hub.toml").write_text(TOML, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(tmp_path / "hub.toml", environ=environ)
