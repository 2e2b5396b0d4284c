"""POST /webhooks/zalo: the signature formula, unknown OAs, big ids, what is stored and ignored."""
from __future__ import annotations

import pytest

from tests.conftest import OTHER_OA_ID, OTHER_OA_SECRET, ZALO_OA_ID
from tests.helpers import drain, row_count, rows
from tests.zalo import (TS, URL, USER_ID, follow, oa_send_text, signed, submit_info_flat,
                        user_event, user_send_text, zalo_bytes)

TEXT = zalo_bytes(user_send_text("msg_001", "Shop ơi tư vấn giúp em, sđt 0912 345 678"))


def test_a_signed_text_is_stored_with_the_variant_that_matched(client, hub, queue):
    response = client.post(URL, data=TEXT, headers=signed(TEXT))
    assert response.status_code == 200
    [event] = rows(hub, "raw_events")
    assert (event["channel"], event["delivery_key"], event["route"]) == ("zalo", "msg_001", ZALO_OA_ID)
    assert event["body"] == TEXT
    assert event["headers"]["X-Hub-Zalo-Signature-Variant"] == "app_id"
    assert drain(hub, queue) == ["done"]


def test_the_signature_without_the_mac_prefix_verifies(client, hub):
    headers = signed(TEXT)
    headers["X-ZEvent-Signature"] = headers["X-ZEvent-Signature"].removeprefix("mac=")
    assert client.post(URL, data=TEXT, headers=headers).status_code == 200


def test_the_oa_id_first_variant_verifies_and_is_recorded(client, hub):
    assert client.post(URL, data=TEXT, headers=signed(TEXT, first=ZALO_OA_ID)).status_code == 200
    [event] = rows(hub, "raw_events")
    assert event["headers"]["X-Hub-Zalo-Signature-Variant"] == "oa_id"


@pytest.mark.parametrize("headers, status, reason", [
    ({}, 401, "missing_signature"),
    ({"X-ZEvent-Signature": "mac=" + "0" * 64}, 403, "bad_signature"),
    (signed(TEXT, secret="not-the-oa-secret"), 403, "bad_signature"),
    (signed(TEXT, secret=OTHER_OA_SECRET), 403, "bad_signature"),  # another OA's key
    (signed(TEXT, timestamp="1763860000124"), 403, "bad_signature"),
    (signed(TEXT, first="999"), 403, "bad_signature"),
])
def test_a_missing_or_wrong_signature_stores_nothing_and_is_counted(client, hub, headers, status, reason):
    response = client.post(URL, data=TEXT, headers={"Content-Type": "application/json", **headers})
    assert response.status_code == status
    assert response.json["reason"] == reason
    assert row_count(hub, "raw_events") == 0
    metrics = client.get("/metrics").data.decode()
    assert f'hub_webhook_rejected_total{{channel="zalo",reason="{reason}"}} 1.0' in metrics


def test_a_body_altered_by_one_byte_is_refused(client, hub):
    altered = TEXT.replace(b"0912 345 678", b"0912 345 679")
    assert len(altered) == len(TEXT)
    assert client.post(URL, data=altered, headers=signed(TEXT)).status_code == 403
    assert row_count(hub, "raw_events") == 0


def test_an_unknown_oa_is_a_404_and_stores_nothing(client, hub):
    body = zalo_bytes(user_send_text("msg_x", "hi", oa="1111111111111111111"))
    response = client.post(URL, data=body, headers=signed(body))
    assert (response.status_code, response.json["reason"]) == (404, "unknown_oa")
    assert row_count(hub, "raw_events") == 0


def test_each_configured_oa_verifies_with_its_own_secret_key(client, hub):
    body = zalo_bytes(user_send_text("msg_other", "xin chào", oa=OTHER_OA_ID))
    assert client.post(URL, data=body, headers=signed(body, secret=OTHER_OA_SECRET)).status_code == 200
    [event] = rows(hub, "raw_events")
    assert event["route"] == OTHER_OA_ID


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_a_400(client, hub, body):
    response = client.post(URL, data=body, headers=signed(body))
    assert (response.status_code, response.json["reason"]) == (400, "malformed")
    assert row_count(hub, "raw_events") == 0


@pytest.mark.parametrize("payload, reason", [
    (oa_send_text("msg_echo", "Dạ shop chào anh/chị"), "echo"),
    (user_event("user_seen_message", {"msg_ids": ["msg_001"]}), "receipt"),
    (user_event("user_reacted_message", {"msg_id": "msg_001", "react_icon": "/-heart"}), "unknown_event"),
    (user_event("shop_has_order", None), "unknown_event"),
])
def test_echoes_receipts_and_unknown_events_are_a_200_not_stored_but_counted(client, hub, payload, reason):
    body = zalo_bytes(payload)
    response = client.post(URL, data=body, headers=signed(body))
    assert response.status_code == 200
    assert response.json == {"status": "ignored", "reason": reason}
    assert row_count(hub, "raw_events") == 0
    metrics = client.get("/metrics").data.decode()
    assert f'hub_webhook_ignored_total{{channel="zalo",reason="{reason}"}} 1.0' in metrics


def test_an_echo_is_verified_with_the_key_of_the_oa_that_sent_it(client, hub):
    body = zalo_bytes(oa_send_text("msg_echo", "Dạ shop chào anh/chị"))  # sender: the OA
    assert client.post(URL, data=body, headers=signed(body, secret=OTHER_OA_SECRET)).status_code == 403
    assert client.post(URL, data=body, headers=signed(body)).json["reason"] == "echo"


def test_a_signed_lead_event_without_a_sender_is_stored_and_fails_visibly(client, hub, queue):
    payload = user_send_text("msg_nosender", "0912345678")
    del payload["sender"]
    body = zalo_bytes(payload)
    assert client.post(URL, data=body, headers=signed(body)).status_code == 200
    assert drain(hub, queue) == ["failed"]
    [event] = rows(hub, "raw_events")
    assert "without an OA id or a user id" in event["last_error"]
    assert row_count(hub, "leads") == 0


def test_a_redelivered_event_is_a_no_op(client, hub, queue):
    assert client.post(URL, data=TEXT, headers=signed(TEXT)).status_code == 200
    again = client.post(URL, data=TEXT, headers=signed(TEXT))
    assert again.status_code == 200 and again.json["duplicate"] is True
    assert drain(hub, queue) == ["done"]
    assert row_count(hub, "raw_events") == row_count(hub, "leads") == 1


def test_events_without_a_msg_id_are_keyed_by_event_user_and_time(client, hub):
    for payload in (follow(), submit_info_flat()):
        body = zalo_bytes(payload)
        assert client.post(URL, data=body, headers=signed(body)).status_code == 200
        assert client.post(URL, data=body, headers=signed(body)).json["duplicate"] is True
    assert [e["delivery_key"] for e in rows(hub, "raw_events")] == [
        f"follow:{USER_ID}:{TS}", f"user_submit_info:{USER_ID}:{TS}"]


def test_ids_longer_than_2_53_are_kept_exactly_even_when_sent_as_numbers(client, hub, queue):
    user = "9007199254740993123"  # > 2^53: a float would round it
    body = (b'{"app_id":"1234567890123456789","event_name":"user_send_text","timestamp":"' + TS.encode()
            + b'","sender":{"id":' + user.encode() + b'},"recipient":{"id":' + ZALO_OA_ID.encode()
            + b'},"message":{"msg_id":"msg_big","text":"hi"}}')
    assert client.post(URL, data=body, headers=signed(body)).status_code == 200
    assert drain(hub, queue) == ["done"]
    [event] = rows(hub, "raw_events")
    assert event["route"] == ZALO_OA_ID
    identities = {r["value"] for r in rows(hub, "contact_points") if r["kind"] == "identity"}
    assert identities == {f"zalo:{ZALO_OA_ID}:{user}"}
