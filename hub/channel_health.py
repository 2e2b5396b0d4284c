"""Channel health: which page tokens were refused, and periodic jobs' last runs.

When Graph refuses a page token (code 190) the event goes to `needs_token` and the page is
flagged here with a fingerprint of the token that failed. The sweeper compares it with the
token in the settings; once an operator has replaced it (config or env, then a restart), the
waiting events go back to pending and complete.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.errors import TokenInvalid
from hub.store import Store
from hub.store.engine import changed
from hub.store.schema import ChannelHealthRow, RawEventRow

# Where each health channel's current token comes from: (settings, scope) -> token.
TOKENS: dict[str, Callable[[Settings, str], str | None]] = {
    "facebook": lambda settings, page_id: settings.facebook.page_token(page_id),
}


def fingerprint(token: str | None) -> str:
    """A short, non-reversible name for a token ("" for no token)."""
    return hashlib.sha256(token.encode()).hexdigest()[:16] if token else ""


def token_refused(session: Session, exc: TokenInvalid) -> None:
    """Flag the scope unhealthy, inside the caller's transaction."""
    _upsert(session, exc.channel, exc.scope, status="needs_token", detail=str(exc)[:2000],
            token_fingerprint=exc.fingerprint)


def release_replaced_tokens(store: Store, settings: Settings) -> list[int]:
    """Put back to pending the events waiting for a token that has since been replaced."""
    released: list[int] = []
    now = datetime.now(timezone.utc)
    with store.transaction() as session:
        waiting = session.execute(
            select(ChannelHealthRow).where(ChannelHealthRow.status == "needs_token")
        ).scalars().all()
        for row in waiting:
            token_of = TOKENS.get(row.channel)
            current = fingerprint(token_of(settings, row.scope) if token_of else None)
            if not current or current == row.token_fingerprint:
                continue
            ids = list(session.execute(
                select(RawEventRow.id).where(RawEventRow.status == "needs_token",
                                             RawEventRow.route == row.scope)
            ).scalars())
            if ids:
                session.execute(
                    update(RawEventRow).where(RawEventRow.id.in_(ids))
                    .values(status="pending", attempts=0, due_at=now, updated_at=now)
                )
            row.status, row.updated_at = "ok", now
            row.detail = f"token replaced; {len(ids)} waiting events re-queued"
            released.extend(ids)
    return released


def unhealthy(store: Store) -> list[ChannelHealthRow]:
    """Every scope currently flagged (for metrics and ops)."""
    with store.sessions() as session:
        return list(session.execute(
            select(ChannelHealthRow).where(ChannelHealthRow.status == "needs_token")
        ).scalars())


def claim_periodic(store: Store, job: str, every: timedelta) -> bool:
    """True for exactly one caller per period, across processes (a compare-and-set update)."""
    now = datetime.now(timezone.utc)
    with store.transaction() as session:
        _insert_absent(session, "job", job, now - every)
        result = session.execute(
            update(ChannelHealthRow)
            .where(ChannelHealthRow.channel == "job", ChannelHealthRow.scope == job,
                   ChannelHealthRow.updated_at <= now - every)
            .values(status="running", updated_at=now)
        )
        return changed(result) == 1


def finish_periodic(store: Store, job: str, status: str, detail: str) -> None:
    with store.transaction() as session:
        session.execute(
            update(ChannelHealthRow)
            .where(ChannelHealthRow.channel == "job", ChannelHealthRow.scope == job)
            .values(status=status, detail=detail[:2000])
        )


def _insert_absent(session: Session, channel: str, scope: str, when: datetime) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(ChannelHealthRow)
        .values(channel=channel, scope=scope, status="new", detail=None, token_fingerprint="",
                updated_at=when)
        .on_conflict_do_nothing(index_elements=["channel", "scope"])
    )


def _upsert(session: Session, channel: str, scope: str, **values: str) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values_now = {**values, "updated_at": datetime.now(timezone.utc)}
    session.execute(
        dialect.insert(ChannelHealthRow)
        .values(channel=channel, scope=scope, **values_now)
        .on_conflict_do_update(index_elements=["channel", "scope"], set_=values_now)
    )
