"""`hub purge` on a big inbox: rows per second and the longest single transaction.

Run from the repository root:
    python benchmarks/purge_retention.py [--events 200000] [--batch 1000] [--postgresql]

Creates a scratch store (a temp SQLite file, or with --postgresql a scratch database on
HUB_BENCH_PG_ADMIN_URL, dropped afterwards), inserts that many raw events of ~1.5 KB received
120 days ago (90 % done, the rest failed or pending, which must stay), then purges everything
older than 90 days. Prints the purge rate and the longest batch: how long one purge
transaction held its locks, i.e. how long an insert into the inbox could have waited.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from hub.privacy import purge  # noqa: E402
from hub.store import Store  # noqa: E402
from hub.store.migrate import upgrade  # noqa: E402
from hub.store.schema import RawEventRow  # noqa: E402

ADMIN_URL = os.environ.get("HUB_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
BODY = ('{"ho_ten": "Nguyễn Thị Lan", "so_dien_thoai": "0912345678", "loi_nhan": "'
        + "Tư vấn căn hộ 2 phòng ngủ " * 50 + '"}').encode()


def load(store: Store, count: int) -> None:
    old = datetime.now(timezone.utc) - timedelta(days=120)
    statuses = ["done"] * 9 + ["failed"]
    for start in range(0, count, 5000):
        rows = [{"channel": "form", "route": "contact-us", "delivery_key": f"contact-us:{i}",
                 "headers": {"Content-Type": "application/json", "Idempotency-Key": str(i)}, "body": BODY,
                 "received_at": old, "status": statuses[i % 10], "attempts": 1, "due_at": old,
                 "updated_at": old} for i in range(start, min(count, start + 5000))]
        with store.transaction() as session:
            session.execute(insert(RawEventRow), rows)


def run(url: str, count: int, batch: int) -> None:
    upgrade(url)
    store = Store(url)
    load(store, count)
    durations: list[float] = []
    last = [time.perf_counter()]

    def progress(_table: str, _n: int) -> None:
        now = time.perf_counter()
        durations.append(now - last[0])
        last[0] = now

    started = time.perf_counter()
    counts = purge.purge(store, datetime.now(timezone.utc) - timedelta(days=90), batch=batch, progress=progress)
    elapsed = time.perf_counter() - started
    kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"{kind}: purged {counts.raw_events} of {count} events in {elapsed:.1f} s "
          f"({counts.raw_events / elapsed:,.0f} rows/s), batch {batch}: longest transaction "
          f"{max(durations) * 1000:.0f} ms, median {sorted(durations)[len(durations) // 2] * 1000:.0f} ms",
          flush=True)
    store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--postgresql", action="store_true")
    args = parser.parse_args()
    if not args.postgresql:
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{folder}/hub.db", args.events, args.batch)
        return
    name = f"hub_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        run(ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", args.events, args.batch)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
