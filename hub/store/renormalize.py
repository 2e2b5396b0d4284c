"""`hub contacts renormalize`: read the stored leads again with the current normalizer.

The normalizer learns: names typed in Telex or VNI ("Nguyeenx Thij Lan", "Nguye64n"), numbers
spelt in words or decorated with keycap emoji, and what the next release reads better. A lead
stored before keeps the reading of its day until this runs. Each lead is read again from what
people typed, as stored on it (the raw name, each phone and email as written, the province,
the message text); when the reading changed:
- the lead's stored data is the new reading (its raw text is the same);
- its contact gains the phones, emails and identities the new reading found (points accumulate,
  as for any lead), with their blocking keys;
- the contact's name, when it is the name the hub read from this lead (the display the old
  reading gave), becomes the new reading of it. A name from elsewhere (another lead, a profile,
  a merge that chose another member's) stays: survivorship chose it over this lead's.
The contact is then matched again (hub.store.rematch, actor "renormalize"): the number a
comment spelt in words may be the number of the form the same person left. Merges are undoable
like any other; `contact.updated` tells downstream consumers.

Progress is saved after every batch in hub_state, so an interrupted run resumes where it
stopped; a lead whose reading did not change is left untouched, so running it twice changes
nothing the second time.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub import dedupe
from hub.dedupe.merge import NameValue
from hub.model import Consent, Identity, Lead, LeadDraft
from hub.normalize import normalize
from hub.store import Store
from hub.store.contacts import add_match_keys, apply_survivors, resolve
from hub.store.documents import lead_data
from hub.store.engine import lock_keys
from hub.store.rematch import rematch
from hub.store.repository import _add_points, append_outbox
from hub.store.schema import LeadRow
from hub.store.state import read_state, write_state

CURSOR = "contacts.renormalize.cursor"
ACTOR = "renormalize"


@dataclass
class RenormalizeResult:
    leads: int = 0  # leads read again
    changed: int = 0  # leads whose reading changed
    renamed: int = 0  # contacts whose name is a new reading
    points: int = 0  # phones, emails and identities contacts gained
    merged: int = 0  # contacts merged by the re-match
    suggested: int = 0  # pairs the re-match sent to review
    examples: list[tuple[str, str]] = field(default_factory=list)  # a few (old name, new name)


def renormalize(store: Store, *, batch: int = 200, dry_run: bool = False,
                progress: Callable[[int], None] | None = None) -> RenormalizeResult:
    """Read again the leads after the saved cursor (where an interrupted run stopped).
    dry_run: count what would change, write nothing (the cursor stays)."""
    result = RenormalizeResult()
    start = 0 if dry_run else _cursor(store)
    for ids in _batches(store, batch, start):
        for lead_id in _changed(store, ids):  # most leads read as before: one read for them all
            if dry_run:  # the same work, rolled back
                with store.sessions() as session:
                    try:
                        _renormalize_one(session, lead_id, result, dry_run)
                    finally:
                        session.rollback()
                continue
            with store.transaction() as session:
                _renormalize_one(session, lead_id, result, dry_run)
        if not dry_run:
            _save_cursor(store, ids[-1])
        result.leads += len(ids)
        if progress is not None:
            progress(len(ids))
    if not dry_run:
        _save_cursor(store, 0)  # finished: the next run starts from the first lead
    return result


def _changed(store: Store, ids: list[int]) -> list[int]:
    """The leads among `ids` whose reading changed."""
    with store.sessions() as session:
        found = session.execute(select(LeadRow).where(LeadRow.id.in_(ids)).order_by(LeadRow.id)).scalars()
        return [row.id for row in found if _reading(row)[1] != _as_stored(row.data)]


def _reading(row: LeadRow) -> tuple[Lead, Any]:
    """The lead as this version reads it, and the data it would store, as the JSON column gives
    it back (to compare with the stored data)."""
    lead = normalize(draft_of(row))
    return lead, _as_stored(lead_data(lead))


def remaining(store: Store, *, dry_run: bool = False) -> int:
    """How many leads the next run will read."""
    start = 0 if dry_run else _cursor(store)
    with store.sessions() as session:
        return session.execute(select(func.count()).select_from(LeadRow).where(LeadRow.id > start)).scalar_one()


def draft_of(row: LeadRow) -> LeadDraft:
    """The lead as its connector gave it, rebuilt from what its stored data kept as typed: the
    raw name, each phone and email as written (the phones a message held as well: read as a
    phone field, a number stays the same number), the unread parts, the province, the text."""
    data = row.data
    name = data.get("name") or {}
    unparsed = [str(u) for u in data.get("unparsed") or []]
    phones = [str(p.get("raw") or p.get("e164") or "") for p in data.get("phones") or []]
    emails = [str(e.get("raw") or e.get("address") or "") for e in data.get("emails") or []]
    phones += [u for u in unparsed if "@" not in u]  # a part of a phone field no number accounts for
    emails += [u for u in unparsed if "@" in u]  # an address that does not read as one
    identity = data.get("identity")
    consent = data.get("consent")
    return LeadDraft(
        channel=row.channel,
        source_ref=row.source_ref,
        captured_at=row.captured_at if row.captured_at.tzinfo else row.captured_at.replace(tzinfo=timezone.utc),
        name=name.get("raw"),
        phones=tuple(dict.fromkeys(p for p in phones if p)),
        emails=tuple(dict.fromkeys(e for e in emails if e)),
        province=(data.get("province") or {}).get("raw"),
        address=data.get("address"),
        text=data.get("text"),
        identity=Identity(**identity) if identity else None,
        linked_identities=tuple(Identity(**i) for i in data.get("linked_identities") or []) if identity else (),
        extra=data.get("extra") or {},
        consent=Consent(**consent) if consent else None,
    )


def _renormalize_one(session: Session, lead_id: int, result: RenormalizeResult, dry_run: bool) -> None:
    row = session.get(LeadRow, lead_id)
    if row is None:  # erased meanwhile
        return
    lead, data = _reading(row)
    if data == _as_stored(row.data):  # changed back meanwhile
        return
    result.changed += 1
    lock_keys(session, [f"{k}:{v}" for k, v in dedupe.strong_keys(lead)])
    contact = resolve(session, row.contact_id)
    old_name, name = (row.data.get("name") or {}).get("display"), lead.name
    row.data = data
    now = datetime.now(timezone.utc)
    # The contact's name is this lead's old reading: the hub read it wrong, it reads it again.
    renamed = name is not None and isinstance(old_name, str) and contact.name == old_name != name.display
    if name is not None and renamed:
        apply_survivors(contact, NameValue(name.display, name.key, name.family, name.middle, name.given,
                                           name.is_personal, f"{row.channel}:{row.source_ref}", now,
                                           name.family_last), None)
        result.renamed += 1
        if len(result.examples) < 10:
            result.examples.append((str(old_name), name.display))
    added = _add_points(session, contact.id, lead, now)
    result.points += len(added)
    if dry_run:
        return
    add_match_keys(session, contact.id, dedupe.blocking_keys(lead))  # the new reading's name keys too
    if not (renamed or added):  # the contact is as it was: nothing to tell, nothing to match again
        return
    contact.version += 1
    contact.updated_at = now
    append_outbox(session, "contact.updated", contact.id, {"renormalized": f"{row.channel}:{row.source_ref}"})
    session.flush()
    done = rematch(session, contact.id, actor=ACTOR)
    result.merged += done.merged
    result.suggested += done.suggested


def _as_stored(data: dict[str, Any]) -> Any:
    """The data as its JSON column gives it back (tuples as lists), to compare readings."""
    return json.loads(json.dumps(data, sort_keys=True, default=str))


def _batches(store: Store, size: int, start: int) -> Iterator[list[int]]:
    after = start
    while True:
        with store.sessions() as session:
            ids = list(session.execute(
                select(LeadRow.id).where(LeadRow.id > after).order_by(LeadRow.id).limit(size)
            ).scalars())
        if not ids:
            return
        after = ids[-1]
        yield ids


def _cursor(store: Store) -> int:
    with store.sessions() as session:
        return int(read_state(session, CURSOR) or 0)


def reset_cursor(store: Store) -> None:
    """The next run starts from the first lead."""
    _save_cursor(store, 0)


def _save_cursor(store: Store, value: int) -> None:
    with store.transaction() as session:
        write_state(session, CURSOR, str(value))
