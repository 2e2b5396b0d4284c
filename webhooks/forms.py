"""POST /webhooks/forms/<form_key>: website and form-builder submissions.

Auth: the form's token ("Authorization: Bearer <token>" or "?token=") or a Standard Webhooks
signature (https://www.standardwebhooks.com/: webhook-id, webhook-timestamp, webhook-signature).
"""
from __future__ import annotations

import hashlib
import hmac
import json

from flask import Blueprint, Response, request
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from hub.config import FormSettings
from hub.connectors.forms import parse_body
from hub.errors import PayloadError
from hub.model import stored_id
from webhooks.edge import accept, hub, raw_body, reject

bp = Blueprint("forms", __name__)
CHANNEL = "form"


@bp.post("/webhooks/forms/<form_key>")
def receive(form_key: str) -> Response:
    form = hub().settings.forms.get(form_key)
    if form is None:
        reject(404, f"unknown form {form_key!r}", reason="unknown_form", channel=CHANNEL)
    body = raw_body()
    if "webhook-signature" in request.headers and not _is_utf8(body):
        # Standard Webhooks signs text: such a body cannot be verified, whoever sent it.
        reject(400, "a signed body must be UTF-8 text", reason="malformed", channel=CHANNEL)
    if not (_token_ok(form) or _signature_ok(form, body)):
        reject(401, "missing or invalid form token or signature", reason="auth", channel=CHANNEL)
    content_type = request.headers.get("Content-Type", "")
    try:
        fields = parse_body(body, content_type)
    except PayloadError as exc:
        reject(400, str(exc), reason="malformed", channel=CHANNEL)
    return accept(CHANNEL, f"{form_key}:{_submission_id(body, fields)}", route=form_key)


def _token_ok(form: FormSettings) -> bool:
    if not form.token:
        return False
    given = request.args.get("token", "")
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    return hmac.compare_digest(given.encode(), form.token.encode())


def _signature_ok(form: FormSettings, body: bytes) -> bool:
    if not form.secret or "webhook-signature" not in request.headers:
        return False
    try:
        Webhook(form.secret).verify(body, dict(request.headers), json_parse=False)
    except (WebhookVerificationError, ValueError):  # ValueError: malformed headers or body
        return False
    return True


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _submission_id(body: bytes, fields: dict[str, list[str]]) -> str:
    """webhook-id or Idempotency-Key when the sender gives one, else a hash of the fields
    (so the same submission re-sent with another field order or encoding is one event)."""
    for header in ("webhook-id", "Idempotency-Key"):
        value = request.headers.get(header, "").strip()
        if value:  # a long one is cut with its hash: two that begin alike stay two
            return stored_id(value, 200)
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return "sha256:" + hashlib.sha256(canonical).hexdigest()
