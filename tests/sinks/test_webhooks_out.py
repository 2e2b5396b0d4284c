"""Outbound webhooks: signed deliveries, retries through outages, exactly once per subscription."""
from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from hub.config import WebhooksOutSettings
from hub.ops import tokens
from hub.runtime import Hub
from hub.sinks import subscriptions
from hub.sinks.webhooks_out import fan_out
from hub.store.merging import merge_contacts, unmerge
from hub.store.schema import HubStateRow, MergeLogRow, WebhookMessageRow, WebhookSubscriptionRow
from tests.conftest import RecordingQueue, make_settings
from tests.fakes.receiver import Receiver
from tests.helpers import rows
from tests.sinks.helpers import PEOPLE, add_lead, add_people, drive, now

SCHEDULE = (1, 2, 4, 8, 16, 32, 64)


@pytest.fixture
def settings(db_url):
    return make_settings(db_url, webhooks_out=WebhooksOutSettings(
        retry_schedule_seconds=SCHEDULE, disable_after_failing_hours=1.0))


@pytest.fixture
def receiver():
    fake = Receiver().up()
    yield fake
    fake.down()


def subscribe(hub, receiver, path="/crm", types=("*",), **kwargs):
    return subscriptions.create(hub.store, hub.settings, receiver.url + path, list(types),
                                allow_private=True, **kwargs)


def by_webhook_id(received):
    return Counter(r.headers["webhook-id"] for r in received)


def test_every_delivery_verifies_with_standardwebhooks_and_carries_the_feed_event(hub, client, receiver):
    sub = subscribe(hub, receiver, description="CRM Hà Nội")
    a = add_lead(hub, "1", *PEOPLE[0])
    b = add_lead(hub, "2", *PEOPLE[1])
    add_lead(hub, "3", PEOPLE[0][0], "0168.123.4567")  # the same person again: contact.updated
    with hub.store.transaction() as session:
        merge_contacts(session, a, [b], actor="ops")
    with hub.store.transaction() as session:
        merge_id = session.execute(select(MergeLogRow.id)).scalar_one()
        unmerge(session, merge_id, actor="ops")
    drive(hub, now(), 0)

    token = tokens.create(hub.store, "crm", ["events:read"])
    feed = client.get("/api/v1/events", headers={"Authorization": f"Bearer {token}"}).json["data"]
    assert [e["type"] for e in feed] == ["contact.created", "contact.created", "contact.updated",
                                         "contact.merged", "contact.unmerged"]
    delivered = receiver.delivered("/crm")
    assert len(delivered) == len(feed)
    consumer = Webhook(sub["secret"])
    seen = [consumer.verify(r.body, r.headers) for r in delivered]
    assert sorted(seen, key=lambda e: e["sequence"]) == feed  # exactly what the feed shows
    assert [r.headers["webhook-id"] for r in delivered] == [e["id"] for e in seen]
    assert "Nguyễn Thị Thuý" in delivered[0].body.decode()  # UTF-8, not \\u escapes
    assert all(r.headers["webhook-signature"].startswith("v1,") for r in delivered)


def test_a_tampered_delivery_or_a_wrong_secret_fails_verification(hub, receiver):
    sub = subscribe(hub, receiver)
    add_lead(hub, "1", *PEOPLE[0])
    drive(hub, now(), 0)
    [got] = receiver.delivered()
    tampered = got.body.replace("Thuý".encode(), "Thuy".encode())
    assert tampered != got.body
    with pytest.raises(WebhookVerificationError):
        Webhook(sub["secret"]).verify(tampered, got.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(subscriptions.new_secret()).verify(got.body, got.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(sub["secret"]).verify(got.body, {**got.headers, "webhook-id": "evt_other"})


def test_an_outage_then_recovery_delivers_every_event_exactly_once_per_subscription(hub, receiver):
    everything = subscribe(hub, receiver, "/all")
    created_only = subscribe(hub, receiver, "/created", types=["contact.created"])
    ids = add_people(hub, "a", 6)
    clock = now()
    receiver.default = 500
    clock = drive(hub, clock, 5)  # the endpoint answers 500: nothing delivered, retries scheduled
    assert receiver.delivered() == [] and len(receiver.received) > 12
    receiver.down()  # then refuses connections
    with hub.store.transaction() as session:
        merge_contacts(session, ids[0], [ids[1]], actor="ops")
    add_people(hub, "b", 3)
    clock = drive(hub, clock, 20)
    receiver.default = 200
    receiver.up()
    drive(hub, clock, 200, step=2)

    [cursor] = rows(hub, "hub_state")  # the cursor is recorded: the last event fanned out
    assert cursor["value"] == str(max(e["seq"] for e in rows(hub, "outbox")))
    all_ids = by_webhook_id(receiver.delivered("/all"))
    created_ids = by_webhook_id(receiver.delivered("/created"))
    outbox = rows(hub, "outbox")
    assert set(all_ids) == {e["event_id"] for e in outbox} and set(all_ids.values()) == {1}
    assert set(created_ids) == {e["event_id"] for e in outbox if e["type"] == "contact.created"}
    assert set(created_ids.values()) == {1}
    messages = subscriptions.deliveries(hub.store, everything["id"], limit=100)
    assert {m["status"] for m in messages} == {"delivered"}
    assert subscriptions.show(hub.store, created_only["id"])["failing_since"] is None


def test_a_restart_in_the_middle_resumes_from_the_cursor(hub, settings, receiver):
    subscribe(hub, receiver)
    add_people(hub, "a", 4)
    fan_out(hub.store)
    with hub.store.sessions() as session:
        first = session.execute(select(WebhookMessageRow.id).order_by(WebhookMessageRow.id)).scalars().first()
    hub.webhooks_out.deliver(first)  # one sent, three fanned out but not sent, then the process stops
    hub.store.dispose()
    add_people(hub, "b", 3)  # events appended while it is down

    restarted = Hub(settings, queue=RecordingQueue())
    try:
        drive(restarted, now(), 0)
        counts = by_webhook_id(receiver.delivered())
        assert set(counts) == {e["event_id"] for e in rows(restarted, "outbox")}
        assert set(counts.values()) == {1}
        assert rows(restarted, "hub_state")[0]["value"] == str(max(e["seq"] for e in rows(restarted, "outbox")))
    finally:
        restarted.store.dispose()


def test_fan_out_never_doubles_a_delivery(hub, receiver):
    subscribe(hub, receiver)
    add_people(hub, "a", 3)
    assert len(fan_out(hub.store)) == 3
    with hub.store.transaction() as session:  # as if the cursor were lost: the unique key holds
        session.execute(update(HubStateRow).values(value="0"))
    assert fan_out(hub.store) == []
    assert len(rows(hub, "webhook_messages")) == 3


def test_events_before_a_subscription_existed_are_not_sent_unless_replayed(hub, receiver):
    add_people(hub, "old", 2)
    fan_out(hub.store)
    sub = subscribe(hub, receiver)
    add_people(hub, "new", 1)
    drive(hub, now(), 0)
    assert len(receiver.delivered()) == 1
    assert subscriptions.replay_since(hub.store, sub["id"], now() - timedelta(hours=1)) == 3
    drive(hub, now(), 0)
    counts = by_webhook_id(receiver.delivered())
    assert len(counts) == 3 and counts.most_common(1)[0][1] == 2  # the new one twice (replayed)


def test_replay_resends_a_delivery_with_the_same_webhook_id(hub, receiver):
    sub = subscribe(hub, receiver)
    add_lead(hub, "1", *PEOPLE[3])
    drive(hub, now(), 0)
    [message] = subscriptions.deliveries(hub.store, sub["id"])
    assert message["status"] == "delivered"
    subscriptions.replay_one(hub.store, message["id"])
    drive(hub, now(), 0)
    first, again = receiver.delivered()
    assert first.headers["webhook-id"] == again.headers["webhook-id"] == message["webhook_id"]
    assert Webhook(sub["secret"]).verify(again.body, again.headers)["id"] == message["webhook_id"]
    log = subscriptions.delivery(hub.store, message["id"])["log"]
    assert [(a["outcome"], a["trigger"]) for a in log] == [("delivered", "scheduled"), ("delivered", "replay")]


def test_the_delivery_log_keeps_code_latency_and_a_clipped_body(hub, receiver):
    sub = subscribe(hub, receiver)
    add_lead(hub, "1", *PEOPLE[0])
    receiver.answers = [503]
    clock = drive(hub, now(), 0)
    drive(hub, clock + timedelta(seconds=SCHEDULE[0]), 0)
    [message] = subscriptions.deliveries(hub.store, sub["id"])
    failed, ok = subscriptions.delivery(hub.store, message["id"])["log"]
    assert (failed["outcome"], failed["status_code"], failed["error"]) == ("failed", 503, "HTTP 503")
    assert failed["response_excerpt"].startswith("<html>lỗi máy chủ")
    assert len(failed["response_excerpt"]) == hub.settings.webhooks_out.response_excerpt_chars
    assert failed["latency_ms"] >= 0 and ok["status_code"] == 200 and ok["response_excerpt"] == '{"ok":true}'


def test_a_redirect_is_not_followed(hub, receiver):
    sub = subscribe(hub, receiver)
    add_lead(hub, "1", *PEOPLE[0])
    receiver.answers = [302]
    drive(hub, now(), 0)
    assert [r.path for r in receiver.received] == ["/crm"]
    [message] = subscriptions.deliveries(hub.store, sub["id"])
    assert (message["status"], message["last_status_code"]) == ("pending", 302)


def test_a_delivery_that_exhausts_the_schedule_is_failed_and_stays_in_the_log(hub, receiver):
    sub = subscribe(hub, receiver)
    add_lead(hub, "1", *PEOPLE[0])
    receiver.default = 500
    drive(hub, now(), sum(SCHEDULE) + 5)
    [message] = subscriptions.deliveries(hub.store, sub["id"])
    assert (message["status"], message["attempts"]) == ("failed", len(SCHEDULE) + 1)
    assert len(receiver.received) == len(SCHEDULE) + 1


def test_an_endpoint_failing_longer_than_the_window_is_disabled_with_an_alert(hub, client, receiver, caplog):
    sub = subscribe(hub, receiver)
    receiver.default = 500
    start = now()
    add_lead(hub, "1", *PEOPLE[0])
    drive(hub, start, 0)
    clock = start
    with caplog.at_level(logging.ERROR, logger="hub.sinks.webhooks_out"):
        for minutes in (10, 30, 50, 61):  # new events keep failing; the window is 1 h (fake clock)
            clock = start + timedelta(minutes=minutes)
            add_lead(hub, f"m{minutes}", f"Khách {minutes}", f"0903{minutes:06d}")
            drive(hub, clock, 0)
    shown = subscriptions.show(hub.store, sub["id"])
    assert shown["enabled"] is False and shown["auto_disabled"] is True
    assert "failing without a success" in shown["disabled_reason"]
    assert any("ALERT" in r.message and r.levelno == logging.ERROR for r in caplog.records)
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'hub_webhook_out_endpoints{state="auto_disabled"} 1.0' in metrics

    tried = len(receiver.received)
    add_lead(hub, "later", *PEOPLE[4])
    drive(hub, clock + timedelta(hours=1), 0)
    assert len(receiver.received) == tried  # disabled: nothing is sent, everything is held
    assert {m["status"] for m in subscriptions.deliveries(hub.store, sub["id"])} == {"held"}

    receiver.default = 200
    subscriptions.enable(hub.store, sub["id"])
    drive(hub, now(), 0)
    assert set(by_webhook_id(receiver.delivered())) == {e["event_id"] for e in rows(hub, "outbox")}


def test_a_410_gone_disables_the_endpoint_at_once(hub, receiver):
    sub = subscribe(hub, receiver)
    add_people(hub, "a", 2)
    receiver.answers = [410]
    drive(hub, now(), 0)
    shown = subscriptions.show(hub.store, sub["id"])
    assert (shown["enabled"], shown["disabled_reason"]) == (False, "the endpoint answered 410 Gone")
    assert len(receiver.received) == 1


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://10.1.2.3/hook",
                                 "http://169.254.169.254/latest/meta-data", "http://[::1]:9000/",
                                 "http://localhost/hook", "ftp://crm.example.vn/hook", "javascript:alert(1)"])
def test_private_and_non_http_urls_are_refused_and_nothing_is_stored(hub, url):
    with pytest.raises(subscriptions.SubscriptionError):
        subscriptions.create(hub.store, hub.settings, url)
    assert rows(hub, "webhook_subscriptions") == []


def test_the_ssrf_guard_runs_again_at_delivery_time(hub, receiver):
    sub = subscribe(hub, receiver)
    with hub.store.transaction() as session:  # as if the name now resolved to a private address
        session.execute(update(WebhookSubscriptionRow).values(allow_private=False))
    add_lead(hub, "1", *PEOPLE[0])
    drive(hub, now(), 0)
    assert receiver.received == []
    [message] = subscriptions.deliveries(hub.store, sub["id"])
    [attempt] = subscriptions.delivery(hub.store, message["id"])["log"]
    assert attempt["outcome"] == "refused" and "127.0.0.1" in attempt["error"]


def test_a_global_setting_allows_private_receivers(db_url, receiver):
    settings = make_settings(db_url, webhooks_out=WebhooksOutSettings(allow_private=True))
    hub = Hub(settings, queue=RecordingQueue())
    try:
        sub = subscriptions.create(hub.store, settings, receiver.url + "/lan")
        assert sub["allow_private"] is False
        add_lead(hub, "1", *PEOPLE[0])
        drive(hub, now(), 0)
        assert len(receiver.delivered("/lan")) == 1
    finally:
        hub.store.dispose()


def test_the_rate_limit_makes_the_excess_wait_without_dropping_it(hub, receiver):
    sub = subscribe(hub, receiver, rate_limit=5.0)
    add_people(hub, "a", 12)
    fan_out(hub.store)
    start = now()
    ids = [m["id"] for m in reversed(subscriptions.deliveries(hub.store, sub["id"], limit=100))]
    outcomes = [hub.webhooks_out.deliver(i, start) for i in ids]  # all due at the same instant
    assert outcomes == ["delivered"] + ["rate_limited"] * 11
    with hub.store.sessions() as session:
        slots = sorted(session.execute(select(WebhookMessageRow.slot_at)
                                       .where(WebhookMessageRow.slot_at.is_not(None))).scalars())
    assert [round((s - start).total_seconds(), 3) for s in slots] == [round(0.2 * n, 3) for n in range(1, 12)]
    drive(hub, start + timedelta(seconds=1), 0)
    assert len(receiver.delivered()) == 6  # 1 + 5 per second
    drive(hub, start + timedelta(seconds=2), 2, step=0.2)
    counts = by_webhook_id(receiver.delivered())
    assert len(counts) == 12 and set(counts.values()) == {1}


def test_deliveries_to_a_disabled_subscription_are_held_and_sent_when_enabled(hub, receiver):
    sub = subscribe(hub, receiver)
    subscriptions.disable(hub.store, sub["id"], "CRM bảo trì / maintenance")
    add_people(hub, "a", 2)
    drive(hub, now(), 0)
    assert receiver.received == []
    assert subscriptions.show(hub.store, sub["id"])["disabled_reason"] == "CRM bảo trì / maintenance"
    with pytest.raises(subscriptions.SubscriptionError, match="disabled"):
        subscriptions.replay_since(hub.store, sub["id"], now() - timedelta(hours=1))
    subscriptions.enable(hub.store, sub["id"])
    drive(hub, now(), 0)
    assert len(by_webhook_id(receiver.delivered())) == 2


@pytest.mark.parametrize("kwargs, message", [
    ({"event_types": ["contact created"]}, "event types"),
    ({"event_types": []}, "event types"),
    ({"secret": "whsec_short"}, "secret"),
    ({"secret": "not-a-whsec"}, "secret"),
    ({"rate_limit": 0}, "rate_limit"),
    ({"rate_limit": -3}, "rate_limit"),
    ({"description": "x" * 501}, "description"),
])
def test_bad_subscription_input_is_refused_and_changes_nothing(hub, receiver, kwargs, message):
    url, kwargs = receiver.url + "/crm", dict(kwargs)  # parametrize shares the dict across databases
    with pytest.raises(subscriptions.SubscriptionError, match=message):
        subscriptions.create(hub.store, hub.settings, url, kwargs.pop("event_types", ["*"]),
                             allow_private=True, **kwargs)
    assert rows(hub, "webhook_subscriptions") == []


def test_a_given_secret_is_kept_and_a_generated_one_is_a_valid_whsec(hub, receiver):
    given = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    sub = subscribe(hub, receiver, secret=given)
    assert subscriptions.show(hub.store, sub["id"], with_secret=True)["secret"] == given
    generated = subscribe(hub, receiver)["secret"]
    assert generated.startswith("whsec_") and generated != given
    Webhook(generated)  # the library accepts it
    assert "secret" not in subscriptions.listing(hub.store)[0]


def test_removing_a_subscription_removes_its_deliveries_and_log(hub, receiver):
    sub = subscribe(hub, receiver)
    add_lead(hub, "1", *PEOPLE[0])
    drive(hub, now(), 0)
    subscriptions.remove(hub.store, sub["id"])
    assert rows(hub, "webhook_messages") == [] and rows(hub, "webhook_attempts") == []
    with pytest.raises(subscriptions.SubscriptionError) as refused:
        subscriptions.show(hub.store, sub["id"])
    assert refused.value.status == 404


def test_the_body_is_the_event_json(hub, receiver):
    subscribe(hub, receiver)
    add_lead(hub, "1", *PEOPLE[2])
    drive(hub, now(), 0)
    [got] = receiver.delivered()
    event = json.loads(got.body)
    assert set(event) == {"id", "sequence", "type", "contact_id", "contact_version", "created_at", "data"}
    assert got.headers["content-type"] == "application/json"


def test_fan_out_handles_more_messages_than_one_insert_can_carry(hub, receiver):
    for n in range(12):
        subscribe(hub, receiver, f"/crm-{n}")
    add_people(hub, "a", 50)  # 50 events x 12 subscriptions = 600 rows, over one insert chunk
    created = fan_out(hub.store)
    assert len(created) == len(set(created)) == 12 * len(rows(hub, "outbox"))


def test_a_single_failure_after_a_long_quiet_spell_does_not_disable_the_endpoint(hub, receiver):
    sub = subscribe(hub, receiver)
    receiver.answers = [500]
    start = now()
    add_lead(hub, "1", *PEOPLE[0])
    drive(hub, start, SCHEDULE[0] + 2)  # fails once, then delivered: failing_since cleared
    assert subscriptions.show(hub.store, sub["id"])["failing_since"] is None
    receiver.answers = [500]
    add_lead(hub, "2", *PEOPLE[1])
    drive(hub, start, 0)  # fails: failing since now
    with hub.store.transaction() as session:  # ... and nothing is tried for six days (no events)
        session.execute(update(WebhookMessageRow).values(status="failed", next_attempt_at=None))
    receiver.answers = [500]
    add_lead(hub, "3", *PEOPLE[2])
    drive(hub, start + timedelta(days=6), 0)
    shown = subscriptions.show(hub.store, sub["id"])
    assert shown["enabled"] is True and shown["failing_since"] is not None


def test_a_timer_firing_a_little_early_puts_the_delivery_back_for_its_time(hub, receiver):
    subscribe(hub, receiver)
    add_lead(hub, "1", *PEOPLE[0])
    [message_id] = fan_out(hub.store)
    due = now() + timedelta(seconds=2)
    with hub.store.transaction() as session:
        session.execute(update(WebhookMessageRow).values(next_attempt_at=due))
    assert hub.webhooks_out.deliver(message_id, due - timedelta(seconds=1)) == "early"
    assert hub.webhooks_out.dispatcher.heap == [(due.timestamp(), message_id)]  # type: ignore[attr-defined]
    assert hub.webhooks_out.deliver(message_id, due - timedelta(minutes=5)) == "skipped"  # a stray job
    assert hub.webhooks_out.deliver(message_id, due) == "delivered"


def test_a_name_rebound_to_a_private_address_after_the_check_is_refused_on_the_connection(hub, receiver, monkeypatch):
    # DNS rebinding: the name resolves to a public address for the guard's lookups, then to
    # the receiver's loopback address for the connection itself.
    import hub.sinks.ssrf as ssrf

    monkeypatch.setattr(ssrf, "_addresses", lambda host, port: ["93.184.216.34"])
    url = receiver.url.replace("127.0.0.1", "localhost") + "/crm"
    sub = subscriptions.create(hub.store, hub.settings, url, ["*"])
    assert sub["allow_private"] is False
    add_lead(hub, "1", *PEOPLE[0])
    drive(hub, now(), 0)
    assert receiver.received == []
    [message] = subscriptions.deliveries(hub.store, sub["id"])
    [attempt] = subscriptions.delivery(hub.store, message["id"])["log"]
    assert attempt["outcome"] == "refused" and "127.0.0.1" in attempt["error"]


def test_a_guarded_connection_to_an_address_it_accepts_delivers(hub, receiver, monkeypatch):
    import hub.sinks.ssrf as ssrf

    monkeypatch.setattr(ssrf, "_public", lambda address: address == "127.0.0.1")
    sub = subscriptions.create(hub.store, hub.settings, receiver.url + "/crm", ["*"])
    assert sub["allow_private"] is False
    add_people(hub, "a", 3)
    drive(hub, now(), 0)
    assert len(receiver.delivered("/crm")) == 3
    assert {m["status"] for m in subscriptions.deliveries(hub.store, sub["id"])} == {"delivered"}
