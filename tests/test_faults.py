"""Faults with real processes: PostgreSQL unreachable behind gunicorn ingest and an RQ worker.

The shared PostgreSQL is never stopped: the processes reach it through tests/tcpproxy.py,
which is cut (open connections dropped, new ones refused) and then restored.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from tests import test_processes
from tests.conftest import REDIS_URL
from tests.helpers import FORM_URL
from tests.tcpproxy import TcpProxy
from tests.test_processes import AUTH, BIN, _counts, _statuses, free_port, http_up, wait_for

pytestmark = pytest.mark.slow
procs = test_processes.procs  # the fixture: real processes in a scratch folder


def _through(proxy: TcpProxy, url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))


def _post(base: str, n: int) -> requests.Response:
    form = {"ho_ten": f"Phạm Thị Thu {n}", "so_dien_thoai": f"0168 555 {n:04d}"}
    return requests.post(base + FORM_URL, data=form, headers={**AUTH, "Idempotency-Key": f"pg-{n}"},
                         timeout=20)


def test_postgresql_down_is_a_503_that_stores_nothing_and_the_last_200_is_processed_later(
        procs, pg_only_url, redis_conn, rq_queue):
    proxy = TcpProxy(("127.0.0.1", urlsplit(pg_only_url).port or 5432)).start()
    procs.env.update({"HUB_DATABASE_URL": _through(proxy, pg_only_url), "HUB_REDIS_URL": REDIS_URL,
                      "HUB_QUEUE__RQ_QUEUE": rq_queue})
    port = free_port()
    procs.start(str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
                'hub.app:create_app(role="ingest")', log="ingest.log")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: http_up(base + "/readyz"), 30, "gunicorn")
    try:
        assert _post(base, 0).status_code == 200  # accepted just before the outage
        proxy.cut()
        refused = [_post(base, n) for n in range(1, 11)]
        assert {r.status_code for r in refused} == {503}
        for response in refused:
            assert int(response.headers["Retry-After"]) > 0
            assert response.json()["reason"] == "store_down"
        assert requests.get(base + "/readyz", timeout=10).status_code == 503
        assert requests.get(base + "/healthz", timeout=10).status_code == 200
        assert _statuses(procs, pg_only_url) == {"pending": 1}  # only what was answered 200
        procs.start(str(BIN / "hub"), "worker", log="worker.log")  # starts while the store is down
    finally:
        proxy.restore()
    wait_for(lambda: _statuses(procs, pg_only_url) == {"done": 1}, 90, "the accepted event processed")
    # The sender retries what got a 503: now stored and processed, once each.
    assert {_post(base, n).status_code for n in range(1, 11)} == {200}
    assert _post(base, 0).json()["duplicate"] is True
    wait_for(lambda: _statuses(procs, pg_only_url) == {"done": 11}, 90, "every retried event processed")
    assert _counts(pg_only_url) == (11, 11, 11, 11)  # leads, contacts, outbox, distinct leads
    proxy.stop()


def test_hostile_requests_against_real_gunicorn_are_4xx_json_and_store_nothing(
        procs, pg_only_url, redis_conn, rq_queue):
    procs.env.update({"HUB_DATABASE_URL": pg_only_url, "HUB_REDIS_URL": REDIS_URL,
                      "HUB_QUEUE__RQ_QUEUE": rq_queue, "HUB_INGEST__MAX_BODY_BYTES": "300000"})
    port = free_port()
    procs.start(str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
                'hub.app:create_app(role="ingest")', log="ingest.log")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: http_up(base + "/readyz"), 30, "gunicorn")
    url = base + FORM_URL
    json_auth = {**AUTH, "Content-Type": "application/json"}
    huge = b'{"ho_ten": "' + b"a" * 400_000 + b'"}'

    def chunks():  # no Content-Length: the limit must hold on a streamed body too
        for start in range(0, len(huge), 8192):
            yield huge[start:start + 8192]

    answers = [
        requests.post(url, data=huge, headers=json_auth, timeout=30),
        requests.post(url, data=chunks(), headers=json_auth, timeout=30),
        requests.post(url, data=b"[" * 100_000 + b"]" * 100_000, headers=json_auth, timeout=30),
        requests.post(url, data=b'{"ho_ten": "Nguy\xe1\xbb n"}', headers=json_auth, timeout=30),
        requests.post(url, data=b"<xml/>", headers={**AUTH, "Content-Type": "application/xml"}, timeout=30),
        requests.post(base + "/webhooks/zalo", data=b'{"event_name": "user_send_text"}',
                      headers={"X-ZEvent-Signature": "mac=\xe9" + "0" * 63}, timeout=30),
    ]
    assert [a.status_code for a in answers] == [413, 413, 400, 400, 400, 404]
    assert all(a.headers["Content-Type"].startswith("application/json") and a.json()["error"] for a in answers)
    assert _statuses(procs, pg_only_url) == {}


def test_the_first_webhook_after_postgresql_dropped_its_connections_is_stored(pg_only_url):
    from hub.app import create_app
    from hub.runtime import Hub
    from tests.conftest import RecordingQueue, make_settings

    proxy = TcpProxy(("127.0.0.1", urlsplit(pg_only_url).port or 5432)).start()
    hub = Hub(make_settings(_through(proxy, pg_only_url)), queue=RecordingQueue())
    client = create_app(role="ingest", hub=hub).test_client()
    try:
        assert _post_in(client, 0).status_code == 200  # its connection stays in the pool
        proxy.cut()  # as a PostgreSQL restart: every open connection dropped...
        proxy.restore()  # ...and the server back
        assert _post_in(client, 1).status_code == 200  # no ping first: the dead one is replaced
        assert _statuses(None, pg_only_url) == {"pending": 2}
        proxy.cut()
        assert _post_in(client, 2).status_code == 503  # down: refused, nothing stored
    finally:
        proxy.stop()
        hub.store.dispose()
    assert _statuses(None, pg_only_url) == {"pending": 2}


def _post_in(client, n: int):  # type: ignore[no-untyped-def]
    form = {"ho_ten": f"Phạm Thị Thu {n}", "so_dien_thoai": f"0168 555 {n:04d}"}
    return client.post(FORM_URL, data=form, headers={**AUTH, "Idempotency-Key": f"restart-{n}"})
