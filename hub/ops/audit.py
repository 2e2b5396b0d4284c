"""The audit log: who did what, when, from where."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.store.schema import AuditLogRow


def record(session: Session, actor: str, action: str, target: str = "", detail: Mapping[str, Any] | None = None,
           ip: str = "") -> None:
    """Add an entry inside the caller's transaction (it commits or rolls back with the change)."""
    session.add(AuditLogRow(at=datetime.now(timezone.utc), actor=actor[:128], action=action[:64],
                            target=str(target)[:255], detail=dict(detail or {}), ip=(ip or "")[:64]))


def entries(session: Session, *, limit: int = 100, before: int | None = None, action: str | None = None,
            actor: str | None = None) -> list[AuditLogRow]:
    """Newest first; `before` pages back by id."""
    query = select(AuditLogRow)
    if before is not None:
        query = query.where(AuditLogRow.id < before)
    if action:
        query = query.where(AuditLogRow.action == action)
    if actor:
        query = query.where(AuditLogRow.actor == actor)
    return list(session.execute(query.order_by(AuditLogRow.id.desc()).limit(limit)).scalars())
