"""process_event(event_id): raw event -> lead drafts -> leads -> decisions -> store + outbox."""
from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from hub import channel_health, connectors, enrich, inbox
from hub.config import Settings
from hub.errors import HubError, IgnoreEvent, TokenInvalid, TransientError
from hub.model import Lead, RawEvent
from hub.normalize import normalize
from hub.queue import RQQueue
from hub.store.bulk import Memo, apply_batch
from hub.store.repository import apply_lead

if TYPE_CHECKING:
    from hub.runtime import Hub

log = logging.getLogger(__name__)


# Channels whose events a worker may store many at a time (run_pending): parsed from their own
# bytes, with no follow-up of their own (token health, profile enrichment: hub.enrich.KINDS).
BATCHED_CHANNELS = frozenset({"form", "telegram", "whatsapp"})


def process_event(event_id: int) -> str:
    """The queue job (RQ imports it by name). Returns the event's status afterwards."""
    from hub.runtime import current

    return run_pending(current(), event_id)


def process_events(event_ids: list[int]) -> list[str]:
    """The queue job for several events (a batched delivery, or what an ingest process gathered):
    run_pending() for them all at once. Each event is processed on its own or stored in a batch,
    and one that fails (and is retried by the inbox) never holds back the others. Returns their
    statuses afterwards, in the order of event_ids."""
    from hub.runtime import current

    statuses = run_pending_many(current(), event_ids)
    return [statuses.get(event_id, "skipped") for event_id in event_ids]


def run(hub: Hub, event_id: int) -> str:
    """Process one inbox event exactly once, whatever the number of deliveries and workers.

    Returns "skipped" when another worker holds the event or it is already finished.
    """
    if not inbox.claim(hub.store, event_id, hub.settings.queue):
        return "skipped"
    return _run_claimed(hub, event_id)


def run_pending(hub: Hub, event_id: int) -> str:
    """run() the event, and with it the fresh pending events of BATCHED_CHANNELS (up to
    queue.worker_batch in all), stored in one transaction: what one lead costs in statements
    and commits is then shared by many, while a backlog lasts. Their own jobs are dropped from
    the RQ queue when found near its head (RQQueue.discard), skipped when run otherwise.

    Returns the event's status afterwards ("skipped" when another worker has it).
    """
    return run_pending_many(hub, [event_id]).get(event_id, "skipped")


def run_pending_many(hub: Hub, event_ids: list[int]) -> dict[int, str]:
    """run_pending() for several events: they, and fresh ones up to queue.worker_batch in all,
    are claimed at once. Returns the statuses of the events it claimed."""
    queue = hub.settings.queue
    claimed = inbox.claim_many_with_fresh(hub.store, event_ids, queue, BATCHED_CHANNELS, queue.worker_batch)
    batch = [c.id for c in claimed if c.channel in BATCHED_CHANNELS and c.attempts == 1]
    statuses = _run_claimed_batch(hub, batch) if len(batch) > 1 else {}
    for claim in claimed:  # the others, and a lone event: the one-event path, as run() takes it
        if claim.id not in statuses:
            statuses[claim.id] = _run_claimed(hub, claim.id)
    own = set(event_ids)
    taken_along = [e for e, status in statuses.items() if e not in own and status != "pending"]
    if taken_along and isinstance(hub.queue, RQQueue):  # their jobs wait near the queue's head
        hub.queue.discard(taken_along, scan=2 * len(taken_along))
    return statuses


def _run_claimed(hub: Hub, event_id: int) -> str:
    """Process one event this worker has claimed; retried later, or finished, on an error."""
    started = time.perf_counter()
    try:
        status = _process(hub, event_id)
    except HubError as exc:
        if not exc.permanent:
            return _retry(hub, event_id, exc)
        status = _permanent_status(exc)
        with hub.store.transaction() as session:
            inbox.finish(session, event_id, status, f"{type(exc).__name__}: {exc}")
            if isinstance(exc, TokenInvalid):
                channel_health.token_refused(session, exc)
        log.info("event %s %s: %s", event_id, status, exc)
        return status
    except DataError as exc:  # a value that does not fit its column: the same on every retry
        log.warning("event %s failed: %s", event_id, exc.orig)
        with hub.store.transaction() as session:
            inbox.finish(session, event_id, "failed", f"DataError: {exc.orig}")
        return "failed"
    except Exception as exc:  # database hiccups, bugs: retried, then failed and visible
        log.exception("event %s: processing error", event_id)
        return _retry(hub, event_id, exc)
    log.info("event %s %s in %.1f ms", event_id, status, (time.perf_counter() - started) * 1000)
    return status


def _process(hub: Hub, event_id: int) -> str:
    enrichments: list[int] = []
    with hub.store.transaction() as session:
        event = inbox.get(session, event_id)
        leads = [normalize(draft) for draft in connectors.parse(event, hub.settings)]
        leads = [lead for lead in leads if lead.has_contact_data]
        if not leads:
            raise IgnoreEvent("no name, phone, email or channel identity in the event")
        for lead in leads:
            target = enrich.new_identity(session, hub.settings, lead)
            applied = apply_lead(session, lead, event_id)
            if target is not None and (job := enrich.schedule(session, target, applied.contact_id)):
                enrichments.append(job)
        inbox.finish(session, event_id, "done")
    enrich.enqueue(hub, enrichments)  # after the commit: the lead never waits for a profile
    return "done"


def _leads(settings: Settings, event: RawEvent) -> list[Lead]:
    """The event's leads with contact data, as _process reads them (kept apart from it so the
    batched path below does not change the one-event path)."""
    leads = [normalize(draft) for draft in connectors.parse(event, settings)]
    leads = [lead for lead in leads if lead.has_contact_data]
    if not leads:
        raise IgnoreEvent("no name, phone, email or channel identity in the event")
    return leads


# What the batched path makes of an event before storing it (prepare()).
Prepared = tuple[Literal["leads", "finished", "again"], Any]


def prepare(event: RawEvent, settings: Settings) -> Prepared:
    """("leads", its leads); ("finished", (status, error)) for a permanent error; or
    ("again", None): left for the one-event path (transient errors, refused tokens, surprises).

    Reads nothing but the event: a bulk import prepares its rows in another process, from the
    bytes and receive time it then stores (hub.importer.feed).
    """
    try:
        return "leads", _leads(settings, event)
    except HubError as exc:
        if exc.permanent and not isinstance(exc, TokenInvalid):
            return "finished", (_permanent_status(exc), f"{type(exc).__name__}: {exc}")
        return "again", None  # transient, or a refused token: run() handles it the usual way
    except Exception:  # unexpected: run() retries it the usual way
        return "again", None


def run_batch(hub: Hub, event_ids: list[int], memo: Memo | None = None,
              prepared: Mapping[int, Prepared] | None = None) -> dict[int, str]:
    """Process many events in one transaction (bulk import); their statuses afterwards.

    Leads are applied in order, each seeing the ones before it (hub.store.bulk). An event that
    failed, or whose whole batch failed, then goes through run() on its own, with its retries.
    Made for imports: nothing here is specific to a channel's follow-ups (token health, profile
    enrichment), so channels that need them keep to run().
    Events another worker holds or that are finished come back as "skipped".
    `memo`: what the earlier batches of the same import learnt of the store (hub.store.bulk.Memo).
    `prepared`: what prepare() made of each event, from the very bytes and receive time stored
    (the events are then claimed without being read back).
    """
    try:
        statuses, again = _process_batch(hub, event_ids, memo, prepared)
    except Exception:  # nothing of the batch was written; each event gets its own chance
        log.exception("batch of %d events failed; processing them one by one", len(event_ids))
        if memo is not None:  # it may hold what the rolled-back transaction did
            memo.forget()
        statuses, again = {}, list(event_ids)
    for event_id in again:
        statuses[event_id] = run(hub, event_id)
    return statuses


def _process_batch(hub: Hub, event_ids: list[int], memo: Memo | None = None,
                   prepared: Mapping[int, Prepared] | None = None) -> tuple[dict[int, str], list[int]]:
    with hub.store.transaction() as session:
        return process_batch_in(hub, session, event_ids, memo, prepared)


def process_batch_in(hub: Hub, session: Session, event_ids: list[int], memo: Memo | None = None,
                     prepared: Mapping[int, Prepared] | None = None) -> tuple[dict[int, str], list[int]]:
    """run_batch()'s work in the caller's transaction, without the one-by-one fallback: the
    events' statuses once it commits, and the events left for run() after the commit (an
    exception means nothing of the batch may be kept: the caller rolls back, then `forget()`s
    the memo). A bulk import on SQLite stores a chunk's raw events and processes them in one
    transaction with it (hub.importer)."""
    statuses = dict.fromkeys(event_ids, "skipped")
    if prepared is None:
        events = inbox.claim_batch(session, event_ids, hub.settings.queue)
        ready = [(event.id, prepare(event, hub.settings)) for event in events]
    else:
        claimed = inbox.claim_ids(session, event_ids, hub.settings.queue)
        ready = [(event_id, prepared[event_id]) for event_id in event_ids if event_id in claimed]
    finished, again = _apply_prepared(session, ready, memo)
    inbox.finish_many(session, finished)
    inbox.release(session, again)
    statuses.update({event_id: status for event_id, status, _ in finished})
    return statuses, again


def _run_claimed_batch(hub: Hub, event_ids: list[int]) -> dict[int, str]:
    """Store events this worker has claimed in one transaction; their statuses afterwards.
    An event that failed, or whose whole batch failed, then goes through _run_claimed on its
    own (still claimed: its attempt is already counted), with its retries."""
    started = time.perf_counter()
    try:
        with hub.store.transaction() as session:
            events = inbox.get_many(session, event_ids)
            finished, again = _apply_prepared(session, [(e.id, prepare(e, hub.settings)) for e in events])
            inbox.finish_many(session, finished)
    except Exception:  # nothing of the batch was written; each event gets its own chance
        log.exception("batch of %d events failed; processing them one by one", len(event_ids))
        finished, again = [], list(event_ids)
    log.info("%d events stored together in %.1f ms", len(finished), (time.perf_counter() - started) * 1000)
    statuses = {event_id: status for event_id, status, _ in finished}
    for event_id in again:
        statuses[event_id] = _run_claimed(hub, event_id)
    return statuses


def _apply_prepared(session: Session, events: list[tuple[int, Prepared]], memo: Memo | None = None
                    ) -> tuple[list[tuple[int, str, str | None]], list[int]]:
    """Apply the leads of claimed, prepared events together (hub.store.bulk) in the caller's
    transaction.

    Returns (event id, status, error) for the events finished here, and the ids of the events
    left for the one-event path: transient errors, refused tokens, surprises, failed leads.
    """
    again = [event_id for event_id, (kind, _) in events if kind == "again"]
    finished = [(event_id, *outcome) for event_id, (kind, outcome) in events if kind == "finished"]
    ready = [(event_id, leads) for event_id, (kind, leads) in events if kind == "leads"]
    for event_id, error in apply_batch(session, ready, memo).items():
        if error is None:
            finished.append((event_id, "done", None))
        else:
            again.append(event_id)
    return finished, again


def _permanent_status(exc: HubError) -> str:
    if isinstance(exc, TokenInvalid):
        return "needs_token"  # waits, visible, until the token is replaced
    return "ignored" if isinstance(exc, IgnoreEvent) else "failed"


def _retry(hub: Hub, event_id: int, exc: Exception) -> str:
    retry_after = exc.retry_after if isinstance(exc, TransientError) else None
    return inbox.retry_later(hub.store, event_id, f"{type(exc).__name__}: {exc}",
                             hub.settings.queue, retry_after)
