"""/api/v1/webhooks: subscriptions, the delivery log and replays over the REST API."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hub.ops import tokens
from hub.sinks import subscriptions
from tests.fakes.receiver import Receiver
from tests.helpers import rows
from tests.sinks.helpers import PEOPLE, add_lead, drive, now


@pytest.fixture
def headers(hub) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.create(hub.store, 'ops', ['webhooks:manage'])}"}


@pytest.fixture
def receiver():
    fake = Receiver().up()
    yield fake
    fake.down()


def problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json" and response.json["detail"]
    return response.json["detail"]


def test_a_token_needs_the_webhooks_scope(client, hub):
    feed = {"Authorization": f"Bearer {tokens.create(hub.store, 'feed', ['events:read'])}"}
    problem(client.get("/api/v1/webhooks", headers=feed), 403)
    problem(client.get("/api/v1/webhooks"), 401)


@pytest.mark.parametrize("url", ["http://127.0.0.1/hook", "http://10.0.0.8/hook", "http://169.254.169.254/",
                                 "http://[::1]/", "file:///etc/passwd"])
def test_private_urls_are_refused_with_a_problem(client, hub, headers, url):
    problem(client.post("/api/v1/webhooks", json={"url": url}, headers=headers), 422)
    assert rows(hub, "webhook_subscriptions") == []


def test_allow_private_is_an_operators_decision(client, hub, headers, receiver):
    detail = problem(client.post("/api/v1/webhooks", json={"url": receiver.url, "allow_private": True},
                                 headers=headers), 403)
    assert "hub webhooks add" in detail
    assert rows(hub, "webhook_subscriptions") == []


@pytest.mark.parametrize("body, status", [
    (None, 400), ([], 400), ({}, 422), ({"url": 5}, 422),
    ({"url": "https://crm.example.vn/hook", "event_types": "contact.created"}, 422),
    ({"url": "https://crm.example.vn/hook", "colour": "red"}, 422),
    ({"url": "https://crm.example.vn/hook", "rate_limit": "fast"}, 422),
    ({"url": "https://crm.example.vn/hook", "secret": 12}, 422),
])
def test_bad_bodies_get_a_problem_and_change_nothing(client, hub, headers, body, status):
    response = client.post("/api/v1/webhooks", json=body, headers=headers) if body is not None else \
        client.post("/api/v1/webhooks", data="not json", headers=headers)
    problem(response, status)
    assert rows(hub, "webhook_subscriptions") == []


def test_manage_a_subscription_and_replay_over_the_api(client, hub, headers, receiver):
    # The receiver is on 127.0.0.1: an operator allows that (CLI or ops UI), not an API token.
    created = subscriptions.create(hub.store, hub.settings, receiver.url + "/crm", ["contact.created"],
                                   description="CRM Đà Nẵng", allow_private=True)
    sid = created["id"]
    listed = client.get("/api/v1/webhooks", headers=headers).json["data"]
    assert [s["description"] for s in listed] == ["CRM Đà Nẵng"] and "secret" not in listed[0]
    assert client.get(f"/api/v1/webhooks/{sid}", headers=headers).json["secret"] == created["secret"]

    add_lead(hub, "1", *PEOPLE[0])
    drive(hub, now(), 0)
    [delivery] = client.get(f"/api/v1/webhooks/{sid}/deliveries", headers=headers).json["data"]
    assert delivery["status"] == "delivered"
    one = client.get(f"/api/v1/webhooks/{sid}/deliveries/{delivery['id']}", headers=headers).json
    assert one["log"][0]["status_code"] == 200 and one["log"][0]["latency_ms"] >= 0

    replayed = client.post(f"/api/v1/webhooks/{sid}/deliveries/{delivery['id']}/replay", headers=headers)
    assert replayed.status_code == 200 and replayed.json["status"] == "pending"
    since = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    assert client.post(f"/api/v1/webhooks/{sid}/replay", json={"since": since}, headers=headers).json == {"queued": 1}
    drive(hub, now(), 0)
    assert {r.headers["webhook-id"] for r in receiver.delivered()} == {delivery["webhook_id"]}
    assert len(receiver.delivered()) == 2  # the replays were merged into one resend

    disabled = client.post(f"/api/v1/webhooks/{sid}/disable", json={"reason": "CRM chuyển nhà"}, headers=headers)
    assert disabled.json["enabled"] is False and disabled.json["disabled_reason"] == "CRM chuyển nhà"
    problem(client.post(f"/api/v1/webhooks/{sid}/deliveries/{delivery['id']}/replay", headers=headers), 409)
    assert client.post(f"/api/v1/webhooks/{sid}/enable", headers=headers).json["enabled"] is True
    assert client.delete(f"/api/v1/webhooks/{sid}", headers=headers).status_code == 204
    problem(client.get(f"/api/v1/webhooks/{sid}", headers=headers), 404)


def test_create_over_the_api_returns_the_secret_once_and_refuses_bad_input(client, hub, headers):
    response = client.post("/api/v1/webhooks", json={"url": "https://1.1.1.1/hook", "event_types": ["*"],
                                                     "rate_limit": 10}, headers=headers)
    assert response.status_code == 201 and response.json["secret"].startswith("whsec_")
    assert response.json["rate_limit"] == 10.0
    problem(client.post("/api/v1/webhooks", json={"url": "https://1.1.1.1/hook", "event_types": ["bad type"]},
                        headers=headers), 422)
    sid = response.json["id"]
    problem(client.post(f"/api/v1/webhooks/{sid}/disable", json={}, headers=headers), 422)
    problem(client.post(f"/api/v1/webhooks/{sid}/replay", json={"since": "2026-11-23T00:00:00"}, headers=headers), 400)
    problem(client.get(f"/api/v1/webhooks/{sid}/deliveries?status=lost", headers=headers), 400)
    problem(client.get(f"/api/v1/webhooks/{sid}/deliveries/999", headers=headers), 404)
    problem(client.post("/api/v1/webhooks/999/enable", headers=headers), 404)


def test_the_openapi_document_describes_the_webhook_routes(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/webhooks", "/webhooks/{subscription_id}", "/webhooks/{subscription_id}/replay",
            "/webhooks/{subscription_id}/deliveries/{delivery_id}/replay"} <= set(paths)


@pytest.mark.parametrize("body", [
    {"url": "https://1.1.1.1/" + "a" * 2100},
    {"url": "https://1.1.1.1/\x00hook"},
    {"url": "https://crm\x00.example.vn/hook"},
    {"url": "https://1.1.1.1/hook", "description": "CRM\x00"},
    {"url": "https://1.1.1.1/hook", "rate_limit": 1e308 * 10},
])
def test_hostile_input_gets_a_problem_not_a_server_error(client, hub, headers, body):
    problem(client.post("/api/v1/webhooks", json=body, headers=headers), 422)
    assert rows(hub, "webhook_subscriptions") == []


def test_ids_beyond_any_stored_id_are_not_found(client, headers):
    huge = 2**70
    problem(client.get(f"/api/v1/webhooks/{huge}", headers=headers), 404)
    problem(client.get(f"/api/v1/webhooks/{huge}/deliveries/{huge}", headers=headers), 404)
    problem(client.post(f"/api/v1/webhooks/1/deliveries/{huge}/replay", headers=headers), 404)
    problem(client.get(f"/api/v1/webhooks/1/deliveries?before={huge}", headers=headers), 400)
