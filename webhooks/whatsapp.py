"""GET|POST /webhooks/whatsapp: WhatsApp Cloud API (object `whatsapp_business_account`).

https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks; see webhooks/meta.py.
"""
from __future__ import annotations

from flask import Blueprint, Response

from hub.config import Settings
from webhooks import meta
from webhooks.edge import hub

bp = Blueprint("whatsapp", __name__)
CHANNEL = "whatsapp"


@bp.get("/webhooks/whatsapp")
def verify() -> Response:
    return meta.handshake(hub().settings.whatsapp_verify_token, CHANNEL)


@bp.post("/webhooks/whatsapp")
def receive() -> Response:
    return meta.receive(app_secrets(hub().settings), CHANNEL)


def app_secrets(settings: Settings) -> tuple[str, ...]:
    return settings.whatsapp_app_secrets
