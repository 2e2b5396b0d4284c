"""The AMQP loop in real `hub worker` processes: killed, restarted, and several at once."""
from __future__ import annotations

import os
import signal

import pytest
import requests
import sqlalchemy as sa

from hub.sinks.amqp import cursor_key
from tests.conftest import REDIS_URL
from tests.sinks.amqp_consumer import AMQP_URL, Consumer
from tests import test_processes
from tests.test_processes import BIN, _post_many, free_port, http_up, wait_for

pytestmark = pytest.mark.slow
procs = test_processes.procs  # the fixture: hub processes with this checkout's code


def outbox_ids(db: str) -> list[str]:
    engine = sa.create_engine(db.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        ids = list(conn.execute(sa.text("SELECT event_id FROM outbox ORDER BY seq")).scalars())
    engine.dispose()
    return ids


def amqp_cursor(db: str, exchange: str) -> int:
    engine = sa.create_engine(db.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        value = conn.execute(sa.text("SELECT value FROM hub_state WHERE key = :key"),
                             {"key": cursor_key(exchange)}).scalar_one_or_none()
    engine.dispose()
    return int(value) if value else 0


def test_a_killed_publisher_is_replaced_with_no_gap_and_no_repeat(procs, pg_only_url, redis_conn, rq_queue):
    consumer = Consumer(f"lead-hub.test.{rq_queue}")
    procs.env.update({"HUB_DATABASE_URL": pg_only_url, "HUB_REDIS_URL": REDIS_URL, "HUB_QUEUE__RQ_QUEUE": rq_queue,
                      "HUB_AMQP_URL": AMQP_URL, "HUB_AMQP__EXCHANGE": consumer.exchange,
                      "HUB_AMQP__POLL_INTERVAL_SECONDS": "0.2"})
    try:
        port = free_port()
        procs.start(str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
                    'hub.app:create_app(role="ingest")', log="ingest.log")
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: http_up(base + "/healthz"), 30, "gunicorn")
        worker = procs.start(str(BIN / "hub"), "worker", log="worker1.log")
        assert set(_post_many(base, range(0, 20), "a")) == {200}
        wait_for(lambda: len(consumer.drain()) >= 20, 60, "the first 20 events")
        # A publisher killed between the broker's confirm and its cursor commit sends that
        # batch again (at least once: consumers dedupe on message_id). Kill it once the cursor
        # holds all 20, so what is checked here is the handover itself: no gap, no repeat.
        wait_for(lambda: amqp_cursor(pg_only_url, consumer.exchange) == 20, 30, "the cursor at 20")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        assert set(_post_many(base, range(20, 40), "b")) == {200}
        for n in (2, 3):  # two publishers from now on: the advisory lock lets one publish at a time
            procs.start(str(BIN / "hub"), "worker", log=f"worker{n}.log")
        wait_for(lambda: len(consumer.drain()) >= 40, 90, "all 40 events")
        assert [m.message_id for m in consumer.received] == outbox_ids(pg_only_url)
        assert requests.get(base + "/healthz", timeout=5).status_code == 200
    finally:
        consumer.close()
