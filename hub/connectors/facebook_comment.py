"""Comments on a page's posts (`changes[].field = feed`, `item = comment`, `verb = add`).

https://developers.facebook.com/docs/graph-api/webhooks/reference/page/#feed
People leave their phone number under an ad ("ib em 0912 345 678"): the text is mined.
"""
from __future__ import annotations

from typing import Any

from hub.config import Settings
from hub.connectors.meta import from_seconds, load
from hub.errors import PayloadError
from hub.model import Identity, LeadDraft, RawEvent


def parse(event: RawEvent, settings: Settings) -> list[LeadDraft]:
    """One lead per comment. Raises PayloadError when the author is missing."""
    envelope = load(event)
    value = envelope.item
    author: dict[str, Any] = value["from"] if isinstance(value.get("from"), dict) else {}
    author_id = str(author.get("id") or "")
    page_id = envelope.entry_id
    if not author_id or not page_id:
        raise PayloadError("a comment without from.id or page id")
    attribution = {"page_id": page_id}
    for name in ("post_id", "comment_id", "parent_id"):
        if value.get(name):
            attribution[name] = str(value[name])
    return [LeadDraft(
        channel=event.channel,
        source_ref=event.delivery_key,
        captured_at=from_seconds(value.get("created_time")) or event.received_at,
        name=author.get("name"),
        text=value.get("message"),
        identity=Identity("facebook", page_id, author_id),
        attribution=attribution,
    )]
