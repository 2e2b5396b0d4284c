"""The [webhooks_out] settings: documented defaults, environment overrides, loud failures."""
from __future__ import annotations

import pytest

from hub.config import ConfigError, WebhooksOutSettings, load_settings

PG = {"HUB_DATABASE_URL": "postgresql://db/hub", "HUB_SECRET_KEY": "k"}


def write(tmp_path, text: str) -> str:
    path = tmp_path / "hub.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_example_config_documents_the_defaults():
    env = {"CONTACT_US_TOKEN": "t", "LANDING_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
           "FB_APP_SECRET": "a", "FB_VERIFY_TOKEN": "v", "FANPAGE_TOKEN": "EAAB",
           "ZALO_OA_SECRET": "z", "ZALO_OA2_SECRET": "z2", "TELEGRAM_SECRET_TOKEN": "tg", **PG}
    assert load_settings("config/hub.example.toml", environ=env).webhooks_out == WebhooksOutSettings()
    assert WebhooksOutSettings().retry_schedule_seconds == (5, 300, 1800, 7200, 18000, 36000, 36000)


def test_the_environment_overrides_the_schedule_and_the_private_switch(tmp_path):
    env = {**PG, "HUB_WEBHOOKS_OUT__RETRY_SCHEDULE_SECONDS": "1,2,3", "HUB_WEBHOOKS_OUT__ALLOW_PRIVATE": "true",
           "HUB_WEBHOOKS_OUT__DISABLE_AFTER_FAILING_HOURS": "0.5"}
    settings = load_settings(write(tmp_path, "[webhooks_out]\ntimeout_seconds = 3\n"), environ=env)
    assert settings.webhooks_out.retry_schedule_seconds == (1, 2, 3)
    assert settings.webhooks_out.allow_private is True
    assert settings.webhooks_out.disable_after_failing_hours == 0.5
    assert settings.webhooks_out.timeout_seconds == 3.0


@pytest.mark.parametrize("toml, message", [
    ("[webhooks_out]\ntimeout_seconds = 0\n", "webhooks_out.timeout_seconds: must be more than 0"),
    ("[webhooks_out]\nretry_schedule_seconds = [5, 'soon']\n", "webhooks_out.retry_schedule_seconds"),
    ("[webhooks_out]\nallow_private = 'yes please'\n", "webhooks_out.allow_private: expected bool"),
    ("[webhooks_out]\nretries = 3\n", "webhooks_out.retries: unknown setting"),
    ("[webhooks_out]\nbatch_size = 0\n", "webhooks_out.batch_size"),
])
def test_a_bad_value_fails_naming_the_setting(tmp_path, toml, message):
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, toml), environ=PG)
    assert message in str(info.value)
