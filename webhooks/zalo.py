"""POST /webhooks/zalo: Zalo Official Account events, one per POST, for every configured OA.

https://developers.zalo.me/docs/official-account/webhook/tong-quan
Signature: `X-ZEvent-Signature: [mac=]<hex SHA-256 of app_id + body + timestamp + OA secret key>`
(a plain hash, not an HMAC), over the bytes exactly as received; `timestamp` is the body's field.
Some integrations put the OA id first instead of the app id: both are accepted, and which one
matched is kept with the event. Zalo wants the 200 within 2 s, so nothing here calls out.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import Blueprint, Response, request

from hub.config import ZaloOA
from hub.connectors import zalo
from hub.errors import PayloadError
from webhooks.edge import accept, hub, ignore, raw_body, reject

bp = Blueprint("zalo", __name__)
CHANNEL = "zalo"
SIGNATURE_HEADER = "X-ZEvent-Signature"
VARIANT_HEADER = "X-Hub-Zalo-Signature-Variant"


@bp.post("/webhooks/zalo")
def receive() -> Response:
    """400: not a JSON object; 404: an OA not configured; 401: no signature; 403: bad
    signature. Nothing is stored then. Echoes, receipts and unknown events: 200, not stored."""
    body = raw_body()
    try:
        payload = zalo.load_payload(body)
    except PayloadError as exc:
        reject(400, str(exc), reason="malformed", channel=CHANNEL)
    oa_id = zalo.oa_of(payload)
    oa = hub().settings.zalo.oas.get(oa_id)
    if oa is None:
        reject(404, f"unknown Zalo OA {oa_id!r}", reason="unknown_oa", channel=CHANNEL)
    variant = _verify(body, zalo.timestamp(payload), oa)
    reason = zalo.skip_reason(payload)
    if reason is not None:
        return ignore(CHANNEL, reason)
    return accept(CHANNEL, zalo.delivery_key(payload), route=oa.oa_id,
                  extra_headers={VARIANT_HEADER: variant})


def _verify(body: bytes, timestamp: str, oa: ZaloOA) -> str:
    """Which id the signature starts with ("app_id" or "oa_id"); rejects 401 / 403."""
    header = request.headers.get(SIGNATURE_HEADER, "").strip()
    if not header:
        reject(401, f"missing {SIGNATURE_HEADER}", reason="missing_signature", channel=CHANNEL)
    given = header.lower().removeprefix("mac=").strip()
    matched = ""
    for variant, first in (("app_id", oa.app_id), ("oa_id", oa.oa_id)):
        signed = first.encode() + body + timestamp.encode() + oa.secret_key.encode()
        # Both variants are always computed: no early exit tells which one is in use.
        # Bytes, not str: compare_digest raises on a non-ASCII str (a forged header may hold any).
        if hmac.compare_digest(hashlib.sha256(signed).hexdigest().encode(), given.encode()) and not matched:
            matched = variant
    if not matched:
        reject(403, f"bad {SIGNATURE_HEADER}", reason="bad_signature", channel=CHANNEL)
    return matched
