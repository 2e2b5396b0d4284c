"""GET|POST /webhooks/facebook: Facebook pages (Lead Ads, Messenger, comments) and Instagram.

One Meta app subscription per object (`page`, `instagram`) points here; see webhooks/meta.py.
"""
from __future__ import annotations

from flask import Blueprint, Response

from hub.config import Settings
from webhooks import meta
from webhooks.edge import hub

bp = Blueprint("facebook", __name__)
CHANNEL = "facebook"


@bp.get("/webhooks/facebook")
def verify() -> Response:
    return meta.handshake(hub().settings.facebook.verify_token, CHANNEL)


@bp.post("/webhooks/facebook")
def receive() -> Response:
    return meta.receive(app_secrets(hub().settings), CHANNEL)


def app_secrets(settings: Settings) -> tuple[str, ...]:
    return settings.facebook.app_secrets
