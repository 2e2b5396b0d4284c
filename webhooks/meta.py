"""What the Meta receivers share: the subscription handshake, the signature, the batch split.

https://developers.facebook.com/docs/graph-api/webhooks/getting-started
- Handshake: GET ?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C -> C as text/plain.
- Signature: X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)> over the bytes
  exactly as received (Meta escapes non-ASCII as \\uXXXX and "/" as "\\/"; re-serialised JSON
  would not verify).
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Response, current_app, request

from hub import inbox
from hub.connectors.meta import split
from webhooks.edge import accept_batch, kept_headers, raw_body, reject

if TYPE_CHECKING:
    from hub.metrics import Metrics

SIGNATURE_HEADER = "X-Hub-Signature-256"
# An item's only headers: the delivery it came in (webhook_deliveries.sha256, whose row keeps the
# signed bytes and the request's headers) and its place there.
DELIVERY_HEADER = "X-Hub-Delivery-Sha256"
ITEM_HEADER = "X-Hub-Item"


def handshake(verify_token: str | None, channel: str) -> Response:
    """Answer Meta's subscription check; 403 unless the verify token matches."""
    mode = request.args.get("hub.mode", "")
    given = request.args.get("hub.verify_token", "")
    if not (verify_token and mode == "subscribe"
            and hmac.compare_digest(given.encode(), verify_token.encode())):
        reject(403, "verify token mismatch", reason="handshake", channel=channel)
    return Response(request.args.get("hub.challenge", ""), mimetype="text/plain")


def receive(app_secrets: tuple[str, ...], channel: str) -> Response:
    """Verify, split into one event per item, store them all, 200.

    401: no signature; 403: bad signature; 400: a signed body that is not JSON. Nothing is
    stored then. Items that are not leads are answered 200 and counted, not stored.
    """
    body = raw_body()
    try:
        delivery = Delivery.read(body, request.headers.get(SIGNATURE_HEADER, ""), app_secrets, channel)
    except Refused as refused:
        reject(refused.status, refused.message, reason=refused.reason, channel=channel)
    metrics = current_app.extensions["hub.metrics"]
    delivery.count_skipped(metrics)
    return accept_batch(channel, delivery.items, delivery.row(kept_headers()), delivery.skipped)


class Refused(Exception):
    """A delivery refused before anything is stored: the status, message and reason to answer."""

    def __init__(self, status: int, message: str, reason: str) -> None:
        super().__init__(message)
        self.status, self.message, self.reason = status, message, reason


@dataclass(frozen=True)
class Delivery:
    """A verified delivery split into its items (Flask-free: webhooks/meta_wsgi.py shares it)."""

    channel: str
    body: bytes
    digest: str
    items: list[inbox.Item]
    ignored: list[tuple[str, str]]  # (channel, reason) of each item that is not a lead

    @classmethod
    def read(cls, body: bytes, signature: str, app_secrets: tuple[str, ...], channel: str) -> Delivery:
        """Verify the signature header over the raw bytes, parse, split. Raises Refused."""
        _verify(body, signature, app_secrets, channel)
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: deep nesting
            raise Refused(400, "body is not JSON", "malformed") from None
        digest = hashlib.sha256(body).hexdigest()
        parts = list(split(payload))
        try:  # each item names its delivery, whose row keeps the signed bytes and their headers
            items = [inbox.Item(channel=part.channel, delivery_key=part.key, route=part.route, body=part.body(),
                                headers={DELIVERY_HEADER: digest, ITEM_HEADER: str(index)})
                     for index, part in enumerate(parts) if part.skipped is None]
        except UnicodeEncodeError:  # "\\ud800": JSON can escape a lone surrogate, which no UTF-8 text holds
            raise Refused(400, "body is not valid Unicode text", "malformed") from None
        ignored = [(part.channel, part.skipped) for part in parts if part.skipped is not None]
        return cls(channel, body, digest, items, ignored)

    @property
    def skipped(self) -> int:
        return len(self.ignored)

    def count_skipped(self, metrics: Metrics) -> None:
        for channel, reason in self.ignored:
            metrics.ignored(channel, reason)

    def row(self, headers: dict[str, str]) -> dict[str, Any] | None:
        """The webhook_deliveries row: kept whole once, so every item's signature can be checked
        again later (None when no item is stored)."""
        if not self.items:
            return None
        return {"channel": self.channel, "sha256": self.digest, "headers": headers,
                "body": self.body, "items": len(self.items)}


def _verify(body: bytes, header: str, app_secrets: tuple[str, ...], channel: str) -> None:
    if not app_secrets:
        raise Refused(404, f"{channel} webhooks are not configured (no app secret)", "not_configured")
    if not header:
        raise Refused(401, f"missing {SIGNATURE_HEADER}", "missing_signature")
    given = header.removeprefix("sha256=").strip().lower()
    ok = False
    for secret in app_secrets:  # every secret is tried: no early exit reveals which matched
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        ok |= hmac.compare_digest(expected.encode(), given.encode())  # bytes: any header text
    if not (ok and header.startswith("sha256=")):
        raise Refused(403, f"bad {SIGNATURE_HEADER}", "bad_signature")
