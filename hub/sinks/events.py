"""An outbox event as every consumer sees it: the REST change feed, AMQP messages, webhooks."""
from __future__ import annotations

from typing import Any

from hub.store.schema import OutboxRow


def event_document(row: OutboxRow) -> dict[str, Any]:
    """The event's JSON document; `id` is stable across redeliveries (consumers dedupe on it)."""
    return {
        "id": row.event_id, "sequence": row.seq, "type": row.type, "contact_id": row.contact_id,
        "contact_version": row.contact_version, "created_at": row.created_at.isoformat(),
        "data": row.payload,
    }
