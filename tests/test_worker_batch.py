"""A worker's job takes the fresh pending events with its own and stores them together
(pipeline.run_pending, inbox.claim_with_fresh), with the guarantees of one event at a time."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import select, update

from hub import enrich, inbox, pipeline
from hub.config import ConfigError, QueueSettings
from hub.pipeline import BATCHED_CHANNELS, run, run_pending
from hub.store import Store
from hub.store.schema import RawEventRow
from tests.conftest import FORM_TOKEN
from tests.helpers import FORM_URL, row_count, rows

AUTH = {"Authorization": f"Bearer {FORM_TOKEN}"}
QUEUE = QueueSettings()


def post(client, key, name, phone):
    response = client.post(FORM_URL, data={"ho_ten": name, "so_dien_thoai": phone},
                           headers={**AUTH, "Idempotency-Key": key})
    assert response.status_code == 200, response.json
    return response.json["event_id"]


def put(store, channel, key):
    return inbox.put(store, channel=channel, delivery_key=key, body=b"{}", headers={}, queue=QUEUE).event_id


def statuses(hub):
    return {row["id"]: (row["status"], row["attempts"]) for row in rows(hub, "raw_events")}


def test_one_job_stores_the_waiting_form_events_and_their_own_jobs_are_skipped(client, hub, queue):
    ids = [post(client, f"k{n}", name, phone) for n, (name, phone) in enumerate(
        [("Nguyễn Thị Lan", "0912345678"), ("Trần Văn Hùng", "0987654321"), ("Lan", "+84 912 345 678"),
         ("Lê Minh Tâm", "0903111222")])]
    assert run_pending(hub, ids[0]) == "done"
    assert set(statuses(hub).values()) == {("done", 1)}
    assert [run_pending(hub, event_id) for event_id in ids[1:]] == ["skipped"] * 3
    assert row_count(hub, "leads") == 4
    assert row_count(hub, "contacts") == 3  # the two Lans, one phone in two spellings: one person
    assert [e["type"] for e in rows(hub, "outbox")] == [
        "contact.created", "contact.created", "contact.updated", "contact.created"]


def test_the_batch_decides_as_the_one_event_path_does(client, hub, queue):
    people = [("Nguyễn Thị Lan", "0912345678"), ("Nguyen Thi Lan", "0912345678"), ("Trần Văn Hùng", "0912345678"),
              ("Lan", "0912 345 678"), ("Lê Minh Tâm", "0903111222")]
    ids = [post(client, f"k{n}", name, phone) for n, (name, phone) in enumerate(people)]
    run_pending(hub, ids[0])
    together = [(lead["decision"]["action"], lead["decision"]["score"]) for lead in rows(hub, "leads")]
    with hub.store.transaction() as session:
        for table in ("outbox", "merge_suggestions", "leads", "match_keys", "contact_points", "contacts"):
            session.execute(RawEventRow.metadata.tables[table].delete())
    inbox.reset_for_replay(hub.store, statuses=["done"])
    assert [run(hub, event_id) for event_id in ids] == ["done"] * 5
    assert [(lead["decision"]["action"], lead["decision"]["score"]) for lead in rows(hub, "leads")] == together


def test_a_lone_event_takes_the_one_event_path(client, hub, queue, monkeypatch):
    event_id = post(client, "a", "Nguyễn Thị Lan", "0912345678")
    monkeypatch.setattr(pipeline, "_run_claimed_batch", lambda *_: pytest.fail("batched a lone event"))
    assert run_pending(hub, event_id) == "done"
    assert run_pending(hub, event_id) == "skipped"


def test_a_batch_that_fails_is_stored_event_by_event(client, hub, queue, monkeypatch):
    ids = [post(client, f"k{n}", f"Người {n}", f"091234567{n}") for n in range(3)]

    def broken(*_):
        raise RuntimeError("the batch path broke")

    monkeypatch.setattr(pipeline, "apply_batch", broken)
    assert run_pending(hub, ids[1]) == "done"
    assert set(statuses(hub).values()) == {("done", 1)}  # one attempt each: claimed once
    assert row_count(hub, "leads") == row_count(hub, "outbox") == 3


def test_worker_batch_1_takes_only_the_jobs_own_event(client, hub, queue):
    hub.settings = dataclasses.replace(hub.settings, queue=dataclasses.replace(hub.settings.queue, worker_batch=1))
    first, second = post(client, "a", "Nguyễn Thị Lan", "0912345678"), post(client, "b", "Lê Minh Tâm", "0903111222")
    assert run_pending(hub, first) == "done"
    assert statuses(hub)[second] == ("pending", 0)


def test_only_fresh_events_of_the_batched_channels_come_along(hub):
    own = put(hub.store, "form", "own")
    form, telegram = put(hub.store, "form", "f"), put(hub.store, "telegram", "t")
    messenger, leadads = put(hub.store, "messenger", "m"), put(hub.store, "facebook_leadads", "l")
    retried = put(hub.store, "form", "retried")
    assert inbox.claim(hub.store, retried, QUEUE)
    inbox.retry_later(hub.store, retried, "TransientError: later", QUEUE)  # pending, attempts 1
    done = put(hub.store, "form", "done")
    with hub.store.transaction() as session:
        inbox.finish(session, done, "done")
    claimed = inbox.claim_with_fresh(hub.store, own, QUEUE, BATCHED_CHANNELS, 50)
    assert {(c.id, c.attempts) for c in claimed} == {(own, 1), (form, 1), (telegram, 1)}
    assert statuses(hub)[messenger] == statuses(hub)[leadads] == ("pending", 0)
    assert statuses(hub)[retried] == ("pending", 1)


def test_the_batch_is_at_most_worker_batch_events_the_longest_waiting_first(hub):
    ids = [put(hub.store, "form", f"k{n}") for n in range(6)]
    with hub.store.transaction() as session:  # k5 waited longest
        session.execute(update(RawEventRow).where(RawEventRow.id == ids[5])
                        .values(due_at=inbox.utcnow() - timedelta(minutes=5)))
    claimed = inbox.claim_with_fresh(hub.store, ids[0], QUEUE, BATCHED_CHANNELS, 3)
    assert {c.id for c in claimed} == {ids[0], ids[5], ids[1]}  # RETURNING keeps no order


def test_a_finished_event_claims_the_waiting_ones_for_its_worker(hub):
    done, waiting = put(hub.store, "form", "done"), put(hub.store, "form", "waiting")
    with hub.store.transaction() as session:
        inbox.finish(session, done, "done")
    assert [c.id for c in inbox.claim_with_fresh(hub.store, done, QUEUE, BATCHED_CHANNELS, 50)] == [waiting]
    assert inbox.claim_with_fresh(hub.store, done, QUEUE, BATCHED_CHANNELS, 50) == []


def test_events_of_a_worker_killed_mid_batch_come_back_alone_after_their_lease(client, hub, queue):
    ids = [post(client, f"k{n}", f"Người {n}", f"091234567{n}") for n in range(3)]
    assert len(inbox.claim_with_fresh(hub.store, ids[0], QUEUE, BATCHED_CHANNELS, 50)) == 3  # then killed
    assert inbox.due_for_sweep(hub.store, hub.settings.queue) == []  # leased: nobody else takes them
    with hub.store.transaction() as session:
        session.execute(update(RawEventRow).values(due_at=inbox.utcnow() - timedelta(hours=1)))
    assert sorted(inbox.due_for_sweep(hub.store, hub.settings.queue)) == ids
    # Their attempt counted: none is fresh, so none rides along with another's job again.
    assert [c.id for c in inbox.claim_with_fresh(hub.store, ids[0], QUEUE, BATCHED_CHANNELS, 50)] == [ids[0]]
    assert [run_pending(hub, event_id) for event_id in ids[1:]] == ["done", "done"]
    assert pipeline._run_claimed(hub, ids[0]) == "done"
    assert {event_id: s for event_id, s in statuses(hub).items()} == {i: ("done", 2) for i in ids}
    assert row_count(hub, "leads") == row_count(hub, "contacts") == row_count(hub, "outbox") == 3


def test_rows_another_transaction_holds_are_skipped_without_waiting(pg_only_url):
    store = Store(f"{pg_only_url}?options=-c%20lock_timeout%3D5s")  # a wait would fail, not hang
    try:
        own, held, free = (put(store, "form", key) for key in ("own", "held", "free"))
        with psycopg.connect(pg_only_url) as other:
            other.execute("SELECT id FROM raw_events WHERE id = ANY(%s) FOR UPDATE", ([own, held],))
            assert [c.id for c in inbox.claim_with_fresh(store, own, QUEUE, BATCHED_CHANNELS, 50)] == [free]
        with store.sessions() as session:
            status = dict(session.execute(select(RawEventRow.id, RawEventRow.status)).all())
        assert status == {own: "pending", held: "pending", free: "processing"}
    finally:
        store.dispose()


def test_the_batched_channels_have_no_follow_up_of_their_own():
    assert not BATCHED_CHANNELS & set(enrich.KINDS)  # profile enrichment runs in the one-event path
    assert "facebook_leadads" not in BATCHED_CHANNELS  # fetched from Graph: a token can be refused


def test_worker_batch_must_be_at_least_1():
    with pytest.raises(ConfigError, match="queue.worker_batch"):
        QueueSettings(worker_batch=0)
