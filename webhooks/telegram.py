"""POST /webhooks/telegram/<bot>: Telegram Bot API updates for each configured bot.

https://core.telegram.org/bots/api#setwebhook: the webhook is set with a `secret_token` and
every call carries it in `X-Telegram-Bot-Api-Secret-Token` (compared in constant time; never
kept with the event).
"""
from __future__ import annotations

import hmac

from flask import Blueprint, Response, request

from hub.connectors import telegram
from hub.errors import PayloadError
from webhooks.edge import accept, hub, ignore, raw_body, reject

bp = Blueprint("telegram", __name__)
CHANNEL = "telegram"
TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@bp.post("/webhooks/telegram/<bot>")
def receive(bot: str) -> Response:
    """404: a bot not configured; 401: missing or wrong secret token; 400: not an update.
    Nothing is stored then. Updates that are not messages from a person: 200, not stored."""
    settings = hub().settings.telegram.bots.get(bot)
    if settings is None:
        reject(404, f"unknown Telegram bot {bot!r}", reason="unknown_bot", channel=CHANNEL)
    given = request.headers.get(TOKEN_HEADER, "")
    if not hmac.compare_digest(given.encode(), settings.secret_token.encode()):
        reject(401, f"missing or wrong {TOKEN_HEADER}", reason="auth", channel=CHANNEL)
    try:
        update = telegram.load_update(raw_body())
    except PayloadError as exc:
        reject(400, str(exc), reason="malformed", channel=CHANNEL)
    reason = telegram.skip_reason(update)
    if reason is not None:
        return ignore(CHANNEL, reason)
    return accept(CHANNEL, f"{bot}:{update['update_id']}", route=bot)
