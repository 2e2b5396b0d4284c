"""Outbound webhooks: signed deliveries per second to a local receiver.

    .venv/bin/python benchmarks/webhooks_out.py [--events 500] [--subscriptions 2] [--workers 2]

Stores `--events` leads (each one outbox event) in a temp SQLite store (or BENCH_DATABASE_URL,
whose tables are emptied), subscribes `--subscriptions` endpoints of a local HTTP receiver that
verifies every signature with the `standardwebhooks` package, then starts the embedded sink
(fan-out loop + `--workers` delivery threads) and times until every delivery is acknowledged.
Prints deliveries/s, and the p50 / p95 attempt latency recorded in the delivery log.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import func, select, text
from standardwebhooks import Webhook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hub.config import Settings, WebhooksOutSettings  # noqa: E402
from hub.model import LeadDraft  # noqa: E402
from hub.normalize import normalize  # noqa: E402
from hub.runtime import Hub  # noqa: E402
from hub.sinks import subscriptions  # noqa: E402
from hub.store.migrate import upgrade  # noqa: E402
from hub.store.repository import apply_lead  # noqa: E402
from hub.store.schema import Base, WebhookAttemptRow, WebhookMessageRow  # noqa: E402

NAMES = ["Nguyễn Thị Thuý", "Trần Văn Hùng", "Lê Hoàng Phương Anh", "Phạm Đức Long", "Võ Thị Hồng Nhung"]


def receiver(secrets: dict[str, str]) -> tuple[ThreadingHTTPServer, list[int]]:
    verified = [0]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            Webhook(secrets[self.path]).verify(body, dict(self.headers))
            with lock:
                verified[0] += 1
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, verified


def store_leads(hub: Hub, count: int) -> None:
    for n in range(count):
        draft = LeadDraft(channel="form", source_ref=f"bench-{n}", captured_at=_now(),
                          name=NAMES[n % len(NAMES)], phones=(f"09{(n * 7919) % 100_000_000:08d}",))
        with hub.store.transaction() as session:
            apply_lead(session, normalize(draft), None)


def _now():  # type: ignore[no-untyped-def]
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--subscriptions", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        settings = Settings(database_url=url, secret_key="bench", webhooks_out=WebhooksOutSettings(
            local_workers=args.workers, poll_interval_seconds=0.2))
        hub = Hub(settings)
        if hub.store.is_postgres:
            with hub.store.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {', '.join(t.name for t in Base.metadata.sorted_tables)} CASCADE"))
        secrets: dict[str, str] = {}
        server, verified = receiver(secrets)
        for n in range(args.subscriptions):
            path = f"/crm-{n}"
            sub = subscriptions.create(hub.store, settings, f"http://127.0.0.1:{server.server_address[1]}{path}",
                                       allow_private=True)
            secrets[path] = sub["secret"]
        print(f"storing {args.events} leads ...", file=sys.stderr)
        store_leads(hub, args.events)
        with hub.store.sessions() as session:
            events = session.execute(text("SELECT count(*) FROM outbox")).scalar_one()
        expected = events * args.subscriptions
        start = time.perf_counter()
        hub.webhooks_out.start()
        while verified[0] < expected or _delivered(hub) < expected:
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        hub.webhooks_out.stop()
        server.shutdown()
        with hub.store.sessions() as session:
            latencies = sorted(session.execute(select(WebhookAttemptRow.latency_ms)).scalars())
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        db = "PostgreSQL" if hub.store.is_postgres else "SQLite"
        print(f"{expected} signed deliveries ({events} events x {args.subscriptions} subscriptions), {db}, "
              f"{args.workers} delivery threads: {elapsed:.2f} s, {expected / elapsed:.0f} deliveries/s; "
              f"attempt latency p50 {statistics.median(latencies):.0f} ms, p95 {p95} ms; "
              f"{verified[0]} verified by the receiver")
        hub.store.dispose()


def _delivered(hub: Hub) -> int:
    with hub.store.sessions() as session:
        return session.execute(select(func.count()).select_from(WebhookMessageRow)
                               .where(WebhookMessageRow.status == "delivered")).scalar_one()


if __name__ == "__main__":
    main()
