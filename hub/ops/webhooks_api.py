"""/api/v1/webhooks: outbound webhook subscriptions, their delivery log and replays.

Needs a token with the `webhooks:manage` scope. `allow_private` (reaching private or loopback
addresses) is an operator's decision: the API refuses it unless webhooks_out.allow_private is
set; use `hub webhooks add --allow-private` instead.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from hub.ops.api import _datetime, _limit, requires
from hub.ops.problems import fail, problem
from hub.sinks import subscriptions
from hub.sinks.subscriptions import SubscriptionError

bp = Blueprint("api_webhooks", __name__, url_prefix="/api/v1/webhooks")
SCOPE = "webhooks:manage"
FIELDS = {"url", "event_types", "secret", "description", "rate_limit", "allow_private"}


def _hub() -> Any:
    return current_app.extensions["hub"]


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        fail(400, "send a JSON object (Content-Type: application/json)")
    return body


@bp.errorhandler(SubscriptionError)
def _refused(exc: SubscriptionError) -> Response:
    return problem(exc.status, str(exc))


@bp.get("")
@requires(SCOPE)
def list_subscriptions() -> Response:
    return jsonify({"data": subscriptions.listing(_hub().store)})


@bp.post("")
@requires(SCOPE)
def create_subscription() -> tuple[Response, int]:
    """Body: url, event_types (default ["*"]), secret (default: generated), description,
    rate_limit (deliveries/s), allow_private. Answers 201 with the secret (shown here only)."""
    body = _body()
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        fail(422, f"unknown fields: {', '.join(unknown)}")
    url, types = body.get("url"), body.get("event_types", ["*"])
    if not isinstance(url, str) or not url:
        fail(422, "url is required: the endpoint to POST events to")
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        fail(422, 'event_types must be a list of event types, e.g. ["contact.created"] or ["*"]')
    allow_private = body.get("allow_private", False)
    if not isinstance(allow_private, bool):
        fail(422, "allow_private must be true or false")
    if allow_private and not _hub().settings.webhooks_out.allow_private:
        fail(403, "allow_private is an operator's decision: use `hub webhooks add --allow-private`")
    secret, description = body.get("secret"), body.get("description", "")
    if secret is not None and not isinstance(secret, str):
        fail(422, "secret must be a string")
    if not isinstance(description, str):
        fail(422, "description must be a string")
    created = subscriptions.create(_hub().store, _hub().settings, url, types, secret=secret,
                                   description=description, rate_limit=body.get("rate_limit"),
                                   allow_private=allow_private)
    return jsonify(created), 201


@bp.get("/<int:subscription_id>")
@requires(SCOPE)
def show_subscription(subscription_id: int) -> Response:
    return jsonify(subscriptions.show(_hub().store, subscription_id, with_secret=True))


@bp.delete("/<int:subscription_id>")
@requires(SCOPE)
def remove_subscription(subscription_id: int) -> tuple[str, int]:
    subscriptions.remove(_hub().store, subscription_id)
    return "", 204


@bp.post("/<int:subscription_id>/enable")
@requires(SCOPE)
def enable_subscription(subscription_id: int) -> Response:
    return jsonify(subscriptions.enable(_hub().store, subscription_id))


@bp.post("/<int:subscription_id>/disable")
@requires(SCOPE)
def disable_subscription(subscription_id: int) -> Response:
    """Body: {"reason": "..."}."""
    reason = _body().get("reason")
    if not isinstance(reason, str):
        fail(422, "reason is required: why the endpoint is disabled")
    return jsonify(subscriptions.disable(_hub().store, subscription_id, reason))


@bp.get("/<int:subscription_id>/deliveries")
@requires(SCOPE)
def list_deliveries(subscription_id: int) -> Response:
    """Newest first; `before` (a delivery id) pages back."""
    before = request.args.get("before")
    if before is not None and not (before.isdigit() and int(before) <= subscriptions.MAX_ID):
        fail(400, f"before must be a delivery id, got {before!r}")
    data = subscriptions.deliveries(_hub().store, subscription_id, status=request.args.get("status"),
                                    limit=_limit(), before=int(before) if before else None)
    return jsonify({"data": data})


@bp.get("/<int:subscription_id>/deliveries/<int:delivery_id>")
@requires(SCOPE)
def show_delivery(subscription_id: int, delivery_id: int) -> Response:
    found = subscriptions.delivery(_hub().store, delivery_id)
    if found["subscription_id"] != subscription_id:
        fail(404, f"subscription {subscription_id} has no delivery {delivery_id}")
    return jsonify(found)


@bp.post("/<int:subscription_id>/deliveries/<int:delivery_id>/replay")
@requires(SCOPE)
def replay_delivery(subscription_id: int, delivery_id: int) -> Response:
    """Send it again now, with the same webhook-id."""
    if subscriptions.delivery(_hub().store, delivery_id)["subscription_id"] != subscription_id:
        fail(404, f"subscription {subscription_id} has no delivery {delivery_id}")
    return jsonify(subscriptions.replay_one(_hub().store, delivery_id))


@bp.post("/<int:subscription_id>/replay")
@requires(SCOPE)
def replay_since(subscription_id: int) -> Response:
    """Body: {"since": "<ISO 8601 date-time with zone>"}: every matching event since then."""
    since = _body().get("since")
    if not isinstance(since, str):
        fail(422, "since is required: an ISO 8601 date-time with a time zone")
    count = subscriptions.replay_since(_hub().store, subscription_id, _datetime(since, "since"))
    return jsonify({"queued": count})
