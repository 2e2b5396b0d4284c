"""End-to-end drain rate: webhook in -> contact stored -> outbox event, on the production stack.

Run from the repository root:
    python benchmarks/drain.py [--contacts 1000000] [--leads 5000] [--workers 2]

Creates a scratch PostgreSQL database (dropped afterwards), bulk-loads --contacts synthetic
Vietnamese contacts with COPY (as dedupe_latency.py does), starts gunicorn ingest and --workers
`hub worker` processes on the local Redis, warms them up, then posts --leads form submissions
(a third from people already in the store, by phone) from --clients threads while the workers
drain. Prints the ingest rate and the end-to-end rate: leads per second from the first POST
until every event is processed and its outbox event written.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from benchmarks.dedupe_latency import FAMILIES, GIVENS, MIDDLES, load  # noqa: E402
from benchmarks.stack import form_post, scalar, scratch_database, stack  # noqa: E402

FINISHED = "SELECT count(*) FROM raw_events WHERE status IN ('done', 'ignored', 'failed')"


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILIES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}".replace("  ", " ")


def post_all(base_url: str, numbers: list[int], clients: int, rng: random.Random) -> list[int]:
    names = {n: _name(rng) for n in numbers}
    sessions: dict[int, requests.Session] = {}

    def one(n: int) -> int:
        import threading

        session = sessions.setdefault(threading.get_ident(), requests.Session())
        return form_post(session, base_url, n, names[n], f"09{n:08d}")

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(one, numbers))


def wait_finished(url: str, expected: int, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if scalar(url, FINISHED) >= expected:
            return time.perf_counter()
        time.sleep(0.2)
    raise SystemExit(f"only {scalar(url, FINISHED)} of {expected} events processed after {timeout:.0f} s")


def run(contacts: int, leads: int, workers: int, ingest_workers: int, clients: int, seed: int) -> None:
    rng = random.Random(seed)
    with scratch_database() as url:
        print(f"loading {contacts:,} contacts (COPY)...", flush=True)
        load(url, contacts, rng)
        with stack(url) as hub:
            hub.start_ingest(ingest_workers)
            hub.start_workers(workers)
            warm = [contacts + 10_000_000 + i for i in range(100)]
            assert set(post_all(hub.base_url, warm, clients, rng)) == {200}
            wait_finished(url, len(warm), 300)
            outbox_before = scalar(url, "SELECT count(*) FROM outbox")

            known = [rng.randrange(contacts) for _ in range(leads // 3)]
            numbers = known + [contacts + i for i in range(leads - len(known))]
            rng.shuffle(numbers)
            numbers = list(dict.fromkeys(numbers))  # one submission per number (Idempotency-Key)
            started = time.perf_counter()
            codes = post_all(hub.base_url, numbers, clients, rng)
            posted = time.perf_counter()
            finished = wait_finished(url, len(warm) + len(numbers), 3600)
            outbox = scalar(url, "SELECT count(*) FROM outbox") - outbox_before
            statuses = dict(_rows(url, "SELECT status, count(*) FROM raw_events GROUP BY status"))
    ok = codes.count(200)
    print(f"ingest: {ok}/{len(codes)} answered 200 in {posted - started:.1f} s "
          f"({len(codes) / (posted - started):,.0f} req/s, gunicorn --workers {ingest_workers}, {clients} clients)")
    print(f"end-to-end: {len(numbers)} leads in {finished - started:.1f} s -> "
          f"{len(numbers) / (finished - started):,.0f} leads/s (webhook in -> contact stored -> outbox event; "
          f"{workers} RQ workers, PostgreSQL holding {contacts:,} contacts; {outbox} outbox events; "
          f"events by status {statuses})")


def _rows(url: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as conn:
        return list(conn.execute(sql).fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--leads", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2, help="hub worker processes (RQ)")
    parser.add_argument("--ingest-workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=8, help="threads posting webhooks")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    run(args.contacts, args.leads, args.workers, args.ingest_workers, args.clients, args.seed)


if __name__ == "__main__":
    main()
