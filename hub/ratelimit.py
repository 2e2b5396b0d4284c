"""Rate limiting of the public webhook endpoints, per client IP and channel (fixed windows).

The limit (`[ingest] rate_limit`, default "300/second;12000/minute", `limits`' notation) is per
(client IP, channel): a flood from one address on the form endpoint never eats the Zalo budget.
It is generous on purpose: Meta and Zalo deliver from a few addresses and in bursts (a Lead Ads
campaign, a broadcast that everybody answers), and a 429 there is a delivery they retry later,
with backoff, and Meta disables a webhook that keeps failing. One address sending more than 300
requests a second (200 a second for a minute) is a flood, not a platform.

Fixed windows: one counter per limit and window; the burst a sliding window would smooth out
at a window edge is at most twice a limit already generous. In the embedded mode the counters
are in memory. With `redis_url` they are shared by every gunicorn process and machine through
Redis, but a round trip per webhook cost a tenth of the ingest's CPU, so each process counts
its hits itself and adds them to Redis (INCRBY + EXPIRE for every limit, one round trip) on the
first hit of a window, then at most every SYNC_SECONDS, and on every hit once a window's count
is past half its limit. Far below the limits the shared count is therefore approximate: each
process sees the others' hits up to SYNC_SECONDS late. Near a limit every hit is counted in
Redis before it is let through, as a single counter would, so a flood is refused as exactly
as before. If Redis is down the limit is skipped (and Redis tried again SYNC_SECONDS later):
a Redis outage must not refuse leads. /healthz, /readyz and /metrics are never limited. Behind a proxy, X-Forwarded-For is honoured only when
`[server] trusted_proxies` says how many proxies set it (werkzeug's ProxyFix); otherwise the
header would let any client pick its own address.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Sequence

from flask import Flask, Response, current_app, jsonify, request
from limits import RateLimitItem, parse_many
from redis import Redis
from redis.exceptions import RedisError
from werkzeug.middleware.proxy_fix import ProxyFix

from hub.config import Settings

log = logging.getLogger(__name__)
MEMORY_KEYS = 10_000  # counters kept in memory are pruned of ended windows past this many
SYNC_SECONDS = 0.2  # how late a process may add its hits to the shared counters, far below a limit


# Where a WSGI layer in front of Flask (webhooks/meta_wsgi.py) leaves the outcome of the hit it
# counted, so that Limiter.check counts the request once: None, or the limit it is over.
COUNTED = "hub.ratelimit.counted"


def init_app(app: Flask, settings: Settings) -> None:
    """Limit every webhook blueprint (the limiter is also app.extensions["hub.limiter"])."""
    if not settings.ingest.rate_limit:
        return
    import webhooks
    from hub.queue import redis_connection

    counters: RedisCounters | MemoryCounters = (
        RedisCounters(redis_connection(settings.redis_url)) if settings.redis_url else MemoryCounters())
    limiter = Limiter(parse_many(settings.ingest.rate_limit), counters,
                      prefix=f"lead-hub-limits:{settings.queue.rq_queue}",
                      blueprints=frozenset(bp.name for bp in webhooks.BLUEPRINTS))
    app.extensions["hub.limiter"] = limiter
    app.before_request(limiter.check)


def trust_proxies(app: Flask, settings: Settings) -> None:
    """Take the client's address from X-Forwarded-For as set by the configured proxies. Wraps
    the whole WSGI app (call it last), so every layer in it sees the client's address."""
    if settings.server.trusted_proxies:
        hops = settings.server.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


class Limiter:
    """Counts each webhook request against every limit; a 429 once one is exceeded."""

    def __init__(self, limits: Sequence[RateLimitItem], counters: RedisCounters | MemoryCounters,
                 prefix: str, blueprints: frozenset[str]) -> None:
        self.limits = list(limits)
        self.counters = counters
        self.prefix = prefix
        self.blueprints = blueprints
        self.expiries = [limit.get_expiry() for limit in self.limits]
        self.amounts = [limit.amount for limit in self.limits]
        self.names = [f"{limit.amount}/{expiry}s" for limit, expiry in zip(self.limits, self.expiries)]

    def check(self) -> Response | None:
        """Flask before_request: None lets the request through."""
        channel = request.blueprint
        if channel not in self.blueprints:
            return None
        environ = request.environ
        over = environ[COUNTED] if COUNTED in environ else self.hit(channel, request.remote_addr)
        return None if over is None else _refuse(channel, *over)

    def hit(self, channel: str, address: str | None) -> tuple[RateLimitItem, int] | None:
        """Count one request of `channel` from `address`: None when it may go through, else the
        limit it is over and when that limit's window ends (Unix time)."""
        now = time.time()
        windows = [int(now // expiry) for expiry in self.expiries]
        keys = [f"{self.prefix}:{channel}:{address or '127.0.0.1'}:{name}:{window}"
                for name, window in zip(self.names, windows)]
        counts = self.counters.hit(keys, self.expiries, self.amounts)
        if counts is None:  # Redis is down: never refuse a lead for that
            return None
        for limit, amount, expiry, window, count in zip(self.limits, self.amounts, self.expiries, windows, counts):
            if count > amount:
                return limit, (window + 1) * expiry
        return None


class RedisCounters:
    """This process's hits, added to the counters in Redis now and then (see the module's doc)."""

    def __init__(self, connection: Redis, sync_seconds: float = SYNC_SECONDS) -> None:
        self.connection = connection
        self.sync_seconds = sync_seconds
        self.windows: dict[str, list[float]] = {}  # key: [count in Redis, hits not added yet, when added, window end]
        self.lock = threading.Lock()
        self.down_until = 0.0  # Redis failed: skip the limits, and Redis, until then

    def hit(self, keys: list[str], expiries: list[int], amounts: list[int]) -> list[int] | None:
        """Count one hit on each counter; the counts as best known, or None when Redis is down."""
        now = time.monotonic()
        with self.lock:
            if now < self.down_until:
                return None
            if len(self.windows) > MEMORY_KEYS:
                self.windows = {k: v for k, v in self.windows.items() if v[3] > now}
            states = [self.windows.setdefault(key, [0, 0, -math.inf, now + expiry])
                      for key, expiry in zip(keys, expiries)]
            for state in states:
                state[1] += 1
            if not any(now - state[2] >= self.sync_seconds or 2 * (state[0] + state[1]) > amount
                       for state, amount in zip(states, amounts)):
                return [int(state[0] + state[1]) for state in states]
            hits = [int(state[1]) for state in states]
            for state in states:
                state[1], state[2] = 0, now
        try:
            counts = self._add(keys, hits, expiries)
        except RedisError as exc:
            log.warning("rate limit skipped for %.1f s, redis unavailable: %s", self.sync_seconds, exc)
            with self.lock:
                for state, n in zip(states, hits):
                    state[1] += n  # added at the next round trip
                self.down_until = now + self.sync_seconds
            return None
        with self.lock:
            for state, count in zip(states, counts):
                state[0] = max(state[0], count)  # another thread's round trip may have come back later
            return [int(state[0] + state[1]) for state in states]

    def _add(self, keys: list[str], hits: list[int], expiries: list[int]) -> list[int]:
        """Add the hits to the counters and return their totals, in one round trip."""
        with self.connection.pipeline(transaction=False) as pipe:
            for key, n, expiry in zip(keys, hits, expiries):
                pipe.incrby(key, n)
                pipe.expire(key, expiry)
            return [int(count) for count in pipe.execute()[::2]]


class MemoryCounters:
    """This process's counters (embedded mode: one process). Ended windows are dropped."""

    def __init__(self) -> None:
        self.counts: dict[str, tuple[int, float]] = {}
        self.lock = threading.Lock()

    def hit(self, keys: list[str], expiries: list[int], amounts: list[int] | None = None) -> list[int]:
        now = time.monotonic()
        with self.lock:
            if len(self.counts) > MEMORY_KEYS:
                self.counts = {k: v for k, v in self.counts.items() if v[1] > now}
            for key, expiry in zip(keys, expiries):
                count, until = self.counts.get(key, (0, now + expiry))
                self.counts[key] = (count + 1, until)
            return [self.counts[key][0] for key in keys]


def _refuse(channel: str, limit: RateLimitItem, reset_at: int) -> Response:
    """A JSON 429 that says when to come back (Retry-After, X-RateLimit-*), counted like every
    refused webhook (hub_webhook_rejected{reason="rate_limited"})."""
    current_app.extensions["hub.metrics"].rejected(channel, "rate_limited")
    response = jsonify({"error": str(limit), "reason": "too_many_requests"})
    response.status_code = 429
    response.headers.update({
        "Retry-After": str(max(1, int(reset_at - time.time()))),
        "X-RateLimit-Limit": str(limit.amount),
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(reset_at),
    })
    return response
