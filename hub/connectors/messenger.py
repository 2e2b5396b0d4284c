"""Messenger and Instagram direct messages (the same `messaging[]` shape).

https://developers.facebook.com/docs/messenger-platform/reference/webhook-events
A chat is a lead even without a phone or email: the sender's page-scoped id is an identity,
so the next message from the same person lands on the same contact.
"""
from __future__ import annotations

from typing import Any

from hub.config import Settings
from hub.connectors.meta import from_millis, load
from hub.errors import PayloadError
from hub.model import Identity, LeadDraft, RawEvent
from hub.normalize import extract_emails, normalize_phone

IDENTITY_CHANNELS = {"messenger": "facebook", "instagram": "instagram"}
REFERRAL_FIELDS = {"ad_id": "ad_id", "ref": "ref", "source": "referral_source",
                   "type": "referral_type", "referer_uri": "referer_uri"}


def parse(event: RawEvent, settings: Settings) -> list[LeadDraft]:
    """One lead per message, postback or referral. Raises PayloadError on a malformed item."""
    item = load(event).item
    sender = str((item.get("sender") or {}).get("id") or "")
    page = str((item.get("recipient") or {}).get("id") or "")
    if not sender or not page:
        raise PayloadError("a messaging event without sender.id or recipient.id")
    message: dict[str, Any] = item["message"] if isinstance(item.get("message"), dict) else {}
    postback: dict[str, Any] = item["postback"] if isinstance(item.get("postback"), dict) else {}
    phones, emails, extra = _quick_reply(message.get("quick_reply"))
    if message.get("attachments"):
        extra["attachments"] = [a.get("type") for a in message["attachments"] if isinstance(a, dict)]
    if postback:
        extra["postback"] = {k: postback[k] for k in ("title", "payload") if k in postback}
    referral = item.get("referral") or postback.get("referral") or message.get("referral") or {}
    attribution = {"page_id": page, **referral_attribution(referral)}
    if message.get("mid"):
        attribution["mid"] = str(message["mid"])
    return [LeadDraft(
        channel=event.channel,
        source_ref=event.delivery_key,
        captured_at=from_millis(item.get("timestamp")) or event.received_at,
        phones=phones,
        emails=emails,
        text=message.get("text") or postback.get("title"),
        identity=Identity(IDENTITY_CHANNELS[event.channel], page, sender),
        attribution=attribution,
        extra=extra,
    )]


def _quick_reply(quick_reply: Any) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, Any]]:
    """A quick reply's payload is the user's phone or email when the page asked for one
    (user_phone_number / user_email quick replies); anything else is kept as extra."""
    if not isinstance(quick_reply, dict) or not quick_reply.get("payload"):
        return (), (), {}
    payload = str(quick_reply["payload"])
    emails = extract_emails(payload)
    if emails:
        return (), emails, {}
    if normalize_phone(payload).numbers:
        return (payload,), (), {}
    return (), (), {"quick_reply": payload}


def referral_attribution(referral: Any) -> dict[str, str]:
    """A referral (an ad click, an m.me link with ref) as attribution values."""
    if not isinstance(referral, dict):
        return {}
    values = {target: str(referral[source]) for source, target in REFERRAL_FIELDS.items()
              if referral.get(source) not in (None, "")}
    context = referral.get("ads_context_data")
    if isinstance(context, dict):
        for name in ("ad_title", "post_id"):
            if context.get(name):
                values[name] = str(context[name])
    return values
