"""Memory per process under a steady load: RSS of the gunicorn ingest workers and the RQ workers.

Run from the repository root:
    python benchmarks/soak.py [--minutes 60] [--rate 20] [--sample-seconds 30]

Starts the production stack on a scratch PostgreSQL database (dropped afterwards) and the
local Redis: gunicorn ingest (--ingest-workers) and --workers `hub worker` processes. Posts
--rate form submissions a second (Vietnamese names, every tenth one a person seen before) for
--minutes, samples each process's resident memory (/proc/<pid>/status VmRSS) every
--sample-seconds, and prints the samples, then each process's growth from the first sample
after warm-up (a fifth of the run) to the last one. Ends by waiting for the workers while they
make progress (a machine too loaded for the rate leaves a backlog), checking that every POST
answered 200 was processed, and printing the raw events by status (pending = backlog, not loss).
"""
from __future__ import annotations

import argparse
import http.client
import random
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dedupe_latency import FAMILIES, GIVENS, MIDDLES  # noqa: E402
from benchmarks.stack import FormClient, Stack, form_post, scalar, scratch_database, stack  # noqa: E402
import psycopg  # noqa: E402


def scalar_rows(url: str, query: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchall()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return sorted(found)


def processes(hub: Stack) -> dict[str, int]:
    """Role name -> pid: the gunicorn master, its workers, the RQ workers."""
    ingest = hub.processes["ingest"].pid
    roles = {"ingest-master": ingest}
    roles |= {f"ingest-{n}": pid for n, pid in enumerate(children(ingest))}
    roles |= {name: proc.pid for name, proc in hub.processes.items() if name.startswith("worker")}
    return roles


class Load(threading.Thread):
    """Posts `rate` forms a second until stopped; counts the answers."""

    def __init__(self, base_url: str, rate: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.base_url, self.rate, self.rng = base_url, rate, random.Random(seed)
        self.stopped = threading.Event()
        self.sent = self.ok = 0

    def run(self) -> None:
        client = FormClient(self.base_url)
        started = time.perf_counter()
        while not self.stopped.is_set():
            n = self.rng.randrange(max(self.sent, 1)) if self.sent and self.rng.random() < 0.1 else self.sent
            name = f"{self.rng.choice(FAMILIES)} {self.rng.choice(MIDDLES)} {self.rng.choice(GIVENS)}"
            try:
                self.ok += form_post(client, self.sent, name, f"09{n:08d}") == 200
            except (http.client.HTTPException, OSError):
                pass
            self.sent += 1
            pause = started + self.sent / self.rate - time.perf_counter()
            if pause > 0:
                self.stopped.wait(pause)


@dataclass
class Soak:
    """What a soak measured: RSS samples (MB) per role, and what the load sent and got done."""

    roles: list[str]
    samples: list[list[float]]
    sent: int
    ok: int
    processed: int
    statuses: list[tuple]

    def growth(self) -> dict[str, tuple[float, float]]:
        """Per role: RSS after warm-up (the first fifth of the run) and at the end."""
        first = self.samples[min(len(self.samples) - 1, max(1, len(self.samples) // 5))]
        return {role: (start, end) for role, start, end in zip(self.roles, first, self.samples[-1])}


def soak(minutes: float, rate: float, sample_seconds: float, ingest_workers: int, workers: int,
         show: bool = True) -> Soak:
    """Run the stack under `rate` form POSTs a second for `minutes`, sampling RSS; then wait
    for the workers while they make progress (a stall of 2 minutes ends the wait)."""
    with scratch_database() as url, stack(url) as hub:
        hub.start_ingest(ingest_workers)
        hub.start_workers(workers)
        time.sleep(2)
        roles = processes(hub)
        if show:
            print("elapsed  " + "  ".join(f"{role:>13}" for role in roles) + "   (RSS, MB)", flush=True)
        load = Load(hub.base_url, rate, seed=11)
        load.start()
        samples: list[list[float]] = []
        started = time.monotonic()
        while (elapsed := time.monotonic() - started) < minutes * 60:
            row = [rss_mb(pid) for pid in roles.values()]
            samples.append(row)
            if show:
                print(f"{elapsed / 60:5.1f} m  " + "  ".join(f"{mb:13.1f}" for mb in row), flush=True)
            time.sleep(sample_seconds)
        load.stopped.set()
        load.join()
        samples.append([rss_mb(pid) for pid in roles.values()])
        # Wait for the backlog as long as the workers make progress (a stall ends the wait).
        done = "SELECT count(*) FROM raw_events WHERE status IN ('done', 'ignored')"
        processed, progress_at = scalar(url, done), time.monotonic()
        while processed < load.ok and time.monotonic() - progress_at < 120:
            time.sleep(5)
            now_done = scalar(url, done)
            if now_done > processed:
                processed, progress_at = now_done, time.monotonic()
        statuses = scalar_rows(url, "SELECT status, count(*) FROM raw_events GROUP BY status ORDER BY status")
    return Soak(list(roles), samples, load.sent, load.ok, processed, statuses)


def run(minutes: float, rate: float, sample_seconds: float, ingest_workers: int, workers: int) -> None:
    result = soak(minutes, rate, sample_seconds, ingest_workers, workers)
    print(f"\nload: {result.sent} POSTs over {minutes:g} min ({result.sent / (minutes * 60):.1f}/s), "
          f"{result.ok} answered 200, {result.processed} processed"
          + ("" if result.processed >= result.ok else "  <- NOT ALL PROCESSED"))
    # Stored but not processed yet is a backlog (workers slower than the load), not a loss: say which.
    print("raw events by status: " + ", ".join(f"{status} {count}" for status, count in result.statuses))
    for role, (start, end) in result.growth().items():
        print(f"{role:>13}: {start:7.1f} MB after warm-up -> {end:7.1f} MB at the end ({end - start:+.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--rate", type=float, default=20, help="form POSTs per second")
    parser.add_argument("--sample-seconds", type=float, default=30)
    parser.add_argument("--ingest-workers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    run(args.minutes, args.rate, args.sample_seconds, args.ingest_workers, args.workers)


if __name__ == "__main__":
    main()
