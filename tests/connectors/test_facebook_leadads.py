"""Lead Ads: the lead fetched from (the fake) Graph, mapped, attributed; tokens and rate limits."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from hub.config import FacebookPage
from hub.runtime import Hub
from tests.conftest import FORM_ID, PAGE_ID, PAGE_TOKEN
from tests.helpers import age, drain, rows
from tests.meta import changes_entry, graph_lead, leadgen, meta_bytes, page_delivery, signed

URL = "/webhooks/facebook"
LAN = {"full_name": "Nguyễn Thị Lan", "phone_number": "+84912345678", "email": "lan.nguyen@gmail.com",
       "city": "TP. Hồ Chí Minh", "ban_quan_tam_du_an_nao": "Căn hộ 2PN", "ngan_sach": "2-3 tỷ"}


def deliver(client, *leadgen_ids: str) -> None:
    body = meta_bytes(page_delivery(changes_entry(*(leadgen(i, FORM_ID) for i in leadgen_ids))))
    assert client.post(URL, data=body, headers=signed(body)).status_code == 200


def test_a_leadgen_is_fetched_mapped_and_attributed(client, hub, queue, graph):
    graph.add_lead(FORM_ID, graph_lead("9001", LAN))
    deliver(client, "9001")
    assert drain(hub, queue) == ["done"]
    path, args = graph.requests[0]
    assert path == "/v21.0/9001" and args["access_token"] == PAGE_TOKEN
    assert "field_data" in args["fields"]
    [lead] = rows(hub, "leads")
    assert (lead["channel"], lead["source_ref"]) == ("facebook_leadads", "9001")
    assert lead["captured_at"] == datetime(2025, 11, 23, 1, 6, 40, tzinfo=timezone.utc)
    assert lead["attribution"] == {
        "channel": "facebook_leadads", "page_id": PAGE_ID, "leadgen_id": "9001", "form_id": FORM_ID,
        "ad_id": "23850000000000001", "ad_name": "Tết 2026 - Căn hộ", "adset_id": "23850000000000002",
        "adset_name": "HCM 25-45", "campaign_id": "23850000000000003",
        "campaign_name": "Mở bán Vinhomes", "platform": "fb", "is_organic": "false",
    }
    assert lead["data"]["text"] == "Căn hộ 2PN"  # the form's custom mapping
    assert lead["data"]["extra"] == {"ngan_sach": "2-3 tỷ"}  # unmapped answers
    contact = rows(hub, "contacts")[0]
    assert (contact["name"], contact["province_code"]) == ("Nguyễn Thị Lan", "79")
    points = {(r["kind"], r["value"], r["display"]) for r in rows(hub, "contact_points")}
    # Emails are matched on their canonical key (Gmail ignores dots) and shown as typed.
    assert points == {("phone", "+84912345678", "+84912345678"),
                      ("email", "lannguyen@gmail.com", "lan.nguyen@gmail.com")}


def test_first_and_last_name_questions_make_the_name(client, hub, queue, graph):
    graph.add_lead(FORM_ID, graph_lead("9002", {"first_name": "Hùng", "last_name": "Trần",
                                                "phone_number": "0987654321"}))
    deliver(client, "9002")
    drain(hub, queue)
    assert rows(hub, "contacts")[0]["name"] == "Trần Hùng"


def test_the_same_leadgen_delivered_three_times_is_one_lead_and_one_fetch(client, hub, queue, graph):
    graph.add_lead(FORM_ID, graph_lead("9003", LAN))
    for _ in range(3):
        deliver(client, "9003")
    assert drain(hub, queue) == ["done"]
    assert len(rows(hub, "leads")) == 1
    assert len(graph.requests) == 1


def test_an_expired_token_parks_the_lead_visibly_until_the_token_is_replaced(client, hub, queue, graph):
    graph.add_lead(FORM_ID, graph_lead("9004", LAN))
    graph.valid_tokens.add("EAAB-page-token-2")  # the configured token has expired
    deliver(client, "9004")
    assert drain(hub, queue) == ["needs_token"]
    [event] = rows(hub, "raw_events")
    assert event["status"] == "needs_token"
    assert "Session has expired" in event["last_error"]
    [health] = rows(hub, "channel_health")
    assert (health["channel"], health["scope"], health["status"]) == ("facebook", PAGE_ID, "needs_token")
    assert 'hub_events{channel="facebook_leadads",status="needs_token"} 1.0' in client.get("/metrics").data.decode()
    assert hub.sweep() == 0  # same token: nothing to retry
    restarted = _with_token(hub, queue, "EAAB-page-token-2")
    assert restarted.sweep() == 1
    assert drain(restarted, queue) == ["done"]
    assert rows(hub, "leads")[0]["source_ref"] == "9004"
    assert rows(hub, "channel_health")[0]["status"] == "ok"


def test_a_page_without_a_token_waits_for_one(client, hub, queue, graph):
    graph.add_lead(FORM_ID, graph_lead("9005", LAN))
    no_pages = Hub(replace(hub.settings, facebook=replace(hub.settings.facebook, pages={})), queue=queue)
    deliver(client, "9005")
    assert drain(no_pages, queue) == ["needs_token"]
    assert "facebook.pages" in rows(hub, "raw_events")[0]["last_error"]
    assert hub.sweep() == 1  # the configured hub has a token for the page
    assert drain(hub, queue) == ["done"]


@pytest.mark.parametrize("kind, headers, at_least", [
    ("page_rate_limit", {"X-Business-Use-Case-Usage": json.dumps({"104857600123456": [
        {"type": "pages", "call_count": 100, "total_cputime": 12, "total_time": 30,
         "estimated_time_to_regain_access": 7}]})}, 7 * 60),
    ("app_rate_limit", {"X-App-Usage": json.dumps({"call_count": 100, "total_cputime": 4, "total_time": 9})}, 600),
    ("bucu_rate_limit", {}, 0),
    ("policy_rate_limit", {}, 0),
    ("transient", {}, 0),
    ("server_error", {}, 0),
])
def test_rate_limits_and_transient_errors_are_retried_later(client, hub, queue, graph, kind, headers, at_least):
    graph.add_lead(FORM_ID, graph_lead("9006", LAN))
    graph.fail_next(kind, headers)
    deliver(client, "9006")
    before = datetime.now(timezone.utc)
    assert drain(hub, queue) == ["pending"]
    [event] = rows(hub, "raw_events")
    assert event["due_at"] >= before + timedelta(seconds=at_least - 1)
    if at_least:
        assert event["due_at"] <= before + timedelta(seconds=at_least + 5)
    age(hub, event["id"], seconds=1)
    assert hub.sweep() == 1
    assert drain(hub, queue) == ["done"]


def test_a_lead_graph_does_not_know_fails_visibly(client, hub, queue, graph):
    deliver(client, "9404")
    assert drain(hub, queue) == ["failed"]
    assert "Unsupported get request" in rows(hub, "raw_events")[0]["last_error"]


def _with_token(hub: Hub, queue, token: str) -> Hub:
    """The hub as it runs after the operator set a new page token and restarted it."""
    pages = {PAGE_ID: FacebookPage(page_id=PAGE_ID, token=token)}
    return Hub(replace(hub.settings, facebook=replace(hub.settings.facebook, pages=pages)), queue=queue)
