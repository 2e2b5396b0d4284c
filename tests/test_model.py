"""The pipeline's values refuse bad data with a message quoting it."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from hub.ids import uuid7
from hub.model import Decision, Identity, LeadDraft, Phone, Province, RawEvent

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: Identity("zalo", "", "1"), "Identity.scope must be a non-empty string"),
        (lambda: Identity("zalo", "oa", 123), "Identity.external_id must be a non-empty string, got 123"),
        (lambda: LeadDraft(channel="form", source_ref="", captured_at=NOW), "source_ref must not be empty"),
        (lambda: LeadDraft(channel="form", source_ref="x", captured_at=datetime(2026, 1, 1)), "timezone-aware"),
        (lambda: Phone(e164="0912345678", raw="0912345678"), "must be E.164, got '0912345678'"),
        (lambda: Province(raw="HN", status="resolved"), "code must be set exactly when resolved"),
        (lambda: Decision(action="new", contact_id="c1"), "decision 'new' with contact_id 'c1'"),
        (lambda: Decision(action="suggest"), "decision 'suggest' without suggestions"),
        (lambda: Decision(action="merge"), "decision 'merge' with contact_id None"),
        (lambda: RawEvent(1, "form", "k", "", {}, b"", NOW, status="lost"), "unknown event status 'lost'"),
    ],
)
def test_invalid_values_are_refused_quoting_the_bad_value(build, message):
    with pytest.raises(ValueError) as info:
        build()
    assert message in str(info.value)


def test_zalo_ids_longer_than_2_to_the_53_stay_exact_strings():
    identity = Identity("zalo", "1234567890123456789", "8756287363489726354")
    assert identity.key == "zalo:1234567890123456789:8756287363489726354"


def test_uuid7_ids_are_unique_version_7_and_sort_by_creation():
    ids = [uuid7() for _ in range(1000)]
    assert len(set(ids)) == 1000
    assert all(i[14] == "7" for i in ids)
    assert [i[:13] for i in ids] == sorted(i[:13] for i in ids)
