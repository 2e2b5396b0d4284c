"""/healthz, /readyz and /metrics."""
from __future__ import annotations

import re
import time

from redis import Redis

from hub.app import create_app
from hub.runtime import Hub
from tests.conftest import FORM_TOKEN, REDIS_URL, make_settings
from tests.helpers import FORM_URL, drain


def test_healthz_answers_while_the_process_lives(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_readyz_is_200_when_database_and_queue_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "queue": "ok"}


def test_readyz_is_503_when_the_database_is_down(queue):
    down = Hub(make_settings("postgresql://postgres@127.0.0.1:1/none"), queue=queue)
    response = create_app(hub=down).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"].startswith("error")


def test_readyz_is_503_when_redis_is_down(db_url):
    down = Hub(make_settings(db_url, redis_url="redis://127.0.0.1:1/0"))
    response = create_app(hub=down).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["queue"].startswith("error")


def test_metrics_report_events_per_channel_and_status_rejections_depth_and_lag(client, hub, queue):
    client.post(FORM_URL, data={"ho_ten": "Lan", "so_dien_thoai": "0912345678"},
                headers={"Authorization": f"Bearer {FORM_TOKEN}"})
    client.post(FORM_URL, data={"ho_ten": "Hùng", "so_dien_thoai": "0987654321"},
                headers={"Authorization": f"Bearer {FORM_TOKEN}"})
    client.post(FORM_URL, data={"ho_ten": "Lan"}, headers={"Authorization": "Bearer wrong"})
    queue.ids[1:] = []  # leave the second event pending
    drain(hub, queue)
    text = client.get("/metrics").get_data(as_text=True)
    assert 'hub_events{channel="form",status="done"} 1.0' in text
    assert 'hub_events{channel="form",status="pending"} 1.0' in text
    assert 'hub_webhook_rejected_total{channel="form",reason="auth"} 1.0' in text
    assert "hub_queue_depth 0.0" in text
    lag = float(re.search(r"^hub_processing_lag_seconds (\S+)$", text, re.M).group(1))
    assert 0 < lag < 60


def test_refused_requests_are_counted_across_processes_through_redis(pg_only_url, rq_queue, redis_conn):
    """Production: the ingest runs as several processes and the ops console as another; a bad
    signature refused by one ingest process shows in the other processes' /metrics and on the
    console's dashboard (a process's own counters would show nothing there)."""
    from tests.ops.console import signed_in

    settings = make_settings(pg_only_url, rq_queue, redis_url=REDIS_URL)
    ingest_a, ingest_b, ops = (Hub(settings) for _ in range(3))
    try:
        first = create_app(role="ingest", hub=ingest_a).test_client()
        second = create_app(role="ingest", hub=ingest_b).test_client()
        ops_app = create_app(role="ops", hub=ops)
        assert first.post(FORM_URL, data={"ho_ten": "Lan"}, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert second.post(FORM_URL, data={"ho_ten": "Lan"}, headers={"Authorization": "Bearer wrong"}).status_code == 401
        accepted = second.post(FORM_URL, data={"ho_ten": "Lan", "so_dien_thoai": "0912345678"},
                               headers={"Authorization": f"Bearer {FORM_TOKEN}"})
        assert accepted.status_code == 200
        expected = 'hub_webhook_rejected_total{channel="form",reason="auth"} 2.0'
        text = ""
        for _ in range(50):  # each process adds its counts to Redis within a second
            text = ops_app.test_client().get("/metrics").get_data(as_text=True)
            if expected in text:
                break
            time.sleep(0.1)
        assert expected in text
        assert 'hub_webhook_accepted_total{channel="form",duplicate="false"} 1.0' in text
        assert expected in first.get("/metrics").get_data(as_text=True)
        console, _ = signed_in(ops_app, ops, "ops1", "admin")
        page = console.get("/ops/").get_data(as_text=True)
        assert re.search(r'<td>form</td><td>[^<]*</td><td class="sig-failures">2</td><td>2</td>', page)
    finally:
        for one in (ingest_a, ingest_b, ops):
            one.store.dispose()


def test_counts_wait_in_the_process_while_redis_is_down_and_are_added_later(redis_conn, rq_queue):
    from hub.metrics import SharedCounts

    key = f"{rq_queue}:webhook-counts"
    counts = SharedCounts(Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2), key,
                          flush_seconds=3600)
    counts.add(("rejected", "zalo", "bad_signature"), 3)
    counts.flush()  # Redis is down: logged, kept
    assert counts.totals() == {("rejected", "zalo", "bad_signature"): 3}
    counts.redis, counts.down_until = redis_conn, 0.0  # Redis is back
    counts.flush()
    try:
        assert redis_conn.hgetall(key) == {b"rejected|zalo|bad_signature": b"3"}
        assert counts.totals() == {("rejected", "zalo", "bad_signature"): 3}
    finally:
        redis_conn.delete(key)
