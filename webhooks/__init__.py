"""The public HTTP edge: verify -> store raw -> enqueue -> 200. No business logic here."""
from __future__ import annotations

from flask import Flask

from webhooks import facebook, forms, telegram, whatsapp, zalo

BLUEPRINTS = (forms.bp, facebook.bp, whatsapp.bp, zalo.bp, telegram.bp)


def init_app(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
