"""GET|POST /webhooks/whatsapp: signed Cloud API messages become contacts by phone."""
from __future__ import annotations

from tests.conftest import VERIFY_TOKEN, WHATSAPP_SECRET, APP_SECRET
from tests.helpers import drain, row_count, rows
from tests.meta import T, meta_bytes, signed

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


# Usernames (2026): every message carries the sender's business-scoped user id (BSUID); one who
# hides their number behind a username writes with no `from` at all
# (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/).
BSUID = "VN.1502576394655843"
PARENT = "VN.ENT.11815799212886844830"


def _delivered(client, hub, queue, body: bytes) -> list[str]:
    """POST the signed body (answered 200), then run the events it stored: their outcomes."""
    assert client.post(URL, data=body, headers=signed(body, WHATSAPP_SECRET)).status_code == 200
    return drain(hub, queue)


def _delivery(message: dict, contacts: list[dict] | None = None) -> bytes:
    """One change holding one message (and its sender's contact, which system messages lack)."""
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "84283456789", "phone_number_id": NUMBER_ID},
             **({"contacts": contacts} if contacts is not None else {}), "messages": [message]}
    return meta_bytes({"object": "whatsapp_business_account",
                       "entry": [{"id": WABA, "changes": [{"value": value, "field": "messages"}]}]})


def _message(wamid: str, text: str, contact: dict, **sender: str) -> bytes:
    return _delivery({**sender, "id": wamid, "timestamp": str(T), "type": "text", "text": {"body": text}}, [contact])


def _system(wamid: str, system: dict, **sender: str) -> bytes:
    """A system message (no contacts array), as the system messages reference writes it:
    https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system/"""
    return _delivery({**sender, "id": wamid, "timestamp": str(T), "type": "system", "system": system})


def _from_username(wamid: str, text: str, name: str, username: str) -> bytes:
    """A message from a user who hid their number behind a username: their BSUID alone."""
    return _message(wamid, text, {"profile": {"name": name, "username": username}, "user_id": BSUID},
                    from_user_id=BSUID)


def test_a_sender_who_hides_their_number_joins_the_contact_their_earlier_messages_made(client, hub, queue):
    first = _message("wamid.ONE", "Cho em hỏi giá căn hộ",
                     {"profile": {"name": "Phạm Minh Tuấn"}, "wa_id": "84912345678", "user_id": BSUID,
                      "parent_user_id": PARENT},
                     **{"from": "84912345678", "from_user_id": BSUID, "from_parent_user_id": PARENT})
    assert _delivered(client, hub, queue, first) == ["done"]
    points = {(r["kind"], r["value"]) for r in rows(hub, "contact_points")}
    assert points == {("phone", "+84912345678"), ("identity", f"whatsapp:{NUMBER_ID}:84912345678"),
                      ("identity", f"whatsapp:bsuid:{BSUID}"), ("identity", f"whatsapp:bsuid:{PARENT}")}

    # Later, with a username: no number anywhere, and the display name is the username's owner's nickname.
    later = _from_username("wamid.TWO", "Em muốn xem nhà thứ 7", "Tuấn Béo", "@tuanpham")
    assert _delivered(client, hub, queue, later) == ["done"]
    [contact] = rows(hub, "contacts")
    assert contact["name"] == "Phạm Minh Tuấn"
    leads = rows(hub, "leads")
    assert [lead["contact_id"] for lead in leads] == [contact["id"]] * 2
    assert leads[1]["data"]["phones"] == []
    assert leads[1]["data"]["identity"] == {"channel": "whatsapp", "scope": "bsuid", "external_id": BSUID}
    assert leads[1]["data"]["extra"] == {"username": "@tuanpham"}
    assert row_count(hub, "contact_points") == 4


def test_a_first_message_without_a_number_is_a_lead_known_by_its_user_id(client, hub, queue):
    body = _from_username("wamid.THREE", "Tư vấn giúp em gói cước", "Lê Thị Hồng Nhung", "@nhung.le")
    assert _delivered(client, hub, queue, body) == ["done"]
    [contact] = rows(hub, "contacts")
    assert contact["name"] == "Lê Thị Hồng Nhung"
    assert {(r["kind"], r["value"]) for r in rows(hub, "contact_points")} == {("identity", f"whatsapp:bsuid:{BSUID}")}


def test_a_message_with_no_sender_to_know_is_kept_and_fails_visibly(client, hub, queue):
    body = _message("wamid.FOUR", "Xin chào", {"profile": {"name": "Khách"}}, from_user_id="not a bsuid")
    assert _delivered(client, hub, queue, body) == ["failed"]
    [event] = rows(hub, "raw_events")
    assert event["status"] == "failed" and "from_user_id" in event["last_error"]
    assert row_count(hub, "contacts") == row_count(hub, "leads") == 0


def test_a_number_change_gives_the_contact_the_new_number_and_its_next_messages(client, hub, queue):
    first = _message("wamid.OLD1", "Báo giá giúp em", {"profile": {"name": "Trần Thị Thu Hà"}, "wa_id": "84912345678"},
                     **{"from": "84912345678"})
    change = _system("wamid.SYS", {"body": "User Trần Thị Thu Hà changed from 84912345678 to 84387654321",
                                   "wa_id": "84387654321", "type": "user_changed_number"}, **{"from": "84912345678"})
    # From the new number, under a nickname: known by its wa_id, which the change linked.
    later = _message("wamid.NEW1", "Em đổi số rồi nha", {"profile": {"name": "Hà Mít"}, "wa_id": "84387654321"},
                     **{"from": "84387654321"})
    for body in (first, change, later):
        assert _delivered(client, hub, queue, body) == ["done"]
    [contact] = rows(hub, "contacts")
    assert contact["name"] == "Trần Thị Thu Hà"
    points = {(r["kind"], r["value"]) for r in rows(hub, "contact_points")}
    assert points == {("phone", "+84912345678"), ("phone", "+84387654321"),
                      ("identity", f"whatsapp:{NUMBER_ID}:84912345678"), ("identity", f"whatsapp:{NUMBER_ID}:84387654321")}
    leads = rows(hub, "leads")
    assert len(leads) == 3 and {lead["contact_id"] for lead in leads} == {contact["id"]}
    assert leads[1]["data"]["extra"] == {"type": "system", "system": "user_changed_number"}
    assert leads[1]["data"]["text"] == "User Trần Thị Thu Hà changed from 84912345678 to 84387654321"


NEW_BSUID = "VN.7700112233445566"
NEW_PARENT = "VN.ENT.99887766554433221100"


def test_a_user_id_change_links_the_new_bsuid_so_later_messages_join_the_contact(client, hub, queue):
    # The user hides their number; Meta then regenerates their BSUID (user_changed_user_id, August
    # 2026: the old ids in previous_user_id / previous_parent_user_id, the new in user_id /
    # parent_user_id, no number and no `from`).
    first = _from_username("wamid.U1", "Shop còn căn 2 phòng ngủ không ạ", "Đặng Thị Hoa", "@hoadang")
    change = _system("wamid.U2", {"body": "User Đặng Thị Hoa changed from VN.1502576394655843 to VN.7700112233445566",
                                  "type": "user_changed_user_id", "previous_user_id": BSUID,
                                  "previous_parent_user_id": PARENT, "user_id": NEW_BSUID,
                                  "parent_user_id": NEW_PARENT})
    later = _message("wamid.U3", "Em gửi lại câu hỏi nha", {"profile": {"name": "Hoa"}, "user_id": NEW_BSUID},
                     from_user_id=NEW_BSUID)
    for body in (first, change, later):
        assert _delivered(client, hub, queue, body) == ["done"]
    [contact] = rows(hub, "contacts")
    assert contact["name"] == "Đặng Thị Hoa"
    points = {(r["kind"], r["value"]) for r in rows(hub, "contact_points")}
    assert points == {("identity", f"whatsapp:bsuid:{b}") for b in (BSUID, PARENT, NEW_BSUID, NEW_PARENT)}
    leads = rows(hub, "leads")
    assert len(leads) == 3 and {lead["contact_id"] for lead in leads} == {contact["id"]}
    assert leads[1]["data"]["identity"] == {"channel": "whatsapp", "scope": "bsuid", "external_id": BSUID}
    assert leads[1]["data"]["extra"] == {"type": "system", "system": "user_changed_user_id"}
    [event] = [e for e in rows(hub, "raw_events") if e["delivery_key"] == "wamid.U2"]
    assert event["status"] == "done"


def test_a_number_change_also_links_the_bsuids_it_regenerated(client, hub, queue):
    first = _message("wamid.N1", "Báo giá giúp em", {"profile": {"name": "Võ Văn Lộc"}, "wa_id": "84912345678",
                                                      "user_id": BSUID},
                     **{"from": "84912345678", "from_user_id": BSUID})
    change = _system("wamid.N2", {"body": "User Võ Văn Lộc changed from 84912345678 to 84387654321",
                                  "wa_id": "84387654321", "type": "user_changed_number",
                                  "previous_user_id": BSUID, "user_id": NEW_BSUID},
                     **{"from": "84912345678"})
    # The number hidden afterwards: the new BSUID alone.
    later = _message("wamid.N3", "Em hỏi tiếp", {"profile": {"name": "Lộc"}, "user_id": NEW_BSUID},
                     from_user_id=NEW_BSUID)
    for body in (first, change, later):
        assert _delivered(client, hub, queue, body) == ["done"]
    [contact] = rows(hub, "contacts")
    identities = {r["value"] for r in rows(hub, "contact_points") if r["kind"] == "identity"}
    assert identities == {f"whatsapp:{NUMBER_ID}:84912345678", f"whatsapp:{NUMBER_ID}:84387654321",
                          f"whatsapp:bsuid:{BSUID}", f"whatsapp:bsuid:{NEW_BSUID}"}
    assert {lead["contact_id"] for lead in rows(hub, "leads")} == {contact["id"]}


def test_an_id_change_with_no_valid_bsuid_is_kept_and_fails_visibly(client, hub, queue):
    body = _system("wamid.BAD", {"body": "?", "type": "user_changed_user_id", "previous_user_id": "12",
                                 "user_id": "not a bsuid"})
    assert _delivered(client, hub, queue, body) == ["failed"]
    assert row_count(hub, "raw_events") == 1 and row_count(hub, "leads") == 0
