"""POST /webhooks/facebook and /webhooks/whatsapp straight on WSGI, in front of the Flask app.

Meta sends its deliveries in bursts, and Flask's work around each request (request context,
URL matching, before/after hooks, reading the body through werkzeug, a Response object) cost
the ingest process about a quarter of its CPU per delivery (benchmarks/ingest_facebook.py). This layer serves the one common case itself:
a POST with a Content-Length within `ingest.max_body_bytes`, correctly signed, that parses,
and that the rate limit lets through. It runs the same code as the Flask view
(webhooks/meta.py's Delivery, edge.store_batch), so what is stored, counted and answered is
the same. Everything else goes to the Flask app unchanged: other paths and methods, a body
without a Content-Length (chunked) or over the limit, and every refusal, for which the body
already read is handed on as it was, so the view refuses it with its usual answer. The rate
limit is counted here once (ratelimit.COUNTED tells the Flask check what it decided).
"""
from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from hub import ratelimit
from hub.config import Settings
from webhooks import edge, facebook, meta, whatsapp

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# path -> (channel, that is also the blueprint the rate limit counts, its app secrets)
ROUTES: dict[str, tuple[str, Callable[[Settings], tuple[str, ...]]]] = {
    "/webhooks/facebook": (facebook.CHANNEL, facebook.app_secrets),
    "/webhooks/whatsapp": (whatsapp.CHANNEL, whatsapp.app_secrets),
}
_JSON = "application/json"


class _ToView(Exception):
    """The Flask view is to answer this request (a refusal)."""


def init_app(app: Flask) -> None:
    """Put the layer in front of the app's WSGI callable (before any ProxyFix wraps both)."""
    app.wsgi_app = MetaIngest(app, app.wsgi_app)  # type: ignore[method-assign]


class MetaIngest:
    """The WSGI callable: serves the common case (see the module's doc), else calls `next_app`."""

    def __init__(self, app: Flask, next_app: WSGIApp) -> None:
        self.app = app
        self.next = next_app
        self.hub = app.extensions["hub"]
        self.metrics = app.extensions["hub.metrics"]
        self.max_body = app.config["MAX_CONTENT_LENGTH"]
        self.limiter: ratelimit.Limiter | None = app.extensions.get("hub.limiter")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        route = ROUTES.get(environ.get("PATH_INFO", "")) if environ.get("REQUEST_METHOD") == "POST" else None
        length = self._length(environ) if route is not None else None
        if route is None or length is None:
            return self.next(environ, start_response)
        channel, secrets = route
        if self.limiter is not None:
            over = environ[ratelimit.COUNTED] = self.limiter.hit(channel, environ.get("REMOTE_ADDR"))
            if over is not None:  # the Flask check answers the 429
                return self.next(environ, start_response)
        try:
            answer = self._serve(environ, channel, secrets, length)
        except _ToView:  # the view refuses it again, with its answer and count
            return self.next(environ, start_response)
        except Exception as exc:  # noqa: BLE001 - answered as the app answers any: a JSON 500
            return self._flask_answer(environ, start_response, lambda: self.app.handle_user_exception(exc))
        if answer is None:
            return self._flask_answer(environ, start_response, edge.store_down)
        start_response("200 OK", [("Content-Type", _JSON), ("Content-Length", str(len(answer)))])
        return [answer]

    def _serve(self, environ: dict[str, Any], channel: str, secrets: Callable[[Settings], tuple[str, ...]],
               length: int) -> bytes | None:
        """Read, verify, split and store the delivery: the 200's body, or None when the database
        is down. Raises _ToView, the body read put back for the view, when it is refused."""
        body = environ["wsgi.input"].read(length) if length else b""
        delivery = None
        if len(body) == length:  # else the sender went away: werkzeug's own rules apply
            try:
                delivery = meta.Delivery.read(body, environ.get("HTTP_X_HUB_SIGNATURE_256", ""),
                                              secrets(self.hub.settings), channel)
            except meta.Refused:
                pass
        if delivery is None:
            environ["wsgi.input"] = io.BytesIO(body)
            raise _ToView
        delivery.count_skipped(self.metrics)
        return edge.store_batch(self.hub, self.metrics, channel, delivery.items,
                                delivery.row(edge.kept_headers(environ)), delivery.skipped)

    def _length(self, environ: dict[str, Any]) -> int | None:
        """The body's length when this layer may read it: given, plain digits, within the limit."""
        given = environ.get("CONTENT_LENGTH") or ""
        if not (given.isascii() and given.isdigit()) or "HTTP_TRANSFER_ENCODING" in environ:
            return None
        length = int(given)
        return length if self.max_body is None or length <= self.max_body else None

    def _flask_answer(self, environ: dict[str, Any], start_response: Callable[..., Any],
                      make: Callable[[], Any]) -> Iterable[bytes]:
        """An answer the Flask app builds (JSON errors), for this request."""
        with self.app.request_context(environ):
            response = self.app.make_response(make())
        return response(environ, start_response)
