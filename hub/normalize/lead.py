"""normalize(draft) -> Lead: the one entry point the pipeline calls."""
from __future__ import annotations

from hub.model import Email, Lead, LeadDraft, Phone
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


def normalize(draft: LeadDraft) -> Lead:
    """Turn what a connector read into clean, comparable fields. Never raises on bad text."""
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
        extra=dict(draft.extra),
        unparsed=tuple(dict.fromkeys(unparsed)) if unparsed else (),
        consent=draft.consent,
    )
