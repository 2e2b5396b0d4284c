"""Comments on an Instagram professional account's posts and reels (`object = instagram`,
`changes[].field = comments`).

https://developers.facebook.com/docs/instagram-platform/webhooks#comments
The value is `{id, text, from {id, username}, media {id, media_product_type}, parent_id?}`.
People leave their phone under a post ("inbox mình 0912 345 678 nha"): the text is mined. An
Instagram username is a handle, not a person's name: it is kept as extra, not as the name.
"""
from __future__ import annotations

from typing import Any

from hub.config import Settings
from hub.connectors.meta import from_seconds, load
from hub.errors import PayloadError
from hub.model import Identity, LeadDraft, RawEvent


def parse(event: RawEvent, settings: Settings) -> list[LeadDraft]:
    """One lead per comment. Raises PayloadError when the author or the account is missing."""
    envelope = load(event)
    value = envelope.item
    author = _dict(value.get("from"))
    author_id, account = _text(author.get("id")), envelope.entry_id
    if not author_id or not account:
        raise PayloadError("an Instagram comment without from.id or account id")
    attribution = {"ig_account_id": account, "comment_id": _text(value.get("id"))}
    media = _dict(value.get("media"))
    for source, target in (("id", "media_id"), ("media_product_type", "media_product_type")):
        if _text(media.get(source)):
            attribution[target] = _text(media[source])
    if _text(value.get("parent_id")):
        attribution["parent_id"] = _text(value["parent_id"])
    username = _text(author.get("username"))
    return [LeadDraft(
        channel=event.channel,
        source_ref=event.delivery_key,
        captured_at=from_seconds(envelope.entry_time) or event.received_at,
        text=_text(value.get("text")) or None,
        identity=Identity("instagram", account, author_id),
        attribution={k: v for k, v in attribution.items() if v},
        extra={"instagram_username": username} if username else {},
    )]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, (dict, list, bool)) else str(value).strip()
