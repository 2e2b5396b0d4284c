"""The queue carries inbox ids only; the inbox row is the truth.

Production: RQ on Redis (`hub worker`). Embedded: worker threads in the serving process running
the same job function. Either way a sweeper re-enqueues what is due, so a Redis outage or a
killed worker delays events but never loses them.
"""
from __future__ import annotations

import atexit
import logging
import os
import queue as stdlib_queue
import threading
import weakref
from collections.abc import Callable, Collection
from typing import Protocol

from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

JOB = "hub.pipeline.process_event"
JOB_MANY = "hub.pipeline.process_events"


class QueueUnavailable(RuntimeError):
    """The queue could not take the id; the event stays pending and the sweeper retries."""


class Queue(Protocol):
    def enqueue(self, event_id: int) -> None: ...
    def enqueue_many(self, event_ids: list[int]) -> None: ...
    def ping(self) -> None: ...
    def depth(self) -> int: ...


def redis_connection(url: str) -> Redis:
    # Short timeouts: a webhook must answer fast even when Redis is down.
    return Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=2)


class RQQueue:
    """Enqueue `process_event(event_id)` as an RQ job (RQ 2.x, explicit connection)."""

    def __init__(self, connection: Redis, name: str) -> None:
        from rq import Queue as RQ

        self.connection = connection
        self.rq = RQ(name, connection=connection)

    def enqueue(self, event_id: int) -> None:
        self.call(JOB, event_id)

    def enqueue_many(self, event_ids: list[int]) -> None:
        """One job for a whole batched delivery (a Meta POST carries many items): building an
        RQ job costs more than storing the events, so ten jobs per POST would halve ingest."""
        if not event_ids:
            return
        if len(event_ids) == 1:
            self.enqueue(event_ids[0])
            return
        self.call(JOB_MANY, list(event_ids))

    def call(self, function: str, *args: object) -> None:
        """Enqueue a job function by its dotted name, in one Redis round trip.

        Left alone, RQ sends two transactions (the queue's registration, then the job); in our
        pipeline they are one. Failed jobs are kept a day for inspection; retries are driven by
        the inbox.
        """
        try:
            with self.connection.pipeline() as pipe:
                self.rq.enqueue(function, *args, result_ttl=0, failure_ttl=86400, pipeline=pipe)
                pipe.execute()
        except RedisError as exc:
            raise QueueUnavailable(f"redis: {exc}") from exc

    def ping(self) -> None:
        try:
            self.connection.ping()
        except RedisError as exc:
            raise QueueUnavailable(f"redis: {exc}") from exc

    def depth(self) -> int:
        try:
            return self.rq.count
        except RedisError as exc:
            raise QueueUnavailable(f"redis: {exc}") from exc

    def discard(self, event_ids: Collection[int], scan: int) -> int:
        """Drop the waiting process_event jobs of these events, which another job finished:
        each would only be skipped, at the price of a whole RQ job (a score of Redis commands).
        Looks at the first `scan` jobs of the queue; returns how many it dropped.

        Best effort, and safe whatever happens meanwhile: a job a worker dequeues first is run
        and skipped, or found missing and passed over by RQ; the inbox stays the truth.
        """
        from rq.job import Job

        finished = {(event_id,) for event_id in event_ids}
        try:
            jobs = Job.fetch_many(self.rq.get_job_ids(0, scan), connection=self.connection,
                                  serializer=self.rq.serializer)
            done = [job for job in jobs if job is not None and job.func_name == JOB and tuple(job.args) in finished]
            if done:
                with self.connection.pipeline() as pipe:
                    for job in done:
                        self.rq.remove(job, pipeline=pipe)
                        pipe.delete(job.key)
                    pipe.execute()
        except Exception:  # Redis down, a job that no longer reads: never fail the job that called
            log.warning("could not drop the jobs of finished events; they will be skipped", exc_info=True)
            return 0
        return len(done)


class Gatherer:
    """Hands the ids of new events to a queue a little later: the ids every request of this
    process accepted within `delay` seconds go out together, in one call of `send`, from a
    thread.

    Why it may wait: a webhook is answered once its events are committed, and the sweeper
    enqueues any event still pending `queue.stuck_after_seconds` after it was received; the
    enqueue is only there to start the work sooner. Why it pays: building and sending an RQ job
    cost an ingest process more CPU than storing the events; gathered, a process sends at most
    one job per `delay`, whatever its request rate.

    Nothing is lost when this process dies before it sends: its last ids wait for the sweeper,
    at most `stuck_after_seconds` + `sweep_interval_seconds` after they were received. When the
    queue is down the ids are dropped, and the sweeper enqueues them once it is back, as it does
    for any event. Fork-safe: the thread starts on first use in the process that uses it (a
    forked child starts afresh, with nothing inherited), and what is left is sent when the
    process exits normally (gunicorn stopping a worker).
    """

    def __init__(self, send: Callable[[list[int]], object], delay: float) -> None:
        self.send = send
        self.delay = delay
        self._reset()
        _GATHERERS.add(self)

    def _reset(self) -> None:
        self.ids: list[int] = []
        self.lock = threading.Lock()
        self.ready = threading.Event()  # ids are waiting
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def add(self, event_ids: list[int]) -> None:
        """Take ids to send within `delay` seconds; never blocks on the queue, never raises."""
        if not event_ids:
            return
        with self.lock:
            self.ids.extend(event_ids)
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="hub-enqueue", daemon=True)
                self.thread.start()
        self.ready.set()

    def flush(self) -> None:
        """Send what is waiting now, in this thread."""
        with self.lock:
            ids, self.ids = self.ids, []
        if ids:
            self._send(ids)

    def stop(self, timeout: float = 5.0) -> None:
        """Send what is waiting and end the thread (at exit)."""
        self.stopping.set()
        self.ready.set()
        if self.thread is not None and self.thread.is_alive():
            self.thread.join(timeout)
        self.flush()

    def _run(self) -> None:
        while not self.stopping.is_set():
            self.ready.wait()
            self.stopping.wait(self.delay)  # gather what comes meanwhile
            with self.lock:
                ids, self.ids = self.ids, []
                self.ready.clear()
            if ids:
                self._send(ids)

    def _send(self, ids: list[int]) -> None:
        try:
            self.send(ids)
        except Exception:  # the queue is down: the sweeper enqueues them later
            log.warning("%d events stay pending until the sweeper enqueues them", len(ids), exc_info=True)


_GATHERERS: weakref.WeakSet[Gatherer] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for gatherer in list(_GATHERERS):
        gatherer._reset()  # the parent's ids are the parent's to send; its thread is not here


def _at_exit() -> None:
    for gatherer in list(_GATHERERS):
        gatherer.stop()


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_at_exit)


class LocalQueue:
    """Worker threads inside this process (the embedded mode)."""

    def __init__(self, job: Callable[[int], object], threads: int = 1) -> None:
        self.job = job
        self.threads = threads
        self.pending: stdlib_queue.Queue[int | Callable[[], object] | None] = stdlib_queue.Queue()
        self.workers: list[threading.Thread] = []

    def start(self) -> None:
        for n in range(self.threads):
            worker = threading.Thread(target=self._run, name=f"hub-worker-{n}", daemon=True)
            worker.start()
            self.workers.append(worker)

    def stop(self, timeout: float = 10.0) -> None:
        for _ in self.workers:
            self.pending.put(None)
        for worker in self.workers:
            worker.join(timeout)
        self.workers.clear()

    def enqueue(self, event_id: int) -> None:
        self.pending.put(event_id)

    def enqueue_many(self, event_ids: list[int]) -> None:
        for event_id in event_ids:
            self.pending.put(event_id)

    def submit(self, task: Callable[[], object]) -> None:
        """Run another kind of job (e.g. an enrichment) on the worker threads."""
        self.pending.put(task)

    def ping(self) -> None:
        if self.workers and not any(w.is_alive() for w in self.workers):
            raise QueueUnavailable("the in-process worker threads have stopped")

    def depth(self) -> int:
        return self.pending.qsize()

    def join(self) -> None:
        """Wait until everything enqueued so far has been processed."""
        self.pending.join()

    def _run(self) -> None:
        while True:
            event_id = self.pending.get()
            try:
                if event_id is None:
                    return
                if callable(event_id):
                    event_id()
                else:
                    self.job(event_id)
            except Exception:  # the job records its own failures; keep the thread alive
                log.exception("event %s: job crashed", event_id)
            finally:
                self.pending.task_done()


class Sweeper:
    """Every interval, enqueue the inbox events that are due (see inbox.due_for_sweep)."""

    def __init__(self, sweep: Callable[[], int], interval: float) -> None:
        self.sweep = sweep
        self.interval = interval
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="hub-sweeper", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None and self.thread.is_alive():
            self.thread.join(self.interval + 5)

    def _run(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                self.sweep()
            except Exception:  # a database or Redis outage: try again next round
                log.warning("sweep failed; will retry", exc_info=True)


class ScheduledJobs:
    """RQ's scheduler (jobs queued with `enqueue_in`, e.g. webhook retries), run as a thread of
    `hub worker` rather than the process RQ forks for `work(with_scheduler=True)`.

    RQ's forked scheduler outlives a worker killed with SIGKILL (an OOM kill, a container stopped
    past its grace period) as an orphan process; a thread dies with its worker. RQ's own Redis
    locks still let one scheduler per queue move the due jobs, whatever the number of workers.
    """

    def __init__(self, queue: RQQueue, interval: float = 1.0) -> None:
        from rq.scheduler import RQScheduler

        self.scheduler = RQScheduler([queue.rq], connection=queue.connection, interval=interval)
        self.loop = Sweeper(self._tick, interval)
        self.redis_down = False  # log an outage once, not every second

    def start(self) -> None:
        self.loop.start()

    def stop(self) -> None:
        self.loop.stop()
        try:
            self.scheduler.release_locks()
        except Exception:  # Redis gone: the locks expire on their own
            log.warning("could not release the RQ scheduler locks; they will expire", exc_info=True)

    def _tick(self) -> int:
        """One round of RQScheduler.work(): hold the queue's lock, then move the due jobs."""
        scheduler = self.scheduler
        try:
            if scheduler.should_reacquire_locks:
                scheduler.acquire_locks()
            if scheduler.acquired_locks:
                scheduler.heartbeat()
                scheduler.enqueue_scheduled_jobs()
        except RedisError as exc:
            if not self.redis_down:
                log.warning("RQ scheduler: redis unavailable (%s); scheduled jobs wait for it", exc)
            self.redis_down = True
            return 0
        if self.redis_down:
            log.info("RQ scheduler: redis is back")
        self.redis_down = False
        return 0
