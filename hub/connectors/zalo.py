"""Zalo Official Account events: chats, follows and submitted info become leads.

https://developers.zalo.me/docs/official-account/webhook/tong-quan
One event per POST. Ids are strings longer than 2^53: the body is read with every number kept
as its literal text, so an id that ever arrives unquoted is still exact. A chat is a lead even
without a phone: (OA id, user id) is an identity, so the person's next event lands on the same
contact.
"""
from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from hub.config import Settings
from hub.connectors.meta import from_millis
from hub.errors import PayloadError
from hub.model import Consent, Identity, LeadDraft, RawEvent

FOLLOW_STATUS = {"follow": "followed", "unfollow": "unfollowed"}
RECEIPTS = frozenset({"user_received_message", "user_seen_message"})
# user_submit_info comes flat {address, ward, district, city} or nested full_address {...}.
ADDRESS_PARTS = (("address", "user_address"), ("ward", "user_ward"), ("district", "user_district"),
                 ("city", "user_city"))


def load_payload(body: bytes) -> dict[str, Any]:
    """The JSON object of a Zalo event, numbers kept as text. Raises PayloadError otherwise."""
    try:
        payload = json.loads(body, parse_int=str, parse_float=str)
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: deep nesting
        raise PayloadError("a Zalo event that is not JSON") from None
    if not isinstance(payload, dict):
        raise PayloadError("a Zalo event that is not a JSON object")
    return payload


def event_name(payload: dict[str, Any]) -> str:
    return _text(payload.get("event_name"))


def oa_of(payload: dict[str, Any]) -> str:
    """The OA an event is for: `recipient.id`, `sender.id` on the OA's own messages
    (oa_send_*: the OA sends to the user), or `oa_id` on follow / unfollow."""
    side = "sender" if event_name(payload).startswith("oa_send_") else "recipient"
    return _text(_dict(payload.get(side)).get("id")) or _text(payload.get("oa_id"))


def user_of(payload: dict[str, Any]) -> str:
    """The OA-scoped user id: `sender.id`, or `follower.id` on follow / unfollow."""
    return _text(_dict(payload.get("sender")).get("id")) or _text(_dict(payload.get("follower")).get("id"))


def timestamp(payload: dict[str, Any]) -> str:
    """The body's `timestamp` (milliseconds, a string): part of the signed text."""
    return _text(payload.get("timestamp"))


def skip_reason(payload: dict[str, Any]) -> str | None:
    """Why an event is not stored, or None for a lead event (user_send_*, follow, unfollow,
    user_submit_info)."""
    name = event_name(payload)
    if name.startswith("oa_send_"):
        return "echo"  # the OA's own messages
    if name in RECEIPTS:
        return "receipt"
    if name.startswith("user_send_") or name in FOLLOW_STATUS or name == "user_submit_info":
        return None
    return "unknown_event"


def delivery_key(payload: dict[str, Any]) -> str:
    """`message.msg_id`; events without one (follow, submit_info): event, user and time."""
    msg_id = _text(_dict(payload.get("message")).get("msg_id"))
    return msg_id or f"{event_name(payload)}:{user_of(payload)}:{timestamp(payload)}"


def parse(event: RawEvent, settings: Settings) -> list[LeadDraft]:
    """One lead per event. Raises PayloadError when the OA or user id is missing, or when the
    event is not one the receiver stores."""
    payload = load_payload(event.body)
    oa, user, name = event.route or oa_of(payload), user_of(payload), event_name(payload)
    if not oa or not user:
        raise PayloadError(f"a Zalo {name or 'event'} without an OA id or a user id")
    base = LeadDraft(
        channel="zalo",
        source_ref=event.delivery_key,
        captured_at=from_millis(timestamp(payload)) or event.received_at,
        identity=Identity("zalo", oa, user),
        attribution=_attribution(payload, oa),
    )
    if name == "user_submit_info":
        return [_submitted_info(base, _dict(payload.get("info")))]
    if name in FOLLOW_STATUS:
        return [replace(base, extra={"zalo_follow": FOLLOW_STATUS[name]})]
    if name.startswith("user_send_"):
        return [_message(base, name, _dict(payload.get("message")))]
    raise PayloadError(f"Zalo event {name!r} is not a lead event")


def _message(base: LeadDraft, name: str, message: dict[str, Any]) -> LeadDraft:
    """A user's message: its text is mined for phones and emails by the normalizer."""
    extra: dict[str, Any] = {"zalo_event": name}
    attachments = message.get("attachments")
    if isinstance(attachments, list) and attachments:
        extra["attachments"] = [_text(_dict(a).get("type")) for a in attachments]
    return replace(base, text=_text(message.get("text")) or None, extra=extra)


def _submitted_info(base: LeadDraft, info: dict[str, Any]) -> LeadDraft:
    """The user's answer to the OA's request for information, in either documented shape."""
    where = {**info, **_dict(info.get("full_address"))}
    parts = [_text(where.get(flat)) or _text(where.get(nested)) for flat, nested in ADDRESS_PARTS]
    city = parts[-1]
    phone = _text(info.get("phone"))
    extra = {key: _text(info[key]) for key in ("user_dob", "gender") if _text(info.get(key))}
    return replace(
        base,
        name=_text(info.get("name")) or None,
        phones=(phone,) if phone else (),
        province=city or None,
        address=", ".join(p for p in parts if p) or None,
        extra={"zalo_event": "user_submit_info", **extra},
        # The person chose to answer the OA's request for information: consent to be contacted.
        consent=Consent(purpose="contact", given=True, source="zalo:user_submit_info"),
    )


def _attribution(payload: dict[str, Any], oa: str) -> dict[str, str]:
    values = {"oa_id": oa, "app_id": _text(payload.get("app_id")),
              "msg_id": _text(_dict(payload.get("message")).get("msg_id"))}
    return {key: value for key, value in values.items() if value}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    """A scalar as stripped text ("" for none, objects and lists)."""
    return "" if value is None or isinstance(value, (dict, list, bool)) else str(value).strip()
