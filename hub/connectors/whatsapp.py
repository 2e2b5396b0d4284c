"""WhatsApp Cloud API messages: the sender's WhatsApp id (wa_id) is their phone number.

https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples

Since April 2026 every message also carries the sender's business-scoped user id (BSUID:
`from_user_id`, and `user_id` in `contacts`; "VN.1502576394655843", or a parent BSUID
"VN.ENT.118..." shared by the portfolios of one business), and users may take a username
that hides their number: their messages then come with the BSUID and no `from` at all
(https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/).
The lead's identity stays the wa_id when there is one (the contacts known before keep
matching it), with the BSUIDs linked to it, so the contact is known by both; a message with
no number is known by its BSUID alone, and finds that contact by it.

A system message saying the user changed their number (`system.type` user_changed_number,
customer_changed_number before; the new wa_id in `system.wa_id`, `new_wa_id` before, no
`contacts`; https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system/)
is a lead from the old number bringing the new one: the contact gets the new number and its
wa_id, and the person's next messages, from it, join that contact. A system message saying the
user's BSUID changed (user_changed_user_id, since August 2026: the new ids in `system.user_id`
and `system.parent_user_id`, the old ones in `system.previous_user_id` and
`system.previous_parent_user_id`, no number) is a lead known by the old BSUID bringing the new
ones, so the person's next messages, under the new BSUID, join the same contact. A number change
now reports the BSUIDs it regenerated the same way.
"""
from __future__ import annotations

import re
from typing import Any

from hub.config import Settings
from hub.connectors.meta import from_seconds, load
from hub.errors import PayloadError
from hub.model import Identity, LeadDraft, RawEvent

# Click-to-WhatsApp ads put the ad in `referral`.
REFERRAL_FIELDS = {"source_id": "ad_id", "source_type": "referral_source", "source_url": "source_url",
                   "ctwa_clid": "ctwa_clid", "headline": "ad_title"}


# System messages whose `system.wa_id` (`new_wa_id` in older versions) is the sender's new number.
NUMBER_CHANGES = frozenset({"user_changed_number", "customer_changed_number"})

# The system message saying the sender's BSUID changed (no number in it).
USER_ID_CHANGE = "user_changed_user_id"

# The scope of a business-scoped user id: one business portfolio, the hub's.
BSUID_SCOPE = "bsuid"
_BSUID = re.compile(r"[A-Z]{2}(\.ENT)?\.[A-Za-z0-9]{1,128}")


def parse(event: RawEvent, settings: Settings) -> list[LeadDraft]:
    """One lead per message. Raises PayloadError when the message or its sender is missing."""
    value = load(event).item
    messages = value.get("messages") or []
    message = messages[0] if messages and isinstance(messages[0], dict) else None
    if message is None:
        raise PayloadError("a WhatsApp change without a message")
    wa_id = str(message.get("from") or "")
    if wa_id and not wa_id.isdigit():
        raise PayloadError(f"a WhatsApp message from {wa_id[:40]!r}, not a phone number (wa_id)")
    system = _system(message)
    linked = [Identity("whatsapp", BSUID_SCOPE, bsuid) for bsuid in _bsuids(message, system)]
    metadata = value.get("metadata") or {}
    number_id = str(metadata.get("phone_number_id") or event.route)
    if wa_id:
        identity = Identity("whatsapp", number_id, wa_id)
    elif linked:
        identity, linked = linked[0], linked[1:]
    else:
        raise PayloadError("a WhatsApp message with neither a wa_id (from) nor a business-scoped user id "
                           "(from_user_id) to know its sender by")
    phones = ["+" + wa_id] if wa_id else []
    changed_to = _new_number(system)
    if changed_to and changed_to != wa_id:
        phones.append("+" + changed_to)
        linked.insert(0, Identity("whatsapp", number_id, changed_to))
    contact: dict[str, Any] = next(iter(value.get("contacts") or []), {})
    attribution = {"phone_number_id": number_id, "wamid": str(message.get("id"))}
    if metadata.get("display_phone_number"):
        attribution["display_phone_number"] = str(metadata["display_phone_number"])
    referral: dict[str, Any] = message["referral"] if isinstance(message.get("referral"), dict) else {}
    attribution.update({target: str(referral[source]) for source, target in REFERRAL_FIELDS.items()
                        if referral.get(source)})
    profile: dict[str, Any] = contact["profile"] if isinstance(contact.get("profile"), dict) else {}
    extra: dict[str, Any] = {"type": message["type"]} if message.get("type") not in (None, "text") else {}
    if system.get("type") in (*NUMBER_CHANGES, USER_ID_CHANGE):
        extra["system"] = system["type"]
    if isinstance(profile.get("username"), str) and profile["username"]:
        extra["username"] = profile["username"]  # the handle shown instead of the number
    return [LeadDraft(
        channel="whatsapp",
        source_ref=event.delivery_key,
        captured_at=from_seconds(message.get("timestamp")) or event.received_at,
        name=profile.get("name"),
        phones=tuple(phones),
        text=_text(message),
        identity=identity,
        linked_identities=tuple(linked),
        attribution=attribution,
        extra=extra,
    )]


def _system(message: dict[str, Any]) -> dict[str, Any]:
    """The `system` object of a system message; {} for any other message."""
    system = message.get("system")
    return system if message.get("type") == "system" and isinstance(system, dict) else {}


def _new_number(system: dict[str, Any]) -> str | None:
    """The new wa_id a number-change system message gives, else None."""
    if system.get("type") not in NUMBER_CHANGES:
        return None
    new = str(system.get("wa_id") or system.get("new_wa_id") or "")
    return new if new.isdigit() else None


def _bsuids(message: dict[str, Any], system: dict[str, Any]) -> list[str]:
    """The valid BSUIDs a message names, distinct: an id change's previous ones first (those
    the hub knows the person by), then the sender's, then what a system message gives as new."""
    values = (system.get("previous_user_id"), system.get("previous_parent_user_id"),
              message.get("from_user_id"), message.get("from_parent_user_id"),
              system.get("user_id"), system.get("parent_user_id"))
    return list(dict.fromkeys(bsuid for bsuid in map(_bsuid, values) if bsuid))


def _bsuid(value: Any) -> str | None:
    """A business-scoped user id as Meta writes it ("VN.1502576394655843"), else None."""
    if not isinstance(value, str) or not _BSUID.fullmatch(value):
        return None
    return value


def _text(message: dict[str, Any]) -> str | None:
    """The words of a text, a button reply or an interactive (list / button) reply."""
    kind = message.get("type")
    if kind == "text":
        return (message.get("text") or {}).get("body")
    if kind == "button":
        return (message.get("button") or {}).get("text")
    if kind == "system":  # "User Lan changed from 84912345678 to 84987654321"
        return (message.get("system") or {}).get("body")
    if kind == "interactive":
        reply = message.get("interactive") or {}
        chosen = reply.get("button_reply") or reply.get("list_reply") or {}
        return chosen.get("title")
    return None
