"""Instagram comments (`object=instagram`, field `comments`) through POST /webhooks/facebook."""
from __future__ import annotations

from typing import Any

from tests.helpers import drain, row_count, rows
from tests.meta import changes_entry, meta_bytes, page_delivery, signed

URL = "/webhooks/facebook"
IG_ACCOUNT = "17841400000000001"


def ig_comment(comment_id: str, text: str, author_id: str = "17841455500000001",
               username: str = "lan.nguyen.92", media_id: str = "17895695668004550") -> dict[str, Any]:
    # https://developers.facebook.com/docs/instagram-platform/webhooks#comments
    return {"field": "comments", "value": {
        "from": {"id": author_id, "username": username}, "media": {"id": media_id,
                                                                  "media_product_type": "FEED"},
        "id": comment_id, "text": text}}


def delivery(*changes: dict[str, Any]) -> bytes:
    return meta_bytes(page_delivery(changes_entry(*changes, entry_id=IG_ACCOUNT), obj="instagram"))


def test_a_signed_comment_with_a_phone_becomes_a_contact_with_media_attribution(client, hub, queue):
    body = delivery(ig_comment("17865799348089039", "Váy này giá sao ạ? ib mình 0168.123.4567 nhé 💕"))
    assert b"\\u" in body  # Vietnamese escaped the way Meta sends it
    response = client.post(URL, data=body, headers=signed(body))
    assert response.status_code == 200
    [event] = rows(hub, "raw_events")
    assert (event["channel"], event["delivery_key"], event["route"]) == (
        "instagram_comment", "17865799348089039", IG_ACCOUNT)
    assert drain(hub, queue) == ["done"]
    points = {(p["kind"], p["value"]) for p in rows(hub, "contact_points")}
    assert points == {("phone", "+84381234567"), ("identity", f"instagram:{IG_ACCOUNT}:17841455500000001")}
    [lead] = rows(hub, "leads")
    assert lead["attribution"] == {"channel": "instagram_comment", "ig_account_id": IG_ACCOUNT,
                                   "comment_id": "17865799348089039", "media_id": "17895695668004550",
                                   "media_product_type": "FEED"}
    [contact] = rows(hub, "contacts")
    assert contact["name"] is None  # a username is a handle, not a name
    assert lead["data"]["extra"]["instagram_username"] == "lan.nguyen.92"


def test_an_email_in_a_comment_and_the_same_person_again_is_one_contact(client, hub, queue):
    body = delivery(ig_comment("c-1", "gửi báo giá qua Lan.Nguyen@Gmail.com giúp em"),
                    ig_comment("c-2", "shop ơi trả lời em với"))
    assert client.post(URL, data=body, headers=signed(body)).status_code == 200
    assert drain(hub, queue) == ["done", "done"]
    assert row_count(hub, "contacts") == 1 and row_count(hub, "leads") == 2
    assert ("email", "lannguyen@gmail.com") in {(p["kind"], p["value"]) for p in rows(hub, "contact_points")}  # Gmail ignores dots


def test_a_redelivered_comment_is_one_lead(client, hub, queue):
    body = delivery(ig_comment("c-dup", "0912345678"))
    for _ in range(3):
        assert client.post(URL, data=body, headers=signed(body)).status_code == 200
    assert drain(hub, queue) == ["done"]
    assert row_count(hub, "leads") == 1


def test_the_accounts_own_replies_are_ignored_and_counted(client, hub):
    body = delivery(ig_comment("c-own", "Dạ shop inbox bạn rồi ạ", author_id=IG_ACCOUNT, username="shop"))
    response = client.post(URL, data=body, headers=signed(body))
    assert response.status_code == 200
    assert row_count(hub, "raw_events") == 0
    assert 'hub_webhook_ignored_total{channel="instagram_comment",reason="own_comment"} 1.0' in \
        client.get("/metrics").data.decode()


def test_a_wrong_signature_stores_nothing(client, hub):
    body = delivery(ig_comment("c-forged", "0912345678"))
    assert client.post(URL, data=body, headers=signed(body, secret="not-the-app-secret")).status_code == 403
    assert row_count(hub, "raw_events") == 0


def test_a_comment_without_an_author_is_stored_and_fails_visibly(client, hub, queue):
    change = ig_comment("c-anon", "0912345678")
    del change["value"]["from"]
    body = delivery(change)
    assert client.post(URL, data=body, headers=signed(body)).status_code == 200
    assert drain(hub, queue) == ["failed"]
    assert "without from.id" in rows(hub, "raw_events")[0]["last_error"]
