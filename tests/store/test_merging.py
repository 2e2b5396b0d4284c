"""Merges (N-way, survivorship, ops' choices) and undo that restores exactly."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from hub.model import LeadDraft, Suggestion
from hub.normalize import normalize
from hub.store.documents import contact_document
from hub.store.merging import MergeError, merge_contacts, unmerge
from hub.store.repository import add_suggestions, apply_lead
from hub.store.schema import ContactPointRow, ContactRow, LeadRow, MergeLogRow, MergeSuggestionRow
from tests.helpers import rows

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)


def add(hub, ref, name, phone=None, email=None, province=None) -> str:
    draft = LeadDraft(channel="form", source_ref=ref, captured_at=NOW, name=name,
                      phones=(phone,) if phone else (), emails=(email,) if email else (), province=province)
    with hub.store.transaction() as session:
        return apply_lead(session, normalize(draft), None).contact_id


def state(hub) -> dict:
    """Everything a merge may change and an undo must restore (versions only grow)."""
    with hub.store.sessions() as session:
        contacts = {c.id: (c.name, c.given_name, c.family_name, c.middle_name, c.name_key, c.name_is_personal,
                           c.name_family_last, c.province_code, c.province_name, c.merged_into)
                    for c in session.execute(select(ContactRow)).scalars()}
        points = sorted(session.execute(select(ContactPointRow.contact_id, ContactPointRow.kind,
                                               ContactPointRow.value)).all())
        leads = sorted(session.execute(select(LeadRow.id, LeadRow.contact_id)).all())
        suggestions = sorted(session.execute(select(MergeSuggestionRow.id, MergeSuggestionRow.status)).all())
    return {"contacts": contacts, "points": points, "leads": leads, "suggestions": suggestions}


def merge(hub, survivor, *others, **kwargs) -> int:
    with hub.store.transaction() as session:
        return merge_contacts(session, survivor, list(others), actor="ops:lan", **kwargs)


def undo(hub, merge_id) -> list[str]:
    with hub.store.transaction() as session:
        return unmerge(session, merge_id, actor="ops:lan")


def doc(hub, contact_id) -> dict:
    with hub.store.sessions() as session:
        return contact_document(session, contact_id)


def test_a_merge_gathers_phones_emails_and_leads_and_leaves_a_tombstone(hub):
    a = add(hub, "1", "Nguyễn Thị Lan", phone="0912345678")
    b = add(hub, "2", "Lan Nguyễn", email="lan@gmail.com")
    merge(hub, a, b)
    survivor, tombstone = doc(hub, a), doc(hub, b)
    assert survivor["phones"] == ["+84912345678"] and survivor["emails"] == ["lan@gmail.com"]
    assert [lead["source_ref"] for lead in survivor["leads"]] == ["1", "2"]
    assert (survivor["version"], tombstone["merged_into"], tombstone["version"]) == (2, a, 2)
    event = rows(hub, "outbox")[-1]
    assert (event["type"], event["payload"]["merged_ids"], event["contact_version"]) == ("contact.merged", [b], 2)


def test_a_three_way_merge_keeps_the_most_complete_name(hub):
    a = add(hub, "1", "Nguyen Thi Lan", phone="0912345678")
    b = add(hub, "2", "chị Lan", phone="0987654321")
    c = add(hub, "3", "Nguyễn Thị Lan", email="lan@gmail.com")
    merge(hub, a, b, c)
    survivor = doc(hub, a)
    assert survivor["name"] == "Nguyễn Thị Lan"  # diacritics beat the folded twin
    assert sorted(survivor["phones"]) == ["+84912345678", "+84987654321"]


def test_ops_can_choose_a_field_from_the_other_side(hub):
    a = add(hub, "1", "Nguyễn Thị Lan", phone="0912345678", province="Hà Nội")
    b = add(hub, "2", "Nguyễn Lan", phone="0987654321", province="TP.HCM")
    merge(hub, a, b, choices={"province": b, "name": b})
    survivor = doc(hub, a)
    assert survivor["province_code"] == "79"
    assert survivor["name"] == "Nguyễn Lan"


def test_a_later_lead_on_a_merged_away_phone_lands_on_the_survivor(hub):
    a = add(hub, "1", "Nguyễn Thị Lan", phone="0912345678")
    b = add(hub, "2", "Lan", phone="0987654321")
    merge(hub, a, b)
    assert add(hub, "3", "Lan", phone="0987 654 321") == a


def test_undo_restores_every_contact_exactly_and_is_announced(hub):
    a = add(hub, "1", "Nguyen Thi Lan", phone="0912345678")
    b = add(hub, "2", "Nguyễn Thị Lan", email="lan@gmail.com", province="Đà Nẵng")
    before = state(hub)
    merge_id = merge(hub, a, b)
    assert state(hub) != before
    assert undo(hub, merge_id) == [b]
    assert state(hub) == before
    assert doc(hub, a)["version"] == 3  # versions only grow
    event = rows(hub, "outbox")[-1]
    assert (event["type"], event["payload"]["restored_ids"]) == ("contact.unmerged", [b])
    assert event["payload"]["restored"][0]["merged_into"] is None


def test_undo_out_of_order_is_refused_until_the_later_merge_is_undone(hub):
    a, b, c = (add(hub, str(n), f"Khách {n}", phone=f"090000000{n}") for n in range(3))
    first = merge(hub, a, b)
    second = merge(hub, a, c)
    with pytest.raises(MergeError, match=f"merge {second} was done later"):
        undo(hub, first)
    undo(hub, second)
    undo(hub, first)
    with pytest.raises(MergeError, match="already undone"):
        undo(hub, first)


@pytest.mark.parametrize("bad", ["merged", "unknown", "self", "choice"])
def test_impossible_merges_are_refused_and_change_nothing(hub, bad):
    a, b, c = (add(hub, str(n), f"Khách {n}", phone=f"090000000{n}") for n in range(3))
    merge(hub, a, b)
    before = state(hub)
    args = {"merged": (a, [b]), "unknown": (a, ["nope"]), "self": (a, [a]), "choice": (a, [c])}[bad]
    with pytest.raises(MergeError):
        with hub.store.transaction() as session:
            merge_contacts(session, args[0], args[1], actor="ops",
                           choices={"name": b} if bad == "choice" else None)
    assert state(hub) == before


def test_a_rejected_pair_is_never_suggested_again_and_a_merge_settles_open_ones(hub):
    names = ["Trần Văn Hùng", "Lê Thị Hoa", "Phạm Minh Tuấn"]
    a, b, c = (add(hub, str(n), names[n], phone=f"090000000{n}") for n in range(3))
    assert rows(hub, "merge_suggestions") == []
    with hub.store.transaction() as session:
        assert add_suggestions(session, a, [Suggestion(b, 0.7), Suggestion(c, 0.6)], NOW) == 2
        session.execute(MergeSuggestionRow.__table__.update().where(MergeSuggestionRow.candidate_id == b)
                        .values(status="rejected"))
    with hub.store.transaction() as session:
        assert add_suggestions(session, b, [Suggestion(a, 0.9)], NOW) == 0
    merge_id = merge(hub, a, c)
    assert {r["candidate_id"]: r["status"] for r in rows(hub, "merge_suggestions")} == {b: "rejected", c: "merged"}
    undo(hub, merge_id)
    assert {r["candidate_id"]: r["status"] for r in rows(hub, "merge_suggestions")} == {b: "rejected", c: "open"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(st.tuples(st.integers(0, 5), st.lists(st.integers(0, 5), min_size=1, max_size=3)),
                     min_size=1, max_size=6))
def test_undoing_any_sequence_of_merges_in_reverse_restores_the_exact_state(hub, plan):
    if not rows(hub, "contacts"):
        # "Thảo Minh Phạm" is typed with the family name last: a flag a merge may carry over
        names = ["Nguyễn Thị Lan", "Lan Nguyen", "Thảo Minh Phạm", "chị Hoa", "Shop ABC", "Lê Văn Tám"]
        for n in range(6):
            add(hub, f"seed{n}", names[n],
                phone=f"09100000{n:02d}", province=["HN", "TP.HCM", None, "Đà Nẵng", None, "Huế"][n])
    ids = sorted(c["id"] for c in rows(hub, "contacts"))
    before = state(hub)
    done = []
    for survivor, others in plan:
        with hub.store.sessions() as session:
            active = {c.id for c in session.execute(select(ContactRow).where(ContactRow.merged_into.is_(None))).scalars()}
        targets = [ids[o] for o in dict.fromkeys(others) if ids[o] in active and o != survivor]
        if ids[survivor] in active and targets:
            done.append(merge(hub, ids[survivor], *targets))
    for merge_id in reversed(done):
        undo(hub, merge_id)
    assert state(hub) == before


def test_undo_restores_the_typed_order_of_a_name_a_merge_replaced(hub):
    """A before-image keeps whether the name was typed family name last; one written before
    that was kept (migration 0013) restores what every contact had then: False."""
    a = add(hub, "a", "Thảo Phạm", phone="0910000001")
    b = add(hub, "b", "Thảo Minh Phạm", phone="0910000002")  # more complete: survives onto a
    merge_id = merge(hub, a, b)
    assert name_of(hub, a) == ("Phạm Thảo Minh", True)
    undo(hub, merge_id)
    assert (name_of(hub, a), name_of(hub, b)) == (("Phạm Thảo", True), ("Phạm Thảo Minh", True))
    merge_id = merge(hub, a, b)
    with hub.store.transaction() as session:
        log = session.get(MergeLogRow, merge_id)
        log.before = {**log.before, "contacts": {cid: {k: v for k, v in image.items() if k != "name_family_last"}
                                                 for cid, image in log.before["contacts"].items()}}
    undo(hub, merge_id)
    assert (name_of(hub, a), name_of(hub, b)) == (("Phạm Thảo", False), ("Phạm Thảo Minh", False))


def name_of(hub, contact_id) -> tuple[str, bool]:
    with hub.store.sessions() as session:
        row = session.get(ContactRow, contact_id)
        return row.name, row.name_family_last
