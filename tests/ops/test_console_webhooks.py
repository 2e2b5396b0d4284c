"""The console's Webhooks pages: admins manage subscriptions and replays, others only read."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from hub.config import WebhooksOutSettings
from hub.ops.web import LOCAL_TZ
from hub.sinks import subscriptions
from hub.store.schema import AuditLogRow
from tests.fakes.receiver import Receiver
from tests.helpers import rows
from tests.ops.console import signed_in
from tests.sinks.helpers import PEOPLE, add_lead, drive, now


@pytest.fixture
def receiver():
    fake = Receiver().up()
    yield fake
    fake.down()


def actions(hub) -> list[tuple[str, str, str]]:
    with hub.store.sessions() as session:
        return [(r.actor, r.action, r.target) for r in session.execute(select(AuditLogRow).order_by(AuditLogRow.id)).scalars()
                if r.action.startswith("webhook.")]


def delivered_subscription(hub, receiver) -> tuple[int, int]:
    """A subscription to the local receiver (an operator's choice) with one delivered event."""
    sid = subscriptions.create(hub.store, hub.settings, receiver.url + "/crm", ["contact.created"],
                               description="CRM Đà Nẵng", allow_private=True)["id"]
    add_lead(hub, "1", *PEOPLE[1])  # NFD Vietnamese name
    drive(hub, now(), 0)
    [delivery] = subscriptions.deliveries(hub.store, sid)
    assert delivery["status"] == "delivered"
    return sid, delivery["id"]


def test_an_admin_adds_a_subscription_and_sees_the_secret_once(app, hub):
    client, token = signed_in(app, hub, "lan", "admin")
    response = client.post("/ops/webhooks", data={
        "csrf_token": token, "url": "https://93.184.216.34/hooks/lead-hub", "event_types": "contact.created, contact.merged",
        "description": "CRM chi nhánh Huế", "rate_limit": "2,5"})
    page = response.get_data(as_text=True)
    assert response.status_code == 201
    [sub] = subscriptions.listing(hub.store)
    secret = subscriptions.show(hub.store, sub["id"], with_secret=True)["secret"]
    assert re.search(r'<code id="new-secret">whsec_', page) and secret in page
    assert sub["event_types"] == ["contact.created", "contact.merged"] and sub["rate_limit"] == 2.5
    assert sub["description"] == "CRM chi nhánh Huế" and sub["allow_private"] is False
    listing = client.get("/ops/webhooks").get_data(as_text=True)
    assert "crm.example.vn/hooks/lead-hub" in listing and secret not in listing
    assert actions(hub) == [("ops:lan", "webhook.add", f"webhook:{sub['id']}")]


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://10.0.0.8/hook", "http://169.254.169.254/",
                                 "file:///etc/passwd"])
def test_an_unsafe_url_is_a_form_error_not_a_server_error(app, hub, url):
    client, token = signed_in(app, hub, "lan", "admin")
    response = client.post("/ops/webhooks", data={"csrf_token": token, "url": url, "event_types": "*",
                                                  "description": "Nội bộ"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="form-error"' in page
    assert url.replace("&", "&amp;") in page  # the form keeps what was typed
    assert rows(hub, "webhook_subscriptions") == [] and actions(hub) == []


def test_bad_fields_are_form_errors(app, hub):
    client, token = signed_in(app, hub, "lan", "admin")
    for data in ({"url": "https://93.184.216.34/h", "rate_limit": "nhanh"},
                 {"url": "https://93.184.216.34/h", "rate_limit": "0"},
                 {"url": "https://93.184.216.34/h", "event_types": "Contact Created"},
                 {"url": "https://93.184.216.34/h", "description": "x" * 501}):
        response = client.post("/ops/webhooks", data={"csrf_token": token, **data})
        assert response.status_code == 422 and 'id="form-error"' in response.get_data(as_text=True), data
    assert rows(hub, "webhook_subscriptions") == []


def test_allow_private_follows_the_global_setting(app, hub, db_url, receiver):
    client, token = signed_in(app, hub, "lan", "admin")
    assert 'name="allow_private"' not in client.get("/ops/webhooks").get_data(as_text=True)
    refused = client.post("/ops/webhooks", data={"csrf_token": token, "url": receiver.url, "allow_private": "1"})
    assert refused.status_code == 403 and "--allow-private" in refused.get_data(as_text=True)
    assert rows(hub, "webhook_subscriptions") == []

    hub.settings = _with_private(hub.settings)
    assert 'name="allow_private"' in client.get("/ops/webhooks").get_data(as_text=True)
    added = client.post("/ops/webhooks", data={"csrf_token": token, "url": receiver.url, "allow_private": "1"})
    assert added.status_code == 201
    assert [s["allow_private"] for s in subscriptions.listing(hub.store)] == [True]


def _with_private(settings):
    from dataclasses import replace

    return replace(settings, webhooks_out=replace(settings.webhooks_out or WebhooksOutSettings(), allow_private=True))


def test_an_admin_disables_replays_enables_and_removes(app, hub, receiver):
    sid, did = delivered_subscription(hub, receiver)
    client, token = signed_in(app, hub, "lan", "admin")
    page = client.get(f"/ops/webhooks/{sid}").get_data(as_text=True)
    assert "contact.created" in page and "delivered" in page
    log = client.get(f"/ops/webhooks/{sid}/deliveries/{did}").get_data(as_text=True)
    assert "<td>200</td>" in log

    replayed = client.post(f"/ops/webhooks/{sid}/deliveries/{did}/replay", data={"csrf_token": token})
    assert replayed.status_code == 302 and subscriptions.delivery(hub.store, did)["status"] == "pending"
    drive(hub, now(), 0)
    assert len(receiver.delivered()) == 2 and subscriptions.delivery(hub.store, did)["attempts"] == 1

    since = (datetime.now(LOCAL_TZ) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/ops/webhooks/{sid}/replay", data={"csrf_token": token, "since": since}, follow_redirects=True)
    assert "Đã xếp 1 lần gửi để gửi lại." in response.get_data(as_text=True)
    assert subscriptions.delivery(hub.store, did)["status"] == "pending"
    bad = client.post(f"/ops/webhooks/{sid}/replay", data={"csrf_token": token, "since": "hôm qua"}, follow_redirects=True)
    assert "Hãy nhập ngày giờ" in bad.get_data(as_text=True)

    assert client.post(f"/ops/webhooks/{sid}/disable", data={"csrf_token": token, "reason": ""},
                       follow_redirects=True).status_code == 200
    assert subscriptions.show(hub.store, sid)["enabled"] is True  # a reason is required
    client.post(f"/ops/webhooks/{sid}/disable", data={"csrf_token": token, "reason": "CRM bảo trì"})
    shown = subscriptions.show(hub.store, sid)
    assert shown["enabled"] is False and shown["disabled_reason"] == "CRM bảo trì"
    refused = client.post(f"/ops/webhooks/{sid}/deliveries/{did}/replay", data={"csrf_token": token}, follow_redirects=True)
    assert "disabled" in refused.get_data(as_text=True)  # flashed, not a 500
    assert "CRM bảo trì" in client.get("/ops/webhooks").get_data(as_text=True)
    client.post(f"/ops/webhooks/{sid}/enable", data={"csrf_token": token})
    assert subscriptions.show(hub.store, sid)["enabled"] is True
    assert client.post(f"/ops/webhooks/{sid}/remove", data={"csrf_token": token}).headers["Location"] == "/ops/webhooks"
    assert rows(hub, "webhook_subscriptions") == [] and rows(hub, "webhook_messages") == []
    assert [a[1] for a in actions(hub)] == ["webhook.replay", "webhook.replay_since", "webhook.disable",
                                            "webhook.enable", "webhook.remove"]
    assert client.get(f"/ops/webhooks/{sid}").status_code == 404


def test_an_auto_disabled_subscription_is_flagged(app, hub):
    sid = subscriptions.create(hub.store, hub.settings, "https://93.184.216.34/h")["id"]
    from hub.store.schema import WebhookSubscriptionRow
    with hub.store.transaction() as session:
        subscriptions.mark_disabled(session, session.get(WebhookSubscriptionRow, sid), "lỗi liên tục 5 ngày",
                                    auto=True, now=now())
    client, _ = signed_in(app, hub, "xem", "viewer")
    page = client.get("/ops/webhooks").get_data(as_text=True)
    assert "Đã tự động tắt" in page and "lỗi liên tục 5 ngày" in page


@pytest.mark.parametrize("role", ["ops", "viewer"])
def test_others_read_the_delivery_log_but_cannot_change_anything(app, hub, receiver, role):
    sid, did = delivered_subscription(hub, receiver)
    client, token = signed_in(app, hub, "mai", role)
    page = client.get(f"/ops/webhooks/{sid}").get_data(as_text=True)
    assert "delivered" in page and "/replay" not in page and "/disable" not in page
    assert client.get(f"/ops/webhooks/{sid}/deliveries/{did}").status_code == 200
    assert 'action="/ops/webhooks"' not in client.get("/ops/webhooks").get_data(as_text=True)
    before = (rows(hub, "webhook_subscriptions"), rows(hub, "webhook_messages"))
    since = datetime.now(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")
    for path, data in (("/ops/webhooks", {"url": "https://93.184.216.34/h"}),
                       (f"/ops/webhooks/{sid}/disable", {"reason": "thử"}), (f"/ops/webhooks/{sid}/enable", {}),
                       (f"/ops/webhooks/{sid}/remove", {}), (f"/ops/webhooks/{sid}/replay", {"since": since}),
                       (f"/ops/webhooks/{sid}/deliveries/{did}/replay", {})):
        response = client.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 403, path
    assert (rows(hub, "webhook_subscriptions"), rows(hub, "webhook_messages")) == before and actions(hub) == []


def test_posts_need_the_csrf_token(app, hub):
    sid = subscriptions.create(hub.store, hub.settings, "https://93.184.216.34/h")["id"]
    client, _ = signed_in(app, hub, "lan", "admin")
    assert client.post("/ops/webhooks", data={"url": "https://crm.example.vn/x"}).status_code == 400
    assert client.post(f"/ops/webhooks/{sid}/disable", data={"reason": "x", "csrf_token": "giả"}).status_code == 400
    assert client.post(f"/ops/webhooks/{sid}/remove").status_code == 400
    assert len(rows(hub, "webhook_subscriptions")) == 1 and subscriptions.show(hub.store, sid)["enabled"] is True


def test_unknown_ids_are_not_found(app, hub):
    client, token = signed_in(app, hub, "lan", "admin")
    assert client.get("/ops/webhooks/7").status_code == 404
    assert client.get(f"/ops/webhooks/1/deliveries/{2**70}").status_code == 404
    assert client.post("/ops/webhooks/7/enable", data={"csrf_token": token}).status_code == 404
    assert client.post("/ops/webhooks/7/remove", data={"csrf_token": token}).status_code == 404
    sid = subscriptions.create(hub.store, hub.settings, "https://93.184.216.34/h")["id"]
    assert client.get(f"/ops/webhooks/{sid}?status=lạ").status_code == 400
    assert client.get(f"/ops/webhooks/{sid}?status=failed&before=99999999999999999999").status_code == 200
