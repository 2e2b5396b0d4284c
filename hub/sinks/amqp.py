"""The AMQP sink: every outbox event, in sequence order, to a durable topic exchange.

Routing key = event type (contact.created, contact.updated, contact.merged, contact.unmerged,
and any later type), body = the event document of the REST feed (hub/sinks/events.py),
message_id = the event's stable id, persistent (delivery_mode 2), with publisher confirms
(https://www.rabbitmq.com/docs/confirms#publisher-confirms). The cursor (last published
sequence, in hub_state) moves only after the broker confirmed, so a broker outage delays
events but loses none: delivery is at least once and consumers dedupe on message_id.
One process publishes at a time (hub/sinks/lease.py), so per-contact version order holds.

Consumers bind their own durable queue to the exchange; messages published while no queue is
bound are dropped by the broker, as AMQP topic exchanges do.
"""
from __future__ import annotations

import json
import logging
import threading

import amqp.exceptions
import kombu
import kombu.exceptions
from sqlalchemy import select

from hub.config import AmqpSettings
from hub.sinks import cursor
from hub.sinks.events import event_document
from hub.sinks.lease import lease
from hub.store import Store
from hub.store.schema import OutboxRow

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_SECONDS = 5.0
CONFIRM_TIMEOUT_SECONDS = 30.0
FIRST_BACKOFF_SECONDS = 0.5


class BrokerUnavailable(RuntimeError):
    """The broker could not be reached or did not confirm; the cursor stays where it was."""


def cursor_key(exchange: str) -> str:
    return f"sink.amqp.{exchange}.cursor"


class AmqpPublisher:
    """Publishes outbox events after the cursor; keeps one broker connection between passes."""

    def __init__(self, store: Store, settings: AmqpSettings) -> None:
        if not settings.url:
            raise ValueError("amqp.url is not set")
        self.store = store
        self.settings = settings
        self.key = cursor_key(settings.exchange)
        self.exchange = kombu.Exchange(settings.exchange, type="topic", durable=True)
        self._connection: kombu.Connection | None = None
        self._producer: kombu.Producer | None = None

    def publish_pending(self) -> int:
        """Publish every event after the cursor, if no other process is publishing.

        Returns how many were published. Raises BrokerUnavailable (after saving the cursor up
        to the last confirmed event) and cursor.CursorMoved if another publisher moved it.
        """
        with lease(self.store, self.key) as held:
            if not held:
                return 0
            total = 0
            while True:
                published = self._publish_batch()
                if not published:
                    return total
                total += published

    def lag(self) -> int:
        return cursor.lag(self.store, self.key)

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # a dead connection may fail to close; it is dropped either way
                log.debug("closing the AMQP connection failed", exc_info=True)
        self._connection = self._producer = None

    def _publish_batch(self) -> int:
        start = cursor.read(self.store, self.key)
        with self.store.sessions() as session:
            rows = list(session.execute(
                select(OutboxRow).where(OutboxRow.seq > start).order_by(OutboxRow.seq)
                .limit(self.settings.batch)
            ).scalars())
        confirmed = start
        try:
            for row in rows:
                self._publish(row)
                confirmed = row.seq
        except _broker_errors() as exc:
            self.close()
            raise BrokerUnavailable(f"AMQP publish failed after sequence {confirmed}: {exc!r}") from exc
        finally:
            if confirmed != start:
                cursor.advance(self.store, self.key, start, confirmed)
        return len(rows)

    def _publish(self, row: OutboxRow) -> None:
        body = json.dumps(event_document(row), ensure_ascii=False, separators=(",", ":")).encode()
        self._ensure_producer().publish(
            body, routing_key=row.type, delivery_mode=2, message_id=row.event_id,
            content_type="application/json", content_encoding="utf-8",
            confirm_timeout=CONFIRM_TIMEOUT_SECONDS, retry=False,
        )

    def _ensure_producer(self) -> kombu.Producer:
        if self._producer is None:
            connection = kombu.Connection(
                self.settings.url, transport_options={"confirm_publish": True},
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
            )
            self._connection = connection
            connection.connect()
            # auto_declare: the durable exchange is declared on each new connection
            self._producer = kombu.Producer(connection.default_channel, exchange=self.exchange)
        return self._producer


def _broker_errors() -> tuple[type[BaseException], ...]:
    return (OSError, amqp.exceptions.AMQPError, amqp.exceptions.MessageNacked,
            kombu.exceptions.KombuError, TimeoutError)


class AmqpSink:
    """The background loop `hub serve` and `hub worker` run when amqp.url is set."""

    def __init__(self, store: Store, settings: AmqpSettings) -> None:
        self.publisher = AmqpPublisher(store, settings)
        self.settings = settings
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> AmqpSink:
        self.thread = threading.Thread(target=self._run, name="hub-amqp", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None and self.thread.is_alive():
            self.thread.join(CONNECT_TIMEOUT_SECONDS + CONFIRM_TIMEOUT_SECONDS)
        self.publisher.close()

    def _run(self) -> None:
        delay, backoff = 0.0, FIRST_BACKOFF_SECONDS
        while not self.stopping.wait(delay):
            delay = self.settings.poll_interval_seconds
            try:
                self.publisher.publish_pending()
                backoff = FIRST_BACKOFF_SECONDS
            except BrokerUnavailable as exc:
                delay, backoff = backoff, min(backoff * 2, self.settings.max_backoff_seconds)
                log.warning("AMQP broker unavailable, retrying in %.1fs: %s", delay, exc)
            except Exception:  # a database outage or a lost lease: try again next round
                log.warning("AMQP publishing failed; will retry", exc_info=True)
