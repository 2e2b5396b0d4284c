"""Telegram bot messages: the sender, a shared contact, and the words of the message.

https://core.telegram.org/bots/api#update and #message. One update per POST, keyed by
`update_id`. The sender's Telegram id, scoped by the bot, is the identity; names are in Western
order (first_name is the given name).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from hub.config import Settings
from hub.errors import PayloadError
from hub.model import Identity, LeadDraft, RawEvent

STORED = "message"  # the one update kind that is stored (see skip_reason)


def load_update(body: bytes) -> dict[str, Any]:
    """The JSON object of an update. Raises PayloadError when it is not one with an update_id."""
    try:
        update = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: deep nesting
        raise PayloadError("a Telegram update that is not JSON") from None
    if not isinstance(update, dict) or not _is_int(update.get("update_id")):
        raise PayloadError("a Telegram update without an integer update_id")
    return update


def skip_reason(update: dict[str, Any]) -> str | None:
    """Why an update is not stored, or None for a new message from a person.

    An edit repeats a message already stored under its own update; button taps
    (callback_query), membership changes and the rest say nothing new about the person.
    """
    message = update.get(STORED)
    if not isinstance(message, dict):
        return "edited" if any(key.startswith("edited_") for key in update) else "not_a_message"
    sender = message.get("from")
    if not isinstance(sender, dict) or not _is_int(sender.get("id")):
        return "no_sender"  # channel posts, anonymous group admins
    if sender.get("is_bot"):
        return "bot"
    return None


def parse(event: RawEvent, settings: Settings) -> list[LeadDraft]:
    """One lead per message. Raises PayloadError when the update is not a message from a person."""
    update = load_update(event.body)
    if skip_reason(update) is not None:
        raise PayloadError("a Telegram update that is not a message from a person")
    message: dict[str, Any] = update[STORED]
    sender: dict[str, Any] = message["from"]
    user_id = str(sender["id"])
    contact = _own_contact(message.get("contact"), user_id)
    names = contact or sender
    text = message.get("text") or message.get("caption")
    attribution = {"bot": event.route, "chat_id": str(_dict(message.get("chat")).get("id") or "")}
    if isinstance(text, str) and text.startswith("/start "):
        attribution["start"] = text.removeprefix("/start ").strip()  # a t.me/<bot>?start= link
    return [LeadDraft(
        channel="telegram",
        source_ref=event.delivery_key,
        captured_at=_from_seconds(message.get("date")) or event.received_at,
        given_name=_str(names.get("first_name")),
        family_name=_str(names.get("last_name")),
        phones=(str(contact["phone_number"]),) if contact.get("phone_number") else (),
        text=text if isinstance(text, str) else None,
        identity=Identity("telegram", event.route, user_id),
        attribution={k: v for k, v in attribution.items() if v},
        extra=_extra(sender, message, user_id),
    )]


def _own_contact(contact: Any, user_id: str) -> dict[str, Any]:
    """A shared contact when it is the sender's own (the "share my phone" button); someone
    else's card is not the sender's phone, so it is kept aside as extra."""
    if isinstance(contact, dict) and str(contact.get("user_id") or "") == user_id:
        return contact
    return {}


def _extra(sender: dict[str, Any], message: dict[str, Any], user_id: str) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if sender.get("username"):
        extra["telegram_username"] = str(sender["username"])
    contact = message.get("contact")
    if isinstance(contact, dict) and not _own_contact(contact, user_id):
        extra["shared_contact"] = {k: str(v) for k, v in contact.items()
                                   if k in ("phone_number", "first_name", "last_name", "user_id")}
    return extra


def _from_seconds(value: Any) -> datetime | None:
    return datetime.fromtimestamp(value, timezone.utc) if _is_int(value) else None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
