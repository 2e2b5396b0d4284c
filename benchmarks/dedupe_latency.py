"""Decision latency against a large store: candidate fetch from PostgreSQL + decide().

Run from the repository root:
    python benchmarks/dedupe_latency.py --contacts 100000 --contacts 1000000 [--queries 2000]

For each size it creates a scratch database (dropped afterwards), bulk-loads that many
synthetic Vietnamese contacts with their points and blocking keys (COPY), then times, for fresh
leads of which a third share a phone with a known contact, the decision path the pipeline runs
(apply_lead): lock the strong keys, check the lead is not stored yet, fetch candidates by blocking
keys (hot-key guard, <= 100 candidates) and decide. Each decision runs in its own transaction,
which writes nothing: the store does not grow. Prints p50 / p95 / p99 in milliseconds.

Loading 1M contacts takes minutes: --keep NAME loads them into database NAME once and reuses it
on the next runs (same --contacts and --seed; it is migrated to the current schema), never
dropping it (`DROP DATABASE NAME` when done). --repeat R measures R times on the loaded store,
to see the spread between runs; --profile prints a CPU-clock cProfile of the measured decisions.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402

from hub import dedupe  # noqa: E402
from hub.model import Lead, LeadDraft  # noqa: E402
from hub.normalize import normalize  # noqa: E402
from hub.store import Store  # noqa: E402
from hub.store.contacts import lock_and_find  # noqa: E402
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
            # What apply_lead reads (the lock, the stored-lead check, the candidates), then decide().
            stored, candidates = lock_and_find(session, lead, dedupe.blocking_keys(lead))
            assert stored is None
            dedupe.decide(lead, candidates)
            # Committed, as the pipeline's transactions are (nothing was written): psycopg
            # forgets its prepared statements on every rollback.
        timings.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - started_cpu) * 1000)
    return timings


def backend_cpu(url: str) -> float:
    """CPU seconds used so far by the other PostgreSQL backends of this database (/proc: a
    local server)."""
    with psycopg.connect(url) as conn:
        pids = [pid for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity "
                                               "WHERE datname = current_database() AND pid <> pg_backend_pid()")]
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile, or PostgreSQL on another machine
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


_LOADED = "bench.loaded"  # hub_state key of a kept database: "<contacts>:<seed>" once fully loaded


def _loaded_as(name: str) -> str | None:
    """What a kept database was loaded with, None when it does not exist or was not finished."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            return None
    with psycopg.connect(_url(name)) as conn:
        try:
            row = conn.execute("SELECT value FROM hub_state WHERE key = %s", (_LOADED,)).fetchone()
        except psycopg.errors.UndefinedTable:
            return None
    return row[0] if row else None


@contextmanager
def loaded_database(count: int, seed: int, keep: str | None = None) -> Iterator[str]:
    """The URL of a database holding `count` contacts loaded with `seed`: a scratch one
    dropped afterwards, or with `keep` the database of that name, loaded if it is not yet
    (a half-loaded one is loaded again) and kept."""
    name = keep or f"hub_bench_{uuid.uuid4().hex[:8]}"
    url = _url(name)
    if keep and _loaded_as(keep) == f"{count}:{seed}":
        upgrade(url)
        print(f"  reusing database {keep} ({count:,} contacts, seed {seed})", flush=True)
        yield url
        return
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        upgrade(url)
        load(url, count, random.Random(seed))
        if keep:
            with psycopg.connect(url) as conn:
                conn.execute("INSERT INTO hub_state (key, value, updated_at) VALUES (%s, %s, now())",
                              (_LOADED, f"{count}:{seed}"))
        yield url
    finally:
        if not keep:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(count: int, queries: int, seed: int, keep: str | None = None, repeat: int = 1,
        profile: bool = False) -> None:
    with loaded_database(count, seed, keep) as url:
        store = Store(url)
        rng = random.Random(seed + 1)  # the leads asked: the same whether the store was loaded now or kept
        measure(store, count, 200, rng)  # warm the caches and the pool
        for _ in range(repeat):
            cpu: list[float] = []
            profiler = cProfile.Profile(time.process_time) if profile else None
            pg_before = backend_cpu(url)
            if profiler:
                profiler.enable()
            timings = sorted(measure(store, count, queries, rng, cpu))
            if profiler:
                profiler.disable()
            pg = (backend_cpu(url) - pg_before) / queries * 1000
            q = statistics.quantiles(timings, n=100)
            print(f"dedupe decision @ {count:,} contacts: p50 {q[49]:.2f} ms, p95 {q[94]:.2f} ms, "
                  f"p99 {q[98]:.2f} ms ({queries} leads, PostgreSQL, one connection); per decision: "
                  f"client CPU {statistics.mean(cpu):.2f} ms, PostgreSQL CPU {pg:.2f} ms", flush=True)
            if profiler:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, action="append", help="store size (repeatable)")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", metavar="NAME", help="load into database NAME once, reuse it later, never drop it")
    parser.add_argument("--repeat", type=int, default=1, help="measurements in a row on the loaded store")
    parser.add_argument("--profile", action="store_true", help="CPU-clock cProfile of the measured decisions")
    args = parser.parse_args()
    counts = args.contacts or [100_000]
    if args.keep and len(counts) > 1:
        parser.error("--keep takes one --contacts")
    for count in counts:
        run(count, args.queries, args.seed, args.keep, args.repeat, args.profile)


if __name__ == "__main__":
    main()
