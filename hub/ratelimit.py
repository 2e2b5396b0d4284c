"""Rate limiting of the public webhook endpoints (Flask-Limiter), per client IP and channel.

The limit (`[ingest] rate_limit`, default "300/second;12000/minute") is per (client IP,
channel): a flood from one address on the form endpoint never eats the Zalo budget. It is
generous on purpose: Meta and Zalo deliver from a few addresses and in bursts (a Lead Ads
campaign, a broadcast that everybody answers), and a 429 there is a delivery they retry
later, with backoff, and Meta disables a webhook that keeps failing. One address sending more
than 300 requests a second (200 a second for a minute) is a flood, not a platform.

Counters live in Redis when `redis_url` is set (shared by every gunicorn process and
machine), in memory in the embedded mode. If Redis is down the limit is skipped
(`swallow_errors`): a Redis outage must not refuse leads. /healthz, /readyz and /metrics are
never limited. Behind a proxy, X-Forwarded-For is honoured only when
`[server] trusted_proxies` says how many proxies set it (werkzeug's ProxyFix); otherwise the
header would let any client pick its own address.
"""
from __future__ import annotations

import time

from flask import Flask, Response, current_app, jsonify, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from hub.config import Settings


def init_app(app: Flask, settings: Settings) -> None:
    """Limit every webhook blueprint; trust X-Forwarded-For from the configured proxies."""
    if settings.server.trusted_proxies:
        hops = settings.server.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    if not settings.ingest.rate_limit:
        return
    limiter = Limiter(
        key_func=get_remote_address,
        app=app,
        storage_uri=settings.redis_url or "memory://",
        storage_options={"socket_connect_timeout": 1, "socket_timeout": 1},
        key_prefix=f"lead-hub-limits:{settings.queue.rq_queue}",
        # Fixed windows: one counter per request. The sliding-window counter read two windows
        # on every webhook and cost about a third of the ingest rate (benchmarks/ingest_facebook.py:
        # 22-24 % of the bare endpoint against 28-34 %); the burst it would smooth out at a window
        # edge is at most twice a limit that is already generous.
        strategy="fixed-window",
        # The headers only on a refusal (_refuse): on every 200 they cost two more Redis round
        # trips (GET and TTL of the counter) for figures no webhook sender reads.
        headers_enabled=False,
        swallow_errors=True,
        on_breach=_refuse,
    )
    import webhooks

    for blueprint in webhooks.BLUEPRINTS:  # a blueprint's limit is scoped by its name: per channel
        limiter.limit(settings.ingest.rate_limit)(blueprint)
    app.extensions["hub.limiter"] = limiter


def _refuse(limit: RequestLimit) -> Response:
    """A JSON 429 that says when to come back (Retry-After, X-RateLimit-*), counted like every
    refused webhook (hub_webhook_rejected{reason="rate_limited"})."""
    current_app.extensions["hub.metrics"].rejected(request.blueprint or "unknown", "rate_limited")
    reset_at = limit.reset_at
    response = jsonify({"error": str(limit.limit), "reason": "too_many_requests"})
    response.status_code = 429
    response.headers.update({
        "Retry-After": str(max(1, int(reset_at - time.time()))),
        "X-RateLimit-Limit": str(limit.limit.amount),
        "X-RateLimit-Remaining": str(limit.remaining),
        "X-RateLimit-Reset": str(reset_at),
    })
    return response
