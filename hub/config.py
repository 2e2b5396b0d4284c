"""Typed settings, loaded in one place: TOML file + HUB_* environment overrides.

Order of precedence: built-in defaults < TOML file (HUB_CONFIG, default config/hub.toml)
< environment (HUB_DATABASE_URL, HUB_REDIS_URL, HUB_AMQP_URL, HUB_SECRET_KEY, HUB_LOG_LEVEL,
and HUB_<SECTION>__<KEY> for any scalar, e.g. HUB_QUEUE__LEASE_SECONDS=60).
Any string value "env:NAME" is replaced by the environment variable NAME.
Every problem raises ConfigError naming the setting, so start-up fails loudly.
"""
from __future__ import annotations

import dataclasses
import os
import re
import secrets
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

DEFAULT_CONFIG_PATH = "config/hub.toml"
DEFAULT_DATABASE_URL = "sqlite:///var/hub.db"
LEAD_FIELDS = frozenset(
    {"name", "given_name", "family_name", "phone", "email", "province", "address", "message", "consent"}
)
_FORM_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_EXCHANGE = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")  # AMQP 0-9-1 exchange names
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_TOP_LEVEL_ENV = {
    "HUB_DATABASE_URL": "database_url",
    "HUB_REDIS_URL": "redis_url",
    "HUB_AMQP_URL": "amqp_url",
    "HUB_SECRET_KEY": "secret_key",
    "HUB_LOG_LEVEL": "log_level",
}


class ConfigError(ValueError):
    """A setting is missing or has a bad value; the message names the setting."""


@dataclass(frozen=True)
class QueueSettings:
    lease_seconds: int = 300  # a claimed event not finished by then is handed to another worker
    stuck_after_seconds: int = 30  # a pending event not picked up by then is re-enqueued
    sweep_interval_seconds: float = 5.0
    # An ingest process sends the ids its requests stored within this time together, as RQ jobs
    # (a thread, after the 200s; see hub.queue.Gatherer); 0: one job per request, before its 200.
    enqueue_gather_seconds: float = 0.05
    max_attempts: int = 8
    backoff_seconds: tuple[int, ...] = (5, 30, 120, 600, 1800, 3600)
    local_workers: int = 1  # worker threads in the embedded mode
    rq_queue: str = "lead-hub"
    # A worker's job also takes up to this many fresh pending events of the channels that allow
    # it (hub.pipeline.BATCHED_CHANNELS) and stores them in one transaction; 1 turns it off.
    worker_batch: int = 50

    def __post_init__(self) -> None:
        if self.worker_batch < 1:
            raise ConfigError(f"queue.worker_batch: must be at least 1, got {self.worker_batch!r}")
        if not 0 <= self.enqueue_gather_seconds < self.stuck_after_seconds:
            raise ConfigError("queue.enqueue_gather_seconds: must be at least 0 and less than "
                              f"queue.stuck_after_seconds, got {self.enqueue_gather_seconds!r}")


@dataclass(frozen=True)
class IngestSettings:
    max_body_bytes: int = 1_048_576
    # Per client IP and per channel (limits' notation, "" turns it off); see hub/ratelimit.py.
    rate_limit: str = "300/second;12000/minute"

    def __post_init__(self) -> None:
        from limits import parse_many

        try:
            parse_many(self.rate_limit) if self.rate_limit else None
        except ValueError as exc:
            raise ConfigError(f"ingest.rate_limit: {self.rate_limit!r} is not a rate "
                              f"such as \"300/second;12000/minute\" ({exc})") from None


@dataclass(frozen=True)
class RetentionSettings:
    """How long raw request bodies are kept once processed (`hub purge`); 0 keeps them forever."""

    raw_events_days: int = 90
    batch_size: int = 1000  # rows per purge transaction: short locks on a big table


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    threads: int = 8
    trusted_proxies: int = 0  # proxies in front that set X-Forwarded-For (0: ignore the header)


@dataclass(frozen=True)
class FormSettings:
    key: str
    token: str | None = field(default=None, repr=False)
    secret: str | None = field(default=None, repr=False)  # Standard Webhooks secret ("whsec_...")
    fields: Mapping[str, str] = field(default_factory=dict)  # form field name -> lead field
    honeypot: str | None = None  # a hidden field that only bots fill in

    def __post_init__(self) -> None:
        where = f"forms.{self.key}"
        if not _FORM_KEY.match(self.key):
            raise ConfigError(f"{where}: form key must be 1-64 letters, digits, '-' or '_'")
        if not (self.token or self.secret):
            raise ConfigError(f"{where}: set a token or a secret (a form must authenticate)")
        for source, target in self.fields.items():
            if target not in LEAD_FIELDS:
                raise ConfigError(
                    f"{where}.fields.{source}: {target!r} is not a lead field "
                    f"(one of {', '.join(sorted(LEAD_FIELDS))})"
                )


@dataclass(frozen=True)
class HttpSettings:
    """Outbound HTTP to the platforms' APIs."""

    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class WebhooksOutSettings:
    """Signed outbound webhooks to downstream CRMs (hub/sinks/webhooks_out.py)."""

    poll_interval_seconds: float = 1.0  # how often the outbox is fanned out and lost deliveries swept
    # After the first attempt fails, the next ones wait this long (Svix's schedule).
    retry_schedule_seconds: tuple[int, ...] = (5, 300, 1800, 7200, 18000, 36000, 36000)
    timeout_seconds: float = 15.0
    disable_after_failing_hours: float = 120.0  # an endpoint failing non-stop this long is disabled
    allow_private: bool = False  # allow every subscription to reach private/loopback addresses
    stuck_after_seconds: int = 30  # a due delivery not picked up by then is handed out again
    batch_size: int = 500  # outbox events fanned out per transaction
    local_workers: int = 2  # delivery threads in the embedded mode
    response_excerpt_chars: int = 1000

    def __post_init__(self) -> None:
        if self.poll_interval_seconds <= 0:
            raise ConfigError("webhooks_out.poll_interval_seconds: must be more than 0")
        if self.timeout_seconds <= 0:
            raise ConfigError("webhooks_out.timeout_seconds: must be more than 0")
        if self.batch_size < 1 or self.local_workers < 1:
            raise ConfigError("webhooks_out.batch_size and local_workers: must be at least 1")
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in self.retry_schedule_seconds):
            raise ConfigError(f"webhooks_out.retry_schedule_seconds: expected whole seconds, got {self.retry_schedule_seconds!r}")


@dataclass(frozen=True)
class FacebookPage:
    """A fanpage the hub reads leads from, with its page access token."""

    page_id: str
    token: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if not self.page_id.isdigit():
            raise ConfigError(f"facebook.pages.{self.page_id}: a page id is all digits")
        if not self.token:
            raise ConfigError(f"facebook.pages.{self.page_id}.token: required")


@dataclass(frozen=True)
class LeadAdsForm:
    """A Lead Ads form: where its custom questions go (standard questions map themselves)."""

    form_id: str
    fields: Mapping[str, str] = field(default_factory=dict)  # question name -> lead field
    page: str | None = None  # the page that owns it (for backfill)

    def __post_init__(self) -> None:
        for source, target in self.fields.items():
            if target not in LEAD_FIELDS:
                raise ConfigError(
                    f"facebook.forms.{self.form_id}.fields.{source}: {target!r} is not a lead "
                    f"field (one of {', '.join(sorted(LEAD_FIELDS))})"
                )


@dataclass(frozen=True)
class FacebookSettings:
    """Facebook pages and Instagram accounts of one Meta app (https://developers.facebook.com/docs/graph-api/webhooks)."""

    graph_url: str = "https://graph.facebook.com/v21.0"
    app_secrets: tuple[str, ...] = field(default=(), repr=False)  # several while rotating the app secret
    verify_token: str | None = field(default=None, repr=False)  # the handshake token typed into the app dashboard
    reconcile_interval_minutes: int = 0  # 0: no periodic Lead Ads reconcile in the worker
    reconcile_lookback_hours: int = 48
    enrich_profiles: bool = False  # fetch a new Messenger / Instagram sender's name
    pages: Mapping[str, FacebookPage] = field(default_factory=dict)
    forms: Mapping[str, LeadAdsForm] = field(default_factory=dict)

    def page_token(self, page_id: str) -> str | None:
        page = self.pages.get(page_id)
        return page.token if page else None


@dataclass(frozen=True)
class WhatsAppSettings:
    """WhatsApp Cloud API webhooks. Unset values fall back to the [facebook] ones (same app)."""

    app_secrets: tuple[str, ...] = field(default=(), repr=False)
    verify_token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ZaloOA:
    """A Zalo Official Account whose webhooks the hub receives.

    Zalo signs each event with its app id and the OA's secret key (not the app secret).
    """

    oa_id: str
    secret_key: str = field(default="", repr=False)
    app_id: str = ""
    # Profile enrichment (OAuth v4): the Zalo app's secret key and a first refresh token. The
    # hub keeps the rotating pair in its database; see `hub zalo set-token`.
    app_secret: str = ""
    refresh_token: str = ""

    def __post_init__(self) -> None:
        where = f"zalo.oas.{self.oa_id}"
        if not self.oa_id.isdigit():
            raise ConfigError(f"{where}: an OA id is all digits")
        if not self.secret_key:
            raise ConfigError(f"{where}.secret_key: required")
        if not self.app_id.isdigit():
            raise ConfigError(f"{where}.app_id: required, all digits, got {self.app_id!r}")


@dataclass(frozen=True)
class ZaloSettings:
    """Zalo Official Accounts (https://developers.zalo.me/docs/official-account/webhook)."""

    api_url: str = "https://openapi.zalo.me"
    oauth_url: str = "https://oauth.zaloapp.com"
    enrich_profiles: bool = False  # fetch a new user's display name and shared info
    oas: Mapping[str, ZaloOA] = field(default_factory=dict)


@dataclass(frozen=True)
class TelegramBot:
    """A Telegram bot whose webhook was set with `secret_token`."""

    name: str
    secret_token: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        where = f"telegram.bots.{self.name}"
        if not _FORM_KEY.match(self.name):
            raise ConfigError(f"{where}: a bot name is 1-64 letters, digits, '-' or '_'")
        # Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - as a secret_token.
        if not _SECRET_TOKEN.match(self.secret_token):
            raise ConfigError(f"{where}.secret_token: required, 1-256 letters, digits, '_' or '-'")


@dataclass(frozen=True)
class TelegramSettings:
    """Telegram bots (https://core.telegram.org/bots/api#setwebhook)."""

    api_url: str = "https://api.telegram.org"
    bots: Mapping[str, TelegramBot] = field(default_factory=dict)


@dataclass(frozen=True)
class AmqpSettings:
    """The downstream AMQP exchange (hub/sinks/amqp.py); disabled while url is unset."""

    url: str | None = None
    exchange: str = "lead-hub.contacts"
    poll_interval_seconds: float = 1.0  # how often the publisher looks for new outbox events
    batch: int = 500  # events published (each confirmed) before the cursor is saved
    max_backoff_seconds: float = 60.0  # reconnect waits double up to this while the broker is down

    def __post_init__(self) -> None:
        if self.url is not None and "://" not in self.url:
            raise ConfigError(f"amqp.url: expected a broker URL like amqp://user:pass@host:5672//, got {self.url!r}")
        if not _EXCHANGE.match(self.exchange):
            raise ConfigError(f"amqp.exchange: 1-100 letters, digits, '-', '_', '.' or ':', got {self.exchange!r}")
        if self.batch < 1:
            raise ConfigError(f"amqp.batch: must be at least 1, got {self.batch!r}")


@dataclass(frozen=True)
class OpsSettings:
    """The ops console (/ops/): sessions and login rate limiting."""

    session_hours: float = 12.0  # a console session expires this long after login
    secure_cookies: bool = False  # True behind HTTPS: the session cookie is sent over HTTPS only
    login_window_minutes: float = 15.0  # failed logins are counted over this window
    login_max_failures: int = 5  # per username within the window; then refused until it passes
    login_max_failures_per_ip: int = 30  # per client address within the window
    import_max_upload_mb: float = 20.0  # the Import page's largest .csv / .xlsx
    import_dir: str = "var/imports"  # uploaded files and their rejects reports

    def __post_init__(self) -> None:
        for name in ("session_hours", "login_window_minutes", "login_max_failures", "login_max_failures_per_ip",
                     "import_max_upload_mb"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"ops.{name}: must be more than 0, got {getattr(self, name)!r}")


@dataclass(frozen=True)
class Settings:
    # URLs may carry passwords: left out of repr() like the secrets (hub/redact.py masks logs).
    database_url: str = field(default=DEFAULT_DATABASE_URL, repr=False)
    redis_url: str | None = field(default=None, repr=False)  # set: production queue (RQ); unset: in-process worker
    amqp_url: str | None = field(default=None, repr=False)
    secret_key: str = field(default="", repr=False)
    log_level: str = "INFO"
    queue: QueueSettings = field(default_factory=QueueSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    facebook: FacebookSettings = field(default_factory=FacebookSettings)
    whatsapp: WhatsAppSettings = field(default_factory=WhatsAppSettings)
    zalo: ZaloSettings = field(default_factory=ZaloSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    forms: Mapping[str, FormSettings] = field(default_factory=dict)
    ops: OpsSettings = field(default_factory=OpsSettings)
    webhooks_out: WebhooksOutSettings = field(default_factory=WebhooksOutSettings)
    source: str = "defaults"  # where the settings came from, for messages
    amqp: AmqpSettings = field(default_factory=AmqpSettings)

    def __post_init__(self) -> None:
        if self.amqp_url and not self.amqp.url:  # HUB_AMQP_URL / amqp_url is amqp.url's short form
            object.__setattr__(self, "amqp", replace(self.amqp, url=self.amqp_url))
        if not self.secret_key:
            raise ConfigError("secret_key: required (set HUB_SECRET_KEY)")
        if not self.database_url.startswith(("sqlite:", "postgresql")):
            raise ConfigError(
                f"database_url: {self.database_url!r} is neither sqlite:/// nor postgresql://"
            )
        if self.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ConfigError(f"log_level: {self.log_level!r} is not DEBUG/INFO/WARNING/ERROR")

    @property
    def embedded(self) -> bool:
        """True when no Redis is configured: the in-process worker runs the jobs."""
        return self.redis_url is None

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")

    @property
    def whatsapp_app_secrets(self) -> tuple[str, ...]:
        return self.whatsapp.app_secrets or self.facebook.app_secrets

    @property
    def whatsapp_verify_token(self) -> str | None:
        return self.whatsapp.verify_token or self.facebook.verify_token


def load_settings(
    path: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build Settings from defaults, the TOML file, the environment and explicit overrides.

    Raises ConfigError naming the setting when a value is missing or bad.
    """
    env = os.environ if environ is None else environ
    explicit = path if path is not None else env.get("HUB_CONFIG")
    config_path = Path(explicit or DEFAULT_CONFIG_PATH)
    raw: dict[str, Any] = {}
    if config_path.is_file():
        try:
            raw = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_path}: not valid TOML: {exc}") from exc
        raw["source"] = str(config_path)
    elif explicit:
        raise ConfigError(f"HUB_CONFIG: file {str(config_path)!r} does not exist")
    _apply_env(raw, env)
    for dotted, value in (overrides or {}).items():
        _set_dotted(raw, dotted, value)
    raw = _resolve_env_refs(raw, env, "")
    if "source" not in raw:
        raw["source"] = "defaults"
        raw.setdefault("forms", {"demo": {"token": "demo"}} if _is_sqlite(raw) else {})
    if not raw.get("secret_key") and _is_sqlite(raw):
        raw["secret_key"] = _embedded_secret(raw.get("database_url", DEFAULT_DATABASE_URL))
    return _build_settings(raw)


def _is_sqlite(raw: Mapping[str, Any]) -> bool:
    return str(raw.get("database_url", DEFAULT_DATABASE_URL)).startswith("sqlite:")


def _embedded_secret(database_url: str) -> str:
    """The embedded mode keeps a generated secret beside its SQLite file, so sessions survive."""
    db_path = database_url.removeprefix("sqlite:///")
    folder = Path(db_path).parent if db_path and db_path != ":memory:" else Path("var")
    folder.mkdir(parents=True, exist_ok=True)
    secret_file = folder / "secret_key"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        secret_file.chmod(0o600)
    return secret_file.read_text(encoding="utf-8").strip()


def _apply_env(raw: dict[str, Any], env: Mapping[str, str]) -> None:
    for name, value in env.items():
        if name in _TOP_LEVEL_ENV:
            raw[_TOP_LEVEL_ENV[name]] = value
        elif name.startswith("HUB_") and "__" in name:
            dotted = name.removeprefix("HUB_").lower().replace("__", ".")
            _set_dotted(raw, dotted, value)


def _set_dotted(raw: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node = raw
    for part in parents:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ConfigError(f"{dotted}: {part!r} is not a section")
    node[leaf] = value


def _resolve_env_refs(value: Any, env: Mapping[str, str], where: str) -> Any:
    if isinstance(value, dict):
        return {k: _resolve_env_refs(v, env, f"{where}.{k}".lstrip(".")) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_env_refs(v, env, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, str) and value.startswith("env:"):
        name = value.removeprefix("env:")
        if name not in env or not env[name]:
            raise ConfigError(f"{where}: environment variable {name} is not set")
        return env[name]
    return value


_SECTIONS: dict[str, type] = {
    "queue": QueueSettings,
    "ingest": IngestSettings,
    "server": ServerSettings,
    "http": HttpSettings,
    "whatsapp": WhatsAppSettings,
    "amqp": AmqpSettings,
    "ops": OpsSettings,
    "retention": RetentionSettings,
    "webhooks_out": WebhooksOutSettings,
}
_SCALARS = ("database_url", "redis_url", "amqp_url", "secret_key", "log_level", "source")


def _build_settings(raw: Mapping[str, Any]) -> Settings:
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _SECTIONS:
            kwargs[key] = _build(_SECTIONS[key], value, key)
        elif key == "forms":
            kwargs[key] = _build_forms(value)
        elif key == "facebook":
            kwargs[key] = _build_facebook(value)
        elif key == "zalo":
            kwargs[key] = _build_keyed(value, "zalo", ZaloSettings, "oas", ZaloOA, "oa_id")
        elif key == "telegram":
            kwargs[key] = _build_keyed(value, "telegram", TelegramSettings, "bots", TelegramBot, "name")
        elif key in _SCALARS:
            if value not in ("", None):  # an empty value means unset (the default applies)
                kwargs[key] = _coerce(value, str, key)
        else:
            raise ConfigError(f"{key}: unknown setting")
    return Settings(**kwargs)


def _build_forms(value: Any) -> dict[str, FormSettings]:
    if not isinstance(value, dict):
        raise ConfigError("forms: must be a table of [forms.<key>] sections")
    forms = {}
    for key, form in value.items():
        if not isinstance(form, dict):
            raise ConfigError(f"forms.{key}: must be a table")
        fields = form.get("fields", {})
        if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
            raise ConfigError(f"forms.{key}.fields: must map form field names to lead fields")
        forms[key] = _build(FormSettings, {**form, "key": key, "fields": fields}, f"forms.{key}")
    return forms


def _build_facebook(value: Any) -> FacebookSettings:
    if not isinstance(value, dict):
        raise ConfigError("facebook: must be a table")
    section = dict(value)
    pages = _tables(section.pop("pages", {}), "facebook.pages")
    forms = _tables(section.pop("forms", {}), "facebook.forms")
    facebook = _build(FacebookSettings, section, "facebook")
    built_pages = {
        str(page_id): _build(FacebookPage, {**page, "page_id": str(page_id)}, f"facebook.pages.{page_id}")
        for page_id, page in pages.items()
    }
    built_forms = {}
    for form_id, form in forms.items():
        fields = form.get("fields", {})
        if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
            raise ConfigError(f"facebook.forms.{form_id}.fields: must map question names to lead fields")
        built_forms[str(form_id)] = _build(
            LeadAdsForm, {**form, "form_id": str(form_id)}, f"facebook.forms.{form_id}"
        )
    return replace(facebook, pages=built_pages, forms=built_forms)


def _build_keyed(value: Any, where: str, cls: type, table: str, item_cls: type, id_field: str) -> Any:
    """A section with one sub-table per account, e.g. [zalo] plus [zalo.oas.<oa_id>]."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: must be a table")
    section = dict(value)
    items = _tables(section.pop(table, {}), f"{where}.{table}")
    built = _build(cls, section, where)
    return replace(built, **{table: {
        str(key): _build(item_cls, {**item, id_field: str(key)}, f"{where}.{table}.{key}")
        for key, item in items.items()
    }})


def _tables(value: Any, where: str) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ConfigError(f"{where}: must be a table of [{where}.<id>] sections")
    return value


def _build(cls: type, value: Any, where: str) -> Any:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: must be a table")
    defaults = {item.name for item in dataclasses.fields(cls)}
    kwargs = {}
    for key, item in value.items():
        if key not in defaults:
            raise ConfigError(f"{where}.{key}: unknown setting")
        kwargs[key] = _coerce(item, _field_type(cls, key), f"{where}.{key}")
    return cls(**kwargs)


def _field_type(cls: type, key: str) -> type:
    annotation = str(next(item.type for item in dataclasses.fields(cls) if item.name == key))
    if annotation.startswith("tuple[str"):
        return list  # a list of strings (app secrets), kept as a tuple
    for name, kind in (("int", int), ("float", float), ("bool", bool), ("tuple", tuple)):
        if annotation.startswith(name):
            return kind
    return dict if annotation.startswith("Mapping") else str


def _coerce(value: Any, kind: type, where: str) -> Any:
    """Check a value's type; strings from the environment are converted."""
    if kind is dict:
        return value
    if kind is list:
        return _strings(value, where)
    if isinstance(value, str) and kind is not str:
        value = _parse_env_scalar(value, kind, where)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if kind is tuple and isinstance(value, list):
        value = tuple(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"{where}: expected {kind.__name__}, got {value!r}")
    if isinstance(value, (int, float)) and kind in (int, float) and value < 0:
        raise ConfigError(f"{where}: must not be negative, got {value!r}")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    """A list of strings; from the environment, comma-separated."""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: expected a list of non-empty strings, got {value!r}")
    return tuple(value)


def _parse_env_scalar(value: str, kind: type, where: str) -> Any:
    try:
        if kind is bool:
            if value.lower() not in ("1", "0", "true", "false", "yes", "no"):
                raise ValueError(value)
            return value.lower() in ("1", "true", "yes")
        if kind is tuple:
            return tuple(int(v) for v in value.split(",") if v.strip())
        return kind(value)
    except ValueError:
        raise ConfigError(f"{where}: expected {kind.__name__}, got {value!r}") from None
