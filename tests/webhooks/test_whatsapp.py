"""GET|POST /webhooks/whatsapp: signed Cloud API messages become contacts by phone."""
from __future__ import annotations

from tests.conftest import VERIFY_TOKEN, WHATSAPP_SECRET, APP_SECRET
from tests.helpers import drain, row_count, rows
from tests.meta import T, signed

URL = "/webhooks/whatsapp"
WABA = "102290129340398"
NUMBER_ID = "106540352242922"
# https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples, as sent:
# a click-to-WhatsApp ad message and a status in one change, Vietnamese \u-escaped, "/" escaped.
BODY = (
    b'{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":'
    b'{"messaging_product":"whatsapp","metadata":{"display_phone_number":"84283456789",'
    b'"phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Ph\\u1ea1m Minh Tu\\u1ea5n"},'
    b'"wa_id":"84912345678"}],"messages":[{"from":"84912345678","id":"wamid.HBgLODQ5MTIzNDU2NzgVAgASGBQz",'
    b'"timestamp":"1763860000","type":"text","text":{"body":"T\\u00f4i mu\\u1ed1n \\u0111\\u1eb7t l\\u1ecbch xem nh\\u00e0"},'
    b'"referral":{"source_url":"https:\\/\\/fb.me\\/3cr4Wqqkv","source_id":"23850000000000077",'
    b'"source_type":"ad","headline":"Nh\\u00e0 ph\\u1ed1 Q7","ctwa_clid":"ARAkLkA8rmlFeiCktEJQ"}}],'
    b'"statuses":[{"id":"wamid.OLD","status":"read","timestamp":"1763859990","recipient_id":"84987654321"}]},'
    b'"field":"messages"}]}]}'
)


def test_the_handshake_uses_the_facebook_verify_token_when_none_is_set(client):
    response = client.get(URL, query_string={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
                                             "hub.challenge": "42"})
    assert (response.status_code, response.data) == (200, b"42")


def test_a_click_to_whatsapp_message_becomes_a_contact_with_ad_attribution(client, hub, queue):
    response = client.post(URL, data=BODY, headers=signed(BODY, WHATSAPP_SECRET))
    assert response.status_code == 200 and response.json["ignored"] == 1  # the read receipt
    assert drain(hub, queue) == ["done"]
    [event] = rows(hub, "raw_events")
    assert (event["channel"], event["delivery_key"], event["route"]) == (
        "whatsapp", "wamid.HBgLODQ5MTIzNDU2NzgVAgASGBQz", NUMBER_ID)
    [contact] = rows(hub, "contacts")
    assert contact["name"] == "Phạm Minh Tuấn"
    points = {(r["kind"], r["value"]) for r in rows(hub, "contact_points")}
    assert points == {("phone", "+84912345678"), ("identity", f"whatsapp:{NUMBER_ID}:84912345678")}
    [lead] = rows(hub, "leads")
    assert lead["captured_at"].timestamp() == T
    assert lead["data"]["text"] == "Tôi muốn đặt lịch xem nhà"
    assert lead["attribution"] == {
        "channel": "whatsapp", "phone_number_id": NUMBER_ID, "wamid": "wamid.HBgLODQ5MTIzNDU2NzgVAgASGBQz",
        "display_phone_number": "84283456789", "ad_id": "23850000000000077", "referral_source": "ad",
        "source_url": "https://fb.me/3cr4Wqqkv", "ctwa_clid": "ARAkLkA8rmlFeiCktEJQ", "ad_title": "Nhà phố Q7"}


def test_the_facebook_app_secret_does_not_sign_whatsapp_when_it_has_its_own(client, hub):
    assert client.post(URL, data=BODY, headers=signed(BODY, APP_SECRET)).status_code == 403
    assert client.post(URL, data=BODY, headers={"Content-Type": "application/json"}).status_code == 401
    assert row_count(hub, "raw_events") == 0


def test_a_redelivered_message_is_one_lead(client, hub, queue):
    for _ in range(3):
        assert client.post(URL, data=BODY, headers=signed(BODY, WHATSAPP_SECRET)).status_code == 200
    drain(hub, queue)
    assert row_count(hub, "raw_events") == row_count(hub, "leads") == 1
