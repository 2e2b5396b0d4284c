"""Ops and downstream consumers: the REST API (the review console arrives with issue #7)."""
from __future__ import annotations

from flask import Flask

from hub.ops import api, webhooks_api


def init_app(app: Flask) -> None:
    app.register_blueprint(api.bp)
    app.register_blueprint(webhooks_api.bp)
