"""`hub dedupe rescan`: match every known contact against the others again, by the same rules.

Run after the weights or bands change, or after a big import. Each active contact is looked up
by its blocking keys and decided on as if it were a new lead (hub.store.rematch): a "merge"
decision merges the newer contact into the older one (actor "rescan", undoable like any merge),
suggestions go to the review queue (pairs ops rejected or unmerged stay apart). Progress is
saved after every batch in hub_state, so an interrupted rescan resumes where it stopped.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.store import Store
from hub.store.rematch import rematch
from hub.store.schema import ContactRow
from hub.store.state import read_state, write_state

CURSOR = "dedupe.rescan.cursor"
ACTOR = "rescan"


@dataclass
class RescanResult:
    contacts: int = 0
    merged: int = 0
    suggested: int = 0


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
    row = session.get(ContactRow, contact_id)
    if row is None or row.merged_into is not None:
        return  # merged by an earlier step of this rescan
    done = rematch(session, contact_id, actor=ACTOR)
    result.merged += done.merged
    result.suggested += done.suggested


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
    return read_state(session, CURSOR)


def reset_cursor(store: Store) -> None:
    """The next rescan starts from the first contact."""
    _save_cursor(store, "")


def _save_cursor(store: Store, value: str) -> None:
    with store.transaction() as session:
        write_state(session, CURSOR, value)
