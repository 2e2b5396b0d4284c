"""Keep personal data and secrets out of the logs (Decree 13/2023/ND-CP, art. 26-27).

`PrivacyFilter` rewrites every record that passes a handler: phone-like digit runs keep their
first two and last three digits (`09*****678`, `+84******678`), emails their first letter and
domain (`n***@gmail.com`), and known secrets (the settings' app secrets, tokens, OA secret keys,
form secrets, passwords in URLs), API tokens and `token=` / `access_token=` query values become
`[redacted]`. The message is formatted once and the result replaces `msg` / `args`; a traceback
is formatted and masked too.

`install(settings)` puts the filter on every handler that exists when logging is set up (the
CLI, the app factory, gunicorn's loggers). A filter on a handler sees records propagated from
every logger, which a filter on a logger would not.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from hub.config import Settings

REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 8  # shorter values ("demo") are not secrets and would mangle ordinary words
# 9 to 12 digits, maybe after "+", maybe split by one space, dot or dash between digits: a
# Vietnamese mobile in any spelling (0912.345.678, +84 912 345 678, 0168 123 4567, 84912345678).
# Longer runs (Zalo and Meta ids, millisecond timestamps) are not phone numbers.
PHONE = re.compile(r"(?<![\w+.:\-])\+?\d(?:[ .\-]?\d){8,11}(?![\w.:\-]?\d)")
EMAIL = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@((?:[\w-]+\.)+[\w-]{2,})", re.UNICODE)
API_TOKEN = re.compile(r"\b(lh_[0-9a-f]{8}_)[\w-]+")
QUERY_SECRET = re.compile(r"(?i)\b((?:access_|refresh_|secret_|verify_)?token|secret|password|hub\.verify_token)=[^&\s\"']+")
URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s/]+@")


def mask_phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = [c for c in text if c.isdigit()]
    plus = "+" if text.startswith("+") else ""
    return plus + "".join(digits[:2]) + "*" * (len(digits) - 5) + "".join(digits[-3:])


def mask_email(match: re.Match[str]) -> str:
    return f"{match.group(1)}***@{match.group(2)}"


def secrets_of(settings: Settings) -> list[str]:
    """Every secret value the settings hold, longest first (so a secret containing another is
    replaced whole)."""
    values: list[str | None] = [settings.secret_key, settings.facebook.verify_token,
                                settings.whatsapp.verify_token]
    values += [*settings.facebook.app_secrets, *settings.whatsapp.app_secrets]
    values += [page.token for page in settings.facebook.pages.values()]
    values += [oa.secret_key for oa in settings.zalo.oas.values()]
    values += [bot.secret_token for bot in settings.telegram.bots.values()]
    for form in settings.forms.values():
        values += [form.token, form.secret]
        if form.secret and form.secret.startswith("whsec_"):
            values.append(form.secret.removeprefix("whsec_"))
    for url in (settings.database_url, settings.redis_url, settings.amqp_url):
        values.append(urlsplit(url).password if url else None)
    return sorted({v for v in values if v and len(v) >= MIN_SECRET_LENGTH}, key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with secrets, tokens, emails and phone numbers masked."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    text = URL_PASSWORD.sub(lambda m: m.group(1) + "***@", text)
    text = API_TOKEN.sub(lambda m: m.group(1) + REDACTED, text)
    text = QUERY_SECRET.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    text = EMAIL.sub(mask_email, text)
    return PHONE.sub(mask_phone, text)


class PrivacyFilter(logging.Filter):
    """Masks personal data and secrets in each record; never drops a record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what can be shown, masked
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = scrub(message, self.secrets), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info, self.secrets)
        return True


# Servers' and RQ's own loggers: they may get handlers after start-up (RQ adds one when the
# worker starts), so the filter also sits on the logger, which sees every record it creates.
SERVER_LOGGERS = ("gunicorn.error", "gunicorn.access", "waitress", "rq.worker")


def install(settings: Settings) -> PrivacyFilter:
    """Put one PrivacyFilter (knowing the settings' secrets) on every handler of the root and
    server loggers and on the server loggers themselves, replacing an earlier call's filter."""
    privacy = PrivacyFilter(secrets_of(settings))
    targets: list[logging.Filterer] = [logging.getLogger(name) for name in SERVER_LOGGERS]
    for name in ("", *SERVER_LOGGERS):
        targets.extend(logging.getLogger(name).handlers)
    for target in targets:
        for old in [f for f in target.filters if isinstance(f, PrivacyFilter)]:
            target.removeFilter(old)
        target.addFilter(privacy)
    return privacy
