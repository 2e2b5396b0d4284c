"""Small named values the hub keeps between runs, in the hub_state table: where a rescan or a
renormalization stopped, the outbound webhooks' fan-out cursor, an import's progress."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from hub.store.schema import HubStateRow


def read_state(session: Session, key: str) -> str:
    """The value kept under `key`; "" when there is none."""
    row = session.get(HubStateRow, key)
    return row.value if row is not None and row.value else ""


def write_state(session: Session, key: str, value: str, now: datetime | None = None) -> None:
    """Keep `value` under `key` (in the caller's transaction)."""
    now = now or datetime.now(timezone.utc)
    row = session.get(HubStateRow, key)
    if row is None:
        session.add(HubStateRow(key=key, value=value, updated_at=now))
    else:
        row.value, row.updated_at = value, now
