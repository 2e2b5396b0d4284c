"""Outbound webhooks as processes run them: several hubs at once, and RQ's scheduler for retries."""
from __future__ import annotations

from collections import Counter

import pytest
from rq import SimpleWorker

from hub.config import WebhooksOutSettings
from hub.runtime import Hub, set_current
from hub.sinks import subscriptions
from tests.conftest import REDIS_URL, RecordingQueue, make_settings
from tests.fakes.receiver import Receiver
from tests.helpers import rows
from tests.sinks.helpers import add_people
from tests.test_processes import wait_for

FAST = WebhooksOutSettings(retry_schedule_seconds=(0, 1, 1, 1, 1, 1, 1), poll_interval_seconds=0.1,
                           stuck_after_seconds=2)


@pytest.fixture
def receiver():
    fake = Receiver().up()
    yield fake
    fake.down()


def all_delivered(hub: Hub) -> bool:
    messages = rows(hub, "webhook_messages")
    return bool(messages) and all(m["status"] == "delivered" for m in messages)


def fanned_out(hub: Hub) -> bool:
    state = rows(hub, "hub_state")
    return bool(state) and state[0]["value"] == str(max(e["seq"] for e in rows(hub, "outbox")))


def test_several_processes_running_the_sink_deliver_each_event_once(db_url, receiver):
    hubs = [Hub(make_settings(db_url, webhooks_out=FAST), queue=RecordingQueue()) for _ in range(3)]
    subscriptions.create(hubs[0].store, hubs[0].settings, receiver.url + "/a", allow_private=True)
    subscriptions.create(hubs[0].store, hubs[0].settings, receiver.url + "/b", ["contact.created"],
                         allow_private=True)
    receiver.answers = [500] * 8 + [503] * 4
    for hub in hubs:
        hub.webhooks_out.start()
    try:
        add_people(hubs[0], "x", 10)
        add_people(hubs[1], "y", 10)
        wait_for(lambda: all_delivered(hubs[0]) and fanned_out(hubs[0]), 60, "every delivery")
    finally:
        for hub in hubs:
            hub.webhooks_out.stop()
    outbox = rows(hubs[0], "outbox")
    expected = {"/a": {e["event_id"] for e in outbox},
                "/b": {e["event_id"] for e in outbox if e["type"] == "contact.created"}}
    for path, wanted in expected.items():
        counts = Counter(r.headers["webhook-id"] for r in receiver.delivered(path))
        assert set(counts) == wanted and set(counts.values()) == {1}
    for hub in hubs:
        hub.store.dispose()


def test_production_mode_retries_through_rqs_scheduler(pg_only_url, rq_queue, redis_conn, receiver):
    settings = make_settings(pg_only_url, rq_queue, redis_url=REDIS_URL, webhooks_out=WebhooksOutSettings(
        retry_schedule_seconds=(5,) * 7, poll_interval_seconds=0.1))
    hub = Hub(settings)
    set_current(hub)
    try:
        sub = subscriptions.create(hub.store, settings, receiver.url + "/crm", allow_private=True)
        add_people(hub, "p", 5)
        receiver.default = 500
        hub.webhooks_out.pump()  # fan out and enqueue the first attempts as RQ jobs
        assert hub.queue.rq.count == 5
        worker = SimpleWorker([hub.queue.rq], connection=redis_conn)
        worker.work(burst=True, with_scheduler=True)
        assert receiver.delivered() == [] and len(receiver.received) == 5
        # Each retry waits 5 s in RQ's scheduled-job registry (enqueue_in), not in the queue (5 s:
        # on a loaded machine the first burst took over 1 s and already picked up a due retry).
        assert hub.queue.rq.scheduled_job_registry.count == 5 and hub.queue.rq.count == 0
        receiver.default = 200
        wait_for(lambda: (worker.work(burst=True, with_scheduler=True) or True) and all_delivered(hub), 30,
                 "the retries through the scheduler")
    finally:
        set_current(None)
    counts = Counter(r.headers["webhook-id"] for r in receiver.delivered())
    assert set(counts) == {e["event_id"] for e in rows(hub, "outbox")} and set(counts.values()) == {1}
    attempts = [a for m in subscriptions.deliveries(hub.store, sub["id"])
                for a in subscriptions.delivery(hub.store, m["id"])["log"]]
    assert Counter(a["outcome"] for a in attempts)["delivered"] == 5
    hub.store.dispose()
