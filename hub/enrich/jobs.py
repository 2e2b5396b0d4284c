"""The enrichment job: claim, fetch, apply, and what happens on each kind of failure.

pending --claim--> processing --> done
                              --> pending (transient: backoff from queue.backoff_seconds)
                              --> failed (permanent, or out of attempts; last_error kept)
                              --> needs_token (token refused: the channel scope is flagged
                                  unhealthy; back to pending once the token is replaced)
"""
from __future__ import annotations

import importlib
import logging
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hub import channel_health
from hub.enrich import zalo_tokens
from hub.enrich.apply import apply_profile
from hub.errors import HubError, TokenInvalid, TransientError
from hub.model import LeadDraft
from hub.store.engine import changed
from hub.store.schema import EnrichmentRow, ZaloOATokenRow

if TYPE_CHECKING:
    from hub.runtime import Hub

log = logging.getLogger(__name__)


def enrich(enrichment_id: int) -> str:
    """The queue job (RQ imports it by name)."""
    from hub.runtime import current

    return run(current(), enrichment_id)


def run(hub: Hub, enrichment_id: int) -> str:
    """Run one enrichment once, whatever the number of workers. Returns its status afterwards
    ("skipped" when another worker holds it or it is not pending)."""
    row = _claim(hub, enrichment_id)
    if row is None:
        return "skipped"
    try:
        draft = _fetch(hub, row)
        with hub.store.transaction() as session:
            changed = apply_profile(session, row.contact_id, draft, row.kind)
            _set(session, enrichment_id, "done", None if changed else "nothing new in the profile")
        return "done"
    except TokenInvalid as exc:
        return _park(hub, enrichment_id, exc)
    except HubError as exc:
        if exc.permanent:
            return _finish(hub, enrichment_id, "failed", f"{type(exc).__name__}: {exc}")
        return _retry(hub, enrichment_id, exc)
    except Exception as exc:  # database hiccups, bugs: retried, then failed and visible
        log.exception("enrichment %s: error", enrichment_id)
        return _retry(hub, enrichment_id, exc)


def due(hub: Hub, limit: int = 200) -> list[int]:
    """Jobs to hand to the queue now: pending ones nobody ran in time, processing ones whose
    worker's lease ran out, and parked ones whose token has since been replaced."""
    release_replaced(hub)
    now = datetime.now(timezone.utc)
    stuck = now + timedelta(seconds=hub.settings.queue.stuck_after_seconds)
    with hub.store.transaction() as session:
        session.execute(
            update(EnrichmentRow)
            .where(EnrichmentRow.status == "processing", EnrichmentRow.due_at <= now)
            .values(status="pending", last_error="worker lease expired", updated_at=now)
        )
        ids = list(session.execute(
            select(EnrichmentRow.id).where(EnrichmentRow.status == "pending", EnrichmentRow.due_at <= now)
            .order_by(EnrichmentRow.due_at).limit(limit)
        ).scalars())
        if ids:
            session.execute(update(EnrichmentRow).where(EnrichmentRow.id.in_(ids)).values(due_at=stuck))
    return ids


def sweep(hub: Hub) -> int:
    """Hand every due job to the queue; run them here when the queue cannot take them (they
    are short, and a profile must not wait for Redis to come back)."""
    from hub.enrich import enqueue

    ids = due(hub)
    if not enqueue(hub, ids):
        for enrichment_id in ids:
            run(hub, enrichment_id)
    return len(ids)


def _fetch(hub: Hub, row: EnrichmentRow) -> LeadDraft:
    if row.kind == "zalo_profile":
        module = importlib.import_module("hub.enrich.zalo")
        return module.fetch(hub.store, hub.settings, row.scope, row.subject)
    module = importlib.import_module("hub.enrich.meta")
    return module.fetch(hub.store, hub.settings, row.kind, row.scope, row.subject)


def _claim(hub: Hub, enrichment_id: int) -> EnrichmentRow | None:
    now = datetime.now(timezone.utc)
    lease = now + timedelta(seconds=hub.settings.queue.lease_seconds)
    with hub.store.transaction() as session:
        claimed = changed(session.execute(
            update(EnrichmentRow)
            .where(EnrichmentRow.id == enrichment_id, EnrichmentRow.status == "pending")
            .values(status="processing", attempts=EnrichmentRow.attempts + 1, due_at=lease,
                    updated_at=now)
        ))
        return session.get(EnrichmentRow, enrichment_id) if claimed == 1 else None


def _park(hub: Hub, enrichment_id: int, exc: TokenInvalid) -> str:
    with hub.store.transaction() as session:
        _set(session, enrichment_id, "needs_token", f"TokenInvalid: {exc}", token_fingerprint=exc.fingerprint)
        channel_health.token_refused(session, exc)
    log.info("enrichment %s waits for a new %s token of %s: %s", enrichment_id, exc.channel, exc.scope, exc)
    return "needs_token"


def _retry(hub: Hub, enrichment_id: int, exc: Exception) -> str:
    queue = hub.settings.queue
    error = f"{type(exc).__name__}: {exc}"
    with hub.store.transaction() as session:
        attempts = session.execute(
            select(EnrichmentRow.attempts).where(EnrichmentRow.id == enrichment_id)
        ).scalar_one()
        if attempts >= queue.max_attempts:
            _set(session, enrichment_id, "failed", f"gave up after {attempts} attempts: {error}")
            return "failed"
        retry_after = exc.retry_after if isinstance(exc, TransientError) else None
        delay = max(queue.backoff_seconds[min(attempts, len(queue.backoff_seconds)) - 1], retry_after or 0)
        _set(session, enrichment_id, "pending", error,
             due_at=datetime.now(timezone.utc) + timedelta(seconds=delay))
    return "pending"


def _finish(hub: Hub, enrichment_id: int, status: str, error: str) -> str:
    with hub.store.transaction() as session:
        _set(session, enrichment_id, status, error)
    return status


def _set(session: Session, enrichment_id: int, status: str, error: str | None, **values: object) -> None:
    now = datetime.now(timezone.utc)
    session.execute(
        update(EnrichmentRow).where(EnrichmentRow.id == enrichment_id)
        .values(status=status, last_error=error[:2000] if error else None, updated_at=now, **values)
    )


def release_replaced(hub: Hub) -> int:
    """Parked jobs whose scope's token changed since it failed go back to pending; the
    scope's health flag is cleared. Returns how many were released."""
    now = datetime.now(timezone.utc)
    released = 0
    with hub.store.transaction() as session:
        parked = session.execute(
            select(EnrichmentRow.kind, EnrichmentRow.scope, EnrichmentRow.token_fingerprint)
            .where(EnrichmentRow.status == "needs_token").distinct()
        ).all()
        for kind, scope, failed in parked:
            current = _current_fingerprint(session, hub, kind, scope)
            if not current or current == failed:
                continue
            released += changed(session.execute(
                update(EnrichmentRow)
                .where(EnrichmentRow.status == "needs_token", EnrichmentRow.kind == kind,
                       EnrichmentRow.scope == scope, EnrichmentRow.token_fingerprint == failed)
                .values(status="pending", attempts=0, due_at=now, updated_at=now)
            ))
            channel = "zalo" if kind == "zalo_profile" else "facebook"
            session.execute(
                update(channel_health.ChannelHealthRow)
                .where(channel_health.ChannelHealthRow.channel == channel,
                       channel_health.ChannelHealthRow.scope == scope,
                       channel_health.ChannelHealthRow.status == "needs_token")
                .values(status="ok", detail="token replaced; waiting enrichments re-queued", updated_at=now)
            )
    return released


def _current_fingerprint(session: Session, hub: Hub, kind: str, scope: str) -> str:
    if kind == "zalo_profile":
        oa = hub.settings.zalo.oas.get(scope)
        seed = oa.refresh_token if oa else ""
        row = session.get(ZaloOATokenRow, scope)
        if seed and (row is None or row.seed_fingerprint != channel_health.fingerprint(seed)):
            return channel_health.fingerprint(seed)  # a new token in the settings, adopted on use
        if row is None:
            return ""
        return zalo_tokens.Token(row.oa_id, row.access_token, row.refresh_token, None, row.version).fingerprint
    return channel_health.fingerprint(hub.settings.facebook.page_token(scope))
