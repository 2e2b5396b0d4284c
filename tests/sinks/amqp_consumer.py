"""A downstream consumer written with pika (not kombu), the way a CRM team would write one."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pika
import pika.exceptions

AMQP_URL = os.environ.get("HUB_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
PIKA_URL = AMQP_URL.removesuffix("//") + "/%2F"


@dataclass(frozen=True)
class Received:
    routing_key: str
    message_id: str
    delivery_mode: int
    content_type: str
    event: dict[str, Any]


class Consumer:
    """A durable queue bound to the exchange; survives broker restarts and its own reconnects."""

    def __init__(self, exchange: str) -> None:
        self.exchange, self.queue = exchange, f"{exchange}.crm"
        self.received: list[Received] = []
        self.connection: pika.BlockingConnection | None = None
        channel = self._channel()
        channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        channel.queue_declare(self.queue, durable=True)
        channel.queue_bind(self.queue, exchange, routing_key="contact.*")

    def _channel(self) -> Any:
        if self.connection is None or self.connection.is_closed:
            self.connection = pika.BlockingConnection(pika.URLParameters(PIKA_URL))
        return self.connection.channel()

    def drain(self) -> list[Received]:
        """Take every message waiting in the queue (acknowledged), reconnecting if needed."""
        try:
            channel = self._channel()
        except pika.exceptions.AMQPConnectionError:
            self.connection = None
            channel = self._channel()
        while True:
            method, props, body = channel.basic_get(self.queue)
            if method is None:
                return self.received
            self.received.append(Received(method.routing_key, props.message_id, props.delivery_mode,
                                          props.content_type, json.loads(body)))
            channel.basic_ack(method.delivery_tag)

    def unique(self) -> list[Received]:
        """Received messages, a redelivered message_id counted once (at-least-once delivery)."""
        seen: set[str] = set()
        out = []
        for message in self.received:
            if message.message_id not in seen:
                seen.add(message.message_id)
                out.append(message)
        return out

    def close(self) -> None:
        try:
            channel = self._channel()
            channel.queue_delete(self.queue)
            channel.exchange_delete(self.exchange)
            self.connection.close()  # type: ignore[union-attr]
        except pika.exceptions.AMQPError:
            pass  # the broker went away: nothing of ours is left to clean


def broker_up() -> bool:
    url = urlsplit(AMQP_URL)
    try:
        socket.create_connection((url.hostname, url.port or 5672), timeout=1).close()
        return True
    except OSError:
        return False


def rabbitmqctl(command: str) -> None:
    """Stop or start the local broker's application (only this project uses it on this machine)."""
    subprocess.run(["rabbitmqctl", command], check=True, capture_output=True, timeout=120)


def wait_until(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
