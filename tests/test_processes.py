"""Whole processes, as they run in the field: `hub serve`, gunicorn, `hub worker`, redis-server."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import FORM_TOKEN, REDIS_URL
from tests.helpers import FORM_URL

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]  # this checkout's code, not an installed copy
AUTH = {"Authorization": f"Bearer {FORM_TOKEN}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def http_up(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:  # refused, or accepted while workers still boot
        return False


class Processes:
    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.cwd, self.env, self.running = cwd, env, []

    def start(self, *args: str, log: str) -> subprocess.Popen:
        out = open(self.cwd / log, "ab")
        proc = subprocess.Popen(args, cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.running.append(proc)
        return proc

    def hub(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "hub"), *args], cwd=self.cwd, env=self.env,
                              capture_output=True, text=True, timeout=60)

    def stop_all(self) -> None:
        for proc in self.running:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()


@pytest.fixture
def procs(tmp_path: Path) -> Iterator[Processes]:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "hub.toml").write_text(
        f'[forms.contact-us]\ntoken = "{FORM_TOKEN}"\n[forms.contact-us.fields]\n'
        'ho_ten = "name"\nso_dien_thoai = "phone"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update({"HUB_SECRET_KEY": "test", "HUB_QUEUE__SWEEP_INTERVAL_SECONDS": "0.5",
                "HUB_QUEUE__STUCK_AFTER_SECONDS": "2", "HUB_QUEUE__LEASE_SECONDS": "3"})
    processes = Processes(tmp_path, env)
    yield processes
    processes.stop_all()


def export(procs: Processes) -> list[dict]:
    result = procs.hub("export", "contacts", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_hub_serve_turns_a_form_post_into_an_exported_contact(procs):
    port = free_port()
    procs.start(str(BIN / "hub"), "serve", "--port", str(port), log="serve.log")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: http_up(base + "/healthz"), 30, "hub serve")
    form = {"ho_ten": "Nguyễn Thị Lan", "so_dien_thoai": "0912.345.678"}
    headers = {**AUTH, "Idempotency-Key": "sub-1"}
    assert requests.post(base + FORM_URL, data=form, headers=headers, timeout=5).status_code == 200
    # How fast is measured by benchmarks/embedded_e2e.py; here only that it arrives.
    wait_for(lambda: any("+84912345678" in c["phones"] for c in export(procs)), 30, "the contact")
    again = requests.post(base + FORM_URL, data=form, headers=headers, timeout=5)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    [contact] = export(procs)
    assert contact["name"] == "Nguyễn Thị Lan"
    assert [lead["source_ref"] for lead in contact["leads"]] == ["contact-us:sub-1"]


def _post_many(base: str, numbers: range, tag: str) -> list[int]:
    codes = []
    for n in numbers:
        form = {"ho_ten": f"Khách {n}", "so_dien_thoai": f"09{n:08d}"}
        response = requests.post(base + FORM_URL, data=form, headers={**AUTH, "Idempotency-Key": f"{tag}{n}"},
                                  timeout=10)
        codes.append(response.status_code)
    return codes


def _statuses(procs: Processes, db: str) -> dict[str, int]:
    import sqlalchemy as sa

    engine = sa.create_engine(db.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT status, count(*) FROM raw_events GROUP BY status")).all()
    engine.dispose()
    return dict(rows)


def _counts(db: str) -> tuple[int, int, int, int]:
    import sqlalchemy as sa

    engine = sa.create_engine(db.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        counts = tuple(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                       for t in ("leads", "contacts", "outbox"))
        distinct = conn.execute(sa.text("SELECT count(DISTINCT (channel, source_ref)) FROM leads")).scalar_one()
    engine.dispose()
    return (*counts, distinct)  # type: ignore[return-value]


def test_a_worker_killed_mid_stream_loses_and_doubles_nothing(procs, pg_only_url, redis_conn, rq_queue):
    procs.env.update({"HUB_DATABASE_URL": pg_only_url, "HUB_REDIS_URL": REDIS_URL, "HUB_QUEUE__RQ_QUEUE": rq_queue})
    port = free_port()
    procs.start(str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
                'hub.app:create_app(role="ingest")', log="ingest.log")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: http_up(base + "/healthz"), 30, "gunicorn")
    total = 300
    assert set(_post_many(base, range(total), "k")) == {200}
    worker = procs.start(str(BIN / "hub"), "worker", log="worker1.log")
    wait_for(lambda: _statuses(procs, pg_only_url).get("done", 0) >= 30, 60, "the first leads")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)
    done_at_kill = _statuses(procs, pg_only_url).get("done", 0)
    assert done_at_kill < total, "the worker finished before it could be killed mid-stream"
    procs.start(str(BIN / "hub"), "worker", log="worker2.log")
    wait_for(lambda: _statuses(procs, pg_only_url) == {"done": total}, 120, "every event done")
    leads, contacts, outbox, distinct = _counts(pg_only_url)
    assert (leads, contacts, outbox, distinct) == (total, total, total, total)


def test_with_redis_stopped_mid_stream_every_form_gets_200_and_is_processed_later(procs, pg_only_url, tmp_path):
    redis_port = free_port()
    redis_cmd = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(tmp_path)]
    redis = procs.start(*redis_cmd, log="redis.log")
    procs.env.update({"HUB_DATABASE_URL": pg_only_url, "HUB_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"})
    port = free_port()
    procs.start(str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
                'hub.app:create_app(role="ingest")', log="ingest.log")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: http_up(base + "/readyz"), 30, "gunicorn and redis")
    procs.start(str(BIN / "hub"), "worker", log="worker.log")
    codes = _post_many(base, range(0, 40), "a")
    redis.terminate()
    redis.wait(10)
    codes += _post_many(base, range(40, 80), "b")  # Redis is down for these
    assert requests.get(base + "/readyz", timeout=5).status_code == 503
    assert set(codes) == {200}
    procs.start(*redis_cmd, log="redis2.log")
    wait_for(lambda: _statuses(procs, pg_only_url) == {"done": 80}, 120, "every event done")
    leads, contacts, outbox, distinct = _counts(pg_only_url)
    assert (leads, contacts, distinct) == (80, 80, 80)


def test_gunicorn_access_and_error_logs_carry_no_token_phone_or_email(procs, tmp_path):
    import sqlite3

    db = tmp_path / "hub.db"
    procs.env.update({"HUB_DATABASE_URL": f"sqlite:///{db}", "HUB_CONFIG": str(tmp_path / "config" / "hub.toml")})
    assert procs.hub("db", "upgrade").returncode == 0
    port = free_port()
    procs.start(str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "-",
                'hub.app:create_app(role="ingest")', log="ingest.log")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: http_up(base + "/healthz"), 30, "gunicorn")
    form = {"ho_ten": "Nguyễn Thị Lan", "so_dien_thoai": "0912.345.678", "email": "lan.nguyen@gmail.com"}
    assert requests.post(f"{base}{FORM_URL}?token={FORM_TOKEN}", data=form, timeout=5).status_code == 200
    assert requests.post(f"{base}{FORM_URL}?token=guess-{FORM_TOKEN}", data=form, timeout=5).status_code == 401
    with sqlite3.connect(db) as conn:  # the inbox goes away: the next post fails in the store
        conn.execute("ALTER TABLE raw_events RENAME TO raw_events_away")
    assert requests.post(f"{base}{FORM_URL}?token={FORM_TOKEN}", data=form, timeout=5).status_code == 503
    procs.stop_all()
    logged = (tmp_path / "ingest.log").read_text(encoding="utf-8")
    assert logged.count("token=[redacted]") >= 3  # the access log lines
    assert "could not store the event; answering 503" in logged and "Traceback" in logged
    for secret in (FORM_TOKEN, "0912345678", "912.345.678", "lan.nguyen@gmail.com", "Nguyễn Thị Lan"):
        assert secret not in logged


def _gunicorn_workers(master: subprocess.Popen) -> list[int]:
    return [int(pid) for task in Path(f"/proc/{master.pid}/task").iterdir()
            for pid in (task / "children").read_text().split()]


def _queued_event_ids(rq_queue: str) -> list[int]:
    from redis import Redis
    from rq import Queue

    ids: list[int] = []
    for job in Queue(rq_queue, connection=Redis.from_url(REDIS_URL)).jobs:
        ids += job.args[0] if isinstance(job.args[0], list) else [job.args[0]]
    return sorted(ids)


def _gathering_ingest(procs: Processes, db: str, rq_queue: str, gather: float, stuck_after: float) -> tuple[
        subprocess.Popen, str]:
    procs.env.update({"HUB_DATABASE_URL": db, "HUB_REDIS_URL": REDIS_URL, "HUB_QUEUE__RQ_QUEUE": rq_queue,
                      "HUB_QUEUE__ENQUEUE_GATHER_SECONDS": str(gather),
                      "HUB_QUEUE__STUCK_AFTER_SECONDS": str(stuck_after)})
    port = free_port()
    master = procs.start(str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
                         'hub.app:create_app(role="ingest")', log="ingest.log")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: http_up(base + "/healthz"), 30, "gunicorn")
    return master, base


def test_an_ingest_worker_stopped_by_gunicorn_sends_the_events_it_gathered(procs, pg_only_url, redis_conn,
                                                                           rq_queue):
    master, base = _gathering_ingest(procs, pg_only_url, rq_queue, gather=50, stuck_after=60)
    ids = [requests.post(base + FORM_URL, data={"ho_ten": f"Khách {n}", "so_dien_thoai": f"09{n:08d}"},
                         headers={**AUTH, "Idempotency-Key": f"stop{n}"}, timeout=10).json()["event_id"]
           for n in range(3)]
    assert _queued_event_ids(rq_queue) == []  # answered 200 before the job went out
    master.terminate()  # gunicorn's graceful stop: each worker exits normally
    master.wait(30)
    assert _queued_event_ids(rq_queue) == sorted(ids)


def test_the_events_an_ingest_worker_gathered_before_it_was_killed_are_enqueued_by_the_sweeper(
        procs, pg_only_url, redis_conn, rq_queue):
    # They wait for the sweeper: at most queue.stuck_after_seconds + queue.sweep_interval_seconds
    # after they were received (here 10 + 0.5 s), then are processed once.
    master, base = _gathering_ingest(procs, pg_only_url, rq_queue, gather=9, stuck_after=10)
    codes = _post_many(base, range(2), "killed")
    [worker] = _gunicorn_workers(master)
    os.kill(worker, signal.SIGKILL)
    assert set(codes) == {200}
    assert _queued_event_ids(rq_queue) == []  # the worker died before it sent them
    assert _statuses(procs, pg_only_url) == {"pending": 2}
    procs.start(str(BIN / "hub"), "worker", log="worker.log")
    wait_for(lambda: _statuses(procs, pg_only_url) == {"done": 2}, 90, "the sweeper and the worker")
    assert _counts(pg_only_url) == (2, 2, 2, 2)
