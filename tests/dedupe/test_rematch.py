"""A chat's contact is matched again once its profile gives it a name (hub.store.rematch)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import update

from hub.enrich.apply import apply_profile
from hub.model import Contact, Identity, LeadDraft
from hub.normalize import normalize
from hub.store.merging import unmerge
from hub.store.rematch import as_lead
from hub.store.repository import apply_lead
from hub.store.schema import MergeSuggestionRow
from tests.helpers import rows

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)
ZALO = Identity("zalo", "oa1", "5829138498217368123")


def add(hub, ref, name=None, phone=None, identity=None, text=None):
    draft = LeadDraft(channel="zalo" if identity else "form", source_ref=ref, captured_at=NOW, name=name,
                      text=text, identity=identity, phones=(phone,) if phone else ())
    with hub.store.transaction() as session:
        return apply_lead(session, normalize(draft), None).contact_id


def profile(hub, contact_id, name):
    draft = LeadDraft(channel="zalo", source_ref="profile", captured_at=NOW, name=name, identity=ZALO)
    with hub.store.transaction() as session:
        return apply_profile(session, contact_id, draft, "zalo_profile")


def active(hub) -> list[str]:
    return [c["id"] for c in rows(hub, "contacts") if c["merged_into"] is None]


def test_a_nameless_chat_with_a_known_phone_joins_the_form_once_its_profile_names_it(hub):
    form = add(hub, "1", "Nguyễn Thị Lan", phone="0912345678")
    chat = add(hub, "2", identity=ZALO, text="sđt 0912 345 678 gọi lại giúp em")
    assert sorted(active(hub)) == sorted([form, chat])  # a phone alone, no name: not sure yet
    [suggestion] = rows(hub, "merge_suggestions")
    assert profile(hub, chat, "Lan Nguyễn")
    assert active(hub) == [form]
    [log] = rows(hub, "merge_log")
    assert (log["actor"], log["survivor_id"], log["merged_ids"]) == ("enrichment", form, [chat])
    assert rows(hub, "merge_suggestions")[0]["status"] == "merged"  # settled, nothing left for ops
    assert [e["type"] for e in rows(hub, "outbox")][-2:] == ["contact.updated", "contact.merged"]
    with hub.store.transaction() as session:
        unmerge(session, log["id"], actor="ops:lan")
    assert sorted(active(hub)) == sorted([form, chat])
    assert rows(hub, "merge_suggestions")[0]["id"] == suggestion["id"]


@pytest.mark.parametrize("name", ["Nguyễn Thị Mai", "Bống"])
def test_a_profile_naming_someone_else_or_nobody_merges_nothing(hub, name):
    form = add(hub, "1", "Nguyễn Thị Lan", phone="0912345678")
    chat = add(hub, "2", identity=ZALO, text="sđt 0912345678")
    profile(hub, chat, name)
    assert sorted(active(hub)) == sorted([form, chat])
    assert rows(hub, "merge_log") == []


def test_a_pair_ops_rejected_is_not_merged_by_the_profile(hub):
    form = add(hub, "1", "Nguyễn Thị Lan", phone="0912345678")
    chat = add(hub, "2", identity=ZALO, text="sđt 0912345678")
    with hub.store.transaction() as session:
        session.execute(update(MergeSuggestionRow).values(status="rejected"))
    profile(hub, chat, "Nguyễn Thị Lan")
    assert sorted(active(hub)) == sorted([form, chat])
    assert [r["status"] for r in rows(hub, "merge_suggestions")] == ["rejected"]


@pytest.mark.parametrize("shown, merged", [("Cường Phạm", True), ("Thắng Phạm", False)])
def test_a_chat_giving_a_known_phone_and_email_waits_for_its_profile(hub, shown, merged):
    """The phone and email of a known contact typed into a chat: the father, or his son typing
    them? Merging it at once would give the son's Zalo id to the father's contact."""
    form = add(hub, "1", "Phạm Quang Cường", phone="0331420375")
    with hub.store.transaction() as session:  # his email too
        draft = LeadDraft(channel="form", source_ref="1b", captured_at=NOW, name="Phạm Quang Cường",
                          phones=("0331420375",), emails=("pqcuong@gmail.com",))
        assert apply_lead(session, normalize(draft), None).contact_id == form
    chat = add(hub, "2", identity=ZALO, text="Đt ０３３１４２０３７５ mail pqcuong@gmail.com")
    assert sorted(active(hub)) == sorted([form, chat])
    [suggestion] = rows(hub, "merge_suggestions")
    assert suggestion["evidence"]["guard"] == "chat_without_name"
    profile(hub, chat, shown)
    assert sorted(active(hub)) == ([form] if merged else sorted([form, chat]))
    assert rows(hub, "merge_suggestions")[0]["status"] == ("merged" if merged else "open")


def test_a_contact_seen_as_a_lead_is_known_by_all_of_its_identities():
    """A contact a Messenger chat and a Zalo chat joined (and a WhatsApp one whose BSUID is
    linked): matched again, every one of its identities counts, not only the first."""
    keys = {"messenger:page1:6001", "zalo:oa1:5829138498217368123", "whatsapp:bsuid:VN.1502576394655843"}
    lead = as_lead(Contact(id="c1", created_at=NOW, identities=frozenset(keys)))
    assert {identity.key for identity in lead.identities} == keys
    assert lead.identity is not None and lead.identity.key == min(keys)


def test_a_chat_that_turns_out_to_be_the_son_leaves_him_and_his_mother_in_review_once(hub):
    """A nameless chat typing the family's phone goes to review beside the mother and the son;
    its profile names the son, and it merges with him: the chat's pair with the mother is now
    the son's, already in review, so it is closed as a duplicate (and reopened by the undo)."""
    mother = add(hub, "1", "Nguyễn Thị Lan", phone="0912345678")
    son = add(hub, "2", "Trần Văn Hùng", phone="0912345678")
    chat = add(hub, "3", identity=ZALO, text="sđt 0912 345 678")
    pairs = {frozenset((r["contact_id"], r["candidate_id"])): r["id"] for r in rows(hub, "merge_suggestions")}
    assert set(pairs) == {frozenset((son, mother)), frozenset((chat, mother)), frozenset((chat, son))}
    profile(hub, chat, "Trần Văn Hùng")
    assert sorted(active(hub)) == sorted([mother, son])
    status = {r["id"]: r["status"] for r in rows(hub, "merge_suggestions")}
    assert status == {pairs[frozenset((son, mother))]: "open", pairs[frozenset((chat, mother))]: "duplicate",
                      pairs[frozenset((chat, son))]: "merged"}
    [log] = rows(hub, "merge_log")
    with hub.store.transaction() as session:
        unmerge(session, log["id"], actor="ops:lan")
    assert [r["status"] for r in rows(hub, "merge_suggestions")] == ["open"] * 3
