"""Meta webhook envelopes: a batched delivery split into one stored event per item.

Meta batches many updates into one POST (https://developers.facebook.com/docs/graph-api/webhooks/getting-started):
`entry[]`, each with `messaging[]` (Messenger, Instagram) or `changes[]` (Lead Ads, feed,
WhatsApp). Each item becomes one inbox event whose body is an envelope
`{"object", "entry_id", "entry_time", "field", "item"}` and whose delivery key is the item's
own id, so a redelivered item is a no-op however the batches were cut.
"""
from __future__ import annotations

import hashlib
import json
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, NamedTuple

from hub.errors import PayloadError
from hub.model import RawEvent


_NO_ENVELOPE: Mapping[str, Any] = MappingProxyType({})


class Split(NamedTuple):
    """One item of a delivery: stored (channel + key) or skipped (reason).

    A NamedTuple, not a frozen dataclass: ten of them per delivery, built at a third of the cost.
    """

    channel: str
    key: str = ""
    route: str = ""
    envelope: Mapping[str, Any] = _NO_ENVELOPE
    skipped: str | None = None  # why it is not a lead: "echo", "status", "unknown_field"...
    # The envelope's JSON text before its item, when the item is its last key: written once per
    # entry for all of its items (each body is then only its item's encoding between the two).
    head: str = ""

    def body(self) -> bytes:
        if self.head:
            return (self.head + _envelope_json(self.envelope["item"]) + "}").encode()
        return _envelope_json(self.envelope).encode()


@dataclass(frozen=True)
class Envelope:
    object: str
    entry_id: str
    entry_time: Any
    field: str
    item: dict[str, Any]
    lead: dict[str, Any] | None = None  # a Lead Ads lead already fetched (backfill)


# One encoder for every item's envelope: json.dumps with arguments builds a JSONEncoder per
# call, and JSONEncoder.encode builds its C encoder per call (half the cost of a small envelope),
# so the C encoder it would build is built once. The text is the same: the same settings, and
# no cycle check needed (an envelope holds what json.loads made, never a cycle).
_ENVELOPE_SETTINGS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
if c_make_encoder is not None:
    _C_ENVELOPE = c_make_encoder(None, _ENVELOPE_SETTINGS.default, encode_basestring, None, ":", ",",
                                 False, False, True)  # markers, default, encoder, indent, separators,
    # sort_keys, skipkeys, allow_nan: what JSONEncoder.iterencode passes for _ENVELOPE_SETTINGS

    def _envelope_json(envelope: Mapping[str, Any]) -> str:
        return "".join(_C_ENVELOPE(envelope, 0))
else:  # no C accelerator (another Python implementation)
    def _envelope_json(envelope: Mapping[str, Any]) -> str:
        return _ENVELOPE_SETTINGS.encode(envelope)
MESSAGING_CHANNELS = {"page": "messenger", "instagram": "instagram"}
OBJECTS = frozenset({"page", "instagram", "whatsapp_business_account"})


def split(payload: Any) -> Iterator[Split]:
    """Every item of a webhook body, in order. Never raises: a bad item is stored to fail
    visibly later, and what is not a lead is skipped with a reason."""
    obj = payload.get("object") if isinstance(payload, dict) else None
    entries = payload.get("entry") if isinstance(payload, dict) else None
    if obj not in OBJECTS:
        yield Split(channel=str(obj or "meta")[:32], skipped="unknown_object")
        return
    if not isinstance(entries, list):
        yield Split(channel=str(obj), skipped="no_entries")
        return
    for entry in entries:
        if not isinstance(entry, dict):
            yield Split(channel=str(obj), skipped="malformed_entry")
            continue
        base = {"object": obj, "entry_id": _id(entry.get("id")), "entry_time": entry.get("time")}
        if obj in MESSAGING_CHANNELS:
            events = _list(entry.get("messaging"))
            head = _envelope_json({**base, "field": "messaging"})[:-1] + ',"item":' if events else ""
            for event in events:
                yield _messaging(MESSAGING_CHANNELS[obj], base, event, head)
        for change in _list(entry.get("changes")):
            yield from _change(str(obj), base, change)


def _messaging(channel: str, base: dict[str, Any], event: Any, head: str) -> Split:
    envelope = {**base, "field": "messaging", "item": event}
    if not isinstance(event, dict):
        return _malformed(channel, envelope)
    message, postback = event.get("message"), event.get("postback")
    sender = _id(_dict(event.get("sender")).get("id"))
    if isinstance(message, dict):
        if message.get("is_echo"):
            return Split(channel=channel, skipped="echo")  # the page's own reply
        key = _id(message.get("mid"))
    elif isinstance(postback, dict):
        # Older postbacks carry no mid: the sender, time and payload identify the tap.
        key = _id(postback.get("mid")) or _digest(
            ["postback", sender, event.get("timestamp"), postback.get("payload")])
    elif isinstance(event.get("referral"), dict):
        key = _digest(["referral", sender, event.get("timestamp"), event.get("referral")])
    else:
        return Split(channel=channel, skipped="not_a_lead")  # delivery, read, reaction...
    if not key or not sender:
        return _malformed(channel, envelope)
    return Split(channel=channel, key=key, route=base["entry_id"], envelope=envelope, head=head)


def _change(obj: str, base: dict[str, Any], change: Any) -> Iterator[Split]:
    if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
        yield _malformed(obj, {**base, "field": "changes", "item": change})
        return
    field_name, value = change.get("field"), change["value"]
    envelope = {**base, "field": field_name, "item": value}
    if obj == "page" and field_name == "leadgen":
        key = _id(value.get("leadgen_id"))
        yield (Split("facebook_leadads", key, base["entry_id"], envelope) if key
               else _malformed("facebook_leadads", envelope))
    elif obj == "page" and field_name == "feed":
        yield _comment(base, value, envelope)
    elif obj == "instagram" and field_name == "comments":
        yield _instagram_comment(base, value, envelope)
    elif obj == "whatsapp_business_account" and field_name == "messages":
        yield from _whatsapp(value, envelope)
    else:
        yield Split(channel=obj, skipped="unknown_field")


def _comment(base: dict[str, Any], value: dict[str, Any], envelope: dict[str, Any]) -> Split:
    channel = "facebook_comment"
    if value.get("item") != "comment":
        return Split(channel=channel, skipped="not_a_lead")  # likes, reactions, posts...
    if value.get("verb") != "add":
        return Split(channel=channel, skipped="not_added")  # edits and removals
    if _id(_dict(value.get("from")).get("id")) == base["entry_id"]:
        return Split(channel=channel, skipped="own_comment")  # the page answering
    key = _id(value.get("comment_id"))
    return Split(channel, key, base["entry_id"], envelope) if key else _malformed(channel, envelope)


def _instagram_comment(base: dict[str, Any], value: dict[str, Any], envelope: dict[str, Any]) -> Split:
    """A comment on the account's media (https://developers.facebook.com/docs/instagram-platform/webhooks):
    `{id, text, from {id, username}, media {id, media_product_type}}`; the account's own
    replies come with its own id in `from`."""
    channel = "instagram_comment"
    if _id((value.get("from") or {}).get("id")) == base["entry_id"]:
        return Split(channel=channel, skipped="own_comment")
    key = _id(value.get("id"))
    return Split(channel, key, base["entry_id"], envelope) if key else _malformed(channel, envelope)


def _whatsapp(value: dict[str, Any], envelope: dict[str, Any]) -> Iterator[Split]:
    """One event per WhatsApp message, with its sender's contact; statuses (sent, delivered,
    read receipts) are not leads. The sender is `from` (their phone number, the wa_id), or
    `from_user_id` (their business-scoped user id) alone when they have hidden their number
    behind a username (2026); their contact is the one with that wa_id or user_id. A system
    message saying a user's BSUID changed may name them by its old and new BSUIDs alone."""
    route = _id(_dict(value.get("metadata")).get("phone_number_id")) or envelope["entry_id"]
    for _status in _list(value.get("statuses")):
        yield Split(channel="whatsapp", skipped="status")
    for message in _list(value.get("messages")):
        sender = _dict(message)
        system = _dict(sender.get("system"))
        wa_id = _id(sender.get("from"))
        user_id = _id(sender.get("from_user_id")) or _id(system.get("previous_user_id")) or _id(system.get("user_id"))
        contacts = [c for c in _list(value.get("contacts"))
                    if isinstance(c, dict) and ((wa_id and _id(c.get("wa_id")) == wa_id)
                                                or (user_id and _id(c.get("user_id")) == user_id))]
        one = {**envelope, "item": {**value, "messages": [message], "contacts": contacts}}
        key = _id(sender.get("id"))
        yield Split("whatsapp", key, route, one) if key and (wa_id or user_id) else _malformed("whatsapp", one)


def _malformed(channel: str, envelope: dict[str, Any]) -> Split:
    """Stored all the same (nothing is lost); its connector fails it, visibly."""
    return Split(channel=channel, key=_digest(envelope), route=str(envelope.get("entry_id") or ""),
                 envelope=envelope)


def _digest(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def _dict(value: Any) -> dict[str, Any]:
    """An object where one is expected; anything else (a sender sent as a number) reads as empty."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    """A list where one is expected; anything else reads as empty."""
    return value if isinstance(value, list) else []


def _id(value: Any) -> str:
    """Ids may arrive as numbers or strings: always strings (never via float)."""
    return "" if value is None or isinstance(value, (dict, list, bool)) else str(value)


def load(event: RawEvent) -> Envelope:
    """Read a stored envelope. Raises PayloadError when it is not one."""
    try:
        data = json.loads(event.body)
        return Envelope(object=str(data["object"]), entry_id=str(data.get("entry_id") or ""),
                        entry_time=data.get("entry_time"), field=str(data["field"]),
                        item=dict(data["item"]), lead=data.get("lead"))
    except (ValueError, KeyError, TypeError) as exc:
        raise PayloadError(f"not a Meta item envelope: {exc!r}") from None


def from_seconds(value: Any) -> datetime | None:
    """Unix seconds (an int, or WhatsApp's string) as an aware datetime."""
    try:
        return datetime.fromtimestamp(int(value), timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def from_millis(value: Any) -> datetime | None:
    """Messenger's millisecond timestamps as an aware datetime."""
    try:
        return datetime.fromtimestamp(int(value) / 1000, timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def from_graph_time(value: Any) -> datetime | None:
    """A fetched object's `created_time` ("2026-11-23T10:00:00+0000")."""
    try:
        return datetime.fromisoformat(str(value)).astimezone(timezone.utc)
    except ValueError:
        return None
