"""The production queue: real Redis, real RQ workers, and Redis going away."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from redis import Redis
from rq import SimpleWorker

from hub.app import create_app
from hub.queue import QueueUnavailable, RQQueue
from hub.runtime import Hub, set_current
from tests.conftest import FORM_TOKEN, REDIS_URL, make_settings
from tests.helpers import FORM_URL, age, row_count, rows
from tests.test_processes import wait_for

AUTH = {"Authorization": f"Bearer {FORM_TOKEN}"}


@pytest.fixture
def rq_hub(db_url: str, redis_conn: Redis, rq_queue: str) -> Iterator[Hub]:
    hub = Hub(make_settings(db_url, rq_queue, redis_url=REDIS_URL))
    set_current(hub)  # RQ imports hub.pipeline.process_event, which uses the current hub
    yield hub
    set_current(None)
    hub.store.dispose()


def work(hub: Hub) -> None:
    assert isinstance(hub.queue, RQQueue)
    SimpleWorker([hub.queue.rq], connection=hub.queue.connection).work(burst=True)


def post_forms(hub: Hub, count: int) -> list[int]:
    """`count` form submissions from different people, each answered 200; their event ids."""
    client = create_app(role="ingest", hub=hub).test_client()
    ids = []
    for n in range(count):
        response = client.post(FORM_URL, data={"ho_ten": f"Khách {n}", "so_dien_thoai": f"090000000{n}"},
                               headers=AUTH)
        assert response.status_code == 200
        ids.append(response.json["event_id"])
    return ids


@pytest.fixture
def gathering(rq_hub: Hub) -> Iterator[Callable[[float], Hub]]:
    """Hubs on rq_hub's store and queue whose ingest gathers ids for the given seconds."""
    made: list[Hub] = []

    def make(seconds: float) -> Hub:
        made.append(Hub(replace(rq_hub.settings, queue=replace(rq_hub.settings.queue,
                                                                enqueue_gather_seconds=seconds))))
        return made[-1]

    yield make
    for hub in made:
        hub.stop_background()
        hub.store.dispose()


def queued(hub: Hub) -> list[tuple[str, tuple]]:
    return [(job.func_name, job.args) for job in hub.queue.rq.jobs]


def test_events_go_through_redis_to_an_rq_worker(rq_hub):
    post_forms(rq_hub, 3)
    assert rq_hub.queue.depth() == 3
    work(rq_hub)
    assert rq_hub.queue.depth() == 0
    assert [r["status"] for r in rows(rq_hub, "raw_events")] == ["done"] * 3
    assert row_count(rq_hub, "contacts") == 3


def test_an_ingest_process_sends_its_requests_events_after_the_200_as_one_job(gathering):
    hub = gathering(20)
    ids = post_forms(hub, 3)
    assert queued(hub) == []  # the requests did not wait for Redis
    hub.gatherer.flush()
    assert queued(hub) == [("hub.pipeline.process_events", (ids,))]
    work(hub)
    assert [r["status"] for r in rows(hub, "raw_events")] == ["done"] * 3
    assert row_count(hub, "contacts") == 3


def test_a_gathered_burst_goes_out_as_jobs_of_at_most_worker_batch_events(gathering):
    hub = gathering(20)
    hub.gatherer.add(list(range(1, 121)))
    hub.gatherer.flush()
    assert [args for _, args in queued(hub)] == [
        (list(range(1, 51)),), (list(range(51, 101)),), (list(range(101, 121)),)]


def test_gathered_events_go_out_by_themselves_within_the_delay(gathering):
    hub = gathering(0.05)
    ids = post_forms(hub, 4)
    wait_for(lambda: sorted(i for _, (job_ids,) in queued(hub) for i in (job_ids if isinstance(job_ids, list)
                                                                          else [job_ids])) == ids,
             10, "every event in a job")


def test_a_forked_process_starts_with_nothing_gathered_and_sends_only_its_own(gathering):
    hub = gathering(20)
    hub.gatherer.add([1, 2])
    child = os.fork()
    if child == 0:  # as a gunicorn worker forked from a master that had built the app
        code = 1
        try:
            if hub.gatherer.ids == [] and hub.gatherer.thread is None:
                hub.gatherer.add([99])
                hub.gatherer.flush()
                code = 0
        finally:
            os._exit(code)
    assert os.waitpid(child, 0)[1] == 0
    assert queued(hub) == [("hub.pipeline.process_event", (99,))]
    hub.gatherer.flush()
    assert queued(hub)[1:] == [("hub.pipeline.process_events", ([1, 2],))]


def test_a_job_delivered_twice_by_the_queue_makes_one_lead(rq_hub):
    client = create_app(role="ingest", hub=rq_hub).test_client()
    event_id = client.post(FORM_URL, data={"ho_ten": "Lan", "so_dien_thoai": "0912345678"},
                           headers=AUTH).json["event_id"]
    rq_hub.queue.enqueue(event_id)  # e.g. the sweeper re-enqueued it while it sat in the queue
    work(rq_hub)
    assert row_count(rq_hub, "leads") == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path) -> Iterator[tuple[str, list[str]]]:
    """A Redis server of this test's own, so the test can stop and restart it."""
    port = _free_port()
    command = [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1",
               "--save", "", "--appendonly", "no", "--dir", str(tmp_path), "--daemonize", "no"]
    procs: list[subprocess.Popen] = []

    def start() -> None:
        procs.append(subprocess.Popen(command, stdout=subprocess.DEVNULL))
        for _ in range(100):
            try:
                Redis(port=port).ping()
                return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop() -> None:
        procs[-1].terminate()
        procs[-1].wait(10)

    start()
    yield f"redis://127.0.0.1:{port}/0", [start, stop]  # type: ignore[list-item]
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(10)


@pytest.mark.parametrize("gather", [0, 0.05])
def test_with_redis_down_webhooks_still_get_200_and_are_processed_when_it_returns(db_url, own_redis, gather):
    url, (start, stop) = own_redis
    settings = make_settings(db_url, redis_url=url)
    hub = Hub(replace(settings, queue=replace(settings.queue, enqueue_gather_seconds=gather)))
    set_current(hub)
    try:
        client = create_app(role="ingest", hub=hub).test_client()
        stop()
        with pytest.raises(QueueUnavailable):
            hub.queue.ping()
        assert client.get("/readyz").status_code == 503
        for n in range(5):
            response = client.post(FORM_URL, data={"ho_ten": f"Khách {n}", "so_dien_thoai": f"090000000{n}"},
                                   headers=AUTH)
            assert response.status_code == 200
        if hub.gatherer is not None:
            hub.gatherer.flush()  # Redis refuses them: dropped, the inbox keeps them
        assert [r["status"] for r in rows(hub, "raw_events")] == ["pending"] * 5
        start()  # the same client reconnects by itself
        assert client.get("/readyz").status_code == 200
        for event in rows(hub, "raw_events"):
            age(hub, event["id"], seconds=1)
        assert hub.sweep() == 5
        work(hub)
        assert [r["status"] for r in rows(hub, "raw_events")] == ["done"] * 5
        assert row_count(hub, "contacts") == 5
    finally:
        set_current(None)
        hub.stop_background()
        hub.store.dispose()


def test_a_batched_delivery_is_one_job_and_a_failing_event_holds_back_none_of_the_others(rq_hub):
    from hub import inbox

    ids = [inbox.put(rq_hub.store, channel="form", delivery_key=f"k{n}", route=route,
                     body=f"ho_ten=Kh%C3%A1ch+{n}&so_dien_thoai=090000000{n}".encode(),
                     headers={"Content-Type": "application/x-www-form-urlencoded"},
                     queue=rq_hub.settings.queue).event_id
           for n, route in enumerate(["contact-us", "no-longer-configured", "contact-us"])]
    rq_hub.queue.enqueue_many(ids)
    assert rq_hub.queue.depth() == 1
    [job] = rq_hub.queue.rq.jobs
    assert job.args == (ids,)
    work(rq_hub)
    assert [r["status"] for r in rows(rq_hub, "raw_events")] == ["done", "failed", "done"]
    assert row_count(rq_hub, "contacts") == 2


def test_a_job_written_in_one_round_trip_is_whole_for_rq(rq_hub, redis_conn):
    from rq import Queue

    rq_hub.queue.enqueue_many([11, 12])
    rq_hub.queue.enqueue(13)
    assert rq_hub.queue.rq.name in [q.name for q in Queue.all(connection=redis_conn)]  # rq info sees it
    jobs = rq_hub.queue.rq.jobs
    assert [(j.func_name, j.args) for j in jobs] == [
        ("hub.pipeline.process_events", ([11, 12],)), ("hub.pipeline.process_event", (13,))]
    assert all(j.get_status() == "queued" and j.result_ttl == 0 and j.failure_ttl == 86400
               and j.enqueued_at is not None for j in jobs)


def test_one_job_stores_a_backlog_and_drops_the_jobs_it_made_useless(rq_hub):
    post_forms(rq_hub, 5)
    other = rq_hub.queue.rq.enqueue("hub.enrich.jobs.enrich", 1, result_ttl=0)  # another kind of job stays
    assert rq_hub.queue.depth() == 6
    worker = SimpleWorker([rq_hub.queue.rq], connection=rq_hub.queue.connection)
    job, queue = worker.dequeue_job_and_maintain_ttl(timeout=1)
    worker.perform_job(job, queue)
    assert [r["status"] for r in rows(rq_hub, "raw_events")] == ["done"] * 5
    assert rq_hub.queue.rq.job_ids == [other.id]
    assert row_count(rq_hub, "contacts") == row_count(rq_hub, "outbox") == 5


def test_discard_drops_only_the_process_event_jobs_of_the_given_events(rq_hub):
    queue = rq_hub.queue
    for event_id in (1, 2, 3):
        queue.enqueue(event_id)
    queue.enqueue_many([2, 4])
    queue.call("hub.pipeline.run_batch", 2)
    assert queue.discard([2, 3], scan=100) == 2
    assert [(job.func_name, job.args) for job in queue.rq.jobs] == [
        ("hub.pipeline.process_event", (1,)), ("hub.pipeline.process_events", ([2, 4],)),
        ("hub.pipeline.run_batch", (2,))]


def test_a_job_whose_twin_was_discarded_after_it_was_dequeued_is_passed_over(rq_hub):
    queue = rq_hub.queue
    queue.enqueue(1)
    queue.enqueue(2)
    [first, _] = queue.rq.job_ids
    queue.connection.delete(f"rq:job:{first}")  # what discard does to a job another worker dequeues
    worker = SimpleWorker([queue.rq], connection=queue.connection)
    job, _ = worker.dequeue_job_and_maintain_ttl(timeout=1)
    assert job.args == (2,)


def test_discard_never_raises_when_a_queued_job_does_not_read(rq_hub):
    queue = rq_hub.queue
    queue.enqueue(1)
    [job_id] = queue.rq.job_ids
    queue.connection.hset(f"rq:job:{job_id}", "data", b"not a job")
    assert queue.discard([1], scan=10) == 0
    assert queue.rq.job_ids == [job_id]
