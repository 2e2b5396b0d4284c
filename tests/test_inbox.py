"""The inbox: exactly-once storage, claims, leases, retries and the sweeper."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import SQLAlchemyError

from hub import inbox
from tests.helpers import age, rows


def put(hub, key="k1", channel="form"):
    return inbox.put(hub.store, channel=channel, delivery_key=key, body=b"{}",
                     headers={"Content-Type": "application/json"}, route="contact-us",
                     queue=hub.settings.queue)


def test_a_redelivery_is_a_no_op_that_returns_the_first_event(hub):
    first, again = put(hub), put(hub)
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.event_id == first.event_id
    assert len(rows(hub, "raw_events")) == 1


def test_the_same_key_on_another_channel_is_another_event(hub):
    assert put(hub, channel="form").event_id != put(hub, channel="zalo").event_id


def test_the_sweeper_leaves_fresh_events_to_the_queue(hub):
    put(hub)
    assert inbox.due_for_sweep(hub.store, hub.settings.queue) == []


def test_the_sweeper_re_enqueues_a_pending_event_nobody_picked_up_once(hub):
    event_id = put(hub).event_id
    age(hub, event_id, seconds=1)
    assert inbox.due_for_sweep(hub.store, hub.settings.queue) == [event_id]
    assert inbox.due_for_sweep(hub.store, hub.settings.queue) == []  # not again until stuck again


def test_the_sweeper_takes_back_an_event_whose_worker_died(hub):
    event_id = put(hub).event_id
    assert inbox.claim(hub.store, event_id, hub.settings.queue)
    assert inbox.due_for_sweep(hub.store, hub.settings.queue) == []  # the lease still runs
    age(hub, event_id, seconds=1)
    assert inbox.due_for_sweep(hub.store, hub.settings.queue) == [event_id]
    [event] = rows(hub, "raw_events")
    assert (event["status"], event["last_error"]) == ("pending", "worker lease expired")
    assert inbox.claim(hub.store, event_id, hub.settings.queue)


def test_a_retry_waits_for_its_backoff(hub):
    event_id = put(hub).event_id
    inbox.claim(hub.store, event_id, hub.settings.queue)
    settings = hub.settings.queue.__class__(backoff_seconds=(60,))
    assert inbox.retry_later(hub.store, event_id, "boom", settings) == "pending"
    [event] = rows(hub, "raw_events")
    assert event["due_at"] > datetime.now(timezone.utc) + timedelta(seconds=50)
    assert inbox.due_for_sweep(hub.store, hub.settings.queue) == []


def test_replay_resets_only_the_selected_events(hub):
    a, b = put(hub, "a").event_id, put(hub, "b").event_id
    with hub.store.transaction() as session:
        inbox.finish(session, a, "failed", "x")
        inbox.finish(session, b, "done")
    assert inbox.reset_for_replay(hub.store, statuses=["failed"]) == [a]
    assert {r["id"]: r["status"] for r in rows(hub, "raw_events")} == {a: "pending", b: "done"}


def test_timestamps_come_back_timezone_aware(hub):
    put(hub)
    [event] = rows(hub, "raw_events")
    assert event["received_at"].tzinfo is not None
    assert inbox.oldest_pending(hub.store).tzinfo is not None


def _items(*keys: str) -> list[inbox.Item]:
    return [inbox.Item(channel="messenger", delivery_key=key, route="104857600123456",
                       body=b'{"mid": "%s", "text": "Ch\\u00e0o shop"}\xff\x00' % key.encode(),
                       headers={"X-Hub-Item": key, "X-Hub-Signature-256": "sha256=ab"}) for key in keys]


def test_a_batch_mixing_new_and_redelivered_items_answers_each_with_its_own_event(hub):
    first = inbox.put_batch(hub.store, _items("m1", "m2"), delivery=None, queue=hub.settings.queue)
    again = inbox.put_batch(hub.store, _items("m2", "m3", "m1"), delivery=None, queue=hub.settings.queue)
    assert [a.duplicate for a in again] == [True, False, True]
    assert again[0].event_id == first[1].event_id and again[2].event_id == first[0].event_id
    stored = {r["delivery_key"]: r for r in rows(hub, "raw_events")}
    assert sorted(stored) == ["m1", "m2", "m3"]
    assert stored["m3"]["id"] == again[1].event_id
    assert bytes(stored["m3"]["body"]) == _items("m3")[0].body  # exact bytes, not even UTF-8
    assert stored["m3"]["headers"] == {"X-Hub-Item": "m3", "X-Hub-Signature-256": "sha256=ab"}
    assert {r["status"] for r in stored.values()} == {"pending"}


def test_each_item_of_a_batch_keeps_its_own_bytes_whatever_their_lengths(hub):
    # On PostgreSQL the bodies travel end to end in one parameter and each is cut out again.
    bodies = [b"", b"\x00", "Chào shop ".encode() * 40, b"\xff" * 3, b"{}", bytes(range(256))]
    items = [inbox.Item(channel="messenger", delivery_key=f"m{i}", route="p", body=body, headers={"X-Hub-Item": str(i)})
             for i, body in enumerate(bodies)]
    accepted = inbox.put_batch(hub.store, items, delivery=None, queue=hub.settings.queue)
    stored = {r["id"]: r for r in rows(hub, "raw_events")}
    assert [bytes(stored[a.event_id]["body"]) for a in accepted] == bodies
    assert [stored[a.event_id]["headers"] for a in accepted] == [{"X-Hub-Item": str(i)} for i in range(len(bodies))]


def test_a_delivery_is_stored_with_all_its_items_or_not_at_all(hub):
    broken = {"channel": "facebook", "sha256": "f" * 64, "headers": {}, "body": b"{}", "items": None}
    with pytest.raises(SQLAlchemyError):  # webhook_deliveries.items is NOT NULL
        inbox.put_batch(hub.store, _items("m1", "m2"), delivery=broken, queue=hub.settings.queue)
    assert rows(hub, "raw_events") == [] and rows(hub, "webhook_deliveries") == []

    whole = {**broken, "items": 2}
    inbox.put_batch(hub.store, _items("m1", "m2"), delivery=whole, queue=hub.settings.queue)
    assert len(rows(hub, "raw_events")) == 2
    assert [bytes(r["body"]) for r in rows(hub, "webhook_deliveries")] == [b"{}"]


def test_a_redelivered_delivery_and_a_new_one_bringing_a_stored_item_are_answered_item_by_item(hub):
    # On PostgreSQL a delivery is first stored without ON CONFLICT; a repeat falls back to it.
    assert "ON CONFLICT" not in inbox._PG_NEW_DELIVERY_AND_EVENTS
    first_delivery = {"channel": "facebook", "sha256": "a" * 64, "headers": {}, "body": b"first" * 2000, "items": 2}
    first = inbox.put_batch(hub.store, _items("m1", "m2"), delivery=first_delivery, queue=hub.settings.queue)
    again = inbox.put_batch(hub.store, _items("m1", "m2"), delivery=first_delivery, queue=hub.settings.queue)
    assert [a.duplicate for a in first] == [False, False]
    assert again == [inbox.Accepted(a.event_id, duplicate=True) for a in first]
    other_delivery = {**first_delivery, "sha256": "b" * 64, "body": b"other"}
    mixed = inbox.put_batch(hub.store, _items("m3", "m2"), delivery=other_delivery, queue=hub.settings.queue)
    assert [a.duplicate for a in mixed] == [False, True] and mixed[1].event_id == first[1].event_id
    assert sorted(r["delivery_key"] for r in rows(hub, "raw_events")) == ["m1", "m2", "m3"]
    # (10 KB: compressed on PostgreSQL, lz4 since migration 0011, and read back whole)
    assert sorted(bytes(r["body"]) for r in rows(hub, "webhook_deliveries")) == [b"first" * 2000, b"other"]


def test_the_connection_put_batch_used_goes_back_to_the_pool_transactional(hub):
    inbox.put_batch(hub.store, _items("m1"), delivery=None, queue=hub.settings.queue)
    with pytest.raises(RuntimeError), hub.store.transaction() as session:  # likely the same connection
        inbox.finish(session, put(hub, key="k-rolled-back").event_id, "done")
        raise RuntimeError("roll it all back")
    assert [r["status"] for r in rows(hub, "raw_events")] == ["pending", "pending"]


def test_a_stored_event_is_due_for_the_sweeper_stuck_after_seconds_after_it_was_received(hub):
    # The bound on how long an event waits when its enqueue never happened (an ingest process
    # killed before it sent the ids it gathered, Redis down): the sweeper's next round after this.
    put(hub)
    [event] = rows(hub, "raw_events")
    assert event["due_at"] - event["received_at"] == timedelta(seconds=hub.settings.queue.stuck_after_seconds)
