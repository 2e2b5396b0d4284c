"""Prometheus metrics: inbox figures read from the database (true across every process),
plus this process's counters of rejected requests (nothing is stored for those)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, disable_created_metrics, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

from hub import inbox
from hub.enrich.metrics import EnrichmentCollector
from hub.queue import QueueUnavailable
from hub.sinks.webhooks_out import WebhooksCollector

if TYPE_CHECKING:
    from hub.runtime import Hub


class Metrics:
    def __init__(self, hub: Hub) -> None:
        disable_created_metrics()  # the *_created series only add noise to every scrape
        self.registry = CollectorRegistry()
        self.registry.register(_InboxCollector(hub))
        if hub.settings.amqp.url:
            self.registry.register(_AmqpCollector(hub))
        self.registry.register(EnrichmentCollector(hub))
        self.registry.register(WebhooksCollector(hub.store))
        self.rejections = Counter(
            "hub_webhook_rejected",
            "Webhook requests refused (bad auth, malformed, unknown route), by reason",
            ["channel", "reason"],
            registry=self.registry,
        )
        self.ignored_items = Counter(
            "hub_webhook_ignored",
            "Webhook items answered 200 but not stored: not leads (echoes, statuses, the page's "
            "own comments) or unknown objects and fields, by reason",
            ["channel", "reason"],
            registry=self.registry,
        )
        self.deliveries = Counter(
            "hub_webhook_accepted",
            "Webhook requests accepted by this process (duplicates included)",
            ["channel", "duplicate"],
            registry=self.registry,
        )

    def ignored(self, channel: str, reason: str) -> None:
        self.ignored_items.labels(channel, reason).inc()

    def rejected(self, channel: str, reason: str) -> None:
        self.rejections.labels(channel, reason).inc()

    def received(self, channel: str, *, duplicate: bool, count: int = 1) -> None:
        self.deliveries.labels(channel, str(duplicate).lower()).inc(count)

    def render(self) -> bytes:
        return generate_latest(self.registry)


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
