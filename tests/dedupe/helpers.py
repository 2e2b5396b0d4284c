"""Leads and contacts for the dedupe tests, built through the real normalizer."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hub.model import Contact, Identity, Lead, LeadDraft
from hub.normalize import normalize, normalize_name

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)
ZALO = Identity("zalo", "oa1", "5829138498217368123")


def lead(name=None, phones=(), emails=(), identity=None, text=None, province=None) -> Lead:
    return normalize(LeadDraft(channel="forms", source_ref="x", captured_at=NOW, name=name,
                               phones=tuple(phones), emails=tuple(emails), identity=identity, text=text,
                               province=province))


def contact(cid="a", name=None, phones=(), emails=(), identities=(), age_days=0, province=None) -> Contact:
    """A known contact as the store would describe it (phones E.164, emails canonical)."""
    return Contact(id=cid, created_at=NOW - timedelta(days=age_days), name=normalize_name(name),
                   phones=frozenset(phones), emails=frozenset(emails),
                   identities=frozenset(identities), province_code=province)
