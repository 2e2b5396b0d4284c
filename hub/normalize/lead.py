"""normalize(draft) -> Lead: the one entry point the pipeline calls."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from hub.model import ID_CHARS, REF_CHARS, Email, Identity, Lead, LeadDraft, Phone, escaped, is_utf8, stored_id
from hub.normalize.address import normalize_province
from hub.normalize.attribution import normalize_attribution
from hub.normalize.email import normalize_email
from hub.normalize.extract import extract_emails, extract_phones
from hub.normalize.name import normalize_name
from hub.normalize.phone import normalize_phone


def _compose_name(draft: LeadDraft) -> str | None:
    if draft.name and draft.name.strip():
        return draft.name
    parts = [p for p in (draft.family_name, draft.given_name) if p and p.strip()]
    return " ".join(parts) or None


_SURROGATE = re.compile("[\ud800-\udfff]")
# How repr() writes a NUL or a surrogate half (text holding these characters is looked at for nothing).
_UNSTORABLE_REPR = re.compile(r"\\x00|\\ud[89a-f][0-9a-f]{2}")


def _dropped(text: str) -> str:
    text = text.replace("\x00", "")
    return text if text.isascii() or is_utf8(text) else _SURROGATE.sub("", text)


def _each_text(value: Any, change: Callable[[str], str]) -> Any:
    """`value` with `change` applied to every string in it, keys included, however nested."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, Mapping):
        return {_each_text(k, change): _each_text(v, change) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_each_text(v, change) for v in value)
    return value


def storable(draft: LeadDraft) -> LeadDraft:
    """The draft as the store can keep it. No NUL character, which PostgreSQL refuses in text
    and JSON values and a JSON body can carry ("\\u0000"), and no half of a surrogate pair
    ("\\ud83d", an emoji cut in two), which no UTF-8 text holds: dropped from what people typed
    (as the importer's cells), kept as their escapes in attribution. Ids (source_ref, the identity) as
    hub.model.stored_id writes them: escaped, an id too long for its column shortened with its
    hash. A draft that needs none of it (nearly all) is returned as it is, after one
    look at its text."""
    identity, consent = draft.identity, draft.consent
    typed = (f"{draft.source_ref}{draft.name}{draft.given_name}{draft.family_name}{draft.province}{draft.address}"
             f"{draft.text}{''.join(draft.phones)}{''.join(draft.emails)}")
    long_ids = len(draft.source_ref) > REF_CHARS
    for each in (identity, *draft.linked_identities) if identity is not None else ():
        typed += each.scope + each.external_id
        long_ids = long_ids or len(each.scope) > ID_CHARS or len(each.external_id) > ID_CHARS
    if not (long_ids or "\x00" in typed or not (typed.isascii() or is_utf8(typed))
            or (draft.attribution and _UNSTORABLE_REPR.search(repr(draft.attribution)))
            or (draft.extra and _UNSTORABLE_REPR.search(repr(draft.extra)))
            or (consent is not None and _UNSTORABLE_REPR.search(repr((consent.source, consent.detail))))):
        return draft
    changes = {name: _each_text(getattr(draft, name), _dropped) for name in _TYPED}
    changes["source_ref"] = stored_id(draft.source_ref, REF_CHARS)
    changes["attribution"] = _each_text(draft.attribution, escaped)
    if identity is not None:
        changes["identity"] = _stored_identity(identity)
        changes["linked_identities"] = tuple(map(_stored_identity, draft.linked_identities))
    if consent is not None:
        changes["consent"] = replace(consent, source=_dropped(consent.source), detail=_each_text(consent.detail, _dropped))
    return replace(draft, **changes)


def _stored_identity(identity: Identity) -> Identity:
    return replace(identity, scope=stored_id(identity.scope, ID_CHARS),
                   external_id=stored_id(identity.external_id, ID_CHARS))


_TYPED = ("name", "given_name", "family_name", "phones", "emails", "province", "address", "text", "extra")


def normalize(draft: LeadDraft) -> Lead:
    """Turn what a connector read into clean, comparable fields. Never raises on bad text."""
    draft = storable(draft)
    phones: dict[str, Phone] = {}
    unparsed: list[str] = []
    for raw in draft.phones:
        result = normalize_phone(raw)
        for phone in result.numbers:
            phones.setdefault(phone.e164, phone)
        unparsed.extend(result.unparsed)
    text = draft.text
    emails: dict[str, Email] = {}
    for raw in (*draft.emails, *extract_emails(text)) if text else draft.emails:
        email = normalize_email(raw)
        if email is None:
            if raw in draft.emails:
                unparsed.append(raw)
            continue
        emails.setdefault(email.key, email)
    if text:
        for phone in extract_phones(text):
            phones.setdefault(phone.e164, phone)
    address = draft.address.strip() if draft.address else None
    return Lead(
        channel=draft.channel,
        source_ref=draft.source_ref,
        captured_at=draft.captured_at,
        attribution=normalize_attribution(draft.channel, draft.attribution),
        name=normalize_name(_compose_name(draft)),
        phones=tuple(phones.values()),
        emails=tuple(emails.values()),
        province=normalize_province(draft.province),
        address=address or None,
        text=text,
        identity=draft.identity,
        linked_identities=draft.linked_identities,
        extra=dict(draft.extra),
        unparsed=tuple(dict.fromkeys(unparsed)) if unparsed else (),
        consent=draft.consent,
    )
