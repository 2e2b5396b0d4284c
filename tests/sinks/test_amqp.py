"""The AMQP sink against a real RabbitMQ, checked by a consumer written with pika."""
from __future__ import annotations

import socket
import threading
import time
import uuid
from collections import defaultdict

import pytest

from hub.config import AmqpSettings
from hub.ops import tokens
from hub.sinks import cursor
from hub.sinks.amqp import AmqpPublisher, AmqpSink, BrokerUnavailable, cursor_key
from hub.store import Store
from hub.store.merging import merge_contacts, unmerge
from tests.conftest import FORM_TOKEN, make_settings
from tests.helpers import FORM_URL, drain, rows
from tests.sinks.amqp_consumer import AMQP_URL, Consumer, broker_up, rabbitmqctl, wait_until

AUTH = {"Authorization": f"Bearer {FORM_TOKEN}"}


@pytest.fixture
def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: nothing listens there


@pytest.fixture
def exchange() -> str:
    return f"lead-hub.test.{uuid.uuid4().hex[:10]}"


@pytest.fixture
def consumer(exchange):
    consumer = Consumer(exchange)
    yield consumer
    consumer.close()


@pytest.fixture
def settings(db_url, exchange):
    return make_settings(db_url, amqp=AmqpSettings(url=AMQP_URL, exchange=exchange, poll_interval_seconds=0.05,
                                                   max_backoff_seconds=1.0))


def post(client, key: str, **fields: str) -> None:
    response = client.post(FORM_URL, data=fields, headers={**AUTH, "Idempotency-Key": key})
    assert response.status_code == 200, response.get_data(as_text=True)


def contact_of(hub, source_ref: str) -> str:
    return next(r["contact_id"] for r in rows(hub, "leads") if r["source_ref"] == f"contact-us:{source_ref}")


def first_leads(client, hub, queue) -> None:
    post(client, "lan-1", ho_ten="Nguyễn Thị Lan", so_dien_thoai="0912.345.678")
    post(client, "hung-1", ho_ten="Trần Văn Hùng", email="hung@example.vn")
    post(client, "thuy-1", ho_ten="Nguyen Thi Thuy", so_dien_thoai="0168 123 4567")
    post(client, "lan-2", ho_ten="Lan", so_dien_thoai="0912345678", email="lan@gmail.com")
    drain(hub, queue)


def more_leads_and_a_merge(client, hub, queue) -> int:
    post(client, "hung-2", ho_ten="Hùng", email="hung@example.vn", tinh="TP.HCM")
    post(client, "thuy-2", ho_ten="Nguyễn Thị Thuỷ", so_dien_thoai="+84 168 123 4567", email="thuy@yahoo.com")
    drain(hub, queue)
    with hub.store.transaction() as session:
        return merge_contacts(session, contact_of(hub, "lan-1"), [contact_of(hub, "thuy-1")], actor="ops:lan")


def undo(hub, merge_id: int) -> None:
    with hub.store.transaction() as session:
        unmerge(session, merge_id, actor="ops:lan")


def feed(client, hub) -> list[dict]:
    token = tokens.create(hub.store, "crm", ["events:read"])
    response = client.get("/api/v1/events?limit=500", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.get_json()["data"]


def assert_consumer_in_sync(client, hub, consumer) -> None:
    """Every outbox event arrived, as the REST feed serves it, in sequence (so version) order."""
    events = feed(client, hub)
    got = consumer.unique()
    assert [m.message_id for m in got] == [e["id"] for e in events]
    assert [m.event for m in got] == events
    assert all(m.routing_key == m.event["type"] for m in got)
    assert {(m.delivery_mode, m.content_type) for m in got} == {(2, "application/json")}
    versions = defaultdict(list)
    for m in got:
        versions[m.event["contact_id"]].append(m.event["contact_version"])
    assert all(v == sorted(v) for v in versions.values())
    assert cursor.lag(hub.store, cursor_key(consumer.exchange)) == 0


def test_a_pika_consumer_gets_every_event_in_order_across_a_broker_restart(client, hub, queue, consumer, settings):
    sink = AmqpSink(hub.store, settings.amqp).start()
    try:
        first_leads(client, hub, queue)
        wait_until(lambda: sink.publisher.lag() == 0, 30, "the first events to be published")
        assert len(consumer.drain()) == 4
        published = cursor.read(hub.store, sink.publisher.key)
        rabbitmqctl("stop_app")
        try:
            merge_id = more_leads_and_a_merge(client, hub, queue)
            assert sink.publisher.lag() == 3  # committed while the broker is down, waiting
            assert cursor.read(hub.store, sink.publisher.key) == published
        finally:
            rabbitmqctl("start_app")
        wait_until(broker_up, 60, "RabbitMQ to listen again")
        undo(hub, merge_id)
        wait_until(lambda: sink.publisher.lag() == 0, 60, "the publisher to catch up after the restart")
    finally:
        sink.stop()
    consumer.drain()
    assert {m.routing_key for m in consumer.unique()} == {
        "contact.created", "contact.updated", "contact.merged", "contact.unmerged"}
    assert_consumer_in_sync(client, hub, consumer)


def test_with_the_broker_unreachable_leads_commit_and_the_cursor_stays(client, hub, queue, settings, unused_port):
    closed = AmqpSettings(url=f"amqp://guest:guest@127.0.0.1:{unused_port}//", exchange=settings.amqp.exchange)
    publisher = AmqpPublisher(hub.store, closed)
    first_leads(client, hub, queue)
    with pytest.raises(BrokerUnavailable):
        publisher.publish_pending()
    assert len(rows(hub, "contacts")) == 3 and len(rows(hub, "leads")) == 4
    assert cursor.read(hub.store, publisher.key) == 0
    assert publisher.lag() == 4
    assert "hub_amqp_lag_events 4.0" in client.get("/metrics").get_data(as_text=True)
    assert client.get("/readyz").status_code == 200  # capture goes on; the events wait in the outbox


def test_a_new_publisher_resumes_from_the_cursor_with_no_gap_or_repeat(client, hub, queue, consumer, settings):
    first_leads(client, hub, queue)
    first = AmqpPublisher(hub.store, settings.amqp)
    assert first.publish_pending() == 4
    first.close()
    more_leads_and_a_merge(client, hub, queue)
    second = AmqpPublisher(hub.store, settings.amqp)
    assert second.publish_pending() == 3
    second.close()
    consumer.drain()
    assert len(consumer.received) == len(consumer.unique()) == 7
    assert_consumer_in_sync(client, hub, consumer)


def test_small_batches_save_the_cursor_batch_by_batch(client, hub, queue, consumer, settings):
    from dataclasses import replace

    first_leads(client, hub, queue)
    publisher = AmqpPublisher(hub.store, replace(settings.amqp, batch=3))
    assert publisher.publish_pending() == 4
    publisher.close()
    consumer.drain()
    assert_consumer_in_sync(client, hub, consumer)


def test_two_processes_publishing_at_once_send_each_event_once_in_order(pg_only_url, consumer, exchange):
    from hub.app import create_app
    from hub.runtime import Hub
    from tests.conftest import RecordingQueue

    settings = make_settings(pg_only_url, amqp=AmqpSettings(url=AMQP_URL, exchange=exchange, batch=2))
    queue = RecordingQueue()
    hub = Hub(settings, queue=queue)
    client = create_app(role="embedded", hub=hub).test_client()
    first_leads(client, hub, queue)
    more_leads_and_a_merge(client, hub, queue)
    stores = [Store(pg_only_url) for _ in range(3)]  # each its own connections, as processes have
    publishers = [AmqpPublisher(store, settings.amqp) for store in stores]
    start = threading.Barrier(len(publishers))

    def run(publisher: AmqpPublisher) -> None:
        start.wait()
        while publisher.lag():
            if not publisher.publish_pending():
                time.sleep(0.01)  # another one holds the lease

    threads = [threading.Thread(target=run, args=(p,)) for p in publishers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for publisher, store in zip(publishers, stores):
        publisher.close()
        store.dispose()
    consumer.drain()
    assert len(consumer.received) == 7
    assert_consumer_in_sync(client, hub, consumer)
    hub.store.dispose()
