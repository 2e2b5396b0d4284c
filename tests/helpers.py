"""Small helpers shared by the tests."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update

from hub.pipeline import run
from hub.runtime import Hub
from hub.store.schema import Base, RawEventRow

FORM_URL = "/webhooks/forms/contact-us"


def row_count(hub: Hub, table: str) -> int:
    model = Base.metadata.tables[table]
    with hub.store.sessions() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def rows(hub: Hub, table: str) -> list[Any]:
    model = Base.metadata.tables[table]
    with hub.store.sessions() as session:
        return list(session.execute(select(model).order_by(*model.primary_key.columns)).mappings())


def drain(hub: Hub, queue: Any) -> list[str]:
    """Run every enqueued event through the pipeline, as a worker would."""
    statuses = []
    while queue.ids:
        statuses.append(run(hub, queue.ids.pop(0)))
    return statuses


def standard_webhooks_headers(secret: str, body: bytes, msg_id: str, timestamp: int | None = None) -> dict[str, str]:
    """Sign a body the way a Standard Webhooks sender does (written out, not the library)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": ts,
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
        "Content-Type": "application/json",
    }


def age(hub: Hub, event_id: int, **delta: float) -> None:
    """Make an event due for the sweeper as if time had passed."""
    with hub.store.transaction() as session:
        session.execute(update(RawEventRow).where(RawEventRow.id == event_id)
                        .values(due_at=datetime.now(timezone.utc) - timedelta(**delta)))
