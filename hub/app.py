"""create_app(): the ingest app, the ops app, or both (embedded)."""
from __future__ import annotations

import logging
from typing import Literal

from flask import Flask, Response, jsonify, request
from flask.sessions import SessionInterface
from werkzeug.exceptions import HTTPException

from hub import health
from hub.config import Settings, load_settings
from hub.metrics import Metrics
from hub.runtime import Hub

Role = Literal["embedded", "ingest", "ops"]
log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, role: Role = "embedded", hub: Hub | None = None) -> Flask:
    """Build a Flask app for one role. Nothing starts running here (no threads, no I/O)."""
    if hub is None:
        hub = Hub(settings or load_settings())
    _mask_logs(hub.settings)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=hub.settings.secret_key,
        MAX_CONTENT_LENGTH=hub.settings.ingest.max_body_bytes,
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["hub"] = hub
    app.extensions["hub.metrics"] = Metrics(hub)
    app.register_blueprint(health.bp)
    if role == "ingest":  # webhooks only: no cookie session to read and sign on every request
        app.session_interface = _NoSessions()
    if role in ("embedded", "ingest"):
        _init_webhooks(app, hub.settings)
    if role in ("embedded", "ops"):
        from hub import ops

        ops.init_app(app)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    if role in ("embedded", "ingest"):
        from hub import ratelimit

        ratelimit.trust_proxies(app, hub.settings)  # last: around every other WSGI layer
    return app


def _init_webhooks(app: Flask, settings: Settings) -> None:
    """The webhook blueprints, their rate limit, and the WSGI layer serving Meta deliveries
    in front of Flask (webhooks/meta_wsgi.py; it counts the rate limit too)."""
    import webhooks
    from hub import ratelimit
    from webhooks import meta_wsgi

    webhooks.init_app(app)
    ratelimit.init_app(app, settings)
    meta_wsgi.init_app(app)


class _NoSessions(SessionInterface):
    def open_session(self, app: Flask, request: object) -> None:
        return None  # Flask then hands out its null session, which refuses writes

    def save_session(self, app: Flask, session: object, response: object) -> None:
        return None


def _mask_logs(settings: Settings) -> None:
    """Under gunicorn nobody configured the root logger: give it a handler (else Python's
    last-resort handler prints unfiltered records), then mask every handler's records."""
    from hub import redact

    if not logging.getLogger().handlers:
        logging.basicConfig(level=settings.log_level.upper(),
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact.install(settings)


def _http_error(exc: HTTPException) -> Response:
    """Every HTTP error as JSON: webhook senders and API clients never get an HTML page."""
    if exc.response is not None:  # a werkzeug response, which Flask serves as it is
        return exc.response  # type: ignore[return-value]
    if request.path.startswith("/api/"):  # the API speaks RFC 9457 problems, even for routing errors
        from hub.ops.problems import problem

        return problem(exc.code or 500, exc.description or exc.name)
    response = jsonify({"error": exc.description, "reason": (exc.name or "").lower().replace(" ", "_")})
    response.status_code = exc.code or 500
    return response


def _unexpected_error(exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    response = jsonify({"error": "internal error", "reason": "internal"})
    response.status_code = 500
    return response
