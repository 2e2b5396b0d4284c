"""Deciding merge suggestions (used by the API and, later, the ops console)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.store.contacts import resolve
from hub.store.merging import merge_contacts
from hub.store.schema import MergeSuggestionRow

STATUSES = ("open", "accepted", "rejected", "merged", "duplicate", "skipped")


class ReviewError(ValueError):
    """The suggestion cannot be decided as asked (unknown, already decided, same contact)."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def suggestion_json(row: MergeSuggestionRow) -> dict[str, Any]:
    return {"id": row.id, "contact_id": row.contact_id, "candidate_id": row.candidate_id, "score": row.score,
            "evidence": row.evidence, "status": row.status, "created_at": row.created_at.isoformat(),
            "decided_at": row.decided_at.isoformat() if row.decided_at else None, "decided_by": row.decided_by}


def list_suggestions(session: Session, status: str, limit: int, after: int = 0) -> list[MergeSuggestionRow]:
    """Suggestions in a status, best score first for open ones, by id otherwise."""
    query = select(MergeSuggestionRow).where(MergeSuggestionRow.status == status, MergeSuggestionRow.id > after)
    order = (MergeSuggestionRow.score.desc(), MergeSuggestionRow.id) if status == "open" else (MergeSuggestionRow.id,)
    return list(session.execute(query.order_by(*order).limit(limit)).scalars())


def accept(session: Session, suggestion_id: int, actor: str, choices: Mapping[str, str] | None = None,
           also: Sequence[str] = ()) -> int:
    """Merge the pair, and the contacts in `also` (an N-way merge), into the oldest contact;
    returns the merge id, which can be undone."""
    row = _open(session, suggestion_id)
    ids = sorted({resolve(session, cid).id for cid in (row.contact_id, row.candidate_id, *also)})
    if len(ids) < 2:
        raise ReviewError(f"suggestion {suggestion_id}: both sides are already the same contact {ids[0]}")
    survivor, *merged = ids  # UUIDv7 ids sort by age: the older contact survives
    merge_id = merge_contacts(session, survivor, merged, actor=actor, score=row.score,
                              evidence=row.evidence, choices=choices)
    _decide(row, "accepted", actor)
    return merge_id


def reject(session: Session, suggestion_id: int, actor: str) -> None:
    """Remember that the pair are different people: never suggested again."""
    _decide(_open(session, suggestion_id), "rejected", actor)


def _open(session: Session, suggestion_id: int) -> MergeSuggestionRow:
    row = session.get(MergeSuggestionRow, suggestion_id, with_for_update=True)
    if row is None:
        raise ReviewError(f"no suggestion {suggestion_id}", status=404)
    if row.status != "open":
        raise ReviewError(f"suggestion {suggestion_id} is already {row.status}")
    return row


def _decide(row: MergeSuggestionRow, status: str, actor: str) -> None:
    row.status, row.decided_by, row.decided_at = status, actor, datetime.now(timezone.utc)
