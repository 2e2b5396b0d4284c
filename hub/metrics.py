"""Prometheus metrics: inbox figures read from the database, and counts of the webhook requests
refused, ignored and accepted, both true across every process.

Nothing is stored for a refused request, so its count cannot come from the database. In
production the ingest runs as several gunicorn processes (and machines) and the ops console as
another: a process's own counters would show whichever process answered the scrape, and the
console none at all. So with `redis_url` each process adds its counts to one Redis hash (at most
once a second, from a timer thread: no round trip on the request path) and every reader sums the
hash; without Redis (embedded: one process) the counts are this process's.
"""
from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import Counter as Tally
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, disable_created_metrics, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from redis import Redis
from redis.exceptions import RedisError

from hub import inbox
from hub.enrich.metrics import EnrichmentCollector
from hub.queue import QueueUnavailable, redis_connection
from hub.sinks.webhooks_out import WebhooksCollector

if TYPE_CHECKING:
    from hub.runtime import Hub

log = logging.getLogger(__name__)

Key = tuple[str, str, str]  # (kind, channel, reason or duplicate)

# kind: (metric name, help, the second label)
WEBHOOK_COUNTS = {
    "rejected": ("hub_webhook_rejected",
                 "Webhook requests refused (bad auth, malformed, unknown route), by reason", "reason"),
    "ignored": ("hub_webhook_ignored",
                "Webhook items answered 200 but not stored: not leads (echoes, statuses, the page's "
                "own comments) or unknown objects and fields, by reason", "reason"),
    "accepted": ("hub_webhook_accepted", "Webhook requests accepted (duplicates included)", "duplicate"),
}


class Metrics:
    def __init__(self, hub: Hub) -> None:
        disable_created_metrics()  # the *_created series only add noise to every scrape
        self.counts = SharedCounts(
            redis_connection(hub.settings.redis_url) if hub.settings.redis_url else None,
            f"{hub.settings.queue.rq_queue}:webhook-counts",
        )
        self.registry = CollectorRegistry()
        self.registry.register(_InboxCollector(hub))
        if hub.settings.amqp.url:
            self.registry.register(_AmqpCollector(hub))
        self.registry.register(EnrichmentCollector(hub))
        self.registry.register(WebhooksCollector(hub.store))
        self.registry.register(_CountsCollector(self.counts))

    def ignored(self, channel: str, reason: str) -> None:
        self.counts.add(("ignored", channel, reason))

    def rejected(self, channel: str, reason: str) -> None:
        self.counts.add(("rejected", channel, reason))

    def received(self, channel: str, *, duplicate: bool, count: int = 1) -> None:
        self.counts.add(("accepted", channel, str(duplicate).lower()), count)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class SharedCounts:
    """Counters kept in this process, and with a Redis connection added to one hash shared by
    every process: at most once every `flush_seconds`, from a timer thread, in one round trip.

    Redis down: the counts wait here (they are few: channel x reason) and are added later;
    readers then see this process's counts, and leave Redis alone for `retry_seconds`.
    """

    def __init__(self, redis: Redis | None, key: str, flush_seconds: float = 1.0,
                 retry_seconds: float = 5.0) -> None:
        self.redis, self.key = redis, key
        self.flush_seconds, self.retry_seconds = flush_seconds, retry_seconds
        self.lock = threading.Lock()
        self.pending: Tally[Key] = Tally()  # not added to Redis yet
        self.mine: Tally[Key] = Tally()  # everything this process counted
        self.timer: threading.Timer | None = None
        self.down_until = 0.0
        if redis is not None:
            atexit.register(self.flush)  # what the last second counted

    def add(self, key: Key, n: int = 1) -> None:
        with self.lock:
            self.mine[key] += n
            if self.redis is None:
                return
            self.pending[key] += n
            if self.timer is None:
                timer = threading.Timer(self.flush_seconds, self.flush)
                timer.daemon = True
                try:
                    timer.start()
                except RuntimeError:  # no thread to be had now: the next count tries again
                    return
                self.timer = timer

    def flush(self) -> None:
        """Add the pending counts to Redis (on failure they stay pending for the next time)."""
        with self.lock:
            self.timer = None
            sending, self.pending = self.pending, Tally()
        if not sending or self.redis is None:
            return
        try:
            with self.redis.pipeline(transaction=False) as pipe:
                for key, n in sending.items():
                    pipe.hincrby(self.key, "|".join(key), n)
                pipe.execute()
        except RedisError as exc:
            log.warning("webhook counts kept in this process, redis unavailable: %s", exc)
            with self.lock:
                self.pending.update(sending)
                self.down_until = time.monotonic() + self.retry_seconds

    def totals(self) -> dict[Key, int]:
        """The counts of every process; this process's own while Redis is unavailable."""
        if self.redis is not None and time.monotonic() >= self.down_until:
            try:
                stored = self.redis.hgetall(self.key)
            except RedisError as exc:
                log.warning("webhook counts of other processes unavailable, redis: %s", exc)
                self.down_until = time.monotonic() + self.retry_seconds
            else:
                totals: Tally[Key] = Tally()
                for field, value in stored.items():
                    parts = (field.decode() if isinstance(field, bytes) else field).split("|")
                    if len(parts) == 3:
                        totals[(parts[0], parts[1], parts[2])] += int(value)
                with self.lock:
                    totals.update(self.pending)  # not sent yet
                return dict(totals)
        with self.lock:
            return dict(self.mine)


class _CountsCollector:
    def __init__(self, counts: SharedCounts) -> None:
        self.counts = counts

    def collect(self) -> Iterator[Metric]:
        totals = self.counts.totals()
        for kind, (name, documentation, label) in WEBHOOK_COUNTS.items():
            family = CounterMetricFamily(name, documentation, labels=["channel", label])
            for (k, channel, value), n in sorted(totals.items()):
                if k == kind:
                    family.add_metric([channel, value], n)
            yield family


class _InboxCollector:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def collect(self) -> Iterator[Metric]:
        events = GaugeMetricFamily(
            "hub_events", "Raw events in the inbox by channel and status", labels=["channel", "status"]
        )
        for (channel, status), count in sorted(inbox.counts(self.hub.store).items()):
            events.add_metric([channel, status], count)
        yield events
        oldest = inbox.oldest_pending(self.hub.store)
        lag = (datetime.now(timezone.utc) - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "hub_processing_lag_seconds", "Age of the oldest unfinished event", value=lag
        )
        try:
            depth = float(self.hub.queue.depth())
        except QueueUnavailable:
            depth = float("nan")
        yield GaugeMetricFamily("hub_queue_depth", "Jobs waiting in the queue", value=depth)


class _AmqpCollector:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def collect(self) -> Iterator[Metric]:
        from hub.sinks.amqp import cursor_key
        from hub.sinks.cursor import lag

        yield GaugeMetricFamily(
            "hub_amqp_lag_events", "Outbox events not yet confirmed by the AMQP broker",
            value=lag(self.hub.store, cursor_key(self.hub.settings.amqp.exchange)),
        )
