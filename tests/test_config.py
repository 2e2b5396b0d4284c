"""Settings: TOML + HUB_* environment, env: references, loud failures naming the setting."""
from __future__ import annotations

import textwrap

import pytest

from hub.config import ConfigError, load_settings

PG = {"HUB_DATABASE_URL": "postgresql://db/hub", "HUB_SECRET_KEY": "s3cret"}


def write(tmp_path, text: str):
    path = tmp_path / "hub.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_embedded_default_needs_no_configuration(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    assert settings.embedded and settings.uses_sqlite
    assert settings.database_url == "sqlite:///var/hub.db"
    assert settings.server.port == 8000
    assert len(settings.secret_key) >= 32
    assert load_settings(environ={}).secret_key == settings.secret_key  # kept under ./var
    assert set(settings.forms) == {"demo"}


def test_a_config_file_is_read_and_env_references_are_resolved(tmp_path):
    path = write(tmp_path, """
        database_url = "env:DB"
        secret_key = "env:KEY"
        [queue]
        lease_seconds = 60
        [forms.contact-us]
        token = "env:CONTACT_US_TOKEN"
        honeypot = "website"
        [forms.contact-us.fields]
        ho_ten = "name"
        so_dien_thoai = "phone"
    """)
    env = {"DB": "postgresql://db/hub", "KEY": "k", "CONTACT_US_TOKEN": "tok"}
    settings = load_settings(path, environ=env)
    assert settings.database_url == "postgresql://db/hub"
    assert settings.queue.lease_seconds == 60
    form = settings.forms["contact-us"]
    assert (form.token, form.honeypot, dict(form.fields)) == ("tok", "website", {"ho_ten": "name", "so_dien_thoai": "phone"})
    assert "demo" not in settings.forms  # the demo form exists only without a config file


def test_environment_variables_override_the_file(tmp_path):
    path = write(tmp_path, 'redis_url = "redis://file:6379/0"\n[queue]\nlease_seconds = 60\n')
    env = {**PG, "HUB_REDIS_URL": "redis://env:6379/1", "HUB_QUEUE__LEASE_SECONDS": "90",
           "HUB_AMQP_URL": "amqp://guest:guest@localhost//"}
    settings = load_settings(path, environ=env)
    assert settings.redis_url == "redis://env:6379/1"
    assert settings.queue.lease_seconds == 90
    assert settings.amqp_url == settings.amqp.url == "amqp://guest:guest@localhost//"
    assert not settings.embedded


@pytest.mark.parametrize(
    "toml, env, message",
    [
        ('database_url = "env:MISSING"\n', {}, "database_url: environment variable MISSING is not set"),
        ("", {"HUB_DATABASE_URL": "postgresql://db/hub"}, "secret_key: required"),
        ("", {**PG, "HUB_QUEUE__LEASE_SECONDS": "soon"}, "queue.lease_seconds: expected int"),
        ("[queue]\nlease_seconds = -1\n", PG, "queue.lease_seconds: must not be negative"),
        ("[queue]\nlease_secs = 5\n", PG, "queue.lease_secs: unknown setting"),
        ("colour = 'blue'\n", PG, "colour: unknown setting"),
        ('database_url = "mysql://x"\n', {"HUB_SECRET_KEY": "k"}, "database_url: 'mysql://x' is neither"),
        ("[forms.x]\nfields = {}\n", PG, "forms.x: set a token or a secret"),
        ("[forms.x]\ntoken = 't'\n[forms.x.fields]\nten = 'nickname'\n", PG, "forms.x.fields.ten: 'nickname' is not a lead field"),
        ("[forms.'bad key!']\ntoken = 't'\n", PG, "forms.bad key!: form key must be"),
        ("log_level = 'LOUD'\n", PG, "log_level: 'LOUD' is not"),
        ("this is not toml", PG, "not valid TOML"),
        ("[amqp]\nbatch = 0\n", PG, "amqp.batch: must be at least 1"),
        ("[amqp]\nexchange = 'khách hàng'\n", PG, "amqp.exchange: 1-100 letters"),
        ("[amqp]\nurl = 'rabbit-host'\n", PG, "amqp.url: expected a broker URL"),
    ],
)
def test_a_bad_or_missing_value_fails_naming_the_setting(tmp_path, toml, env, message):
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, toml), environ=env)
    assert message in str(info.value)


def test_an_explicit_config_path_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="HUB_CONFIG: file .* does not exist"):
        load_settings(environ={"HUB_CONFIG": str(tmp_path / "missing.toml")})


def test_the_example_config_is_valid(monkeypatch):
    env = {"CONTACT_US_TOKEN": "t", "LANDING_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
           "FB_APP_SECRET": "a", "FB_VERIFY_TOKEN": "v", "FANPAGE_TOKEN": "EAAB",
           "ZALO_OA_SECRET": "z", "ZALO_OA2_SECRET": "z2", "TELEGRAM_SECRET_TOKEN": "tg", **PG}
    settings = load_settings("config/hub.example.toml", environ=env)
    assert "contact-us" in settings.forms
    assert settings.facebook.page_token("104857600123456") == "EAAB"
    assert [oa.secret_key for oa in settings.zalo.oas.values()] == ["z", "z2"]
    assert [bot.secret_token for bot in settings.telegram.bots.values()] == ["tg"]


def test_upstream_base_urls_are_the_documented_settings(tmp_path):
    path = write(tmp_path, '[facebook]\ngraph_url = "http://127.0.0.1:9/graph"\n[zalo]\napi_url = "http://127.0.0.1:9/zalo"\n')
    settings = load_settings(path, environ={**PG, "HUB_TELEGRAM__API_URL": "http://127.0.0.1:9/tg"})
    assert settings.facebook.graph_url == "http://127.0.0.1:9/graph"
    assert settings.zalo.api_url == "http://127.0.0.1:9/zalo"
    assert settings.telegram.api_url == "http://127.0.0.1:9/tg"
    assert load_settings(environ=PG).facebook.graph_url == "https://graph.facebook.com/v21.0"


def test_meta_settings_read_pages_forms_and_secrets_from_the_environment(tmp_path):
    path = write(tmp_path, """
        [facebook]
        app_secrets = ["env:FB_SECRET", "env:FB_OLD_SECRET"]
        verify_token = "env:FB_VERIFY"
        [facebook.pages.104857600123456]
        token = "env:FANPAGE_TOKEN"
        [facebook.forms.771234567890123]
        page = "104857600123456"
        [facebook.forms.771234567890123.fields]
        ban_quan_tam_du_an_nao = "message"
    """)
    env = {**PG, "FB_SECRET": "s1", "FB_OLD_SECRET": "s0", "FB_VERIFY": "v", "FANPAGE_TOKEN": "EAAB"}
    settings = load_settings(path, environ=env)
    facebook = settings.facebook
    assert (facebook.app_secrets, facebook.verify_token) == (("s1", "s0"), "v")
    assert facebook.page_token("104857600123456") == "EAAB"
    assert dict(facebook.forms["771234567890123"].fields) == {"ban_quan_tam_du_an_nao": "message"}
    assert settings.whatsapp_app_secrets == ("s1", "s0")  # WhatsApp falls back to the same app
    env_only = load_settings(path, environ={**env, "HUB_WHATSAPP__APP_SECRETS": "w1,w2"})
    assert env_only.whatsapp_app_secrets == ("w1", "w2")


@pytest.mark.parametrize("text, message", [
    ('[facebook]\napp_secrets = ["ok", ""]\n', "facebook.app_secrets: expected a list of non-empty strings"),
    ('[facebook.pages.mypage]\ntoken = "t"\n', "facebook.pages.mypage: a page id is all digits"),
    ('[facebook.pages.123]\n', "facebook.pages.123.token: required"),
    ('[facebook.forms.77.fields]\nq = "age"\n', "facebook.forms.77.fields.q: 'age' is not a lead field"),
    ('[facebook]\nreconcile_interval_minutes = "often"\n', "facebook.reconcile_interval_minutes: expected int"),
])
def test_bad_meta_settings_fail_naming_the_setting(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        load_settings(write(tmp_path, text), environ=PG)


def test_zalo_oas_and_telegram_bots_are_read_with_secrets_from_the_environment(tmp_path):
    path = write(tmp_path, """
        [zalo]
        api_url = "http://127.0.0.1:9/zalo"
        [zalo.oas.579745863508352884]
        app_id = "1234567890123456789"
        secret_key = "env:ZALO_OA_SECRET"
        [zalo.oas.4368496045530264598]
        app_id = "1234567890123456789"
        secret_key = "env:ZALO_OA2_SECRET"
        [telegram.bots.shop_bot]
        secret_token = "env:TG_TOKEN"
    """)
    env = {**PG, "ZALO_OA_SECRET": "s1", "ZALO_OA2_SECRET": "s2", "TG_TOKEN": "t-1"}
    settings = load_settings(path, environ=env)
    assert settings.zalo.api_url == "http://127.0.0.1:9/zalo"
    oa = settings.zalo.oas["579745863508352884"]
    assert (oa.oa_id, oa.app_id, oa.secret_key) == ("579745863508352884", "1234567890123456789", "s1")
    assert settings.zalo.oas["4368496045530264598"].secret_key == "s2"
    assert settings.telegram.bots["shop_bot"].secret_token == "t-1"
    assert settings.telegram.api_url == "https://api.telegram.org"


@pytest.mark.parametrize("text, message", [
    ('[zalo.oas.myoa]\nsecret_key = "k"\napp_id = "1"\n', "zalo.oas.myoa: an OA id is all digits"),
    ('[zalo.oas.123]\napp_id = "1"\n', "zalo.oas.123.secret_key: required"),
    ('[zalo.oas.123]\nsecret_key = "k"\n', "zalo.oas.123.app_id: required"),
    ('[zalo.oas.123]\nsecret_key = "k"\napp_id = "1"\nkey = "x"\n', "zalo.oas.123.key: unknown setting"),
    ('[zalo]\noas = "x"\n', "zalo.oas: must be a table"),
    ('[telegram.bots.shop_bot]\n', "telegram.bots.shop_bot.secret_token: required"),
    ('[telegram.bots.shop_bot]\nsecret_token = "has space"\n', "telegram.bots.shop_bot.secret_token: required"),
    ('[telegram.bots."a/b"]\nsecret_token = "t"\n', "telegram.bots.a/b: a bot name is"),
])
def test_bad_zalo_and_telegram_settings_fail_naming_the_setting(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        load_settings(write(tmp_path, text), environ=PG)


def test_amqp_settings_come_from_the_amqp_section_and_the_environment(tmp_path):
    path = write(tmp_path, '[amqp]\nexchange = "crm.contacts"\npoll_interval_seconds = 2\n')
    settings = load_settings(path, environ={**PG, "HUB_AMQP__URL": "amqp://u:p@rabbit:5672//"})
    assert (settings.amqp.url, settings.amqp.exchange) == ("amqp://u:p@rabbit:5672//", "crm.contacts")
    assert settings.amqp.poll_interval_seconds == 2.0
    default = load_settings(environ=PG).amqp
    assert (default.url, default.exchange) == (None, "lead-hub.contacts")
