"""Merge contacts (N-way) and undo merges, exactly.

A merge never moves or deletes anything: each merged contact keeps its points, leads and keys,
and becomes a tombstone (`merged_into` = the survivor) so its id still resolves. The survivor's
name and province are chosen among the members (survivorship or ops' choice per field). The
merge log keeps a before-image of every column the merge changed, so undoing it restores them.
Versions only grow: an undo is a new version for every contact it touches.

Open suggestions the merge settles are closed with it, and reopened by its undo: those between
the merged contacts (status "merged"), and those it makes the same pair as an older open one
("duplicate": a chat suggested beside Lan on her phone, then merged with Hùng once its profile
named him, when Hùng and Lan were already in review) so ops see each pair once.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from hub.dedupe.merge import Rule
from hub.store.contacts import apply_survivors, members_of, name_value, province_value, roots_of, survive
from hub.store.documents import contact_document
from hub.store.repository import append_outbox
from hub.store.schema import ContactRow, MergeLogRow, MergeSuggestionRow

RESTORED_COLUMNS = (
    "name", "given_name", "family_name", "middle_name", "name_is_personal", "name_key", "name_family_last",
    "province_code", "province_name", "attributes", "merged_into",
)  # fmt: skip
# Before-images written before a column was restored hold no value for it: the one every row had.
_RESTORED_BEFORE = {"name_family_last": False}
CHOOSABLE_FIELDS = ("name", "province")


class MergeError(ValueError):
    """The merge or undo cannot be done as asked; the message says why."""


def merge_contacts(
    session: Session,
    survivor_id: str,
    merged_ids: Sequence[str],
    *,
    actor: str,
    score: float | None = None,
    evidence: Mapping[str, Any] | None = None,
    choices: Mapping[str, str] | None = None,
    rules: Mapping[str, Rule] | None = None,
) -> int:
    """Merge contacts into the survivor; returns the merge log id.

    `choices` maps a field ("name", "province") to the contact whose value ops picked; other
    fields follow the survivorship `rules`. Raises MergeError for unknown, repeated or
    already merged contacts and for a choice naming a contact outside the merge.
    """
    ids = [survivor_id, *merged_ids]
    if not merged_ids or len(set(ids)) != len(ids):
        raise MergeError(f"a merge needs a survivor and other, distinct contacts: {ids!r}")
    rows = _lock(session, ids)
    for contact_id in ids:
        if contact_id not in rows:
            raise MergeError(f"contact {contact_id} does not exist")
        if rows[contact_id].merged_into is not None:
            raise MergeError(f"contact {contact_id} is already merged into {rows[contact_id].merged_into}")
    survivor, others = rows[survivor_id], [rows[i] for i in merged_ids]
    settled, duplicates = _settled_suggestions(session, ids)
    before: dict[str, Any] = {"contacts": {i: _snapshot(rows[i]) for i in ids},
                              "suggestions": {**settled, **duplicates}}
    survive(survivor, others, dict(rules or {}))
    _apply_choices(survivor, rows, choices or {})
    now = datetime.now(timezone.utc)
    for contact in (survivor, *others):
        contact.version += 1
        contact.updated_at = now
    for contact in others:
        contact.merged_into = survivor_id
    _close_suggestions(session, settled, "merged", actor, now)
    _close_suggestions(session, duplicates, "duplicate", actor, now)
    log = MergeLogRow(survivor_id=survivor_id, merged_ids=list(merged_ids), before=before, score=score,
                      evidence=dict(evidence or {}), actor=actor, created_at=now)
    session.add(log)
    session.flush()
    session.flush()
    _emit(session, "contact.merged", survivor_id, {"merged_ids": list(merged_ids), "merge_id": log.id,
                                                    "merged": [contact_document(session, i) for i in merged_ids]})
    return log.id


def unmerge(session: Session, merge_id: int, *, actor: str) -> list[str]:
    """Undo a merge: every contact it touched gets back the values it had before.

    Returns the restored (formerly merged-away) contact ids. Leads and points that arrived on
    the survivor after the merge stay with it. Raises MergeError when the merge is unknown,
    already undone, or when a later merge still depends on it (undo that one first).
    """
    log = session.get(MergeLogRow, merge_id, with_for_update=True)
    if log is None:
        raise MergeError(f"merge {merge_id} does not exist")
    if log.undone_at is not None:
        raise MergeError(f"merge {merge_id} was already undone at {log.undone_at.isoformat()}")
    rows = _lock(session, list(log.before["contacts"]))
    blocker = _later_merge(session, log, rows[log.survivor_id])
    if blocker is not None:
        raise MergeError(blocker)
    now = datetime.now(timezone.utc)
    for contact_id, snapshot in log.before["contacts"].items():
        contact = rows[contact_id]
        for column in RESTORED_COLUMNS:
            setattr(contact, column, snapshot[column] if column in snapshot else _RESTORED_BEFORE[column])
        contact.version += 1
        contact.updated_at = now
    _reopen_suggestions(session, log.before["suggestions"])
    log.undone_at, log.undone_by = now, actor
    session.flush()
    restored = list(log.merged_ids)
    _emit(session, "contact.unmerged", log.survivor_id, {"restored_ids": restored, "merge_id": log.id,
                                                          "restored": [contact_document(session, i) for i in restored]})
    return restored


def _lock(session: Session, ids: Sequence[str]) -> dict[str, ContactRow]:
    query = select(ContactRow).where(ContactRow.id.in_(sorted(ids))).order_by(ContactRow.id).with_for_update()
    return {row.id: row for row in session.execute(query).scalars()}


def _snapshot(contact: ContactRow) -> dict[str, Any]:
    return {column: getattr(contact, column) for column in RESTORED_COLUMNS}


def _apply_choices(survivor: ContactRow, rows: Mapping[str, ContactRow], choices: Mapping[str, str]) -> None:
    for field, source_id in choices.items():
        if field not in CHOOSABLE_FIELDS:
            raise MergeError(f"cannot choose field {field!r}; choosable: {', '.join(CHOOSABLE_FIELDS)}")
        if source_id not in rows:
            raise MergeError(f"choice for {field!r} names contact {source_id}, which is not in this merge")
        source = rows[source_id]
        if field == "name":
            apply_survivors(survivor, name_value(source), None)
        else:
            apply_survivors(survivor, None, province_value(source))


def _later_merge(session: Session, log: MergeLogRow, survivor: ContactRow) -> str | None:
    """Why this merge cannot be undone yet (a later merge builds on it), or None."""
    if survivor.merged_into is not None:
        return f"contact {survivor.id} has since been merged into {survivor.merged_into}: undo that merge first"
    later = session.execute(
        select(MergeLogRow.id).where(MergeLogRow.survivor_id == log.survivor_id,
                                     MergeLogRow.undone_at.is_(None), MergeLogRow.id > log.id)
        .order_by(MergeLogRow.id.desc())
    ).scalars().first()
    return None if later is None else f"merge {later} was done later into {log.survivor_id}: undo it first"


def _settled_suggestions(session: Session, ids: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The open suggestions this merge settles, id -> status ("open"), in two kinds: between
    the contacts merged (either side may be a contact merged into one of them before), and
    those that become the same pair as an older open one (both from the merged contacts to
    one other contact, or to contacts merged into one): each pair stays open once."""
    groups = members_of(session, ids)
    merged = {member for members in groups.values() for member in members}
    rows = session.execute(
        select(MergeSuggestionRow.id, MergeSuggestionRow.contact_id, MergeSuggestionRow.candidate_id)
        .where(MergeSuggestionRow.status == "open",
               or_(MergeSuggestionRow.contact_id.in_(sorted(merged)), MergeSuggestionRow.candidate_id.in_(sorted(merged))))
        .order_by(MergeSuggestionRow.id)
    ).all()
    others = {side for _, a, b in rows for side in (a, b) if side not in merged}
    roots = roots_of(session, others) if others else {}
    settled: dict[str, str] = {}
    duplicates: dict[str, str] = {}
    kept: set[str] = set()  # the other side (its survivor) of each pair left open
    for suggestion_id, a, b in rows:
        if a in merged and b in merged:
            settled[str(suggestion_id)] = "open"
            continue
        other = b if a in merged else a
        root = roots.get(other, other)
        if root in kept:
            duplicates[str(suggestion_id)] = "open"
        kept.add(root)
    return settled, duplicates


def _close_suggestions(session: Session, suggestions: Mapping[str, str], status: str, actor: str,
                       now: datetime) -> None:
    if suggestions:
        session.execute(
            update(MergeSuggestionRow)
            .where(MergeSuggestionRow.id.in_([int(i) for i in suggestions]))
            .values(status=status, decided_at=now, decided_by=actor)
        )


def _reopen_suggestions(session: Session, suggestions: Mapping[str, str]) -> None:
    for sid, status in suggestions.items():
        session.execute(
            update(MergeSuggestionRow).where(MergeSuggestionRow.id == int(sid))
            .values(status=status, decided_at=None, decided_by=None)
        )


def _emit(session: Session, event_type: str, contact_id: str, extra: Mapping[str, Any]) -> None:
    append_outbox(session, event_type, contact_id, extra)
    session.flush()
