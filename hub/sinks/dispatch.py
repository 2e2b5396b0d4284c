"""When a webhook delivery runs: RQ jobs (production) or timer threads (embedded).

Either way the message row's next_attempt_at is the truth: a lost job or a restart only delays
a delivery, because the periodic sweep hands out again whatever is overdue.
"""
from __future__ import annotations

import heapq
import logging
import math
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Protocol

from redis.exceptions import RedisError

log = logging.getLogger(__name__)
JOB = "hub.sinks.webhooks_out.deliver_job"


class Dispatcher(Protocol):
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def at(self, message_id: int, when: datetime) -> None: ...


class RQDispatcher:
    """`deliver_job(message_id)` on the pipeline's RQ queue; later attempts through RQ's
    scheduler (`hub worker` runs it), e.g. `enqueue_in(timedelta(minutes=5), ...)`."""

    def __init__(self, rq_queue: object) -> None:
        self.rq = rq_queue

    def start(self) -> None:
        return None

    def stop(self) -> None:
        return None

    def at(self, message_id: int, when: datetime) -> None:
        delay = when - datetime.now(timezone.utc)
        try:
            if delay.total_seconds() <= 0:
                self.rq.enqueue(JOB, message_id, result_ttl=0, failure_ttl=86400)  # type: ignore[attr-defined]
            else:
                # RQ keeps whole seconds (it truncates): round up so the job never runs early.
                delay = timedelta(seconds=math.ceil(delay.total_seconds()) + 1)
                self.rq.enqueue_in(delay, JOB, message_id, result_ttl=0, failure_ttl=86400)  # type: ignore[attr-defined]
        except RedisError as exc:
            log.warning("webhook delivery %s not queued (%s); the sweep will pick it up", message_id, exc)


class LocalDispatcher:
    """Worker threads taking deliveries from a timer heap (embedded mode)."""

    def __init__(self, job: Callable[[int], object], threads: int) -> None:
        self.job, self.threads = job, threads
        self.heap: list[tuple[float, int]] = []
        self.cond = threading.Condition()
        self.stopping = False
        self.workers: list[threading.Thread] = []

    def start(self) -> None:
        self.stopping = False
        for n in range(self.threads):
            worker = threading.Thread(target=self._run, name=f"hub-webhooks-out-{n}", daemon=True)
            worker.start()
            self.workers.append(worker)

    def stop(self, timeout: float = 20.0) -> None:
        with self.cond:
            self.stopping = True
            self.cond.notify_all()
        for worker in self.workers:
            worker.join(timeout)
        self.workers.clear()

    def at(self, message_id: int, when: datetime) -> None:
        with self.cond:
            heapq.heappush(self.heap, (when.timestamp(), message_id))
            self.cond.notify()

    def _next(self) -> int | None:
        with self.cond:
            while not self.stopping:
                wait = self.heap[0][0] - time.time() if self.heap else None
                if wait is not None and wait <= 0:
                    return heapq.heappop(self.heap)[1]
                self.cond.wait(wait)
            return None

    def _run(self) -> None:
        while (message_id := self._next()) is not None:
            try:
                self.job(message_id)
            except Exception:  # the row keeps the truth; the sweep retries it
                log.exception("webhook delivery %s crashed", message_id)
