"""Prometheus figures for profile enrichment, read from the database (true across processes)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select

from hub import channel_health
from hub.store.schema import EnrichmentRow

if TYPE_CHECKING:
    from hub.runtime import Hub


class EnrichmentCollector:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def collect(self) -> Iterator[Metric]:
        jobs = GaugeMetricFamily("hub_enrichments", "Profile fetches by kind and status",
                                 labels=["kind", "status"])
        with self.hub.store.sessions() as session:
            counts = session.execute(
                select(EnrichmentRow.kind, EnrichmentRow.status, func.count())
                .group_by(EnrichmentRow.kind, EnrichmentRow.status)
            ).all()
        for kind, status, count in sorted(counts):
            jobs.add_metric([kind, status], count)
        yield jobs
        unhealthy = GaugeMetricFamily(
            "hub_channel_unhealthy", "1 for each page / OA whose token was refused",
            labels=["channel", "scope"])
        for row in channel_health.unhealthy(self.hub.store):
            unhealthy.add_metric([row.channel, row.scope], 1)
        yield unhealthy
