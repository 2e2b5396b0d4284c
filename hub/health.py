"""GET /healthz (alive), /readyz (database and queue reachable), /metrics (Prometheus)."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from hub.queue import QueueUnavailable

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    hub = current_app.extensions["hub"]
    checks = {}
    try:
        hub.store.ping()
        checks["database"] = "ok"
    except SQLAlchemyError as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        hub.queue.ping()
        checks["queue"] = "ok"
    except QueueUnavailable as exc:
        checks["queue"] = f"error: {exc}"
    ready = all(v == "ok" for v in checks.values())
    return jsonify({"status": "ready" if ready else "unavailable", "checks": checks}), (
        200 if ready else 503
    )


@bp.get("/metrics")
def metrics() -> Response:
    body = current_app.extensions["hub.metrics"].render()
    return Response(body, mimetype="text/plain; version=0.0.4; charset=utf-8")
