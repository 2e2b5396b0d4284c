"""Profile enrichment: fetch a new channel identity's profile apart from the lead.

The lead and its contact are stored first, in the pipeline's transaction, together with a row
in `enrichments` (the durable job). After the commit the job is handed to the queue; the
sweeper hands it again if the queue lost it. A profile updates the contact and emits
`contact.updated`; it never adds a lead. See hub/enrich/jobs.py for the job's life.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.model import Lead
from hub.store.schema import ContactPointRow, EnrichmentRow

if TYPE_CHECKING:
    from hub.runtime import Hub

JOB = "hub.enrich.jobs.enrich"
# lead channel -> enrichment kind, and whether the settings turn it on
KINDS = {"zalo": "zalo_profile", "messenger": "messenger_profile", "instagram": "instagram_profile"}


@dataclass(frozen=True)
class Target:
    kind: str
    scope: str
    subject: str


def new_identity(session: Session, settings: Settings, lead: Lead) -> Target | None:
    """What to enrich for this lead: its identity, when enrichment is on for the channel and
    the store has not seen the identity yet. Call before the lead is applied."""
    kind = KINDS.get(lead.channel)
    if kind is None or lead.identity is None or not _enabled(settings, kind):
        return None
    known = session.execute(
        select(ContactPointRow.id).where(ContactPointRow.kind == "identity",
                                         ContactPointRow.value == lead.identity.key).limit(1)
    ).first()
    return None if known else Target(kind, lead.identity.scope, lead.identity.external_id)


def schedule(session: Session, target: Target, contact_id: str) -> int | None:
    """Record the job in the caller's transaction; None when the identity already has one."""
    now = datetime.now(timezone.utc)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return session.execute(
        dialect.insert(EnrichmentRow)
        .values(kind=target.kind, scope=target.scope, subject=target.subject, contact_id=contact_id,
                status="pending", attempts=0, token_fingerprint="", due_at=now, created_at=now,
                updated_at=now)
        .on_conflict_do_nothing(index_elements=["kind", "scope", "subject"])
        .returning(EnrichmentRow.id)
    ).scalar_one_or_none()


def enqueue(hub: Hub, ids: list[int]) -> bool:
    """Hand jobs to the queue: RQ, or the embedded worker threads. False when the queue cannot
    take them (down, or one of the tests' recording queues): the sweeper runs them later.
    Never raises: the rows are the truth."""
    from hub.enrich.jobs import run
    from hub.queue import LocalQueue, QueueUnavailable, RQQueue

    queue = hub.queue
    if isinstance(queue, LocalQueue):
        for enrichment_id in ids:
            queue.submit(functools.partial(run, hub, enrichment_id))
        return True
    if not isinstance(queue, RQQueue):
        return False
    try:
        for enrichment_id in ids:
            queue.call(JOB, enrichment_id)
    except QueueUnavailable:
        return False
    return True


def _enabled(settings: Settings, kind: str) -> bool:
    if kind == "zalo_profile":
        return settings.zalo.enrich_profiles
    return settings.facebook.enrich_profiles
