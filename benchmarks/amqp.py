"""Outbox events per second through the AMQP sink, each one confirmed by RabbitMQ.

`python benchmarks/amqp.py [--events 2000] [--batch 500]`: fills a temporary SQLite outbox (or
BENCH_DATABASE_URL's, whose outbox must be empty) with contact events carrying Vietnamese contact
documents, then times AmqpPublisher.publish_pending to a fresh exchange with a durable queue bound
(persistent messages, so the broker writes them to disk before confirming). Broker:
BENCH_AMQP_URL (default amqp://guest:guest@127.0.0.1:5672//). The exchange and queue are deleted.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

# The repository root instead of this folder, where this very file would shadow the amqp package.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import kombu  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from hub.config import AmqpSettings  # noqa: E402
from hub.sinks.amqp import AmqpPublisher  # noqa: E402
from hub.store import Store  # noqa: E402
from hub.store.migrate import upgrade  # noqa: E402
from hub.store.schema import OutboxRow  # noqa: E402

NAMES = ("Nguyễn Thị Thuỷ", "Trần Văn Hùng", "Lê Hoàng Phúc", "Phạm Ngọc Ánh", "Đặng Quốc Bảo")


def fill_outbox(store: Store, count: int) -> None:
    now = datetime.now(timezone.utc).isoformat()
    rows = []
    for n in range(count):
        contact_id = str(uuid.uuid4())
        document = {"id": contact_id, "name": NAMES[n % len(NAMES)], "phones": [f"+849{n:08d}"],
                    "emails": [f"khach{n}@gmail.com"], "province": "Thành phố Hồ Chí Minh",
                    "identities": [], "leads": [{"channel": "form", "source_ref": f"contact-us:{n}",
                                                "captured_at": now, "attribution": {"utm_source": "zalo"}}],
                    "merged_into": None, "version": 1, "created_at": now, "updated_at": now}
        rows.append({"event_id": "evt_" + uuid.uuid4().hex, "type": "contact.created", "contact_id": contact_id,
                     "contact_version": 1, "payload": {"contact": document},
                     "created_at": datetime.now(timezone.utc)})
    with store.transaction() as session:
        session.execute(insert(OutboxRow), rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500, help="events confirmed before the cursor is saved")
    args = parser.parse_args()
    url = os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
    with tempfile.TemporaryDirectory() as folder:
        database = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.db")
        upgrade(database)
        store = Store(database)
        fill_outbox(store, args.events)
        settings = AmqpSettings(url=url, exchange=f"lead-hub.bench.{uuid.uuid4().hex[:8]}", batch=args.batch)
        with kombu.Connection(url) as connection:
            exchange = kombu.Exchange(settings.exchange, type="topic", durable=True)
            queue = kombu.Queue(settings.exchange + ".q", exchange, routing_key="contact.*", durable=True)
            queue(connection.default_channel).declare()
            publisher = AmqpPublisher(store, settings)
            try:
                started = time.perf_counter()
                published = publisher.publish_pending()
                elapsed = time.perf_counter() - started
            finally:
                publisher.close()
                queue(connection.default_channel).delete()
                exchange(connection.default_channel).delete()
        store.dispose()
    print(f"database: {database.split('://')[0]}, batch {args.batch}")
    print(f"published {published} events with publisher confirms in {elapsed:.2f}s: "
          f"{published / elapsed:.0f} events/s")


if __name__ == "__main__":
    main()
