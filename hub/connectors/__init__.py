"""Connectors: one module per channel, each with parse(event, settings) -> list[LeadDraft].

Modules are imported lazily, on first use, so a channel's dependencies load only when needed.
"""
from __future__ import annotations

import importlib
from typing import Protocol

from hub.config import Settings
from hub.errors import PayloadError
from hub.model import LeadDraft, RawEvent

CONNECTORS: dict[str, str] = {
    "form": "hub.connectors.forms",
    "facebook_leadads": "hub.connectors.facebook_leadads",
    "facebook_comment": "hub.connectors.facebook_comment",
    "instagram_comment": "hub.connectors.instagram_comment",
    "messenger": "hub.connectors.messenger",
    "instagram": "hub.connectors.messenger",
    "whatsapp": "hub.connectors.whatsapp",
    "zalo": "hub.connectors.zalo",
    "telegram": "hub.connectors.telegram",
    "import": "hub.connectors.import_row",
}


class Connector(Protocol):
    def parse(self, event: RawEvent, settings: Settings) -> list[LeadDraft]: ...


def parse(event: RawEvent, settings: Settings) -> list[LeadDraft]:
    """The lead drafts in a raw event. Raises PayloadError / IgnoreEvent (permanent)."""
    module_name = CONNECTORS.get(event.channel)
    if module_name is None:
        raise PayloadError(f"no connector for channel {event.channel!r}")
    connector: Connector = importlib.import_module(module_name)  # type: ignore[assignment]
    try:
        return connector.parse(event, settings)
    except (AttributeError, TypeError, KeyError, IndexError, ValueError, RecursionError) as exc:
        # A signed payload with a number or a list where a string belongs: the same bytes
        # would fail the same way on every retry, so the event fails now, visibly (replayable
        # with `hub replay` once the connector reads that shape).
        raise PayloadError(f"unreadable {event.channel} payload: {type(exc).__name__}: {exc}") from exc
