"""Erase a person (Decree 13/2023/ND-CP art. 16: the data subject's right to deletion).

`erase(session, contact_id, ...)` runs in the caller's transaction:
- the contact is resolved to its survivor and the **whole merged group** goes: merged contacts
  are one person by the hub's own decision, and keeping a tombstone's phone would defeat the
  request (ops who think a merge was wrong undo it first, then erase the right contact);
- deleted: the group's contacts, contact points, blocking keys, leads (fields, message text,
  attribution), merge suggestions involving them, and merge-log entries whose survivor they are;
- emptied (row kept, `purged_at` set): the raw events behind their leads, so a redelivery of
  the same webhook is still a no-op and cannot bring the data back; the batched Meta deliveries
  those events came in are deleted (they may hold other people's items too: only the per-item
  events remain, and those cannot be re-verified against Meta's signature any more);
- scrubbed: past outbox payloads of the group (a placeholder `{"id", "erased": true}` keeps
  the feed's sequence), and wherever another record quotes them (a lead's decision evidence,
  a merge-log before-image, another contact's merge event) the quoted part;
- kept: an erasure record (who asked, when, why, the contact ids and row counts: no personal
  data), the erased ids (so a second request answers "already erased"), and a `contact.erased`
  outbox event naming the ids, so downstream consumers delete their copies.
A later lead from the same person starts a new contact: nothing is left to match it against.
Not reached: events that never became a lead (failed, ignored) are not linked to anyone; they
keep their bytes until they are replayed or retention purges them.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import String, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from hub.store.contacts import members_of, resolve
from hub.store.engine import changed, lock_keys
from hub.store.repository import append_outbox
from hub.store.schema import (ContactPointRow, ContactRow, ErasedContactRow, ErasureRow, LeadRow,
                              MatchKeyRow, MergeLogRow, MergeSuggestionRow, OutboxRow, RawEventRow,
                              WebhookDeliveryRow)

ERASED = {"erased": True}
DELIVERY_HEADER = "X-Hub-Delivery-Sha256"


class UnknownContact(LookupError):
    """No contact with this id was ever stored (or it was never erased here)."""


@dataclass(frozen=True)
class Erasure:
    id: int
    contact_ids: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    created_at: datetime | None = None
    already: bool = False  # an earlier request erased it; nothing changed now

    def as_json(self) -> dict[str, Any]:
        return {"status": "already_erased" if self.already else "erased", "erasure_id": self.id,
                "contact_ids": self.contact_ids, "counts": self.counts,
                "erased_at": self.created_at.isoformat() if self.created_at else None}


def erased(session: Session, contact_id: str) -> Erasure | None:
    """The erasure that removed this contact id, or None."""
    row = session.get(ErasedContactRow, contact_id)
    if row is None:
        return None
    record = session.get(ErasureRow, row.erasure_id)
    assert record is not None
    return Erasure(record.id, list(record.contact_ids), dict(record.counts), record.created_at, already=True)


def erase(session: Session, contact_id: str, *, requested_by: str, reason: str = "") -> Erasure:
    """Erase the person behind contact_id. Idempotent. Raises UnknownContact."""
    earlier = erased(session, contact_id)
    if earlier is not None:
        return earlier
    try:
        root = resolve(session, contact_id).id
    except LookupError:
        raise UnknownContact(f"no contact {contact_id!r}") from None
    group = sorted(members_of(session, [root])[root])
    points_query = select(ContactPointRow.kind, ContactPointRow.value, ContactPointRow.display).where(
        ContactPointRow.contact_id.in_(group))
    # The same locks a lead with these phones / emails / identities takes: none lands mid-erasure.
    lock_keys(session, [f"{kind}:{value}" for kind, value, _ in session.execute(points_query)])
    contacts = list(session.execute(select(ContactRow).where(ContactRow.id.in_(group))
                                    .order_by(ContactRow.id).with_for_update()).scalars())
    points = session.execute(points_query).all()  # again, now that the contacts are locked
    known = Erased(
        ids=frozenset(group),
        values=frozenset(v for c in contacts for v in (c.name, c.name_key, c.family_name, c.middle_name,
                                                       c.given_name) if v)
        | frozenset(v for p in points for v in p[1:]),
        lead_ids=frozenset(session.execute(select(LeadRow.id).where(LeadRow.contact_id.in_(group))).scalars()),
    )
    now = datetime.now(timezone.utc)
    counts = {"contacts": len(contacts)}
    counts.update(_erase_events(session, group, now))
    counts.update(_delete_rows(session, group))
    counts["quoting_records_scrubbed"] = _scrub_quotes(session, known)
    counts["outbox_events_scrubbed"] = _scrub_own_outbox(session, group)
    version = max(c.version for c in contacts) + 1
    session.execute(update(ContactRow).where(ContactRow.id.in_(group)).values(merged_into=None))
    session.execute(delete(ContactRow).where(ContactRow.id.in_(group)))
    record = ErasureRow(requested_by=requested_by[:128], reason=reason[:255], contact_ids=group,
                        counts=counts, created_at=now)
    session.add(record)
    session.flush()
    session.add_all(ErasedContactRow(contact_id=cid, erasure_id=record.id) for cid in group)
    append_outbox(session, "contact.erased", root,
                  {"erased_ids": group, "erasure_id": record.id},
                  document={"id": root, "erased": True, "version": version})
    return Erasure(record.id, group, counts, now)


def _erase_events(session: Session, group: list[str], now: datetime) -> dict[str, int]:
    """Empty the raw events behind the group's leads; delete the deliveries they came in."""
    event_ids = [i for i in session.execute(select(LeadRow.raw_event_id).where(
        LeadRow.contact_id.in_(group), LeadRow.raw_event_id.is_not(None))).scalars()]
    shas: set[str] = set()
    for chunk in _chunks(sorted(set(event_ids))):
        for headers in session.execute(select(RawEventRow.headers).where(RawEventRow.id.in_(chunk))).scalars():
            if headers and DELIVERY_HEADER in headers:
                shas.add(headers[DELIVERY_HEADER])
        session.execute(update(RawEventRow).where(RawEventRow.id.in_(chunk))
                        .values(body=b"", headers={}, last_error=None, purged_at=now))
    deliveries = 0
    for chunk in _chunks(sorted(shas)):
        deliveries += changed(session.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.sha256.in_(chunk))))
    return {"raw_events": len(set(event_ids)), "webhook_deliveries": deliveries}


def _delete_rows(session: Session, group: list[str]) -> dict[str, int]:
    def gone(statement: Any) -> int:
        return changed(session.execute(statement))

    return {
        "match_keys": gone(delete(MatchKeyRow).where(MatchKeyRow.contact_id.in_(group))),
        "leads": gone(delete(LeadRow).where(LeadRow.contact_id.in_(group))),
        "merge_suggestions": gone(delete(MergeSuggestionRow).where(or_(
            MergeSuggestionRow.contact_id.in_(group), MergeSuggestionRow.candidate_id.in_(group)))),
        "merge_log": gone(delete(MergeLogRow).where(MergeLogRow.survivor_id.in_(group))),
        "contact_points": gone(delete(ContactPointRow).where(ContactPointRow.contact_id.in_(group))),
    }


@dataclass(frozen=True)
class Erased:
    """What identifies the erased group inside other records."""

    ids: frozenset[str]  # contact ids
    values: frozenset[str]  # names, name keys, phones, email keys and addresses, identity keys
    lead_ids: frozenset[int]


def _mentions(column: Any, ids: Iterable[str]) -> Any:
    return or_(*(cast(column, String).like(f"%{cid}%") for cid in ids))


def _scrub_quotes(session: Session, erased: Erased) -> int:
    """Other people's records that quote the group (decision evidence, merge before-images,
    merge / unmerge events carrying their documents): the quoted part is replaced."""
    changed = 0
    for lead in session.execute(select(LeadRow).where(_mentions(LeadRow.decision, erased.ids))).scalars():
        lead.decision = scrub_json(lead.decision, erased)
        changed += 1
    logs = select(MergeLogRow).where(or_(_mentions(MergeLogRow.merged_ids, erased.ids),
                                         _mentions(MergeLogRow.before, erased.ids)))
    for log in session.execute(logs).scalars():
        log.before, log.evidence = scrub_json(log.before, erased), dict(ERASED)
        changed += 1
    others = select(OutboxRow).where(OutboxRow.contact_id.not_in(sorted(erased.ids)),
                                     _mentions(OutboxRow.payload, erased.ids))
    for event in session.execute(others).scalars():
        event.payload = scrub_json(event.payload, erased)
        changed += 1
    return changed


def _scrub_own_outbox(session: Session, group: list[str]) -> int:
    count = 0
    for event in session.execute(select(OutboxRow).where(OutboxRow.contact_id.in_(group))).scalars():
        event.payload = {"contact": {"id": event.contact_id, "version": event.contact_version, **ERASED}}
        count += 1
    return count


def scrub_json(value: Any, erased: Erased) -> Any:
    """The value with every part describing the erased group removed: a document of theirs
    becomes `{"id", "erased"}`, a snapshot keyed by their id `{"erased"}`, evidence about them
    `{"erased"}`; their phones, emails, identities, names and leads quoted in another contact's
    document (after a merge with them) are dropped. Scores and other people's parts stay."""
    if isinstance(value, list):
        return [scrub_json(v, erased) for v in value if not _quotes(v, erased)]
    if not isinstance(value, dict):
        return value
    ref = value.get("contact_id", value.get("id"))
    if isinstance(ref, str) and ref in erased.ids:
        if "phones" in value or "emails" in value:
            return {"id": ref, **ERASED}
        if "evidence" not in value:
            return {"contact_id": ref, **ERASED}
    return {k: dict(ERASED) if k in erased.ids or k == "evidence" and ref in erased.ids
            else None if isinstance(v, str) and v in erased.values else scrub_json(v, erased)
            for k, v in value.items()}


def _quotes(item: Any, erased: Erased) -> bool:
    """A list item that is the erased group's: a phone / email / name, one of their leads,
    one of their channel identities."""
    if isinstance(item, str):
        return item in erased.values
    if isinstance(item, dict) and "source_ref" in item:
        return item.get("id") in erased.lead_ids
    if isinstance(item, dict) and set(item) == {"channel", "scope", "id"}:
        return f"{item['channel']}:{item['scope']}:{item['id']}" in erased.values
    return False


def _chunks(values: list[Any], size: int = 500) -> Iterable[list[Any]]:
    return (values[i:i + size] for i in range(0, len(values), size))
