"""`hub dedupe rescan`: match every known contact against the others again, by the same rules.

Run after the weights or bands change, or after a big import. Each active contact is looked up
by its blocking keys and decided on as if it were a new lead: a "merge" decision merges the
newer contact into the older one (actor "rescan", undoable like any merge), suggestions go to
the review queue (pairs ops rejected stay rejected). Progress is saved after every batch in
hub_state, so an interrupted rescan resumes where it stopped.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub import dedupe
from hub.dedupe.keys import contact_blocking_keys
from hub.model import Attribution, Contact, Email, Identity, Lead, Phone, Province
from hub.store import Store, lock_keys
from hub.store.contacts import find_candidates, load_candidates
from hub.store.merging import merge_contacts
from hub.store.repository import add_suggestions
from hub.store.schema import ContactRow, HubStateRow

CURSOR = "dedupe.rescan.cursor"
ACTOR = "rescan"


@dataclass
class RescanResult:
    contacts: int = 0
    merged: int = 0
    suggested: int = 0


def as_lead(contact: Contact) -> Lead:
    """A known contact seen as a lead, so the lead rules decide on it."""
    identity = None
    if contact.identities:
        channel, scope, external_id = sorted(contact.identities)[0].split(":", 2)
        identity = Identity(channel, scope, external_id)
    return Lead(
        channel="rescan",
        source_ref=contact.id,
        captured_at=contact.created_at,
        attribution=Attribution("rescan"),
        name=contact.name,
        phones=tuple(Phone(e164=p, raw=p) for p in sorted(contact.phones)),
        emails=tuple(Email(address=e, key=e, raw=e) for e in sorted(contact.emails)),
        province=Province(raw=contact.province_code, code=contact.province_code, status="resolved")
        if contact.province_code else None,
        identity=identity,
    )


def rescan(store: Store, *, batch: int = 200,
           progress: Callable[[int], None] | None = None) -> RescanResult:
    """Rescan the active contacts after the saved cursor (where an interrupted run stopped)."""
    result = RescanResult()
    for ids in _batches(store, batch):
        for contact_id in ids:
            with store.transaction() as session:
                _rescan_one(session, contact_id, result)
        _save_cursor(store, ids[-1])
        result.contacts += len(ids)
        if progress is not None:
            progress(len(ids))
    _save_cursor(store, "")  # finished: the next rescan starts from the beginning
    return result


def remaining(store: Store) -> int:
    """How many active contacts the next rescan will look at."""
    with store.sessions() as session:
        return session.execute(
            select(func.count()).select_from(ContactRow)
            .where(ContactRow.merged_into.is_(None), ContactRow.id > _cursor(session))
        ).scalar_one()


def _rescan_one(session: Session, contact_id: str, result: RescanResult) -> None:
    [contact] = load_candidates(session, [contact_id])
    row = session.get(ContactRow, contact_id)
    if row is None or row.merged_into is not None:
        return  # merged by an earlier step of this rescan
    lead = as_lead(contact)
    lock_keys(session, [f"{kind}:{value}" for kind, value in dedupe.strong_keys(lead)])
    candidates = [c for c in find_candidates(session, contact_blocking_keys(contact)) if c.id != contact_id]
    decision = dedupe.decide(lead, candidates)
    survivor = contact_id
    if decision.action == "merge" and decision.contact_id is not None:
        survivor, newer = sorted([contact_id, decision.contact_id])  # UUIDv7 ids sort by age
        merge_contacts(session, survivor, [newer], actor=ACTOR, score=decision.score,
                       evidence=dict(decision.evidence))
        result.merged += 1
    result.suggested += add_suggestions(session, survivor, decision.suggestions, datetime.now(timezone.utc))


def _batches(store: Store, size: int) -> Iterator[list[str]]:
    while True:
        with store.sessions() as session:
            ids = list(session.execute(
                select(ContactRow.id)
                .where(ContactRow.merged_into.is_(None), ContactRow.id > _cursor(session))
                .order_by(ContactRow.id).limit(size)
            ).scalars())
        if not ids:
            return
        yield ids


def _cursor(session: Session) -> str:
    row = session.get(HubStateRow, CURSOR)
    return str(row.value) if row is not None and row.value else ""


def reset_cursor(store: Store) -> None:
    """The next rescan starts from the first contact."""
    _save_cursor(store, "")


def _save_cursor(store: Store, value: str) -> None:
    with store.transaction() as session:
        row = session.get(HubStateRow, CURSOR)
        now = datetime.now(timezone.utc)
        if row is None:
            session.add(HubStateRow(key=CURSOR, value=value, updated_at=now))
        else:
            row.value, row.updated_at = value, now
