"""The basic matching rule: exact phone, email key or channel identity."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hub.dedupe import decide, strong_keys
from hub.model import Attribution, Contact, Email, Identity, Lead, Phone

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)


def lead(phones=(), emails=(), identity=None) -> Lead:
    return Lead(
        channel="form", source_ref="x", captured_at=NOW, attribution=Attribution("form"),
        phones=tuple(Phone(e164=p, raw=p) for p in phones),
        emails=tuple(Email(address=e, key=e, raw=e) for e in emails),
        identity=identity,
    )


def contact(cid, age_days=0, phones=(), emails=(), identities=()) -> Contact:
    return Contact(id=cid, created_at=NOW - timedelta(days=age_days), phones=frozenset(phones),
                   emails=frozenset(emails), identities=frozenset(identities))


ZALO = Identity("zalo", "oa1", "5829138498217368123")


@pytest.mark.parametrize(
    "the_lead, candidates, action, contact_id, evidence",
    [
        (lead(phones=["+84912345678"]), [], "new", None, {}),
        (lead(phones=["+84912345678"]), [contact("a", phones=["+84987654321"])], "new", None, {}),
        (lead(phones=["+84912345678"]), [contact("a", phones=["+84912345678"])], "merge", "a",
         {"phone": ["+84912345678"]}),
        (lead(emails=["lan@gmail.com"]), [contact("a", emails=["lan@gmail.com"])], "merge", "a",
         {"email": ["lan@gmail.com"]}),
        (lead(identity=ZALO), [contact("a", identities=[ZALO.key])], "merge", "a", {"identity": [ZALO.key]}),
        (lead(phones=["+84912345678"], emails=["lan@gmail.com"]),
         [contact("new", 1, phones=["+84912345678"]), contact("old", 9, emails=["lan@gmail.com"])],
         "merge", "old", {"email": ["lan@gmail.com"]}),
    ],
)
def test_a_lead_merges_into_the_oldest_contact_sharing_a_strong_key(the_lead, candidates, action, contact_id, evidence):
    decision = decide(the_lead, candidates)
    assert (decision.action, decision.contact_id, dict(decision.evidence)) == (action, contact_id, evidence)


def test_strong_keys_are_phones_email_keys_and_the_identity_without_repeats():
    the_lead = lead(phones=["+84912345678", "+84912345678"], emails=["lan@gmail.com"], identity=ZALO)
    assert strong_keys(the_lead) == [("phone", "+84912345678"), ("email", "lan@gmail.com"),
                                     ("identity", "zalo:oa1:5829138498217368123")]
