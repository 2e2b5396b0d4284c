"""Errors as RFC 9457 problem documents (application/problem+json)."""
from __future__ import annotations

from typing import NoReturn

from flask import Response, abort, jsonify

TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
          409: "Conflict", 410: "Gone", 422: "Unprocessable Content"}


def problem(status: int, detail: str) -> Response:
    response = jsonify({"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status,
                        "detail": detail})
    response.status_code = status
    response.mimetype = "application/problem+json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="lead-hub"'
    return response


def fail(status: int, detail: str) -> NoReturn:
    abort(problem(status, detail))
