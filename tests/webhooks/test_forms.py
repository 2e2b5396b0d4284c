"""POST /webhooks/forms/<form_key>: auth, body formats, idempotency, bad input."""
from __future__ import annotations

import io
import json

import pytest

from tests.conftest import FORM_SECRET, FORM_TOKEN
from tests.helpers import FORM_URL, drain, row_count, rows, standard_webhooks_headers

AUTH = {"Authorization": f"Bearer {FORM_TOKEN}"}
LAN = {"ho_ten": "Nguyễn Thị Lan", "so_dien_thoai": "0912.345.678"}


def test_a_urlencoded_submission_is_stored_raw_before_the_200(client, hub):
    response = client.post(FORM_URL, data=LAN, headers={**AUTH, "Idempotency-Key": "s-1"})
    assert response.status_code == 200
    assert response.json["status"] == "accepted"
    [event] = rows(hub, "raw_events")
    assert event["channel"] == "form"
    assert event["route"] == "contact-us"
    assert event["delivery_key"] == "contact-us:s-1"
    assert event["status"] == "pending"
    assert "Nguy%E1%BB%85n" in event["body"].decode()  # the exact bytes as sent
    assert "Authorization" not in event["headers"]


def test_json_and_multipart_bodies_are_accepted(client, hub, queue):
    json_body = json.dumps({"ho_ten": "Trần Văn Hùng", "so_dien_thoai": "0987 654 321"})
    assert client.post(FORM_URL, data=json_body, content_type="application/json", headers=AUTH).status_code == 200
    multipart = {**LAN, "cv": (io.BytesIO(b"%PDF"), "cv.pdf")}
    assert client.post(FORM_URL, data=multipart, content_type="multipart/form-data", headers=AUTH).status_code == 200
    assert drain(hub, queue) == ["done", "done"]
    phones = {r["value"] for r in rows(hub, "contact_points") if r["kind"] == "phone"}
    assert phones == {"+84987654321", "+84912345678"}


def test_the_token_may_come_in_the_query_string_for_plain_browser_posts(client, hub):
    assert client.post(f"{FORM_URL}?token={FORM_TOKEN}", data=LAN).status_code == 200
    assert row_count(hub, "raw_events") == 1


@pytest.mark.parametrize(
    "headers, query",
    [({}, ""), ({"Authorization": "Bearer wrong"}, ""), ({}, "?token=wrong"), ({"Authorization": "Basic x"}, "")],
)
def test_it_rejects_a_missing_or_bad_token_and_stores_nothing(client, hub, headers, query):
    response = client.post(FORM_URL + query, data=LAN, headers=headers)
    assert response.status_code == 401
    assert response.json["reason"] == "auth"
    assert row_count(hub, "raw_events") == 0


def test_a_standard_webhooks_signature_is_verified_over_the_raw_bytes(client, hub):
    body = json.dumps({"name": "Lê Thị Hoà", "phone": "+84 912 345 678"}, ensure_ascii=True).encode()
    headers = standard_webhooks_headers(FORM_SECRET, body, "msg_1")
    response = client.post("/webhooks/forms/builder", data=body, headers=headers)
    assert response.status_code == 200
    [event] = rows(hub, "raw_events")
    assert event["delivery_key"] == "builder:msg_1"
    assert event["body"] == body


@pytest.mark.parametrize("tamper", ["body", "signature", "stale", "future", "garbage"])
def test_it_rejects_a_forged_or_replayed_signature_and_stores_nothing(client, hub, tamper):
    body = json.dumps({"name": "Lê Thị Hoà", "phone": "0912345678"}).encode()
    timestamp = {"stale": 1_000_000_000, "future": 4_000_000_000}.get(tamper)
    headers = standard_webhooks_headers(FORM_SECRET, body, "msg_2", timestamp)
    if tamper == "body":
        body = body.replace(b"0912345678", b"0912345679")
    if tamper == "signature":
        headers["webhook-signature"] = "v1," + "A" * 44
    if tamper == "garbage":
        headers["webhook-signature"] = "not-a-signature"
    response = client.post("/webhooks/forms/builder", data=body, headers=headers)
    assert response.status_code == 401
    assert row_count(hub, "raw_events") == 0


def test_the_same_idempotency_key_twice_is_one_event_and_one_lead(client, hub, queue):
    for _ in range(2):
        response = client.post(FORM_URL, data=LAN, headers={**AUTH, "Idempotency-Key": "same"})
        assert response.status_code == 200
    assert response.json["duplicate"] is True
    drain(hub, queue)
    assert row_count(hub, "raw_events") == 1
    assert row_count(hub, "leads") == 1


def test_without_a_key_the_same_fields_in_another_order_are_one_event(client, hub):
    client.post(FORM_URL, data="ho_ten=Lan&so_dien_thoai=0912345678", headers=AUTH,
                content_type="application/x-www-form-urlencoded")
    client.post(FORM_URL, data="so_dien_thoai=0912345678&ho_ten=Lan", headers=AUTH,
                content_type="application/x-www-form-urlencoded")
    client.post(FORM_URL, data=json.dumps({"so_dien_thoai": "0912345678", "ho_ten": "Lan"}),
                headers=AUTH, content_type="application/json")
    assert row_count(hub, "raw_events") == 1


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"ho_ten=Lan", "text/plain"),
        (b"ho_ten=Lan", ""),
        (b"--x\r\nbroken", "multipart/form-data"),
    ],
)
def test_it_rejects_a_malformed_body_with_a_json_400_and_stores_nothing(client, hub, body, content_type):
    headers = {**AUTH, "Content-Type": content_type} if content_type else AUTH
    response = client.post(FORM_URL, data=body, headers=headers)
    assert response.status_code == 400
    assert response.is_json and response.json["reason"] == "malformed"
    assert row_count(hub, "raw_events") == 0


def test_a_body_over_the_limit_is_refused_with_413_and_stores_nothing(client, hub):
    huge = json.dumps({"ho_ten": "x" * (hub.settings.ingest.max_body_bytes + 10)})
    response = client.post(FORM_URL, data=huge, content_type="application/json", headers=AUTH)
    assert response.status_code == 413
    assert response.is_json
    assert row_count(hub, "raw_events") == 0


def test_an_unknown_form_is_a_json_404(client, hub):
    response = client.post("/webhooks/forms/no-such-form", data=LAN, headers=AUTH)
    assert response.status_code == 404
    assert response.json["reason"] == "unknown_form"
    assert row_count(hub, "raw_events") == 0


def test_unmapped_fields_become_extra_and_utm_and_referer_become_attribution(client, hub, queue):
    data = {**LAN, "san_pham": "Căn hộ 2PN", "utm_source": "facebook", "utm_campaign": "tet-2026"}
    client.post(FORM_URL, data=data, headers={**AUTH, "Referer": "https://shop.vn/lien-he?utm_medium=cpc"})
    drain(hub, queue)
    [lead] = rows(hub, "leads")
    assert lead["data"]["extra"] == {"san_pham": "Căn hộ 2PN"}
    assert lead["attribution"]["utm_source"] == "facebook"
    assert lead["attribution"]["utm_campaign"] == "tet-2026"
    assert lead["attribution"]["form_key"] == "contact-us"
    assert lead["attribution"]["page_url"] == "https://shop.vn/lien-he?utm_medium=cpc"


def test_a_filled_honeypot_is_stored_but_ignored_as_spam(client, hub, queue):
    client.post(FORM_URL, data={**LAN, "website": "http://spam.example"}, headers=AUTH)
    assert drain(hub, queue) == ["ignored"]
    [event] = rows(hub, "raw_events")
    assert "honeypot" in event["last_error"]
    assert row_count(hub, "contacts") == 0


def test_the_database_down_answers_503_so_the_sender_retries(hub, queue):
    from hub.app import create_app
    from hub.runtime import Hub
    from tests.conftest import make_settings

    down = Hub(make_settings("postgresql://postgres@127.0.0.1:1/none"), queue=queue)
    client = create_app(role="ingest", hub=down).test_client()
    response = client.post(FORM_URL, data=LAN, headers=AUTH)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert queue.ids == []
