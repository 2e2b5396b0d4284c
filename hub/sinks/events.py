"""An outbox event as downstream consumers see it: the same JSON in the feed and in webhooks."""
from __future__ import annotations

import json
from typing import Any

from hub.store.schema import OutboxRow


def event_json(row: OutboxRow) -> dict[str, Any]:
    """The event as `GET /api/v1/events` lists it."""
    return {"id": row.event_id, "sequence": row.seq, "type": row.type, "contact_id": row.contact_id,
            "contact_version": row.contact_version, "created_at": row.created_at.isoformat(),
            "data": row.payload}


def event_body(row: OutboxRow) -> str:
    """The event as a webhook body (UTF-8 JSON, Vietnamese kept as is)."""
    return json.dumps(event_json(row), ensure_ascii=False, separators=(",", ":"))
