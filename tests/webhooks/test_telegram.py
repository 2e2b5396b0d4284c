"""POST /webhooks/telegram/<bot>: the secret token, unknown bots, what is stored and ignored."""
from __future__ import annotations

import pytest

from tests.conftest import TELEGRAM_BOT
from tests.helpers import drain, row_count, rows
from tests.telegram import URL, USER, body, headers, message, text

HELLO = body(text(830000001, "Chào shop"))


def test_an_update_with_the_secret_token_is_stored_keyed_by_bot_and_update_id(client, hub, queue):
    response = client.post(URL, data=HELLO, headers=headers())
    assert response.status_code == 200
    [event] = rows(hub, "raw_events")
    assert (event["channel"], event["delivery_key"], event["route"]) == (
        "telegram", f"{TELEGRAM_BOT}:830000001", TELEGRAM_BOT)
    assert event["body"] == HELLO
    assert "X-Telegram-Bot-Api-Secret-Token" not in event["headers"]  # a secret: never kept
    assert drain(hub, queue) == ["done"]


@pytest.mark.parametrize("sent", [{}, headers("wrong-token"), headers("")])
def test_a_missing_or_wrong_secret_token_is_a_401_and_stores_nothing(client, hub, sent):
    response = client.post(URL, data=HELLO, headers={"Content-Type": "application/json", **sent})
    assert (response.status_code, response.json["reason"]) == (401, "auth")
    assert row_count(hub, "raw_events") == 0
    metrics = client.get("/metrics").data.decode()
    assert 'hub_webhook_rejected_total{channel="telegram",reason="auth"} 1.0' in metrics


def test_an_unknown_bot_is_a_404(client, hub):
    response = client.post("/webhooks/telegram/other_bot", data=HELLO, headers=headers())
    assert (response.status_code, response.json["reason"]) == (404, "unknown_bot")
    assert row_count(hub, "raw_events") == 0


@pytest.mark.parametrize("data", [b"{not json", b"[]", b'{"message": {}}', b'{"update_id": "12"}'])
def test_a_body_that_is_not_an_update_is_a_400(client, hub, data):
    response = client.post(URL, data=data, headers=headers())
    assert (response.status_code, response.json["reason"]) == (400, "malformed")
    assert row_count(hub, "raw_events") == 0


@pytest.mark.parametrize("update, reason", [
    ({"update_id": 1, "edited_message": {"message_id": 7, "from": USER, "date": 1, "text": "sửa"}}, "edited"),
    ({"update_id": 2, "callback_query": {"id": "99", "from": USER, "data": "buy"}}, "not_a_message"),
    ({"update_id": 3, "my_chat_member": {"from": USER}}, "not_a_message"),
    ({"update_id": 4, "message": {"message_id": 1, "date": 1, "chat": {"id": -100}, "text": "post"}}, "no_sender"),
    (message(5, sender={"id": 777, "is_bot": True, "first_name": "Bot"}, text="hi"), "bot"),
])
def test_updates_that_are_not_a_person_s_new_message_are_a_200_not_stored(client, hub, update, reason):
    response = client.post(URL, data=body(update), headers=headers())
    assert response.status_code == 200
    assert response.json == {"status": "ignored", "reason": reason}
    assert row_count(hub, "raw_events") == 0
    metrics = client.get("/metrics").data.decode()
    assert f'hub_webhook_ignored_total{{channel="telegram",reason="{reason}"}} 1.0' in metrics


def test_a_redelivered_update_is_a_no_op(client, hub, queue):
    assert client.post(URL, data=HELLO, headers=headers()).status_code == 200
    assert client.post(URL, data=HELLO, headers=headers()).json["duplicate"] is True
    assert drain(hub, queue) == ["done"]
    assert row_count(hub, "leads") == 1
