"""Decision latency against a large store: candidate fetch from PostgreSQL + decide().

Run from the repository root:
    python benchmarks/dedupe_latency.py --contacts 100000 --contacts 1000000 [--queries 2000]

For each size it creates a scratch database (dropped afterwards), bulk-loads that many
synthetic Vietnamese contacts with their points and blocking keys (COPY), then times, for fresh
leads of which a third share a phone with a known contact, the decision path the pipeline runs:
lock the strong keys, fetch candidates by blocking keys (hot-key guard, <= 100 candidates) and
decide. Each decision runs in its own transaction, rolled back, so the store does not grow.
Prints p50 / p95 / p99 in milliseconds.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402

from hub import dedupe  # noqa: E402
from hub.model import Lead, LeadDraft  # noqa: E402
from hub.normalize import normalize  # noqa: E402
from hub.store import Store, lock_keys  # noqa: E402
from hub.store.contacts import find_candidates  # noqa: E402
from hub.store.migrate import upgrade  # noqa: E402

ADMIN_URL = os.environ.get("HUB_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
FAMILIES = ["Nguyễn"] * 38 + ["Trần"] * 11 + ["Lê"] * 10 + ["Phạm"] * 7 + ["Hoàng", "Huỳnh", "Phan", "Vũ",
            "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"] * 3  # fmt: skip
MIDDLES = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Đức", "Quang", "Thu", "Hồng", ""]
GIVENS = ["Lan", "Hoa", "Thuý", "Hùng", "Dũng", "Tuấn", "Hương", "Linh", "Trang", "Hoà", "Đạt", "Nam",
          "Phương", "Anh", "Minh", "Huy", "Khoa", "Vy", "My", "Ngân", "Tâm", "Thảo", "Quân", "Sơn"]  # fmt: skip
PROVINCES = ["Hà Nội", "TP.HCM", "Đà Nẵng", "Cần Thơ", "Hải Phòng", "Bình Dương", "Đồng Nai", "Nghệ An"]
NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)


def person(rng: random.Random, n: int) -> LeadDraft:
    name = f"{rng.choice(FAMILIES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}".replace("  ", " ")
    phone = f"09{n:08d}"
    email = f"user{n}@gmail.com" if rng.random() < 0.5 else None
    return LeadDraft(channel="form", source_ref=f"seed-{n}", captured_at=NOW, name=name, phones=(phone,),
                     emails=(email,) if email else (), province=rng.choice(PROVINCES))


CHUNK = 100_000


def load(url: str, count: int, rng: random.Random) -> None:
    """COPY `count` contacts with their phone/email points and blocking keys, in chunks."""
    started = time.perf_counter()
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn, conn.cursor() as cur:
        for first in range(0, count, CHUNK):
            contacts: list[tuple] = []
            points: list[tuple] = []
            keys: list[tuple] = []
            for n in range(first, min(first + CHUNK, count)):
                _rows(normalize(person(rng, n)), contacts, points, keys)
            # One COPY at a time per connection; contacts first for the foreign keys.
            for table, rows in (("contacts", contacts), ("contact_points", points), ("match_keys", keys)):
                with cur.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            conn.commit()
            done = min(first + CHUNK, count)
            print(f"  loaded {done:,} contacts ({done / (time.perf_counter() - started):,.0f}/s)", flush=True)
    # A steady store has been vacuumed (autovacuum): the visibility map lets key lookups use
    # index-only scans. Right after a bulk COPY it is empty, so vacuum as autovacuum would.
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


COLUMNS = {
    "contacts": "id, name, given_name, family_name, middle_name, name_is_personal, name_key, province_code, "
                "province_name, attributes, version, created_at, updated_at",
    "contact_points": "contact_id, kind, value, display, data, created_at",
    "match_keys": "key, contact_id",
}


def _rows(lead: Lead, contacts: list[tuple], points: list[tuple], keys: list[tuple]) -> None:
    cid = str(uuid.uuid4())
    name = lead.name
    assert name is not None
    province = lead.province
    contacts.append((cid, name.display, name.given, name.family, name.middle, name.is_personal, name.key,
                     province.code if province else None, province.name if province else None, "{}", 1, NOW, NOW))
    points.extend((cid, "phone", p.e164, p.e164, "{}", NOW) for p in lead.phones)
    points.extend((cid, "email", e.key, e.address, "{}", NOW) for e in lead.emails)
    keys.extend((key, cid) for key in dict.fromkeys(dedupe.blocking_keys(lead)))


def measure(store: Store, count: int, queries: int, rng: random.Random,
            cpu: list[float] | None = None) -> list[float]:
    """Wall-clock ms per decision; when `cpu` is given, this process's CPU ms per decision too
    (the client side: SQLAlchemy and decide(), whatever else the shared machine runs)."""
    timings = []
    for q in range(queries):
        n = rng.randrange(count) if q % 3 == 0 else count + q  # a third are known people
        lead = normalize(person(rng, n))
        started, started_cpu = time.perf_counter(), time.process_time()
        with store.sessions() as session, session.begin():
            lock_keys(session, [f"{k}:{v}" for k, v in dedupe.strong_keys(lead)])
            dedupe.decide(lead, find_candidates(session, dedupe.blocking_keys(lead)))
            session.rollback()
        timings.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - started_cpu) * 1000)
    return timings


def run(count: int, queries: int, seed: int) -> None:
    name = f"hub_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        rng = random.Random(seed)
        load(url, count, rng)
        store = Store(url)
        measure(store, count, 200, rng)  # warm the caches and the pool
        cpu: list[float] = []
        timings = sorted(measure(store, count, queries, rng, cpu))
        store.dispose()
        q = statistics.quantiles(timings, n=100)
        print(f"dedupe decision @ {count:,} contacts: p50 {q[49]:.2f} ms, p95 {q[94]:.2f} ms, "
              f"p99 {q[98]:.2f} ms ({queries} leads, PostgreSQL, one connection); "
              f"client CPU {statistics.mean(cpu):.2f} ms per decision", flush=True)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, action="append", help="store size (repeatable)")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for count in args.contacts or [100_000]:
        run(count, args.queries, args.seed)


if __name__ == "__main__":
    main()
