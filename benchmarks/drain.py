"""End-to-end drain rate: webhook in -> contact stored -> outbox event, on the production stack.

Run from the repository root:
    python benchmarks/drain.py [--contacts 1000000] [--leads 5000] [--workers 2]

Creates a scratch PostgreSQL database (dropped afterwards), bulk-loads --contacts synthetic
Vietnamese contacts with COPY (as dedupe_latency.py does), starts gunicorn ingest and --workers
`hub worker` processes on the local Redis, warms them up, then posts --leads form submissions
(a third from people already in the store, by phone) from --clients threads while the workers
drain. Prints the ingest rate and the end-to-end rate: leads per second from the first POST
until every event is processed and its outbox event written.

Then the workers alone: they are stopped, --leads more submissions are posted (the same mix),
and the workers are started again on that backlog. Prints leads per second from their start
until every event is processed, and from the first event they finish (their start-up, a
couple of seconds of imports and connections, left out).
"""
from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dedupe_latency import FAMILIES, GIVENS, MIDDLES, load  # noqa: E402
from benchmarks.stack import REDIS_URL, FormClient, Stack, form_post, scalar, scratch_database, stack  # noqa: E402

FINISHED = "SELECT count(*) FROM raw_events WHERE status IN ('done', 'ignored', 'failed')"


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILIES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}".replace("  ", " ")


def post_all(base_url: str, numbers: list[int], clients: int, rng: random.Random, round_: int = 0) -> list[int]:
    """POST one submission per number (its phone); `round_` keeps each round's Idempotency-Keys apart."""
    names = {n: _name(rng) for n in numbers}
    local = threading.local()

    def one(n: int) -> int:
        client = getattr(local, "client", None) or setattr(local, "client", FormClient(base_url)) or local.client
        return form_post(client, round_ * 10**9 + n, names[n], f"09{n:08d}")

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

            numbers = _numbers(rng, contacts, leads, first_new=contacts)
            started, client_cpu = time.perf_counter(), time.process_time()
            codes = post_all(hub.base_url, numbers, clients, rng)
            posted, client_cpu = time.perf_counter(), time.process_time() - client_cpu
            finished = wait_finished(url, len(warm) + len(numbers), 3600)
            outbox = scalar(url, "SELECT count(*) FROM outbox") - outbox_before
            statuses = dict(_rows(url, "SELECT status, count(*) FROM raw_events GROUP BY status"))
            backlog = _drain_backlog(hub, url, rng, contacts, leads, clients, workers)
    ok = codes.count(200)
    print(f"ingest: {ok}/{len(codes)} answered 200 in {posted - started:.1f} s "
          f"({len(codes) / (posted - started):,.0f} req/s, gunicorn --workers {ingest_workers}, {clients} clients; "
          f"the load generator, sharing the cores, spent {1000 * client_cpu / len(codes):.2f} ms CPU per POST)")
    print(f"end-to-end: {len(numbers)} leads in {finished - started:.1f} s -> "
          f"{len(numbers) / (finished - started):,.0f} leads/s (webhook in -> contact stored -> outbox event; "
          f"{workers} RQ workers, PostgreSQL holding {contacts:,} contacts; {outbox} outbox events; "
          f"events by status {statuses})")
    print(backlog)


def _numbers(rng: random.Random, contacts: int, leads: int, first_new: int) -> list[int]:
    """Phone numbers to post: a third of people already stored, the rest new; one each."""
    known = [rng.randrange(contacts) for _ in range(leads // 3)]
    numbers = known + [first_new + i for i in range(leads - len(known))]
    rng.shuffle(numbers)
    return list(dict.fromkeys(numbers))


def _drain_backlog(hub: Stack, url: str, rng: random.Random, contacts: int, leads: int, clients: int,
                   workers: int) -> str:
    """The workers alone: stopped, a backlog posted, started again; the line to print.

    They are stopped once their queue is empty: the jobs the sweeper queued again while they
    were behind (skipped, their events done) must not be counted against the backlog.
    """
    _wait_queue_empty(hub.queue, 600)
    running = [hub.processes.pop(name) for name in list(hub.processes) if name.startswith("worker")]
    for proc in running:
        proc.terminate()  # RQ's warm shutdown: the current job ends first
    for proc in running:
        proc.wait(60)
    done_before = scalar(url, FINISHED)
    outbox_before = scalar(url, "SELECT count(*) FROM outbox")
    numbers = _numbers(rng, contacts, leads, first_new=contacts + 2 * leads)
    codes = post_all(hub.base_url, numbers, clients, rng, round_=1)
    assert set(codes) == {200}, f"backlog POSTs answered {set(codes)}"
    started = time.perf_counter()
    hub.start_workers(workers)
    first = wait_finished(url, done_before + 1, 3600)
    finished = wait_finished(url, done_before + len(numbers), 3600)
    outbox = scalar(url, "SELECT count(*) FROM outbox") - outbox_before
    return (f"workers alone on a backlog: {len(numbers)} leads posted first, then {workers} RQ workers started: "
            f"{len(numbers) / (finished - started):,.0f} leads/s from their start ({finished - started:.1f} s), "
            f"{len(numbers) / (finished - first):,.0f} leads/s from the first event they finished "
            f"({finished - first:.1f} s); {outbox} outbox events")


def _wait_queue_empty(name: str, timeout: float) -> None:
    from redis import Redis
    from rq import Queue

    queue = Queue(name, connection=Redis.from_url(REDIS_URL))
    deadline = time.monotonic() + timeout
    while queue.count and time.monotonic() < deadline:
        time.sleep(0.5)


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
