"""GET|POST /webhooks/facebook: handshake, signatures over raw bytes, batches, what is ignored."""
from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from tests.conftest import APP_SECRET, OLD_APP_SECRET, PAGE_ID, VERIFY_TOKEN
from tests.helpers import drain, row_count, rows
from tests.meta import (changes_entry, comment, message, messaging_entry, meta_bytes, page_delivery,
                        signed)

URL = "/webhooks/facebook"
# Exactly as Meta sends it: Vietnamese \u-escaped, "/" escaped, no spaces.
LAN_MESSAGE = (
    b'{"object":"page","entry":[{"id":"104857600123456","time":1763860000000,"messaging":[{"sender":'
    b'{"id":"6001234567890123"},"recipient":{"id":"104857600123456"},"timestamp":1763860000123,'
    b'"message":{"mid":"m_AbC123","text":"Ch\\u00e0o shop, em l\\u00e0 Nguy\\u1ec5n Th\\u1ecb Lan, '
    b'sdt 0912.345.678, xem https:\\/\\/shop.vn\\/can-ho nh\\u00e9"}}]}]}'
)


def test_the_handshake_echoes_the_challenge_as_plain_text(client):
    response = client.get(URL, query_string={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
                                             "hub.challenge": "1158201444"})
    assert response.status_code == 200
    assert response.data == b"1158201444"
    assert response.mimetype == "text/plain"


@pytest.mark.parametrize("query", [
    {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
    {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
    {"hub.challenge": "1"},
])
def test_a_handshake_with_a_wrong_token_or_mode_is_refused(client, query):
    assert client.get(URL, query_string=query).status_code == 403


def test_a_message_with_escaped_vietnamese_is_verified_over_the_exact_bytes(client, hub, queue):
    response = client.post(URL, data=LAN_MESSAGE, headers=signed(LAN_MESSAGE))
    assert response.status_code == 200
    assert drain(hub, queue) == ["done"]
    [event] = rows(hub, "raw_events")
    assert (event["channel"], event["delivery_key"], event["route"]) == ("messenger", "m_AbC123", PAGE_ID)
    [delivery] = rows(hub, "webhook_deliveries")
    assert delivery["body"] == LAN_MESSAGE  # the signed bytes, kept whole
    # The item names its delivery, whose row keeps the signature: still verifiable later.
    assert event["headers"] == {"X-Hub-Delivery-Sha256": hashlib.sha256(LAN_MESSAGE).hexdigest(),
                                "X-Hub-Item": "0"}
    assert delivery["sha256"] == event["headers"]["X-Hub-Delivery-Sha256"]
    expected = "sha256=" + hmac.new(APP_SECRET.encode(), delivery["body"], hashlib.sha256).hexdigest()
    assert delivery["headers"]["X-Hub-Signature-256"] == expected
    [lead] = rows(hub, "leads")
    assert "Nguyễn Thị Lan" in lead["data"]["text"]
    phones = {r["value"] for r in rows(hub, "contact_points") if r["kind"] == "phone"}
    assert phones == {"+84912345678"}


def test_a_signed_body_escaping_a_lone_surrogate_is_a_400_that_stores_nothing(client, hub):
    body = (b'{"object":"page","entry":[{"id":"%s","time":1,"messaging":[{"sender":{"id":"6001"},'
            b'"message":{"mid":"m_x","text":"\\ud800 g\\u1ecdi em"}}]}]}' % PAGE_ID.encode())
    response = client.post(URL, data=body, headers=signed(body))
    assert (response.status_code, response.json["reason"]) == (400, "malformed")
    assert row_count(hub, "raw_events") == row_count(hub, "webhook_deliveries") == 0


def test_re_serialised_json_would_not_verify(client, hub):
    reserialised = json.dumps(json.loads(LAN_MESSAGE), ensure_ascii=False).encode()
    assert reserialised != LAN_MESSAGE
    response = client.post(URL, data=reserialised, headers=signed(LAN_MESSAGE))
    assert response.status_code == 403
    assert row_count(hub, "raw_events") == 0


@pytest.mark.parametrize("headers, status, reason", [
    ({}, 401, "missing_signature"),
    ({"X-Hub-Signature-256": "sha256=" + "0" * 64}, 403, "bad_signature"),
    ({"X-Hub-Signature-256": "sha1=" + "0" * 40}, 403, "bad_signature"),
    (signed(LAN_MESSAGE, secret="not-the-app-secret"), 403, "bad_signature"),
    ({"X-Hub-Signature-256": signed(LAN_MESSAGE)["X-Hub-Signature-256"].removeprefix("sha256=")},
     403, "bad_signature"),
])
def test_a_missing_or_wrong_signature_stores_nothing_and_is_counted(client, hub, headers, status, reason):
    response = client.post(URL, data=LAN_MESSAGE, headers={"Content-Type": "application/json", **headers})
    assert response.status_code == status
    assert response.json["reason"] == reason
    assert row_count(hub, "raw_events") == row_count(hub, "webhook_deliveries") == 0
    metrics = client.get("/metrics").data.decode()
    assert f'hub_webhook_rejected_total{{channel="facebook",reason="{reason}"}} 1.0' in metrics


def test_a_tampered_body_with_the_original_signature_is_refused(client, hub):
    tampered = LAN_MESSAGE.replace(b"0912.345.678", b"0912.345.679")
    assert client.post(URL, data=tampered, headers=signed(LAN_MESSAGE)).status_code == 403
    assert row_count(hub, "raw_events") == 0


def test_the_previous_app_secret_is_accepted_while_rotating(client, hub):
    assert client.post(URL, data=LAN_MESSAGE, headers=signed(LAN_MESSAGE, OLD_APP_SECRET)).status_code == 200
    assert row_count(hub, "raw_events") == 1


def test_a_signed_body_that_is_not_json_is_a_400_and_stores_nothing(client, hub):
    body = b"{not json"
    response = client.post(URL, data=body, headers=signed(body))
    assert response.status_code == 400
    assert row_count(hub, "raw_events") == 0


def test_every_item_of_a_batch_is_stored_and_a_malformed_one_does_not_drop_the_others(client, hub, queue):
    broken = {"recipient": {"id": PAGE_ID}, "timestamp": 1, "message": {"mid": "m_no_sender", "text": "?"}}
    payload = page_delivery(
        messaging_entry(message("m_1", "Tôi tên Trần Văn Hùng, 0987654321", sender="6001"), broken,
                        message("m_2", "email mình: hung.tran@gmail.com", sender="6002")),
        changes_entry(comment("c_1", "ib em 0903 111 222 nha", "7001", "Lê Thị Hoà")),
    )
    body = meta_bytes(payload)
    response = client.post(URL, data=body, headers=signed(body))
    assert response.status_code == 200
    assert len(response.json["event_ids"]) == 4
    assert sorted(drain(hub, queue)) == ["done", "done", "done", "failed"]
    failed = [e for e in rows(hub, "raw_events") if e["status"] == "failed"]
    assert failed[0]["delivery_key"].startswith("sha256:") and "sender" in failed[0]["last_error"]
    assert {lead["source_ref"] for lead in rows(hub, "leads")} == {"m_1", "m_2", "c_1"}


def test_a_redelivered_batch_stores_nothing_new(client, hub, queue):
    body = meta_bytes(page_delivery(messaging_entry(message("m_1", "hi"), message("m_2", "hello"))))
    first = client.post(URL, data=body, headers=signed(body))
    again = client.post(URL, data=body, headers=signed(body))
    assert (len(first.json["event_ids"]), again.json["event_ids"], again.json["duplicates"]) == (2, [], 2)
    rebatched = meta_bytes(page_delivery(messaging_entry(message("m_2", "hello"), message("m_3", "hey"))))
    assert client.post(URL, data=rebatched, headers=signed(rebatched)).json["duplicates"] == 1
    drain(hub, queue)
    assert row_count(hub, "raw_events") == row_count(hub, "leads") == 3


def test_items_that_are_not_leads_are_answered_200_counted_and_not_stored(client, hub):
    read = {"sender": {"id": "6001"}, "recipient": {"id": PAGE_ID}, "timestamp": 1, "read": {"watermark": 1}}
    echo = message("m_echo", "Dạ shop chào chị", sender=PAGE_ID, is_echo=True, app_id=1)
    payload = page_delivery(
        messaging_entry(read, echo),
        changes_entry(comment("c_own", "Shop inbox chị nhé", PAGE_ID, "Shop Căn Hộ"),
                      comment("c_edit", "sửa", "7001", "Lê Thị Hoà", verb="edited"),
                      {"field": "ratings", "value": {"item": "rating"}}),
    )
    body = meta_bytes(payload)
    response = client.post(URL, data=body, headers=signed(body))
    assert response.status_code == 200 and response.json["ignored"] == 5
    assert row_count(hub, "raw_events") == row_count(hub, "webhook_deliveries") == 0
    metrics = client.get("/metrics").data.decode()
    for channel, reason in [("messenger", "not_a_lead"), ("messenger", "echo"),
                            ("facebook_comment", "own_comment"), ("facebook_comment", "not_added"),
                            ("page", "unknown_field")]:
        assert f'hub_webhook_ignored_total{{channel="{channel}",reason="{reason}"}} 1.0' in metrics


def test_an_unknown_object_is_answered_200_and_ignored(client, hub):
    body = meta_bytes({"object": "permissions", "entry": [{"id": "1", "time": 1, "changes": []}]})
    response = client.post(URL, data=body, headers=signed(body))
    assert response.status_code == 200
    assert row_count(hub, "raw_events") == 0
    assert 'channel="permissions",reason="unknown_object"' in client.get("/metrics").data.decode()


def test_without_an_app_secret_the_endpoint_is_not_configured(hub, queue):
    from dataclasses import replace

    from hub.app import create_app
    from hub.runtime import Hub

    bare = Hub(replace(hub.settings, facebook=replace(hub.settings.facebook, app_secrets=())), queue=queue)
    client = create_app(role="ingest", hub=bare).test_client()
    response = client.post(URL, data=LAN_MESSAGE, headers=signed(LAN_MESSAGE))
    assert response.status_code == 404
    assert row_count(hub, "raw_events") == 0


def test_accepted_items_are_counted_per_channel_with_their_redeliveries(client):
    first = meta_bytes(page_delivery(messaging_entry(message("m_1", "Chào shop"), message("m_2", "Alo"))))
    again = meta_bytes(page_delivery(messaging_entry(message("m_2", "Alo"), message("m_3", "Giá?"),
                                                     message("m_4", "Còn hàng?"))))
    for body in (first, again):
        assert client.post(URL, data=body, headers=signed(body)).status_code == 200
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'hub_webhook_accepted_total{channel="messenger",duplicate="false"} 4.0' in metrics
    assert 'hub_webhook_accepted_total{channel="messenger",duplicate="true"} 1.0' in metrics
