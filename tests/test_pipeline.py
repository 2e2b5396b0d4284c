"""process_event: raw event -> contact, lead and outbox event, exactly once."""
from __future__ import annotations

import json

from sqlalchemy import update

from hub import inbox
from hub.pipeline import run
from hub.store.schema import RawEventRow
from tests.conftest import FORM_TOKEN
from tests.helpers import FORM_URL, drain, row_count, rows

AUTH = {"Authorization": f"Bearer {FORM_TOKEN}"}


def post(client, key, **fields):
    response = client.post(FORM_URL, data=fields, headers={**AUTH, "Idempotency-Key": key})
    assert response.status_code == 200, response.json
    return response.json["event_id"]


def test_a_form_lead_becomes_a_contact_with_an_e164_phone_and_an_outbox_event(client, hub, queue):
    post(client, "a", ho_ten="  nguyễn   thị lan ", so_dien_thoai="0912.345.678", email="Lan@Example.VN")
    assert drain(hub, queue) == ["done"]
    [contact] = rows(hub, "contacts")
    assert (contact["name"], contact["family_name"], contact["given_name"]) == ("Nguyễn Thị Lan", "Nguyễn", "Lan")
    points = {(p["kind"], p["value"]) for p in rows(hub, "contact_points")}
    assert ("phone", "+84912345678") in points
    assert ("email", "lan@example.vn") in points
    [lead] = rows(hub, "leads")
    assert (lead["channel"], lead["source_ref"], lead["contact_id"]) == ("form", "contact-us:a", contact["id"])
    assert lead["raw_event_id"] == rows(hub, "raw_events")[0]["id"]
    [event] = rows(hub, "outbox")
    assert event["type"] == "contact.created"
    assert event["contact_version"] == 1
    assert event["payload"]["contact"]["phones"] == ["+84912345678"]


def test_the_same_phone_in_another_spelling_lands_on_the_same_contact(client, hub, queue):
    post(client, "a", ho_ten="Nguyễn Thị Lan", so_dien_thoai="0912.345.678")
    post(client, "b", ho_ten="Lan", so_dien_thoai="+84 912 345 678", email="lan@gmail.com")
    drain(hub, queue)
    [contact] = rows(hub, "contacts")
    assert contact["version"] == 2
    assert contact["name"] == "Nguyễn Thị Lan"  # a known name is not overwritten by a later one
    assert row_count(hub, "leads") == 2
    assert [e["type"] for e in rows(hub, "outbox")] == ["contact.created", "contact.updated"]
    assert [e["contact_version"] for e in rows(hub, "outbox")] == [1, 2]


def test_different_people_become_different_contacts(client, hub, queue):
    post(client, "a", ho_ten="Nguyễn Thị Lan", so_dien_thoai="0912345678")
    post(client, "b", ho_ten="Trần Văn Hùng", so_dien_thoai="0987654321")
    drain(hub, queue)
    assert row_count(hub, "contacts") == 2


def test_a_phone_in_the_message_text_is_found(client, hub, queue):
    post(client, "a", ho_ten="Lan", loi_nhan="gọi em qua sđt 0912.345.678 nha")
    drain(hub, queue)
    assert [p["value"] for p in rows(hub, "contact_points")] == ["+84912345678"]


def test_running_an_event_again_changes_nothing(client, hub, queue):
    event_id = post(client, "a", ho_ten="Lan", so_dien_thoai="0912345678")
    drain(hub, queue)
    assert run(hub, event_id) == "skipped"  # already done: the claim refuses it
    inbox.reset_for_replay(hub.store, statuses=["done"])
    assert run(hub, event_id) == "done"  # replayed: the stored lead is found, nothing doubled
    assert row_count(hub, "leads") == 1
    assert row_count(hub, "contacts") == 1
    assert row_count(hub, "outbox") == 1


def test_two_workers_claiming_one_event_process_it_once(client, hub, queue):
    event_id = post(client, "a", ho_ten="Lan", so_dien_thoai="0912345678")
    assert inbox.claim(hub.store, event_id, hub.settings.queue) is True
    assert inbox.claim(hub.store, event_id, hub.settings.queue) is False
    assert run(hub, event_id) == "skipped"


def test_an_event_without_any_contact_data_is_ignored(client, hub, queue):
    post(client, "a", san_pham="Căn hộ")
    assert drain(hub, queue) == ["ignored"]
    assert row_count(hub, "contacts") == 0


def test_an_unreadable_stored_event_fails_permanently_with_its_error_kept(client, hub, queue):
    event_id = post(client, "a", ho_ten="Lan", so_dien_thoai="0912345678")
    with hub.store.transaction() as session:
        session.execute(update(RawEventRow).where(RawEventRow.id == event_id).values(route="deleted-form"))
    assert drain(hub, queue) == ["failed"]
    [event] = rows(hub, "raw_events")
    assert event["status"] == "failed"
    assert "deleted-form" in event["last_error"]
    assert row_count(hub, "leads") == 0


def test_a_transient_error_is_retried_then_failed_after_max_attempts(client, hub, queue, monkeypatch):
    event_id = post(client, "a", ho_ten="Lan", so_dien_thoai="0912345678")
    queue.ids.clear()

    def broken(*args, **kwargs):
        raise ConnectionError("upstream flapped")

    monkeypatch.setattr("hub.pipeline.apply_lead", broken)
    statuses = [run(hub, event_id) for _ in range(hub.settings.queue.max_attempts)]
    assert statuses == ["pending"] * (hub.settings.queue.max_attempts - 1) + ["failed"]
    [event] = rows(hub, "raw_events")
    assert event["attempts"] == hub.settings.queue.max_attempts
    assert "upstream flapped" in event["last_error"]
    assert row_count(hub, "contacts") == 0
    monkeypatch.undo()
    inbox.reset_for_replay(hub.store, statuses=["failed"])
    assert run(hub, event_id) == "done"


def test_outbox_sequence_numbers_increase_in_commit_order(client, hub, queue):
    for n in range(5):
        post(client, f"k{n}", ho_ten=f"Người {n}", so_dien_thoai=f"091234567{n}")
    drain(hub, queue)
    seqs = [e["seq"] for e in rows(hub, "outbox")]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5
    payload = rows(hub, "outbox")[-1]["payload"]
    assert json.loads(json.dumps(payload))["contact"]["leads"][0]["source_ref"] == "contact-us:k4"
