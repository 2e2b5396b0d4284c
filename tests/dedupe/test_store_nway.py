"""A lead that proves two known contacts are one person merges them (N-way) in the store:
logged and undoable like any merge, never against what ops decided."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import update

from hub.model import Identity, LeadDraft
from hub.normalize import normalize
from hub.store.merging import unmerge
from hub.store.repository import apply_lead
from hub.store.schema import MergeSuggestionRow
from tests.helpers import rows

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)
ZALO = Identity("zalo", "oa1", "5829138498217368123")


def add(hub, ref, name=None, phone=None, email=None, identity=None, text=None):
    draft = LeadDraft(channel="form", source_ref=ref, captured_at=NOW, name=name, text=text, identity=identity,
                      phones=(phone,) if phone else (), emails=(email,) if email else ())
    with hub.store.transaction() as session:
        return apply_lead(session, normalize(draft), None)


def active(hub) -> list[str]:
    return [c["id"] for c in rows(hub, "contacts") if c["merged_into"] is None]


def test_a_lead_with_the_phone_of_one_contact_and_the_email_of_another_merges_all_three(hub):
    phone = add(hub, "1", "Nguyễn Thị Lan", phone="0912345678").contact_id
    email = add(hub, "2", "Lan Nguyễn", phone="0987000111", email="lan.nguyen@gmail.com").contact_id
    applied = add(hub, "3", "Nguyễn Thị Lan", phone="0912 345 678", email="lannguyen@gmail.com")
    assert (applied.action, applied.contact_id, applied.merged) == ("merge", phone, (email,))
    assert active(hub) == [phone]
    [log] = rows(hub, "merge_log")
    assert (log["actor"], log["merged_ids"], log["evidence"]["lead"]) == ("dedupe", [email], "form:3")
    decision = rows(hub, "leads")[-1]["decision"]
    assert decision["merged"][0]["contact_id"] == email and decision["merged"][0]["score"] >= 14
    assert [e["type"] for e in rows(hub, "outbox")][-2:] == ["contact.merged", "contact.updated"]
    unmerge_all(hub)
    assert sorted(active(hub)) == sorted([phone, email])


def test_a_chat_naming_itself_and_giving_a_known_phone_joins_the_forms_contact(hub):
    chat = add(hub, "1", "Nguyễn Thị Lan", identity=ZALO).contact_id
    form = add(hub, "2", "Lan Nguyen", phone="0912345678").contact_id
    applied = add(hub, "3", identity=ZALO, text="sđt 0912345678 gọi lại giúp em")
    assert (applied.contact_id, applied.merged) == (chat, (form,))


def test_contacts_ops_kept_apart_are_not_merged_again(hub):
    a = add(hub, "1", "Nguyễn Thị Lan", phone="0912345678").contact_id
    b = add(hub, "2", "Nguyễn Thị Lan", phone="0987000111", email="lan@gmail.com").contact_id
    assert add(hub, "3", "Nguyễn Thị Lan", phone="0912345678", email="lan@gmail.com").merged == (b,)
    unmerge_all(hub)  # ops: two people after all
    assert add(hub, "4", "Nguyễn Thị Lan", phone="0912345678", email="lan@gmail.com").merged == ()
    c = add(hub, "5", "Lâm Ngọc Hùng", phone="0933000222").contact_id
    d = add(hub, "6", "Lâm Ngọc Hùng", email="hung@gmail.com").contact_id
    with hub.store.transaction() as session:
        session.execute(update(MergeSuggestionRow).where(MergeSuggestionRow.contact_id == d)
                        .values(status="rejected"))
    assert {(r["contact_id"], r["candidate_id"], r["status"]) for r in rows(hub, "merge_suggestions")} >= {
        (d, c, "rejected")}
    assert add(hub, "7", "Lâm Ngọc Hùng", phone="0933000222", email="hung@gmail.com").merged == ()
    assert {a, b, c, d} <= set(active(hub))


def unmerge_all(hub) -> None:
    for log in reversed(rows(hub, "merge_log")):
        if log["undone_at"] is None:
            with hub.store.transaction() as session:
                unmerge(session, log["id"], actor="ops:lan")


def test_a_rejected_pair_stays_rejected_after_one_side_merges_on(hub):
    from hub.model import Suggestion
    from hub.store.merging import merge_contacts
    from hub.store.repository import add_suggestions

    a = add(hub, "1", "Lâm Ngọc Hùng", phone="0933000222").contact_id
    b = add(hub, "2", "Lâm Ngọc Hùng", email="hung@gmail.com").contact_id
    c = add(hub, "3", "Lâm Hùng", phone="0987000111").contact_id
    with hub.store.transaction() as session:
        session.execute(update(MergeSuggestionRow).values(status="rejected"))  # ops: a is not b
        merge_contacts(session, c, [b], actor="ops:lan")  # b is c's person
        assert add_suggestions(session, a, [Suggestion(c, 11.0)], NOW) == 0  # so a is not c either
        assert add_suggestions(session, c, [Suggestion(a, 11.0)], NOW) == 0
    assert [r["status"] for r in rows(hub, "merge_suggestions")] == ["rejected"]
