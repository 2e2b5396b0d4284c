"""hub dedupe rescan: the whole store matched again by the same rules, resumably."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from hub.model import Decision, LeadDraft
from hub.normalize import normalize
from hub.store.merging import unmerge
from hub.store.rescan import rescan, remaining
from hub.store.repository import apply_lead
from tests.helpers import rows

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)
PEOPLE = [  # (name, phone, email): the pairs 0/1 and 2/3 are the same person
    ("Nguyễn Thị Lan", "0912.345.678", None),
    ("Nguyen Thi Lan", "+84 912 345 678", "lan.nguyen@gmail.com"),
    ("Trần Văn Hùng", "0168 123 4567", None),
    ("a Hùng Trần", "0381234567", None),
    ("Lê Thị Hoa", "0987654321", None),
]


@pytest.fixture
def unmatched(hub, monkeypatch):
    """A store filled while matching was off: every lead made its own contact."""
    monkeypatch.setattr("hub.store.repository.dedupe.decide", lambda lead, candidates: Decision("new"))
    for n, (name, phone, email) in enumerate(PEOPLE):
        draft = LeadDraft(channel="form", source_ref=str(n), captured_at=NOW, name=name, phones=(phone,),
                          emails=(email,) if email else ())
        with hub.store.transaction() as session:
            apply_lead(session, normalize(draft), None)
    monkeypatch.undo()
    assert len(rows(hub, "contacts")) == 5
    return hub


def active(hub) -> int:
    return sum(1 for c in rows(hub, "contacts") if c["merged_into"] is None)


def test_a_rescan_merges_what_the_rules_now_say_is_one_person(unmatched):
    result = rescan(unmatched.store, batch=2)
    assert (result.merged, active(unmatched)) == (2, 3)
    assert {r["actor"] for r in rows(unmatched, "merge_log")} == {"rescan"}
    again = rescan(unmatched.store)
    assert (again.contacts, again.merged, active(unmatched)) == (3, 0, 3)


def test_a_rescan_merge_can_be_undone(unmatched):
    rescan(unmatched.store)
    for log in reversed(rows(unmatched, "merge_log")):
        with unmatched.store.transaction() as session:
            unmerge(session, log["id"], actor="ops:lan")
    assert active(unmatched) == 5


def test_an_interrupted_rescan_resumes_where_it_stopped(unmatched):
    seen = []

    def stop_after_first_batch(done: int) -> None:
        seen.append(done)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rescan(unmatched.store, batch=2, progress=stop_after_first_batch)
    assert seen == [2]
    assert remaining(unmatched.store) == 3  # the first two are done (and merged: 0 and 1)
    result = rescan(unmatched.store, batch=2)
    assert (result.contacts, result.merged) == (3, 1)
    assert active(unmatched) == 3
    assert remaining(unmatched.store) == 3  # finished: the next run starts over
