"""Consent captured where the channel gives it, kept on the lead, summed up on the contact, exported."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest

from hub.config import FormSettings
from hub.connectors import consent
from hub.export import write_contacts
from hub.store.documents import contact_document
from tests.conftest import FORM_ID, FORM_SECRET, FORM_TOKEN
from tests.helpers import FORM_URL, drain, rows, standard_webhooks_headers
from tests.meta import changes_entry, graph_lead, leadgen, meta_bytes, page_delivery, signed
from tests.zalo import URL as ZALO_URL, signed as zalo_signed, user_event, zalo_bytes

AUTH = {"Authorization": f"Bearer {FORM_TOKEN}"}


def post(client, key: str, **fields: str) -> None:
    response = client.post(FORM_URL, data=fields, headers={**AUTH, "Idempotency-Key": key})
    assert response.status_code == 200


def lead_consents(hub) -> list[dict | None]:
    return [lead["data"]["consent"] for lead in rows(hub, "leads")]


@pytest.mark.parametrize("value, agreed", [
    ("on", True), ("true", True), ("Có", True), ("Đồng ý", True), ("Tôi đồng ý nhận tin khuyến mãi", True),
    ("1", True), ("off", False), ("0", False), ("Không", False), ("KHÔNG ĐỒNG Ý", False), ("", False),
    ("không đồng ý", False),  # NFD
])
def test_consent_answers_read_as_yes_or_no(value, agreed):
    import unicodedata

    assert consent.given(unicodedata.normalize("NFD", value)) is agreed


@pytest.mark.parametrize("name", ["consent", "dong_y", "Đồng ý", "dong-y-nhan-tin", "Marketing Consent", "opt_in"])
def test_consent_field_names_are_recognised(name):
    assert consent.is_consent_field(name)


def test_a_ticked_form_checkbox_is_marketing_consent_and_not_extra_data(client, hub, queue):
    post(client, "a", ho_ten="Nguyễn Thị Lan", so_dien_thoai="0912345678", dong_y="on", nganh="BĐS")
    drain(hub, queue)
    [lead] = rows(hub, "leads")
    assert lead["data"]["consent"] == {"purpose": "marketing", "given": True, "source": "form:dong_y",
                                       "detail": {"dong_y": "on"}}
    assert lead["data"]["extra"] == {"nganh": "BĐS"}


def test_a_form_without_a_consent_field_records_nothing_rather_than_no(client, hub, queue):
    post(client, "a", ho_ten="Nguyễn Thị Lan", so_dien_thoai="0912345678")
    drain(hub, queue)
    assert lead_consents(hub) == [None]
    with hub.store.sessions() as session:
        assert contact_document(session, rows(hub, "contacts")[0]["id"])["consent"] is None


def test_a_signed_json_form_and_a_custom_mapped_field(client, hub, queue):
    body = json.dumps({"name": "Trần Văn Hùng", "phone": "0987654321", "consent": False}).encode()
    headers = standard_webhooks_headers(FORM_SECRET, body, "msg_c1")
    assert client.post("/webhooks/forms/builder", data=body, headers=headers).status_code == 200
    hub.settings = replace(hub.settings, forms={**hub.settings.forms, "shop": FormSettings(
        key="shop", token=FORM_TOKEN, fields={"ten": "name", "sdt": "phone", "chap_nhan_chinh_sach": "consent"})})
    response = client.post("/webhooks/forms/shop", data={"ten": "Lê Thị Hoà", "sdt": "0903111222",
                                                         "chap_nhan_chinh_sach": "yes"}, headers=AUTH)
    assert response.status_code == 200
    drain(hub, queue)
    assert [(c["given"], c["source"]) for c in lead_consents(hub)] == [
        (False, "form:consent"), (True, "form:chap_nhan_chinh_sach")]


def test_lead_ads_disclaimer_checkboxes_and_consent_questions(client, hub, queue, graph):
    ticked = graph_lead("9501", {"full_name": "Phạm Minh Tuấn", "phone_number": "0977000111",
                                 "dong_y_nhan_tin": "Có"},
                        custom_disclaimer_responses=[{"checkbox_key": "marketing_optin", "is_checked": "1"}])
    unticked = graph_lead("9502", {"full_name": "Đặng Thu Trang", "phone_number": "0988000222"},
                          custom_disclaimer_responses=[{"checkbox_key": "marketing_optin", "is_checked": ""}])
    graph.add_lead(FORM_ID, ticked)
    graph.add_lead(FORM_ID, unticked)
    body = meta_bytes(page_delivery(changes_entry(leadgen("9501", FORM_ID), leadgen("9502", FORM_ID))))
    assert client.post("/webhooks/facebook", data=body, headers=signed(body)).status_code == 200
    assert drain(hub, queue) == ["done", "done"]
    assert "custom_disclaimer_responses" in graph.requests[0][1]["fields"]
    first, second = lead_consents(hub)
    assert first == {"purpose": "marketing", "given": True,
                     "source": "facebook_leadads:disclaimer:marketing_optin,dong_y_nhan_tin",
                     "detail": {"dong_y_nhan_tin": "Có", "disclaimer:marketing_optin": "1"}}
    assert (second["given"], second["detail"]) == (False, {"disclaimer:marketing_optin": ""})
    assert all("dong_y_nhan_tin" not in lead["data"]["extra"] for lead in rows(hub, "leads"))


def test_zalo_submitted_info_is_consent_to_be_contacted(client, hub, queue):
    body = zalo_bytes(user_event("user_submit_info", info={"name": "Nguyễn Văn An", "phone": "84912000333"}))
    assert client.post(ZALO_URL, data=body, headers=zalo_signed(body)).status_code == 200
    drain(hub, queue)
    assert lead_consents(hub) == [{"purpose": "contact", "given": True, "source": "zalo:user_submit_info",
                                   "detail": {}}]


def test_the_contact_keeps_the_latest_answer_per_purpose_and_exports_it(client, hub, queue):
    post(client, "a", ho_ten="Nguyễn Thị Lan", so_dien_thoai="0912345678", consent="yes")
    drain(hub, queue)
    post(client, "b", ho_ten="Nguyễn Thị Lan", so_dien_thoai="0912345678", consent="không")  # withdrawn
    drain(hub, queue)
    [contact] = rows(hub, "contacts")
    with hub.store.sessions() as session:
        summary = contact_document(session, contact["id"])["consent"]
    [_, later] = rows(hub, "leads")
    assert summary == {"marketing": False, "contact": None, "source": "form:consent",
                       "at": later["captured_at"].isoformat()}
    out = io.StringIO()
    write_contacts(hub.store, out, fmt="jsonl")
    assert json.loads(out.getvalue())["consent"] == summary
    out = io.StringIO()
    write_contacts(hub.store, out, fmt="csv")
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert json.loads(row["consent"]) == summary
