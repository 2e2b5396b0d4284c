"""What one lead costs a worker: CPU, PostgreSQL CPU and SQL statements, on a backlog.

Run from the repository root:
    python benchmarks/drain_cpu.py [--contacts 200000] [--leads 600] [--rounds 1] [--profile]

Creates a scratch PostgreSQL database (dropped afterwards) holding --contacts contacts (COPY, as
drain.py), stores --leads form submissions through the ingest app (Flask test client, RQ on the
local Redis, a queue of the run's own: a third from people already stored, by phone), then
drains them with one RQ SimpleWorker in this process (burst mode, as `hub worker` runs jobs)
and prints per lead: the worker's CPU (time.process_time, RQ's own work included), the CPU of
the PostgreSQL backends serving it (/proc/<pid>/stat) and the SQL statements it sent (counted
at psycopg, so statements sent around SQLAlchemy count too); every event must end done. CPU
figures hold better than wall-clock ones on a shared machine. --profile prints the functions
taking the most CPU (cProfile with a CPU clock).

--keep NAME loads the contacts into database NAME once (as dedupe_latency.py --keep) and runs
each time on a copy of it (CREATE DATABASE ... TEMPLATE), dropped afterwards: the drain writes.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402

from benchmarks.dedupe_latency import ADMIN_URL, _url, backend_cpu, loaded_database  # noqa: E402
from benchmarks.drain import _name, _numbers  # noqa: E402
from benchmarks.stack import CONFIG, REDIS_URL, TOKEN  # noqa: E402


def _count_statements() -> list[int]:
    """A counter of the statements this process sends through psycopg, SQLAlchemy's and those
    sent on its connections directly (hub.store.candidate_rows), executemany as one."""
    counter = [0]
    for name in ("execute", "executemany"):
        original = getattr(psycopg.Cursor, name)

        def counted(self: psycopg.Cursor, *args: object, _original: Any = original, **kwargs: object) -> Any:
            counter[0] += 1
            return _original(self, *args, **kwargs)

        setattr(psycopg.Cursor, name, counted)
    return counter


def run(url: str, contacts: int, leads: int, rounds: int, profile: bool, rng: random.Random) -> None:
    from rq import Queue, SimpleWorker

    from hub.app import create_app
    from hub.config import load_settings
    from hub.runtime import Hub, set_current

    folder = Path(tempfile.mkdtemp(prefix="hub-drain-cpu-"))
    (folder / "hub.toml").write_text(CONFIG, encoding="utf-8")
    queue_name = f"lead-hub-bench-{uuid.uuid4().hex[:8]}"
    os.environ.update({"HUB_SECRET_KEY": "bench", "HUB_LOG_LEVEL": "WARNING", "HUB_DATABASE_URL": url,
                       "HUB_REDIS_URL": REDIS_URL, "HUB_QUEUE__RQ_QUEUE": queue_name,
                       "HUB_CONFIG": str(folder / "hub.toml"), "HUB_INGEST__RATE_LIMIT": "1000000/second"})
    hub = Hub(load_settings())
    set_current(hub)
    client = create_app(role="ingest", hub=hub).test_client()
    statements = _count_statements()
    try:
        for round_ in range(rounds):
            numbers = _numbers(rng, contacts, leads, first_new=contacts + round_ * leads)
            for n in numbers:
                body = {"ho_ten": _name(rng), "so_dien_thoai": f"09{n:08d}", "tinh": "TP.HCM"}
                response = client.post("/webhooks/forms/lien-he", json=body, headers={
                    "Authorization": f"Bearer {TOKEN}", "Idempotency-Key": f"cpu-{round_}-{n}"})
                assert response.status_code == 200, response.data
            statements[0] = 0
            worker = SimpleWorker([hub.queue.rq], connection=hub.queue.connection)  # type: ignore[attr-defined]
            profiler = cProfile.Profile(time.process_time) if profile else None
            pg_before, cpu_before, wall_before = backend_cpu(url), time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            worker.work(burst=True, logging_level="WARNING")
            if profiler:
                profiler.disable()
            cpu, wall = time.process_time() - cpu_before, time.perf_counter() - wall_before
            pg = backend_cpu(url) - pg_before
            n = len(numbers)
            with psycopg.connect(url) as conn:
                statuses = dict(conn.execute("SELECT status, count(*) FROM raw_events GROUP BY status").fetchall())
            if set(statuses) != {"done"}:
                raise SystemExit(f"round {round_}: not every event was stored: {statuses}")
            print(f"round {round_}: {n} leads drained by one in-process RQ worker in {wall:.1f} s "
                  f"({n / wall:,.0f} leads/s); per lead: worker CPU {cpu / n * 1000:.2f} ms, "
                  f"PostgreSQL CPU {pg / n * 1000:.2f} ms, {statements[0] / n:.2f} SQL statements "
                  f"(PostgreSQL holding {contacts:,} contacts)", flush=True)
            if profiler:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    finally:
        Queue(queue_name, connection=hub.queue.connection).delete(delete_jobs=True)  # type: ignore[attr-defined]
        set_current(None)
        hub.store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=200_000)
    parser.add_argument("--leads", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", metavar="NAME", help="load into database NAME once, run on a copy of it")
    args = parser.parse_args()
    rng = random.Random(args.seed + 1)  # the leads: the same whether the store was loaded now or kept
    print(f"loading {args.contacts:,} contacts (COPY)...", flush=True)
    with loaded_database(args.contacts, args.seed, args.keep) as url:
        if not args.keep:
            run(url, args.contacts, args.leads, args.rounds, args.profile, rng)
            return
        copy = f"hub_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{args.keep}"')
        try:
            run(_url(copy), args.contacts, args.leads, args.rounds, args.profile, rng)
        finally:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


if __name__ == "__main__":
    main()
