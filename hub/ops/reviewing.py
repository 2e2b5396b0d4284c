"""The review queue as ops see it: filtered, ordered by value, one pair at a time.

Order: best score first, then the most recent, then id (stable). A reviewer's place is the
suggestion id; after a decision the console moves to the one that followed it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from hub.dedupe.merge import choose_name, choose_province
from hub.store.contacts import name_value, province_value, resolve
from hub.store.schema import ContactRow, LeadRow, MergeSuggestionRow

MAX_QUEUE = 5000  # ids held to find a place in the queue; a longer backlog pages by filter


@dataclass(frozen=True)
class Filter:
    min_score: float | None = None
    channel: str | None = None

    def args(self) -> dict[str, str]:
        """The filter as query arguments (to keep it across pages and decisions)."""
        values = {"min_score": "" if self.min_score is None else f"{self.min_score:g}", "channel": self.channel or ""}
        return {k: v for k, v in values.items() if v}


def parse_filter(min_score: str | None, channel: str | None) -> Filter:
    """Raises ValueError when min_score is not a number from 0 to 1."""
    score = None
    if min_score not in (None, ""):
        score = float(min_score)
        if not 0 <= score <= 1:
            raise ValueError(min_score)
    return Filter(score, channel or None)


def queue_ids(session: Session, flt: Filter) -> list[int]:
    """Open suggestion ids in the filter, in review order."""
    query = select(MergeSuggestionRow.id).where(MergeSuggestionRow.status == "open")
    if flt.min_score is not None:
        query = query.where(MergeSuggestionRow.score >= flt.min_score)
    if flt.channel:
        query = query.where(or_(*(
            exists().where(LeadRow.contact_id == side, LeadRow.channel == flt.channel)
            for side in (MergeSuggestionRow.contact_id, MergeSuggestionRow.candidate_id)
        )))
    order = (MergeSuggestionRow.score.desc(), MergeSuggestionRow.created_at.desc(), MergeSuggestionRow.id.desc())
    return list(session.execute(query.order_by(*order).limit(MAX_QUEUE)).scalars())


def neighbours(ids: list[int], current: int | None) -> tuple[int | None, int | None]:
    """(previous, next) around `current` in the queue, wrapping to the start at the end."""
    if current not in ids:
        return None, ids[0] if ids else None
    at = ids.index(current)
    after = ids[at + 1] if at + 1 < len(ids) else (ids[0] if ids[0] != current else None)
    return (ids[at - 1] if at > 0 else None), after


def related(session: Session, contact_ids: list[str]) -> list[dict[str, Any]]:
    """Other contacts with an open suggestion against one of these: candidates for an N-way merge."""
    rows = session.execute(select(MergeSuggestionRow).where(
        MergeSuggestionRow.status == "open",
        or_(MergeSuggestionRow.contact_id.in_(contact_ids), MergeSuggestionRow.candidate_id.in_(contact_ids)),
    )).scalars()
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        for side in (row.contact_id, row.candidate_id):
            root = resolve(session, side)
            if root.id not in contact_ids and root.id not in found:
                found[root.id] = {"contact": root, "score": row.score, "suggestion_id": row.id}
    return list(found.values())


def default_choices(contacts: list[ContactRow]) -> dict[str, str | None]:
    """Which contact's value survivorship would keep for each choosable field."""
    name = choose_name([v for v in map(name_value, contacts) if v is not None])
    province = choose_province([v for v in map(province_value, contacts) if v is not None])
    return {"name": name.source if name else None, "province": province.source if province else None}
