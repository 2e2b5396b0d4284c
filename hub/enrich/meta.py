"""Messenger and Instagram sender profiles from the Graph API.

Messenger: GET /{PSID}?fields=first_name,last_name,name
  (https://developers.facebook.com/docs/messenger-platform/identity/user-profile)
Instagram: GET /{IGSID}?fields=name,username
  (https://developers.facebook.com/docs/messenger-platform/instagram/features/user-profile)
Both with the page access token of the page (or Instagram account) the message was sent to.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from hub.config import Settings
from hub.connectors import graph
from hub.model import Identity, LeadDraft
from hub.store import Store

FIELDS = {"messenger_profile": "first_name,last_name,name", "instagram_profile": "name,username"}
IDENTITY = {"messenger_profile": ("messenger", "facebook"), "instagram_profile": ("instagram", "instagram")}


def fetch(store: Store, settings: Settings, kind: str, scope: str, subject: str) -> LeadDraft:
    """The sender's name as a lead draft (never stored as a lead).

    Raises TokenInvalid (code 190, or no page token), TransientError or UpstreamError.
    """
    body = graph.get(settings, subject, page_id=scope, token=settings.facebook.page_token(scope),
                     params={"fields": FIELDS[kind]})
    channel, identity_channel = IDENTITY[kind]
    return LeadDraft(
        channel=channel,
        source_ref=f"profile:{scope}:{subject}",
        captured_at=datetime.now(timezone.utc),
        name=_name(body),
        given_name=_text(body.get("first_name")) or None,
        family_name=_text(body.get("last_name")) or None,
        identity=Identity(identity_channel, scope, subject),
        extra={"username": _text(body.get("username"))} if body.get("username") else {},
    )


def _name(body: Any) -> str | None:
    """`name`, else first and last name; an Instagram username is a handle, not a name."""
    if not isinstance(body, dict):
        return None
    full = _text(body.get("name"))
    if full:
        return full
    return " ".join(p for p in (_text(body.get("first_name")), _text(body.get("last_name"))) if p) or None


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, (dict, list, bool)) else str(value).strip()
