"""WhatsApp Cloud API messages: the sender's WhatsApp id is their phone number.

https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples
"""
from __future__ import annotations

from typing import Any

from hub.config import Settings
from hub.connectors.meta import from_seconds, load
from hub.errors import PayloadError
from hub.model import Identity, LeadDraft, RawEvent

# Click-to-WhatsApp ads put the ad in `referral`.
REFERRAL_FIELDS = {"source_id": "ad_id", "source_type": "referral_source", "source_url": "source_url",
                   "ctwa_clid": "ctwa_clid", "headline": "ad_title"}


def parse(event: RawEvent, settings: Settings) -> list[LeadDraft]:
    """One lead per message. Raises PayloadError when the message or its sender is missing."""
    value = load(event).item
    messages = value.get("messages") or []
    message = messages[0] if messages and isinstance(messages[0], dict) else None
    if message is None or not str(message.get("from") or "").isdigit():
        raise PayloadError("a WhatsApp change without a message from a wa_id")
    wa_id = str(message["from"])
    metadata = value.get("metadata") or {}
    number_id = str(metadata.get("phone_number_id") or event.route)
    contact = next(iter(value.get("contacts") or []), {})
    attribution = {"phone_number_id": number_id, "wamid": str(message.get("id"))}
    if metadata.get("display_phone_number"):
        attribution["display_phone_number"] = str(metadata["display_phone_number"])
    referral = message.get("referral") if isinstance(message.get("referral"), dict) else {}
    attribution.update({target: str(referral[source]) for source, target in REFERRAL_FIELDS.items()
                        if referral.get(source)})
    return [LeadDraft(
        channel="whatsapp",
        source_ref=event.delivery_key,
        captured_at=from_seconds(message.get("timestamp")) or event.received_at,
        name=(contact.get("profile") or {}).get("name"),
        phones=("+" + wa_id,),
        text=_text(message),
        identity=Identity("whatsapp", number_id, wa_id),
        attribution=attribution,
        extra={"type": message["type"]} if message.get("type") not in (None, "text") else {},
    )]


def _text(message: dict[str, Any]) -> str | None:
    """The words of a text, a button reply or an interactive (list / button) reply."""
    kind = message.get("type")
    if kind == "text":
        return (message.get("text") or {}).get("body")
    if kind == "button":
        return (message.get("button") or {}).get("text")
    if kind == "interactive":
        reply = message.get("interactive") or {}
        chosen = reply.get("button_reply") or reply.get("list_reply") or {}
        return chosen.get("title")
    return None
