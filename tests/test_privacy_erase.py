"""Erasure on request (Decree 13/2023): nothing of the person is left in any table."""
from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from hub.normalize import fold
from hub.ops import tokens
from hub.privacy.erase import UnknownContact, erase
from hub.store.documents import contact_document
from hub.store.merging import merge_contacts, unmerge
from hub.store.schema import Base, ContactRow, ErasureRow
from tests.conftest import FORM_ID, FORM_TOKEN
from tests.helpers import FORM_URL, drain, rows
from tests.meta import changes_entry, graph_lead, leadgen, meta_bytes, page_delivery, signed
from tests.zalo import URL as ZALO_URL, signed as zalo_signed, user_event, zalo_bytes

LAN = {"name": "Nguyễn Thị Thuý Lan", "phone": "0912.345.678", "email": "Lan.Nguyen@gmail.com",
       "message": "Gọi em sau 5h chiều nhé, hoặc nhắn zalo 0168 555 1234"}
LAN_NEEDLES = ("Nguyễn Thị Thuý Lan", "nguyen thi thuy lan", "912345678", "1685551234", "385551234", "905111222",
               "lan.nguyen@gmail.com", "lannguyen@gmail.com", "Gọi em sau 5h chiều")
HUNG = {"name": "Trần Văn Hùng", "phone": "0987 654 321", "email": "hung.tran@yahoo.com.vn"}
HUNG_NEEDLES = ("Trần Văn Hùng", "987654321", "hung.tran@yahoo.com.vn")


def post_form(client, key: str, person: dict[str, str]) -> None:
    fields = {"ho_ten": person["name"], "so_dien_thoai": person["phone"], "email": person["email"]}
    if "message" in person:
        fields["loi_nhan"] = person["message"]
    response = client.post(FORM_URL, data=fields, headers={"Authorization": f"Bearer {FORM_TOKEN}",
                                                          "Idempotency-Key": key})
    assert response.status_code == 200


def every_text(hub) -> str:
    """Every value of every column of every table, as text (bytes and JSON decoded, NFC,
    separators between digits removed so 0912.345.678 reads 0912345678)."""
    parts: list[str] = []
    with hub.store.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)).all():
                parts.extend(_text(value) for value in row)
    text = unicodedata.normalize("NFC", "\n".join(parts))
    return re.sub(r"(?<=\d)[ .\-](?=\d)", "", text)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
        try:  # Meta escapes Vietnamese as \\uXXXX: read it back
            return json.dumps(json.loads(value), ensure_ascii=False) + value
        except ValueError:
            return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def found(haystack: str, needles: tuple[str, ...]) -> list[str]:
    folded = fold(haystack).lower()
    return [n for n in needles if n in haystack or fold(n).lower() in folded]


@pytest.fixture
def people(client, hub, queue, graph):
    """Lan by web form, Lead Ads and Zalo (three contacts: no shared key between the Zalo and
    the others, and the ad lead carries a second email); Hùng by web form."""
    post_form(client, "lan-1", LAN)
    graph.add_lead(FORM_ID, graph_lead("9300", {"full_name": "Lan Nguyễn", "phone_number": "+84912345678",
                                                "email": "lan.nguyen@gmail.com"}))
    body = meta_bytes(page_delivery(changes_entry(leadgen("9300", FORM_ID))))
    assert client.post("/webhooks/facebook", data=body, headers=signed(body)).status_code == 200
    zalo = zalo_bytes(user_event("user_submit_info", info={"name": "Nguyễn Thị Thuý Lan", "phone": "84905111222",
                                                           "address": "12 Lý Tự Trọng", "city": "Hồ Chí Minh"}))
    assert client.post(ZALO_URL, data=zalo, headers=zalo_signed(zalo)).status_code == 200
    post_form(client, "hung-1", HUNG)
    assert set(drain(hub, queue)) == {"done"}
    by_channel = {lead["channel"]: lead["contact_id"] for lead in rows(hub, "leads")}
    hung = [lead["contact_id"] for lead in rows(hub, "leads") if lead["source_ref"] == "contact-us:hung-1"]
    return {"lan": by_channel["facebook_leadads"], "lan_zalo": by_channel["zalo"], "hung": hung[0]}


def lan_group(hub) -> list[str]:
    with hub.store.sessions() as session:
        return [c.id for c in session.execute(select(ContactRow)).scalars() if "Hùng" not in (c.name or "")]


def test_erasing_a_merged_group_leaves_nothing_of_the_person_anywhere(hub, people, client):
    group = lan_group(hub)
    assert len(group) >= 2  # the Zalo identity shares no key with the web contact
    with hub.store.transaction() as session:
        survivor, *others = sorted(group)
        merge_contacts(session, survivor, others, actor="ops:test")
    hung_id = people["hung"]
    with hub.store.sessions() as session:
        hung_before = contact_document(session, hung_id)
    before = every_text(hub)
    assert found(before, LAN_NEEDLES) == list(LAN_NEEDLES)  # the check sees the data when it is there
    with hub.store.transaction() as session:
        result = erase(session, others[-1], requested_by="test", reason="YC-2026-11-001")  # a merged-away id
    assert sorted(result.contact_ids) == sorted(group)
    after = every_text(hub)
    assert found(after, LAN_NEEDLES) == []
    assert found(after, HUNG_NEEDLES) == list(HUNG_NEEDLES)
    with hub.store.sessions() as session:
        assert contact_document(session, hung_id) == hung_before
        assert session.get(ContactRow, survivor) is None
    [record] = rows(hub, "erasures")
    assert record["requested_by"] == "test" and record["reason"] == "YC-2026-11-001"
    assert record["counts"]["contacts"] == len(group) and record["counts"]["leads"] == 3
    assert record["counts"]["raw_events"] == 3 and record["counts"]["webhook_deliveries"] == 1
    purged = [r for r in rows(hub, "raw_events") if r["purged_at"] is not None]
    assert len(purged) == 3 and all(r["body"] == b"" and r["headers"] == {} for r in purged)


def test_the_feed_tells_consumers_to_delete_and_a_redelivery_brings_nothing_back(hub, people, client, queue):
    lan = people["lan"]
    token = tokens.create(hub.store, "crm", ["events:read", "contacts:read"])
    with hub.store.transaction() as session:
        erase(session, lan, requested_by="test")
    feed = client.get("/api/v1/events?limit=500", headers={"Authorization": f"Bearer {token}"}).json["data"]
    [event] = [e for e in feed if e["type"] == "contact.erased"]
    assert lan in event["data"]["erased_ids"] and event["data"]["contact"]["erased"] is True
    assert event["sequence"] == max(e["sequence"] for e in feed)
    assert all(e["data"]["contact"] == {"id": e["contact_id"], "version": e["contact_version"], "erased": True}
               for e in feed if e["contact_id"] == lan and e["type"] != "contact.erased")
    post_form(client, "lan-1", LAN)  # the form retries the same submission: a duplicate
    assert queue.ids == []
    post_form(client, "lan-2", LAN)  # she fills the form in again: a new contact, nothing old
    drain(hub, queue)
    with hub.store.sessions() as session:
        [new] = [c for c in session.execute(select(ContactRow)).scalars()
                 if c.name == LAN["name"] and c.id != people["lan_zalo"]]
        doc = contact_document(session, new.id)
    assert new.id != lan and [lead["source_ref"] for lead in doc["leads"]] == ["contact-us:lan-2"]


def test_erase_is_idempotent_and_refuses_an_unknown_id(hub, people):
    lan = people["lan"]
    with hub.store.transaction() as session:
        first = erase(session, lan, requested_by="test")
    with hub.store.transaction() as session:
        again = erase(session, lan, requested_by="test")
    assert (again.id, again.already, first.already) == (first.id, True, False)
    assert len(rows(hub, "erasures")) == 1
    assert sum(r["type"] == "contact.erased" for r in rows(hub, "outbox")) == 1
    with pytest.raises(UnknownContact), hub.store.transaction() as session:
        erase(session, "0190f0f0-0000-7000-8000-000000000000", requested_by="test")


def test_a_contact_merged_then_unmerged_keeps_nothing_of_the_erased_one(hub, people):
    """Hùng's merge log and feed quote Lan's document after a wrong merge and its undo."""
    lan, hung = people["lan"], people["hung"]
    with hub.store.transaction() as session:
        merge_id = merge_contacts(session, hung, [lan], actor="ops:oops")
    with hub.store.transaction() as session:
        unmerge(session, merge_id, actor="ops:oops")
    with hub.store.transaction() as session:
        erase(session, lan, requested_by="test")
    after = every_text(hub)
    assert found(after, ("912345678", "385551234", "lan.nguyen@gmail.com", "lannguyen@gmail.com")) == []
    assert found(after, HUNG_NEEDLES) == list(HUNG_NEEDLES)
    with hub.store.sessions() as session:
        assert contact_document(session, hung)["phones"] == ["+84987654321"]


def test_the_api_erases_with_its_own_scope(hub, people, client):
    lan = people["lan"]
    reader = tokens.create(hub.store, "crm", ["contacts:read"])
    eraser = tokens.create(hub.store, "dpo", ["contacts:erase", "contacts:read"])
    assert client.delete(f"/api/v1/contacts/{lan}", headers={"Authorization": f"Bearer {reader}"}).status_code == 403
    response = client.delete(f"/api/v1/contacts/{lan}?reason=email%20t%E1%BB%AB%20kh%C3%A1ch",
                             headers={"Authorization": f"Bearer {eraser}"})
    assert response.status_code == 200 and response.json["status"] == "erased"
    assert lan in response.json["contact_ids"] and response.json["counts"]["leads"] >= 1
    again = client.delete(f"/api/v1/contacts/{lan}", headers={"Authorization": f"Bearer {eraser}"})
    assert again.json["status"] == "already_erased" and again.json["erasure_id"] == response.json["erasure_id"]
    gone = client.get(f"/api/v1/contacts/{lan}", headers={"Authorization": f"Bearer {eraser}"})
    assert gone.status_code == 410 and gone.mimetype == "application/problem+json"
    unknown = client.delete("/api/v1/contacts/nope", headers={"Authorization": f"Bearer {eraser}"})
    assert unknown.status_code == 404
    [record] = rows(hub, "erasures")
    assert record["requested_by"] == "api:dpo" and record["reason"] == "email từ khách"


def test_the_cli_asks_before_erasing_unless_yes(hub, people, monkeypatch, tmp_path):
    from hub.cli import main

    (tmp_path / "hub.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("HUB_DATABASE_URL", hub.settings.database_url)
    monkeypatch.setenv("HUB_SECRET_KEY", "test")
    monkeypatch.setenv("HUB_CONFIG", str(tmp_path / "hub.toml"))
    lan = people["lan"]
    runner = CliRunner()
    declined = runner.invoke(main, ["contacts", "erase", lan], input="n\n")
    assert declined.exit_code == 1 and "cannot be undone" in declined.output
    assert rows(hub, "erasures") == []
    done = runner.invoke(main, ["contacts", "erase", lan, "--yes", "--reason", "YC-1"])
    assert done.exit_code == 0, done.output
    assert "erasure 1: erased" in done.output
    assert "already erased" in runner.invoke(main, ["contacts", "erase", lan, "--yes"]).output
    missing = runner.invoke(main, ["contacts", "erase", "no-such-id", "--yes"])
    assert missing.exit_code == 1 and "no contact 'no-such-id'" in missing.output
    assert [r["reason"] for r in rows(hub, "erasures")] == ["YC-1"]
    with hub.store.sessions() as session:
        assert session.execute(select(ErasureRow)).scalar_one().requested_by.startswith("cli:")
