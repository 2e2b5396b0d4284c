"""REST API v1 for downstream consumers: contacts, the change feed, merge suggestions.

Every call needs "Authorization: Bearer <token>" (`hub tokens create`) with the right scope.
A merged-away contact id still answers: its document has `merged_into` set and a
`Link: </api/v1/contacts/<survivor>>; rel="canonical"` header (not a redirect: a merge can be
undone, and then the id is a live contact again).
"""
from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, g, jsonify, request
from sqlalchemy import and_, or_, select

from hub.ops import review, tokens
from hub.ops.openapi import document
from hub.ops.problems import fail
from hub.sinks.events import event_document
from hub.store.contacts import resolve
from hub.store.merging import MergeError
from hub.store.documents import contact_documents
from hub.store.schema import ContactRow, OutboxRow

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_LIMIT = 500
F = TypeVar("F", bound=Callable[..., Any])


def requires(scope: str) -> Callable[[F], F]:
    """The view needs a valid bearer token carrying `scope` (401 / 403 problems otherwise)."""
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            if not header.lower().startswith("bearer "):
                fail(401, "send an API token as 'Authorization: Bearer <token>' (hub tokens create)")
            info = tokens.verify(_hub().store, header[7:].strip())
            if info is None:
                fail(401, "the API token is unknown or revoked")
            if scope not in info.scopes:
                fail(403, f"the token {info.name!r} lacks the scope {scope!r}")
            g.token = info
            return view(*args, **kwargs)
        return wrapper  # type: ignore[return-value]
    return decorator


def _hub() -> Any:
    return current_app.extensions["hub"]


def _limit() -> int:
    raw = request.args.get("limit", "100")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        fail(400, f"limit must be a whole number from 1 to {MAX_LIMIT}, got {raw!r}")
    return int(raw)


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())


@bp.get("/contacts")
@requires("contacts:read")
def list_contacts() -> Response:
    """Active contacts by (updated_at, id), oldest change first, with an opaque cursor."""
    limit = _limit()
    query = select(ContactRow).where(ContactRow.merged_into.is_(None))
    since = request.args.get("updated_since")
    if since:
        query = query.where(ContactRow.updated_at >= _datetime(since, "updated_since"))
    cursor = request.args.get("cursor")
    if cursor:
        at, cid = _decode_cursor(cursor)
        query = query.where(or_(ContactRow.updated_at > at, and_(ContactRow.updated_at == at, ContactRow.id > cid)))
    query = query.order_by(ContactRow.updated_at, ContactRow.id).limit(limit)
    with _hub().store.sessions() as session:
        rows = list(session.execute(query).scalars())
        data = list(contact_documents(session, rows))
    next_cursor = _encode_cursor(rows[-1]) if len(rows) == limit else None
    return jsonify({"data": data, "next_cursor": next_cursor})


@bp.get("/contacts/<contact_id>")
@requires("contacts:read")
def get_contact(contact_id: str) -> Response:
    with _hub().store.sessions() as session:
        row = session.get(ContactRow, contact_id)
        if row is None:
            fail(404, f"no contact {contact_id!r}")
        [doc] = list(contact_documents(session, [row]))
        survivor = resolve(session, contact_id).id if row.merged_into else None
    response = jsonify(doc)
    if survivor is not None:
        response.headers["Link"] = f'</api/v1/contacts/{survivor}>; rel="canonical"'
    return response


@bp.get("/events")
@requires("events:read")
def events() -> Response:
    """The change feed: outbox events after a sequence number, in commit order."""
    after = request.args.get("after", "0")
    if not after.isdigit():
        fail(400, f"after must be a sequence number (0 for the start), got {after!r}")
    limit = _limit()
    with _hub().store.sessions() as session:
        rows = list(session.execute(
            select(OutboxRow).where(OutboxRow.seq > int(after)).order_by(OutboxRow.seq).limit(limit)
        ).scalars())
    data = [event_document(r) for r in rows]
    return jsonify({"data": data, "next_after": rows[-1].seq if rows else int(after)})


def _datetime(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(400, f"{name} must be an ISO 8601 date-time, got {value!r}")
    if parsed.tzinfo is None:
        fail(400, f"{name} needs a time zone (e.g. 2026-11-23T00:00:00+07:00), got {value!r}")
    return parsed


def _encode_cursor(row: ContactRow) -> str:
    return base64.urlsafe_b64encode(f"{row.updated_at.isoformat()}|{row.id}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        at, cid = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return datetime.fromisoformat(at), cid
    except (ValueError, binascii.Error, UnicodeDecodeError):
        fail(400, "cursor is not one this API gave out")


@bp.get("/suggestions")
@requires("suggestions:read")
def list_suggestions() -> Response:
    status = request.args.get("status", "open")
    if status not in review.STATUSES:
        fail(400, f"status must be one of {', '.join(review.STATUSES)}, got {status!r}")
    after = request.args.get("after", "0")
    if not after.isdigit():
        fail(400, f"after must be a suggestion id, got {after!r}")
    with _hub().store.sessions() as session:
        rows = review.list_suggestions(session, status, _limit(), int(after))
        return jsonify({"data": [review.suggestion_json(r) for r in rows]})


@bp.post("/suggestions/<int:suggestion_id>/accept")
@requires("suggestions:write")
def accept_suggestion(suggestion_id: int) -> Response:
    """Body (optional): {"choices": {"name": "<contact id>", "province": "<contact id>"}}."""
    body = request.get_json(silent=True) or {}
    choices = body.get("choices") if isinstance(body, dict) else None
    if choices is not None and not (isinstance(choices, dict) and all(isinstance(v, str) for v in choices.values())):
        fail(422, 'choices must map a field ("name", "province") to the id of the contact whose value to keep')
    try:
        with _hub().store.transaction() as session:
            merge_id = review.accept(session, suggestion_id, f"api:{g.token.name}", choices)
    except review.ReviewError as exc:
        fail(exc.status, str(exc))
    except MergeError as exc:
        fail(422, str(exc))
    return jsonify({"status": "accepted", "merge_id": merge_id})


@bp.post("/suggestions/<int:suggestion_id>/reject")
@requires("suggestions:write")
def reject_suggestion(suggestion_id: int) -> Response:
    try:
        with _hub().store.transaction() as session:
            review.reject(session, suggestion_id, f"api:{g.token.name}")
    except review.ReviewError as exc:
        fail(exc.status, str(exc))
    return jsonify({"status": "rejected"})
