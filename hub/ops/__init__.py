"""Ops and downstream consumers: the REST API and the ops console (/ops/)."""
from __future__ import annotations

from flask import Flask

from hub.ops import api, exports, webhooks_api


def init_app(app: Flask) -> None:
    from hub.ops import web

    app.register_blueprint(api.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(webhooks_api.bp)
    web.init_app(app)
