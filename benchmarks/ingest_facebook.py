"""Signed Messenger batches against the real ingest app and a bare Flask 200, side by side.

    python benchmarks/ingest_facebook.py            # SQLite in a temp dir
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/13 python benchmarks/ingest_facebook.py

Both apps run under gunicorn with the same worker count; a load generator on loopback (several
processes, each a thread pool of requests.Session) sends the same signed bodies to both, bounded
by count and time. It prints accepted deliveries/s and p50/p99 latency, then checks that the
inbox holds exactly one row per item sent in an accepted delivery (zero lost events).
Knobs: BENCH_WORKERS (4), BENCH_SECONDS (10), BENCH_DELIVERIES (4000), BENCH_BATCH (10 items),
BENCH_CLIENTS (4 processes) x BENCH_THREADS (8), BENCH_SERVER_THREADS (1: gunicorn's
sync workers; more: gthread workers, the same for both apps), BENCH_RATE_LIMIT (the ingest
limit, default one the loopback client never reaches; "" turns the limiter off), BENCH_PROFILE
(a folder for each hub worker's CPU profile).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool
from pathlib import Path

import requests
from flask import Flask, Response

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-app-secret"
PAGE = "104857600123456"
ENV = os.environ


def bare_app() -> Flask:
    """The baseline: a Flask endpoint that does nothing but answer 200."""
    app = Flask("bare")

    @app.post("/webhooks/facebook")
    def ok() -> Response:
        return Response("{}", mimetype="application/json")

    return app


def delivery(n: int, batch: int) -> tuple[bytes, str]:
    """One signed Messenger delivery of `batch` messages, written the way Meta writes them."""
    events = [{"sender": {"id": f"60{n:07d}{i:03d}"}, "recipient": {"id": PAGE}, "timestamp": 1763860000000 + i,
               "message": {"mid": f"m_{n}_{i}", "text": f"Chào shop, em là Nguyễn Thị Lan, sđt 09{n % 10**8:08d}"}}
              for i in range(batch)]
    body = json.dumps({"object": "page", "entry": [{"id": PAGE, "time": 1763860000000, "messaging": events}]},
                      ensure_ascii=True, separators=(",", ":")).replace("/", "\\/").encode()
    return body, "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def _client(job: tuple[str, list[int], int, float, int]) -> tuple[float, float, list[tuple[int, float]]]:
    """One load-generator process: its share of deliveries, until done or out of time.
    Returns when it started and finished sending, and (status, latency) per delivery."""
    url, numbers, batch, seconds, threads = job
    bodies = [delivery(n, batch) for n in numbers]
    first = time.time()
    deadline = time.monotonic() + seconds
    local = __import__("threading").local()

    def send(item: tuple[bytes, str]) -> tuple[int, float]:
        if time.monotonic() > deadline:
            return (0, 0.0)
        session = getattr(local, "session", None) or setattr(local, "session", requests.Session()) or local.session
        started = time.perf_counter()
        response = session.post(url, data=item[0], timeout=30, headers={
            "Content-Type": "application/json", "X-Hub-Signature-256": item[1]})
        return (response.status_code, time.perf_counter() - started)

    with ThreadPoolExecutor(threads) as pool:
        answers = list(pool.map(send, bodies))
    return first, time.time(), answers


def fire(url: str, start: int, count: int, batch: int, seconds: float,
         server: subprocess.Popen | None = None) -> dict[str, float]:
    """Send the deliveries; with `server`, also the CPU its workers spent per accepted one."""
    clients, threads = int(ENV.get("BENCH_CLIENTS", 4)), int(ENV.get("BENCH_THREADS", 8))
    numbers = list(range(start, start + count))
    shares = [numbers[i::clients] for i in range(clients)]
    before, clients_before = _cpu(server), _children_cpu()
    with Pool(clients) as pool:
        results = pool.map(_client, [(url, s, batch, seconds, threads) for s in shares])
    after = _cpu(server)
    clients_cpu = _children_cpu() - clients_before  # the pool's processes, ended and reaped by now
    elapsed = max(r[1] for r in results) - min(r[0] for r in results)  # sending time only
    answers = [a for _, _, share in results for a in share if a[0]]
    ok = sorted(latency for status, latency in answers if status == 200)
    return {"sent": len(answers), "accepted": len(ok), "rate": len(ok) / elapsed,
            "p50": _pct(ok, 50), "p99": _pct(ok, 99), "elapsed": elapsed,
            "cpu_ms": (after[0] - before[0]) / max(len(ok), 1) * 1000,
            "client_cpu_ms": clients_cpu / max(len(answers), 1) * 1000,
            "db_cpu_ms": _backends_spent(before[1], after[1]) / max(len(ok), 1) * 1000}


def _cpu(server: subprocess.Popen | None) -> tuple[float, dict[int, float] | None]:
    """CPU seconds so far of the server's gunicorn processes, and of each PostgreSQL backend
    serving the benchmark's database (None: not a PostgreSQL run)."""
    if server is None:
        return float("nan"), None
    url = ENV.get("BENCH_DATABASE_URL", "")
    return _cpu_seconds(server), _backends_cpu(url) if url.startswith("postgres") else None


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _backends_spent(before: dict[int, float] | None, after: dict[int, float] | None) -> float:
    if before is None or after is None:
        return float("nan")
    return sum(now - before.get(pid, 0.0) for pid, now in after.items())  # new backends: all of it


def _cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU of a gunicorn master and its workers so far (Linux /proc)."""
    pids = [server.pid, *(int(p) for task in Path(f"/proc/{server.pid}/task").iterdir()
                          for p in (task / "children").read_text().split())]
    return sum(_process_cpu(pid) for pid in pids)


def _process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:  # a process that has just ended
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _backends_cpu(database_url: str) -> dict[int, float]:
    """CPU so far of each PostgreSQL backend serving the benchmark's database (a local server)."""
    import psycopg

    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        pids = [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]
    return {pid: _process_cpu(pid) for pid in pids}


def _pct(values: list[float], pct: int) -> float:
    return values[min(len(values) - 1, len(values) * pct // 100)] * 1000 if values else float("nan")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# BENCH_PROFILE=DIR: each hub worker's CPU profile (cProfile timed by process_time, so waits on
# PostgreSQL or Redis do not count) is written to DIR/ingest.<pid>.prof when it stops;
# read it with `python -m pstats`. Sync workers only: a profile follows one thread.
PROFILE_HOOKS = """
import cProfile, os, time
def post_fork(server, worker):
    worker.profile = cProfile.Profile(time.process_time)
    worker.profile.enable()
def worker_exit(server, worker):
    worker.profile.disable()
    worker.profile.dump_stats(os.path.join({folder!r}, f"ingest.{{worker.pid}}.prof"))
"""


def _gunicorn(app: str, env: dict[str, str], cwd: Path, log: str,
              profile: str | None = None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    workers, threads = ENV.get("BENCH_WORKERS", "4"), ENV.get("BENCH_SERVER_THREADS", "1")
    hooks: list[str] = []
    if profile:
        (cwd / "profile_hooks.py").write_text(PROFILE_HOOKS.format(folder=str(Path(profile).resolve())))
        hooks = ["--config", str(cwd / "profile_hooks.py")]
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), *hooks, "--workers", workers,
                             "--threads", threads, "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app],
                            cwd=cwd, env=env, stdout=open(cwd / log, "wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.post(base + "/webhooks/facebook", data=b"{}", timeout=5)
            return proc, base + "/webhooks/facebook"
        except requests.RequestException:  # refused, or accepted while workers still boot
            time.sleep(0.1)
    raise SystemExit(f"gunicorn {app} did not start; see {cwd / log}")


def _hub_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in ENV.items() if not k.startswith("HUB_")}
    env.update({"PYTHONPATH": str(ROOT), "HUB_SECRET_KEY": "bench", "HUB_LOG_LEVEL": "WARNING",
                "HUB_DATABASE_URL": ENV.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/hub.db"),
                "HUB_FACEBOOK__APP_SECRETS": SECRET, "HUB_CONFIG": str(tmp / "hub.toml"),
                # One loopback client: a limit it never reaches, so its cost is still measured.
                "HUB_INGEST__RATE_LIMIT": ENV.get("BENCH_RATE_LIMIT", "1000000/second")})
    if ENV.get("BENCH_REDIS_URL"):
        env["HUB_REDIS_URL"] = ENV["BENCH_REDIS_URL"]
    (tmp / "hub.toml").write_text("# benchmark: everything comes from the environment\n")
    return env


def _inbox_rows(env: dict[str, str]) -> int:
    code = ("from hub.config import load_settings; from hub.store import Store; import sqlalchemy as sa;"
            "s=Store(load_settings().database_url);"
            "print(s.engine.connect().execute(sa.text('select count(*) from raw_events')).scalar())")
    return int(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                              check=True).stdout)


def _prepare(env: dict[str, str]) -> None:
    """A fresh schema, and an empty inbox on a reused PostgreSQL database."""
    code = ("from hub.config import load_settings; from hub.store.migrate import upgrade; import sqlalchemy as sa;"
            "from hub.store import Store; u=load_settings().database_url; upgrade(u); e=Store(u).engine\n"
            "with e.begin() as c: [c.execute(sa.text(f'delete from {t}')) for t in "
            "('leads','contact_points','outbox','merge_suggestions','merge_log','contacts','raw_events','webhook_deliveries')]")
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    if env.get("HUB_REDIS_URL"):
        from redis import Redis
        Redis.from_url(env["HUB_REDIS_URL"]).flushdb()


def main() -> None:
    seconds, count = float(ENV.get("BENCH_SECONDS", 10)), int(ENV.get("BENCH_DELIVERIES", 4000))
    batch = int(ENV.get("BENCH_BATCH", 10))
    with tempfile.TemporaryDirectory(prefix="bench-fb-") as name:
        tmp = Path(name)
        env = _hub_env(tmp)
        _prepare(env)
        bare, bare_url = _gunicorn("benchmarks.ingest_facebook:bare_app()", env, tmp, "bare.log")
        hub, hub_url = _gunicorn('hub.app:create_app(role="ingest")', env, tmp, "ingest.log",
                                 ENV.get("BENCH_PROFILE"))
        try:
            fire(bare_url, 0, 200, batch, 5)  # warm both up (connections, imports)
            fire(hub_url, 10**6, 200, batch, 5)
            warm = _inbox_rows(env)  # what the warm-up stored: on a busy machine not all 200
            baseline = fire(bare_url, 0, count, batch, seconds, bare)
            ingest = fire(hub_url, 0, count, batch, seconds, hub)
        finally:
            for proc in (bare, hub):
                proc.terminate()
                proc.wait(20)
        stored = _inbox_rows(env) - warm
    _report(env, batch, baseline, ingest, stored)


def _report(env: dict[str, str], batch: int, baseline: dict[str, float], ingest: dict[str, float],
            stored: int) -> None:
    db = env["HUB_DATABASE_URL"].split(":", 1)[0]
    queue = "RQ/Redis" if env.get("HUB_REDIS_URL") else "none (embedded mode: events wait for a worker)"
    print(f"signed Messenger deliveries of {batch} items; database {db}; queue {queue}; "
          f"gunicorn --workers {ENV.get('BENCH_WORKERS', '4')} --threads {ENV.get('BENCH_SERVER_THREADS', '1')}")
    print(f"{'endpoint':<16}{'sent':>8}{'accepted':>10}{'deliveries/s':>14}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'CPU ms':>8}{'DB CPU ms':>11}{'client CPU ms':>15}")
    for label, run in (("bare Flask 200", baseline), ("hub ingest", ingest)):
        print(f"{label:<16}{run['sent']:>8.0f}{run['accepted']:>10.0f}{run['rate']:>14.0f}"
              f"{run['p50']:>9.1f}{run['p99']:>9.1f}{run['cpu_ms']:>8.2f}{run['db_cpu_ms']:>11.2f}"
              f"{run['client_cpu_ms']:>15.2f}")
    print("(CPU ms: gunicorn master + workers per accepted delivery; DB CPU ms: the PostgreSQL backends "
          "serving the database, local server only; Redis not counted; client CPU ms: the load "
          "generator's processes per delivery sent, which share the cores)")
    ratio = ingest["rate"] / baseline["rate"] if baseline["rate"] else 0.0
    expected = int(ingest["accepted"]) * batch
    print(f"hub/bare rate: {ratio:.0%} (target >= 50%)")
    print(f"inbox rows {stored} for {expected} items in accepted deliveries: "
          f"{'zero lost' if stored == expected else 'MISMATCH'}")
    if stored != expected:
        raise SystemExit(1)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
