"""decide() scores with the lead's side computed once (LeadSide) and builds evidence only for the
candidates it reports: the outcome must be what comparing every field of every candidate gives."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.dedupe_data import generate
from benchmarks.dedupe_memory import MemoryContacts
from hub.dedupe import decide
from hub.dedupe.decide import _considered, decide_scored, score_candidate
from hub.dedupe.phones import subscriber
from hub.dedupe.score import LeadSide, compare, lead_phones
from hub.model import Contact, Lead
from hub.normalize import normalize
from tests.dedupe.helpers import lead as make_lead
from tests.dedupe.test_decide import EMAILS, IDENTITIES, NAMES, PHONES, contacts


def _replayed(seed: int, people: int):
    """(lead, candidates) as blocking finds them, each lead then joining its decided contact."""
    memory = MemoryContacts()
    for i, sample in enumerate(generate(seed, people)):
        lead = normalize(sample.draft)
        candidates = memory.candidates(lead)
        yield lead, candidates
        decision = decide(lead, candidates)
        memory.apply(decision, lead, f"c{i}")


def _shares_a_strong_key(lead: Lead, contact: Contact) -> bool:
    phones = {subscriber(p) for p in lead_phones(lead)} & {subscriber(p) for p in contact.phones}
    emails = {e.key for e in lead.emails} & contact.emails
    return bool(phones or emails or (lead.identity and lead.identity.key in contact.identities))


@pytest.mark.parametrize("seed", [11, 12])
def test_the_fast_path_decides_as_comparing_every_field_of_every_candidate(seed):
    pairs = compared = 0
    for lead, candidates in _replayed(seed, 400):
        side = LeadSide.of(lead)
        for contact in candidates:
            assert side.levels(contact) == tuple(c.level for c in compare(lead, contact).values())
            assert side.shares_a_strong_key(contact) == _shares_a_strong_key(lead, contact)
            compared += 1
        straightforward = decide_scored([score_candidate(lead, c) for c in _considered(side, candidates)])
        assert decide(lead, candidates) == straightforward
        pairs += 1
    assert pairs > 500 and compared > 1000  # the data really exercised the comparison


@settings(max_examples=300)
@given(NAMES, PHONES, EMAILS, IDENTITIES, st.lists(contacts(), max_size=4))
def test_the_fast_path_agrees_on_old_prefixes_email_slips_and_identities(name, phones, emails, identity, candidates):
    """The generated leads never keep a pre-2018 number on the contact's side: these do."""
    lead = make_lead(name, phones, emails, identity)
    side = LeadSide.of(lead)
    for contact in candidates:
        assert side.levels(contact) == tuple(c.level for c in compare(lead, contact).values())
        assert side.shares_a_strong_key(contact) == _shares_a_strong_key(lead, contact)
    straightforward = decide_scored([score_candidate(lead, c) for c in _considered(side, candidates)])
    assert decide(lead, candidates) == straightforward


def test_candidates_that_can_change_nothing_still_join_a_merge_and_name_the_closest():
    """decide() keeps candidates that share nothing with the lead and whose name disagrees aside
    (bystanders); they still join a merge through the target (the target's email), and the
    closest of them is still what a new contact's decision records."""
    from tests.dedupe.helpers import contact

    target = contact("t", "Nguyễn Văn Anh", ["+84912345678"], ["anh.nguyen@gmail.com"], age_days=30)
    brother = contact("b", "Nguyễn Văn Bình", age_days=20)
    same_mailbox = contact("m", "Nguyễn Vn Anh", emails=["anh.nguyen@gmail.com"], age_days=10)  # a middle name mistyped
    lead = make_lead("Nguyễn Văn Anh", ["0912345678"])
    candidates = [same_mailbox, brother, target]
    decision = decide(lead, candidates)
    assert (decision.action, decision.contact_id) == ("merge", "t")
    assert [m.contact_id for m in decision.merged] == ["m"]
    assert decision == decide_scored([score_candidate(lead, c) for c in candidates])

    alone = make_lead("Nguyễn Văn Anh")  # no phone: every candidate is only a name
    strangers = [contact("x", "Trần Văn Anh", age_days=5), contact("y", "Nguyễn Đức Anh", age_days=9),
                 contact("z", "Nguyễn Hữu Anh", age_days=7)]
    decision = decide(alone, strangers)
    assert decision.action == "new"
    scores = {c.id: score_candidate(alone, c).score for c in strangers}
    closest = min(strangers, key=lambda c: (-scores[c.id], c.created_at))  # the oldest of a tie
    assert decision.evidence["contact_id"] == closest.id
    assert decision == decide_scored([score_candidate(alone, c) for c in strangers])
