"""Where a sink stopped: the last outbox sequence it delivered, kept in hub_state."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.store import Store
from hub.store.engine import changed
from hub.store.schema import HubStateRow, OutboxRow


class CursorMoved(RuntimeError):
    """Another publisher moved the cursor since it was read (the lease was lost)."""


def read(store: Store, key: str) -> int:
    """The last delivered sequence (0 before the first delivery)."""
    with store.sessions() as session:
        value = session.execute(select(HubStateRow.value).where(HubStateRow.key == key)).scalar_one_or_none()
    return int(value) if value else 0


def advance(store: Store, key: str, old: int, new: int) -> None:
    """Move the cursor from old to new (compare-and-set); raises CursorMoved if it is not at old."""
    now = datetime.now(timezone.utc)
    with store.transaction() as session:
        _insert_absent(session, key, now)
        moved = changed(session.execute(
            update(HubStateRow)
            .where(HubStateRow.key == key, HubStateRow.value.in_(_spellings(old)))
            .values(value=str(new), updated_at=now)
        ))
        if moved != 1:
            raise CursorMoved(f"{key} is no longer at {old}; another publisher moved it")


def head(store: Store) -> int:
    """The outbox's last sequence (0 when empty)."""
    with store.sessions() as session:
        return int(session.execute(select(func.coalesce(func.max(OutboxRow.seq), 0))).scalar_one())


def lag(store: Store, key: str) -> int:
    """Outbox events not yet delivered by the sink whose cursor is `key`."""
    return max(head(store) - read(store, key), 0)


def _spellings(seq: int) -> list[str]:
    return [str(seq), ""] if seq == 0 else [str(seq)]


def _insert_absent(session: Session, key: str, now: datetime) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(HubStateRow).values(key=key, value="0", updated_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
