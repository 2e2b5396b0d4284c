"""What every receiver shares: JSON errors, the raw-event commit before the 200, enqueueing."""
from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from flask import Response, abort, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from hub import inbox
from hub.runtime import Hub

if TYPE_CHECKING:
    from hub.metrics import Metrics

log = logging.getLogger(__name__)

# Request headers worth keeping with the raw event. Never Authorization or cookies: secrets.
KEPT_HEADERS = (
    "Content-Type", "User-Agent", "Referer", "Origin", "X-Forwarded-For",
    "Idempotency-Key", "webhook-id", "webhook-timestamp", "webhook-signature",
    "X-Hub-Signature-256", "X-ZEvent-Signature",
)
# ... and where WSGI puts them (PEP 3333): read straight from the environ, a dict lookup each.
_KEPT_ENVIRON = tuple(
    (name, name.upper().replace("-", "_") if name == "Content-Type" else "HTTP_" + name.upper().replace("-", "_"))
    for name in KEPT_HEADERS)


def hub() -> Hub:
    return current_app.extensions["hub"]  # type: ignore[no-any-return]


def reject(status: int, message: str, *, reason: str, channel: str) -> NoReturn:
    """Answer with a JSON error and count the rejection; nothing is stored."""
    current_app.extensions["hub.metrics"].rejected(channel, reason)
    response = jsonify({"error": message, "reason": reason})
    response.status_code = status
    abort(response)


def raw_body() -> bytes:
    """The exact request bytes (a body over the size limit raises 413 here).

    A streamed body (chunked, no Content-Length) is cut at the limit by werkzeug without an
    error; reading on then raises 413, so a truncated body is never taken for the whole one.
    """
    body = request.get_data(cache=True)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is None and limit is not None and len(body) >= limit:
        request.stream.read(1)  # RequestEntityTooLarge when the sender had more
    return body


def accept(channel: str, delivery_key: str, route: str = "",
           extra_headers: Mapping[str, str] | None = None) -> Response:
    """Commit the raw event, enqueue its id, answer 200. A redelivery is a 200 no-op.

    `extra_headers` are what the receiver learnt while verifying (kept with the event).

    If the database is down, answer 503 so the sender retries: we never acknowledge what we
    did not store. If the queue is down, the event is stored and the sweeper enqueues it later.
    """
    headers = {**kept_headers(), **(extra_headers or {})}
    try:
        accepted = inbox.put(
            hub().store,
            channel=channel,
            delivery_key=delivery_key,
            body=raw_body(),
            headers=headers,
            route=route,
            queue=hub().settings.queue,
        )
    except SQLAlchemyError:
        log.exception("%s: could not store the event; answering 503", channel)
        return store_down()
    if not accepted.duplicate:
        hub().enqueue_new([accepted.event_id])
    current_app.extensions["hub.metrics"].received(channel, duplicate=accepted.duplicate)
    body: dict[str, Any] = {"status": "accepted", "event_id": accepted.event_id}
    if accepted.duplicate:
        body["duplicate"] = True
    return _ok(body)


def kept_headers(environ: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The request's KEPT_HEADERS (this request's, or those of a WSGI environ)."""
    if environ is None:
        environ = request.environ
    return {name: environ[key] for name, key in _KEPT_ENVIRON if key in environ}


def accept_batch(channel: str, items: Sequence[inbox.Item], delivery: Mapping[str, Any] | None,
                 ignored: int = 0) -> Response:
    """Commit every item of a batched delivery at once, enqueue the new ones, answer 200.

    Answers 503 when the database is down, like accept(): nothing was acknowledged.
    """
    answer = store_batch(hub(), current_app.extensions["hub.metrics"], channel, items, delivery, ignored)
    return store_down() if answer is None else Response(answer, mimetype="application/json")


def store_batch(hub: Hub, metrics: Metrics, channel: str, items: Sequence[inbox.Item],
                delivery: Mapping[str, Any] | None, ignored: int = 0) -> bytes | None:
    """accept_batch() without Flask: the 200's JSON body, or None when the database is down
    (logged; nothing was stored, so the sender must be told to retry)."""
    try:
        accepted = inbox.put_batch(hub.store, items, delivery=delivery, queue=hub.settings.queue)
    except SQLAlchemyError:
        log.exception("%s: could not store a delivery of %d items; answering 503", channel, len(items))
        return None
    for (channel, duplicate), count in Counter(
            (item.channel, result.duplicate) for item, result in zip(items, accepted)).items():
        metrics.received(channel, duplicate=duplicate, count=count)
    new = [a.event_id for a in accepted if not a.duplicate]
    hub.enqueue_new(new)
    return _json({
        "status": "accepted",
        "event_ids": new,
        "duplicates": sum(a.duplicate for a in accepted),
        "ignored": ignored,
    })


def _ok(body: dict[str, Any]) -> Response:
    """A 200 with a JSON body: what jsonify() makes, without the app's JSON provider in between."""
    return Response(_json(body), mimetype="application/json")


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def ignore(channel: str, reason: str) -> Response:
    """Answer 200 to a verified item that is not a lead, store nothing, count it."""
    current_app.extensions["hub.metrics"].ignored(channel, reason)
    return jsonify({"status": "ignored", "reason": reason})


def store_down() -> Response:
    """503 + Retry-After: the database is down, nothing was stored (needs an app context)."""
    response = jsonify({"error": "temporarily unavailable, retry later", "reason": "store_down"})
    response.status_code = 503
    response.headers["Retry-After"] = "30"
    return response
