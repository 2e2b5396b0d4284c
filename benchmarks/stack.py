"""The production stack for benchmarks: a scratch PostgreSQL database, gunicorn ingest and
`hub worker` processes on the local Redis (a queue name of the run's own), form POSTs.

Used by drain.py and soak.py; everything is stopped and the database dropped on exit.
"""
from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("HUB_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HUB_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
TOKEN = "bench-form-token"
CONFIG = f'[forms.lien-he]\ntoken = "{TOKEN}"\n'


@contextmanager
def scratch_database() -> Iterator[str]:
    """A new, migrated database, dropped afterwards."""
    from hub.store.migrate import upgrade

    name = f"hub_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Stack:
    database_url: str
    folder: Path
    queue: str = field(default_factory=lambda: f"lead-hub-bench-{uuid.uuid4().hex[:8]}")
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    base_url: str = ""

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
        env.update({"PYTHONPATH": str(ROOT), "HUB_SECRET_KEY": "bench", "HUB_LOG_LEVEL": "WARNING",
                    "HUB_DATABASE_URL": self.database_url, "HUB_REDIS_URL": REDIS_URL,
                    "HUB_QUEUE__RQ_QUEUE": self.queue, "HUB_CONFIG": str(self.folder / "hub.toml"),
                    # One loopback client: a limit it never reaches, so its cost is still measured.
                    "HUB_INGEST__RATE_LIMIT": "1000000/second"})
        return env

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")
        proc = subprocess.Popen(args, cwd=self.folder, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.processes[name] = proc
        return proc

    def start_ingest(self, workers: int, port: int = 0) -> None:
        port = port or _free_port()
        self.start("ingest", str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
                   "--timeout", "60", 'hub.app:create_app(role="ingest")')
        self.base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base_url + "/readyz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not start; see {self.folder / 'ingest.log'}")

    def start_workers(self, count: int) -> None:
        for n in range(count):
            self.start(f"worker{n}", str(BIN / "hub"), "worker")

    def stop(self) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.processes.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        from redis import Redis

        from rq import Queue

        Queue(self.queue, connection=Redis.from_url(REDIS_URL)).delete(delete_jobs=True)


@contextmanager
def stack(database_url: str) -> Iterator[Stack]:
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        folder = Path(tmp)
        (folder / "hub.toml").write_text(CONFIG, encoding="utf-8")
        running = Stack(database_url, folder)
        try:
            yield running
        finally:
            running.stop()


class FormClient:
    """Posts website form submissions on one kept-alive connection (http.client, not requests:
    the load generator shares the two cores with the stack it measures, and requests costs
    several times more CPU per POST). One per thread."""

    def __init__(self, base_url: str) -> None:
        self.address = urlsplit(base_url).netloc
        self.connection: http.client.HTTPConnection | None = None

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        for attempt in (1, 2):  # a kept-alive connection the server closed is opened again once
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.address, timeout=30)
            try:
                self.connection.request("POST", path, body, headers)
                response = self.connection.getresponse()
                response.read()
                return response.status
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def form_post(client: FormClient, n: int, name: str, phone: str) -> int:
    """One website form submission; returns the HTTP status."""
    body = json.dumps({"ho_ten": name, "so_dien_thoai": phone, "tinh": "TP.HCM",
                       "loi_nhan": "Tư vấn giúp em"}, ensure_ascii=False).encode()
    return client.post("/webhooks/forms/lien-he", body, {
        "Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}", "Idempotency-Key": f"bench-{n}"})


def scalar(database_url: str, sql: str) -> int:
    with psycopg.connect(database_url) as conn:
        return int(conn.execute(sql).fetchone()[0])  # type: ignore[index]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
