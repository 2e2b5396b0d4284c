"""Telegram Bot API updates as Telegram sends them (https://core.telegram.org/bots/api#update)."""
from __future__ import annotations

import json
from typing import Any

from tests.conftest import TELEGRAM_BOT, TELEGRAM_TOKEN

URL = f"/webhooks/telegram/{TELEGRAM_BOT}"
USER = {"id": 5123456789, "is_bot": False, "first_name": "Lan", "last_name": "Nguyễn",
        "username": "lan_nguyen", "language_code": "vi"}
DATE = 1763860000


def headers(token: str = TELEGRAM_TOKEN) -> dict[str, str]:
    return {"X-Telegram-Bot-Api-Secret-Token": token, "Content-Type": "application/json"}


def body(update: dict[str, Any]) -> bytes:
    return json.dumps(update, ensure_ascii=False).encode()


def message(update_id: int, sender: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    sender = USER if sender is None else sender
    return {"update_id": update_id, "message": {
        "message_id": update_id % 1000, "from": sender, "date": DATE,
        "chat": {"id": sender["id"], "first_name": sender.get("first_name"), "type": "private"},
        **fields}}


def text(update_id: int, words: str, **kwargs: Any) -> dict[str, Any]:
    return message(update_id, text=words, **kwargs)


def start(update_id: int, payload: str = "") -> dict[str, Any]:
    words = f"/start {payload}" if payload else "/start"
    return message(update_id, text=words, entities=[{"offset": 0, "length": 6, "type": "bot_command"}])


def contact(update_id: int, phone: str = "84912345678", user_id: int | None = USER["id"],
            first_name: str = "Lan", last_name: str = "Nguyễn Thị") -> dict[str, Any]:
    card: dict[str, Any] = {"phone_number": phone, "first_name": first_name, "last_name": last_name}
    if user_id is not None:
        card["user_id"] = user_id
    return message(update_id, contact=card)
