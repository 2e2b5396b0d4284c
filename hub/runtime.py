"""The hub a process runs: settings, store and queue, built once and passed around."""
from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from hub import channel_health, inbox
from hub.config import Settings, load_settings
from hub.queue import Gatherer, LocalQueue, Queue, QueueUnavailable, RQQueue, Sweeper, redis_connection
from hub.sinks.webhooks_out import Outbound
from hub.store import Store

if TYPE_CHECKING:
    from hub.sinks.amqp import AmqpSink

log = logging.getLogger(__name__)
RECONCILE_CHECK_SECONDS = 60.0


class Hub:
    def __init__(self, settings: Settings, queue: Queue | None = None) -> None:
        self.settings = settings
        self.store = Store(settings.database_url)
        self.queue: Queue = queue if queue is not None else self._default_queue()
        # RQ jobs of an ingest process's new events, gathered (see Gatherer); in-process queues
        # (the embedded mode, tests' recorders) take each id at once.
        self.gatherer: Gatherer | None = None
        if isinstance(self.queue, RQQueue) and settings.queue.enqueue_gather_seconds > 0:
            self.gatherer = Gatherer(self._enqueue_gathered, settings.queue.enqueue_gather_seconds)
        self.sweeper = Sweeper(self.sweep, settings.queue.sweep_interval_seconds)
        # The Lead Ads reconcile: checked every minute, run by one process per interval.
        self.reconciler = Sweeper(self.reconcile, RECONCILE_CHECK_SECONDS)
        self.amqp_sink: AmqpSink | None = None
        self.webhooks_out = Outbound(self)  # signed outbound webhooks: fan-out, deliveries, sweep

    def _default_queue(self) -> Queue:
        if self.settings.redis_url is None:
            from hub.pipeline import run

            return LocalQueue(lambda event_id: run(self, event_id), self.settings.queue.local_workers)
        return RQQueue(redis_connection(self.settings.redis_url), self.settings.queue.rq_queue)

    def start_background(self) -> None:
        """Start the in-process worker threads (embedded mode), the sweeper and, when
        configured, the periodic Lead Ads reconcile."""
        if isinstance(self.queue, LocalQueue):
            self.queue.start()
        self.start_periodic()

    def start_periodic(self) -> None:
        self.sweeper.start()
        if self.settings.facebook.reconcile_interval_minutes:
            self.reconciler.start()
        if self.settings.amqp.url and self.amqp_sink is None:
            from hub.sinks.amqp import AmqpSink  # kombu is imported only when AMQP is on

            self.amqp_sink = AmqpSink(self.store, self.settings.amqp).start()
        self.webhooks_out.start()

    def stop_periodic(self) -> None:
        if self.amqp_sink is not None:
            self.amqp_sink.stop()
            self.amqp_sink = None
        self.webhooks_out.stop()
        self.reconciler.stop()
        self.sweeper.stop()

    def reconcile(self) -> int:
        from hub.backfill import reconcile_if_due

        outcome = reconcile_if_due(self)
        return outcome.new if outcome else 0

    def stop_background(self) -> None:
        self.stop_periodic()
        if self.gatherer is not None:
            self.gatherer.stop()
        if isinstance(self.queue, LocalQueue):
            self.queue.stop()

    def enqueue(self, event_id: int) -> bool:
        """Hand an event to the queue; False (and the sweeper takes over later) if it is down."""
        try:
            self.queue.enqueue(event_id)
            return True
        except QueueUnavailable as exc:
            log.warning("event %s stays pending, queue unavailable: %s", event_id, exc)
            return False

    def enqueue_many(self, event_ids: list[int]) -> bool:
        """Hand several events to the queue at once; False (the sweeper takes over) if it is down."""
        try:
            self.queue.enqueue_many(event_ids)
            return True
        except QueueUnavailable as exc:
            log.warning("%d events stay pending, queue unavailable: %s", len(event_ids), exc)
            return False

    def enqueue_new(self, event_ids: list[int]) -> None:
        """Hand just-stored events to the queue without waiting for it: with RQ, gathered with
        the other requests' into one job within queue.enqueue_gather_seconds. Never fails: a
        queue that is down leaves them to the sweeper."""
        if self.gatherer is not None:
            self.gatherer.add(event_ids)
        else:
            self.enqueue_many(event_ids)

    def _enqueue_gathered(self, event_ids: list[int]) -> None:
        """Jobs of at most queue.worker_batch events: a burst gathered by one process is still
        shared by every worker. Raises QueueUnavailable."""
        size = self.settings.queue.worker_batch
        for start in range(0, len(event_ids), size):
            self.queue.enqueue_many(event_ids[start:start + size])

    def sweep(self) -> int:
        """Enqueue every event that is due; returns how many were enqueued.

        Events waiting for a page token that has since been replaced become due first.
        """
        released = channel_health.release_replaced_tokens(self.store, self.settings)
        if released:
            log.info("token replaced: %d waiting events back to pending", len(released))
        enqueued = 0
        for event_id in inbox.due_for_sweep(self.store, self.settings.queue):
            if not self.enqueue(event_id):
                break
            enqueued += 1
        return enqueued + self._sweep_enrichments()

    def _sweep_enrichments(self) -> int:
        from hub.enrich.jobs import sweep

        return sweep(self)


_current: Hub | None = None
_lock = threading.Lock()


def current() -> Hub:
    """The process's hub, built from the environment's settings on first use (RQ workers)."""
    global _current
    with _lock:
        if _current is None:
            _current = Hub(load_settings())
        return _current


def set_current(hub: Hub | None) -> None:
    global _current
    with _lock:
        _current = hub
