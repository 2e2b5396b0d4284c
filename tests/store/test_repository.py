"""apply_lead's writes and the outbox document it records."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from hub.model import Consent, Identity, LeadDraft
from hub.normalize import normalize
from hub.store.documents import contact_document
from hub.store.repository import apply_lead
from hub.store.schema import ContactPointRow, ContactRow, MatchKeyRow, OutboxRow

SAIGON = timezone(timedelta(hours=7))


def lead(ref, **fields):
    return normalize(LeadDraft(channel="form", source_ref=ref, captured_at=datetime(2026, 11, 23, 9, 30, tzinfo=SAIGON),
                               attribution={"utm_source": "facebook"}, **fields))


def outbox_documents(hub):
    with hub.store.sessions() as session:
        return [row.payload["contact"] for row in session.execute(select(OutboxRow).order_by(OutboxRow.seq)).scalars()]


def stored_document(hub, contact_id):
    with hub.store.sessions() as session:
        return contact_document(session, contact_id)


def test_a_new_contacts_event_carries_the_document_as_stored(hub):
    new = lead("a", name="Nguyễn Thị Lan", phones=("0912 345 678", "0987654321"), emails=("Lan@Example.VN",),
               province="TP.HCM", identity=Identity("telegram", "bot", "42"),
               consent=Consent("marketing", True, "form:dong_y"))
    with hub.store.transaction() as session:
        applied = apply_lead(session, new, None)
    [document] = outbox_documents(hub)
    assert document == stored_document(hub, applied.contact_id)
    assert document["consent"]["marketing"] is True and len(document["phones"]) == 2


def test_a_merge_event_carries_the_merged_document_as_stored(hub):
    with hub.store.transaction() as session:
        first = apply_lead(session, lead("a", name="Nguyễn Thị Lan", phones=("0912345678",)), None)
    with hub.store.transaction() as session:
        second = apply_lead(session, lead("b", name="Nguyễn Thị Lan", phones=("0912345678",),
                                          emails=("lan@gmail.com",)), None)
    assert second.action == "merge" and second.contact_id == first.contact_id
    documents = outbox_documents(hub)
    assert documents[-1] == stored_document(hub, first.contact_id)
    assert (documents[-1]["version"], documents[-1]["emails"]) == (2, ["lan@gmail.com"])


def test_a_new_contact_gets_each_point_and_blocking_key_once(hub):
    with hub.store.transaction() as session:
        applied = apply_lead(session, lead("a", name="Lan", phones=("0912345678", "+84 912 345 678")), None)
    with hub.store.sessions() as session:
        points = session.execute(select(ContactPointRow.kind, ContactPointRow.value)
                                 .where(ContactPointRow.contact_id == applied.contact_id)).all()
        keys = session.execute(select(MatchKeyRow.key).where(MatchKeyRow.contact_id == applied.contact_id)).scalars().all()
    assert points == [("phone", "+84912345678")]
    assert len(keys) == len(set(keys)) > 0


def test_the_same_nickname_read_back_from_the_store_merges_on_the_phone_and_mailbox(hub):
    """A contact known only as "Gấu Phan" (a nickname, no personal name): its name read back from
    the store is still that nickname, which with the phone and the email is whoever signs so."""
    fields = {"phones": ("0912345678",), "emails": ("gau.phan@gmail.com",)}
    with hub.store.transaction() as session:
        first = apply_lead(session, lead("a", name="Gấu Phan", **fields), None)
    with hub.store.transaction() as session:
        again = apply_lead(session, lead("b", name="GẤU PHAN", **fields), None)
        placeholder = apply_lead(session, lead("c", name="Khách hàng", **fields), None)
    assert (again.action, again.contact_id) == ("merge", first.contact_id)
    assert placeholder.action == "suggest"  # a placeholder says nobody: no_name


def test_a_name_typed_with_its_family_name_last_is_read_both_ways_from_the_store(hub):
    """"Liên Thanh Nguyễn" is Nguyễn Liên Thanh, or Nguyễn Thanh Liên from a first / middle / last
    form: her sister Nguyễn Thanh on the family phone may be either her or not. The contact
    keeps the typed order (name_family_last), so the candidate read back from the store (one
    statement on PostgreSQL, the portable reads on SQLite) is read both ways like the lead was."""
    with hub.store.transaction() as session:
        first = apply_lead(session, lead("a", name="Liên Thanh Nguyễn", phones=("0912345678",)), None)
    with hub.store.sessions() as session:
        row = session.get(ContactRow, first.contact_id)
        assert (row.name, row.given_name, row.name_family_last) == ("Nguyễn Liên Thanh", "Thanh", True)
    with hub.store.transaction() as session:
        sister = apply_lead(session, lead("b", name="Nguyễn Thanh", phones=("0912345678",)), None)
    assert sister.action == "suggest" and sister.contact_id != first.contact_id
    with hub.store.transaction() as session:  # the same words in Vietnamese order: her, either way
        again = apply_lead(session, lead("c", name="Nguyễn Thanh Liên", phones=("0912345678",)), None)
    assert (again.action, again.contact_id) == ("merge", first.contact_id)
