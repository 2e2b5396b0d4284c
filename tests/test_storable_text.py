"""What the store cannot hold as sent, on both stores.

NUL characters: JSON can carry one ("\\u0000") and PostgreSQL refuses it in text and JSON
values: a delivery key with one made the ingest answer 503 to every redelivery, and a name or an
id with one made processing fail on every attempt (the lead lost). Now ids keep it as the text
"\\u0000" (the same every time, so redeliveries still count once) and typed text drops it.
Ids longer than their column: cut at 255, two keys that began alike were one (the second
answered as a redelivery: lost); on PostgreSQL a long route or identity failed. Now a long id is
its start and a hash of all of it."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from hub.model import REF_CHARS, Consent, Identity, LeadDraft, stored_id
from hub.normalize import normalize
from hub.normalize.lead import storable
from tests import zalo
from tests.conftest import FORM_TOKEN
from tests.helpers import FORM_URL, drain, rows
from tests.meta import meta_bytes, message, messaging_entry, page_delivery, signed

AUTH = {"Authorization": f"Bearer {FORM_TOKEN}"}
NUL = "\u0000"


def test_a_form_lead_with_nul_characters_is_stored_without_them(client, hub, queue):
    body = {"ho_ten": f"Nguyễn{NUL} Thị Lan", "so_dien_thoai": "0912345678", "email": f"lan{NUL}@gmail.com",
            "loi_nhan": f"tư vấn{NUL} giúp em", "ghi_chu_khac": f"a{NUL}b", "utm_source": f"face{NUL}book"}
    response = client.post(FORM_URL, data=json.dumps(body), content_type="application/json",
                           headers={**AUTH, "Idempotency-Key": "nul-1"})
    assert response.status_code == 200, response.json
    assert drain(hub, queue) == ["done"]
    [contact] = rows(hub, "contacts")
    assert contact["name"] == "Nguyễn Thị Lan"
    points = {(p["kind"], p["value"]) for p in rows(hub, "contact_points")}
    assert points == {("phone", "+84912345678"), ("email", "lan@gmail.com")}
    [lead] = rows(hub, "leads")
    assert lead["data"]["text"] == "tư vấn giúp em"
    assert lead["data"]["extra"]["ghi_chu_khac"] == "ab"
    assert lead["attribution"]["utm_source"] == "face\\u0000book"


def test_a_messenger_item_with_nul_in_its_ids_is_stored_once_and_becomes_a_contact(client, hub, queue):
    body = meta_bytes(page_delivery(messaging_entry(
        message(f"m_{NUL}abc", f"Chị Lan{NUL} đây, sđt 0912345678", sender=f"600{NUL}123"),
        message("m_plain", "em cần tư vấn, 0987654321", sender="6009999"))))
    assert b'"m_\\u0000abc"' in body  # as Meta escapes it
    first = client.post("/webhooks/facebook", data=body, headers=signed(body))
    assert first.status_code == 200, first.json
    assert len(first.json["event_ids"]) == 2
    again = client.post("/webhooks/facebook", data=body, headers=signed(body))
    assert (again.status_code, again.json["duplicates"], again.json["event_ids"]) == (200, 2, [])
    assert drain(hub, queue) == ["done", "done"]
    leads = {lead["source_ref"]: lead for lead in rows(hub, "leads")}
    assert set(leads) == {"m_\\u0000abc", "m_plain"}
    assert leads["m_\\u0000abc"]["data"]["text"] == "Chị Lan đây, sđt 0912345678"
    identities = {p["value"] for p in rows(hub, "contact_points") if p["kind"] == "identity"}
    assert any("600\\u0000123" in value for value in identities), identities


def test_a_zalo_text_with_nul_in_its_msg_id_and_sender_is_processed(client, hub, queue):
    payload = zalo.user_send_text(f"msg{NUL}1", f"sđt 0912 345 678{NUL}", user=f"25125{NUL}23")
    body = zalo.zalo_bytes(payload)
    response = client.post(zalo.URL, data=body, headers=zalo.signed(body))
    assert response.status_code == 200, response.json
    again = client.post(zalo.URL, data=body, headers=zalo.signed(body))
    assert again.json.get("duplicate") is True
    assert drain(hub, queue) == ["done"]
    [lead] = rows(hub, "leads")
    assert NUL not in json.dumps(lead, default=str, ensure_ascii=False)
    assert {p["value"] for p in rows(hub, "contact_points") if p["kind"] == "phone"} == {"+84912345678"}


def test_normalize_leaves_a_draft_without_nul_as_it_is_and_cleans_every_field_of_one():
    at = datetime(2026, 12, 1, tzinfo=timezone.utc)
    clean = LeadDraft(channel="form", source_ref="a", captured_at=at, name="Lan", phones=("0912345678",))
    assert storable(clean) is clean
    dirty = LeadDraft(
        channel="zalo", source_ref=f"x{NUL}", captured_at=at, name=f"Trần{NUL} Văn Hùng",
        given_name=f"Hùng{NUL}", family_name=f"Trần{NUL}", phones=(f"0912{NUL}345678",),
        emails=(f"hung{NUL}@gmail.com",), province=f"Hà{NUL} Nội", address=f"12{NUL} Lê Lợi",
        text=f"gọi{NUL} em", identity=Identity("zalo", f"oa{NUL}", f"u{NUL}1"),
        attribution={"utm_campaign": f"tet{NUL}"}, extra={f"k{NUL}": [f"v{NUL}", 1]},
        consent=Consent("contact", True, f"zalo{NUL}", {"a": f"b{NUL}"}))
    lead = normalize(dirty)
    assert NUL not in repr(lead)
    assert (lead.source_ref, lead.identity.scope, lead.identity.external_id) == ("x\\u0000", "oa\\u0000", "u\\u00001")
    assert lead.name.display == "Trần Văn Hùng"
    assert [p.e164 for p in lead.phones] == ["+84912345678"]
    assert [e.key for e in lead.emails] == ["hung@gmail.com"]
    assert lead.province is not None and lead.province.name.endswith("Hà Nội")
    assert lead.extra == {"k": ["v", 1]}
    assert lead.consent.detail == {"a": "b"}


def test_two_long_idempotency_keys_that_begin_alike_are_two_leads(client, hub, queue):
    first, second = "k" * 300 + "-1", "k" * 300 + "-2"
    answers = [client.post(FORM_URL, data={"ho_ten": "Lan", "so_dien_thoai": phone},
                           headers={**AUTH, "Idempotency-Key": key}).json
               for key, phone in ((first, "0912345678"), (second, "0987654321"), (first, "0912345678"))]
    assert [answer.get("duplicate", False) for answer in answers] == [False, False, True]
    keys = [e["delivery_key"] for e in rows(hub, "raw_events")]
    assert len(set(keys)) == 2 and all(len(key) <= REF_CHARS for key in keys)
    assert drain(hub, queue) == ["done", "done"]
    assert len(rows(hub, "leads")) == 2
    assert all(len(lead["source_ref"]) <= REF_CHARS for lead in rows(hub, "leads"))


def test_a_messenger_sender_id_too_long_for_its_column_still_makes_a_contact(client, hub, queue):
    sender = "6" * 400
    body = meta_bytes(page_delivery(messaging_entry(message("m_long", "sđt 0912345678", sender=sender))))
    assert client.post("/webhooks/facebook", data=body, headers=signed(body)).status_code == 200
    assert drain(hub, queue) == ["done"]
    [identity] = [p["value"] for p in rows(hub, "contact_points") if p["kind"] == "identity"]
    assert identity.endswith(stored_id(sender, 128)) and len(identity) < 320


def test_stored_id_is_the_id_itself_unless_it_must_change():
    assert stored_id("m_abc", 255) == "m_abc"
    assert stored_id("a\x00b", 255) == "a\\u0000b"
    long = stored_id("x" * 300, 255)
    assert len(long) == 255 and long.startswith("x" * 238 + "~")
    assert long == stored_id("x" * 300, 255) != stored_id("x" * 301, 255)


def test_halves_of_surrogate_pairs_in_a_form_and_a_zalo_id_are_a_lead_not_a_500(client, hub, queue):
    """JavaScript that cuts a string inside an emoji sends half of it, escaped ("\\ud83d"): no
    UTF-8 text holds it. The form's fields lose it; a Zalo msg_id keeps it as its escape."""
    form = b'{"ho_ten": "Lan \\ud83d", "so_dien_thoai": "0912345678", "loi_nhan": "hoa \\ud83c\\udf38 \\udc00"}'
    headers = {"Authorization": f"Bearer {FORM_TOKEN}", "Content-Type": "application/json"}
    payload = zalo.user_send_text("MSG", "sđt 0987 654 321", user="5829138498217368123")
    chat = json.dumps(payload).encode().replace(b'"MSG"', b'"m\\ud800x"')
    for _ in range(2):
        assert client.post(FORM_URL, data=form, headers=headers).status_code == 200
        assert client.post(zalo.URL, data=chat, headers=zalo.signed(chat)).status_code == 200
    assert drain(hub, queue) == ["done", "done"]
    leads = {lead["channel"]: lead for lead in rows(hub, "leads")}
    assert leads["form"]["data"]["text"] == "hoa 🌸 "
    assert leads["zalo"]["source_ref"].startswith("m\\ud800x")
    assert {c["name"] for c in rows(hub, "contacts")} >= {"Lan"}


def test_linked_identities_are_stored_as_the_identity_is():
    """A WhatsApp parent BSUID may be longer than an identity's column (128): shortened the same
    way every time, so the contact is still found by it."""
    parent = "VN.ENT." + "7" * 128
    draft = LeadDraft(channel="whatsapp", source_ref="wamid.X", captured_at=datetime(2026, 12, 7, tzinfo=timezone.utc),
                      identity=Identity("whatsapp", "106540352242922", "84912345678"),
                      linked_identities=(Identity("whatsapp", "bsuid", "VN.15025"), Identity("whatsapp", "bsuid", parent)))
    kept = storable(draft)
    assert kept.identity == draft.identity
    assert kept.linked_identities == (Identity("whatsapp", "bsuid", "VN.15025"),
                                      Identity("whatsapp", "bsuid", stored_id(parent, 128)))
    assert len(kept.linked_identities[1].external_id) == 128
    assert [i.key for i in normalize(kept).identities] == [
        "whatsapp:106540352242922:84912345678", "whatsapp:bsuid:VN.15025", f"whatsapp:bsuid:{stored_id(parent, 128)}"]


def test_linked_identities_need_the_identity_they_are_linked_to():
    with pytest.raises(ValueError, match="linked_identities need an identity"):
        LeadDraft(channel="whatsapp", source_ref="wamid.Y", captured_at=datetime(2026, 12, 7, tzinfo=timezone.utc),
                  linked_identities=(Identity("whatsapp", "bsuid", "VN.15025"),))
