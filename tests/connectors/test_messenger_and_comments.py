"""Messenger, Instagram and page comments end as contacts with identities and attribution."""
from __future__ import annotations

from datetime import datetime, timezone

from tests.conftest import PAGE_ID
from tests.helpers import drain, rows
from tests.meta import T, changes_entry, comment, message, messaging_entry, meta_bytes, page_delivery, signed

URL = "/webhooks/facebook"
IG_ACCOUNT = "17841400000000001"


def post(client, payload) -> None:
    body = meta_bytes(payload)
    assert client.post(URL, data=body, headers=signed(body)).status_code == 200


def points(hub) -> set[tuple[str, str]]:
    return {(r["kind"], r["value"]) for r in rows(hub, "contact_points")}


def test_a_quick_reply_phone_and_email_become_contact_points(client, hub, queue):
    post(client, page_delivery(messaging_entry(
        message("m_q1", "0912345678", quick_reply={"payload": "0912345678"}),
        message("m_q2", "lan@gmail.com", quick_reply={"payload": "lan@gmail.com"}),
    )))
    assert drain(hub, queue) == ["done", "done"]
    assert points(hub) == {("phone", "+84912345678"), ("email", "lan@gmail.com"),
                           ("identity", f"facebook:{PAGE_ID}:6001234567890123")}
    assert len(rows(hub, "contacts")) == 1  # the same PSID: one person


def test_a_chat_without_phone_or_email_still_makes_a_contact_by_identity(client, hub, queue):
    post(client, page_delivery(messaging_entry(message("m_hi", "Shop ơi còn hàng không ạ?"))))
    assert drain(hub, queue) == ["done"]
    [lead] = rows(hub, "leads")
    assert lead["captured_at"] == datetime.fromtimestamp(T + 0.123, timezone.utc)
    assert points(hub) == {("identity", f"facebook:{PAGE_ID}:6001234567890123")}


def test_an_ad_referral_on_a_postback_becomes_attribution(client, hub, queue):
    postback = {"sender": {"id": "6009"}, "recipient": {"id": PAGE_ID}, "timestamp": T * 1000,
                "postback": {"title": "Bắt đầu", "payload": "GET_STARTED", "referral": {
                    "ref": "tet2026", "source": "ADS", "type": "OPEN_THREAD", "ad_id": "23850000000000009",
                    "ads_context_data": {"ad_title": "Căn hộ 2PN", "post_id": "900009"}}}}
    post(client, page_delivery(messaging_entry(postback)))
    assert drain(hub, queue) == ["done"]
    [lead] = rows(hub, "leads")
    assert lead["source_ref"].startswith("sha256:")  # an old-style postback without mid
    assert lead["attribution"] == {"channel": "messenger", "page_id": PAGE_ID, "ad_id": "23850000000000009",
                                   "ref": "tet2026", "referral_source": "ADS", "referral_type": "OPEN_THREAD",
                                   "ad_title": "Căn hộ 2PN", "post_id": "900009"}
    post(client, page_delivery(messaging_entry(postback)))
    assert len(rows(hub, "raw_events")) == 1  # the same tap redelivered


def test_an_instagram_message_gets_an_instagram_identity(client, hub, queue):
    dm = message("aWdfZAG1faXRlbToxOklH", "Mình muốn tư vấn, 0987 654 321", sender="5501",
                 page_id=IG_ACCOUNT, referral={"source": "ADS", "ad_id": "238", "type": "OPEN_THREAD"})
    post(client, page_delivery(messaging_entry(dm, page_id=IG_ACCOUNT), obj="instagram"))
    assert drain(hub, queue) == ["done"]
    [lead] = rows(hub, "leads")
    assert (lead["channel"], lead["attribution"]["ad_id"]) == ("instagram", "238")
    assert points(hub) == {("phone", "+84987654321"), ("identity", f"instagram:{IG_ACCOUNT}:5501")}


def test_a_comment_with_a_phone_becomes_a_named_contact_with_post_attribution(client, hub, queue):
    post(client, page_delivery(changes_entry(comment("900001_1", "Giá bao nhiêu ạ? ib em 0903.111.222",
                                                     "7001", "Lê Thị Hoà"))))
    assert drain(hub, queue) == ["done"]
    [contact] = rows(hub, "contacts")
    assert contact["name"] == "Lê Thị Hoà"
    assert points(hub) == {("phone", "+84903111222"), ("identity", f"facebook:{PAGE_ID}:7001")}
    [lead] = rows(hub, "leads")
    assert lead["attribution"] == {"channel": "facebook_comment", "page_id": PAGE_ID,
                                   "post_id": f"{PAGE_ID}_900001", "comment_id": "900001_1",
                                   "parent_id": f"{PAGE_ID}_900001"}
