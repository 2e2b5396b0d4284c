"""Apply many leads in one transaction with few statements, as apply_lead would one by one.

For bulk imports. Leads are taken in order and each sees the ones before it:

- candidates come from one prefetch per batch (blocking keys -> contacts, same limits as
  find_candidates) plus the contacts created earlier in the batch, kept in memory;
- a lead whose decision is "new" or "suggest" gets its contact, points, blocking keys, lead,
  suggestions and outbox event built in memory and written with the others in a few multi-row
  INSERTs (`flush`);
- a lead that merges into a contact goes through apply_lead itself, after the pending rows are
  written, in a SAVEPOINT (when it fails, only its own writes are undone and its neighbours are
  kept); the contact it changed is then read again for the leads after it.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Table, func, select, tuple_
from sqlalchemy.orm import Session

from hub import dedupe
from hub.ids import uuid7
from hub.model import Contact, Decision, Lead
from hub.store.contacts import HOT_KEY_LIMIT, MAX_CANDIDATES, load_candidates, person_name, roots_of
from hub.store.documents import _document, lead_data
from hub.store.engine import lock_keys
from hub.store.repository import OUTBOX_LOCK, _absorb, _decision_record, apply_lead
from hub.store.schema import (ContactPointRow, ContactRow, LeadRow, MatchKeyRow, MergeSuggestionRow,
                              OutboxRow)

log = logging.getLogger(__name__)
_CONTACT_COLUMNS = [c.key for c in ContactRow.__table__.columns]


@dataclass
class _New:
    """A lead that lands on a new contact, waiting to be written."""

    event_id: int | None
    lead: Lead
    decision: Decision
    contact: ContactRow
    keys: list[str]
    points: list[ContactPointRow] = field(default_factory=list)


def apply_batch(session: Session, events: Sequence[tuple[int, Sequence[Lead]]]) -> dict[int, Exception | None]:
    """Store the leads of many events in the caller's transaction; event id -> None when its
    leads are stored, or the exception that undid that event's writes (the others are kept)."""
    batch = _Batch(session, [lead for _, leads in events for lead in leads])
    outcome: dict[int, Exception | None] = {}
    for event_id, leads in events:
        if len(leads) == 1 and batch.add_new(leads[0], event_id):
            outcome[event_id] = None
        else:
            outcome[event_id] = batch.apply_one_by_one(leads, event_id)
    batch.flush()
    return outcome


class _Batch:
    def __init__(self, session: Session, leads: list[Lead]) -> None:
        self.session = session
        self.now = datetime.now(timezone.utc)
        lock_keys(session, [f"{kind}:{value}" for lead in leads for kind, value in dedupe.strong_keys(lead)])
        self.stored = _stored_refs(session, leads)
        self.by_key = _key_rows(session, {key for lead in leads for key in dedupe.blocking_keys(lead)})
        # Keys already hot in the database are skipped whatever the batch adds: not loaded.
        self.roots = roots_of(session, {cid for ids in self.by_key.values() if len(ids) <= HOT_KEY_LIMIT
                                        for cid in ids})
        known = load_candidates(session, list(dict.fromkeys(self.roots.values())))
        self.contacts: dict[str, Contact] = {c.id: c for c in known}
        self.new_by_key: dict[str, list[str]] = {}  # contacts given a key in this batch
        self.pending: list[_New] = []
        self.pending_keys: set[str] = set()
        self.pending_refs: set[tuple[str, str]] = set()

    def add_new(self, lead: Lead, event_id: int | None) -> bool:
        """Queue the lead when it lands on a new contact; False when apply_lead must handle it."""
        ref = (lead.channel, lead.source_ref)
        keys = dedupe.blocking_keys(lead)
        if ref in self.stored:
            return False
        decision = dedupe.decide(lead, self._candidates(keys))
        if decision.action == "merge":
            return False
        contact = ContactRow(id=uuid7(), attributes={}, version=1, merged_into=None,
                             created_at=self.now, updated_at=self.now, name_is_personal=True)
        _absorb(contact, lead)
        new = _New(event_id, lead, decision, contact, keys, _points(contact.id, lead, self.now))
        self.pending.append(new)
        self.pending_keys.update(keys)
        self.pending_refs.add(ref)
        self.stored.add(ref)
        self.contacts[contact.id] = _as_candidate(new)
        for key in keys:
            self.new_by_key.setdefault(key, []).append(contact.id)
        return True

    def _candidates(self, keys: list[str]) -> list[Contact]:
        """What find_candidates would return now."""
        found: list[str] = []
        for key in keys:
            known = self.by_key.get(key, [])
            added = self.new_by_key.get(key, [])
            if len(known) + len(added) <= HOT_KEY_LIMIT:
                found.extend([self.roots[cid] for cid in known] + added)
        ordered = list(dict.fromkeys(found))[:MAX_CANDIDATES]
        return [self.contacts[cid] for cid in ordered]

    def apply_one_by_one(self, leads: Sequence[Lead], event_id: int) -> Exception | None:
        if any(self.pending_keys.intersection(dedupe.blocking_keys(lead)) or
               (lead.channel, lead.source_ref) in self.pending_refs for lead in leads):
            self.flush()  # apply_lead must see the new contacts it may match
        try:
            with self.session.begin_nested():
                touched = [(apply_lead(self.session, lead, event_id).contact_id, lead) for lead in leads]
        except Exception as exc:  # this event's writes are undone; the batch goes on
            log.warning("event %s: lead not stored: %s", event_id, exc)
            return exc
        for contact_id, lead in touched:
            self._reload(contact_id, dedupe.blocking_keys(lead))
            self.stored.add((lead.channel, lead.source_ref))
        return None

    def _reload(self, contact_id: str, keys: list[str]) -> None:
        """apply_lead changed this contact: read it again and index it under the lead's keys."""
        root = roots_of(self.session, [contact_id])[contact_id]
        self.contacts[root] = load_candidates(self.session, [root])[0]
        for key in keys:
            indexed = self.new_by_key.setdefault(key, [])
            if root not in indexed and root not in self.by_key.get(key, ()):
                indexed.append(root)

    def flush(self) -> None:
        """Write the queued new contacts and everything that hangs off them.

        Core multi-row INSERTs on the session's connection: the ORM's bulk path costs more
        than the database here (as in hub.inbox).
        """
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        self.pending_keys.clear()
        self.pending_refs.clear()
        connection = self.session.connection()
        connection.execute(_table(ContactRow).insert(),
                           [{k: getattr(n.contact, k) for k in _CONTACT_COLUMNS} for n in pending])
        points = [_point_values(p) for n in pending for p in n.points]
        if points:
            connection.execute(_table(ContactPointRow).insert(), points)
        keys = [{"key": key, "contact_id": n.contact.id} for n in pending for key in n.keys]
        if keys:
            connection.execute(_table(MatchKeyRow).insert(), keys)
        leads = _table(LeadRow)
        lead_ids = connection.execute(
            leads.insert().returning(leads.c.id, sort_by_parameter_order=True),
            [self._lead_values(n) for n in pending],
        ).scalars().all()
        suggestions = [
            {"contact_id": n.contact.id, "candidate_id": s.contact_id, "score": s.score,
             "evidence": dict(s.evidence), "status": "open", "created_at": self.now}
            for n in pending for s in n.decision.suggestions if s.contact_id != n.contact.id
        ]
        if suggestions:
            connection.execute(_table(MergeSuggestionRow).insert(), suggestions)
        lock_keys(self.session, [OUTBOX_LOCK])
        connection.execute(_table(OutboxRow).insert(),
                           [self._outbox_values(n, lead_id) for n, lead_id in zip(pending, lead_ids)])

    def _lead_values(self, new: _New) -> dict[str, object]:
        lead = new.lead
        return {"raw_event_id": new.event_id, "contact_id": new.contact.id, "channel": lead.channel,
                "source_ref": lead.source_ref, "captured_at": lead.captured_at, "data": lead_data(lead),
                "attribution": lead.attribution.as_dict(), "decision": _decision_record(new.decision),
                "created_at": self.now}

    def _outbox_values(self, new: _New, lead_id: int) -> dict[str, object]:
        lead = LeadRow(id=lead_id, channel=new.lead.channel, source_ref=new.lead.source_ref,
                       captured_at=new.lead.captured_at, attribution=new.lead.attribution.as_dict())
        document = _document(new.contact, new.points, [lead])
        return {"event_id": "evt_" + uuid7().replace("-", ""), "type": "contact.created",
                "contact_id": new.contact.id, "contact_version": 1, "payload": {"contact": document},
                "created_at": self.now}


def _table(row: type) -> Table:
    return row.__table__  # type: ignore[attr-defined, no-any-return]


def _stored_refs(session: Session, leads: list[Lead]) -> set[tuple[str, str]]:
    refs = list({(lead.channel, lead.source_ref) for lead in leads})
    if not refs:
        return set()
    query = select(LeadRow.channel, LeadRow.source_ref).where(tuple_(LeadRow.channel, LeadRow.source_ref).in_(refs))
    return {(channel, ref) for channel, ref in session.execute(query)}


def _key_rows(session: Session, keys: set[str]) -> dict[str, list[str]]:
    """Blocking key -> contact ids, at most HOT_KEY_LIMIT + 1 per key (as find_candidates reads)."""
    if not keys:
        return {}
    number = func.row_number().over(partition_by=MatchKeyRow.key).label("n")
    ranked = select(MatchKeyRow.key, MatchKeyRow.contact_id, number).where(MatchKeyRow.key.in_(keys)).subquery()
    rows = session.execute(select(ranked.c.key, ranked.c.contact_id).where(ranked.c.n <= HOT_KEY_LIMIT + 1))
    by_key: dict[str, list[str]] = {}
    for key, contact_id in rows:
        by_key.setdefault(key, []).append(contact_id)
    return by_key


def _points(contact_id: str, lead: Lead, now: datetime) -> list[ContactPointRow]:
    """The lead's phones, emails and identity as the new contact's points (as _add_points)."""
    source = f"{lead.channel}:{lead.source_ref}"
    points = [("phone", p.e164, p.e164, asdict(p)) for p in lead.phones]
    points += [("email", e.key, e.address, asdict(e)) for e in lead.emails]
    if lead.identity is not None:
        points.append(("identity", lead.identity.key, lead.identity.key, asdict(lead.identity)))
    seen: set[tuple[str, str]] = set()
    rows = []
    for kind, value, display, data in points:
        if (kind, value) not in seen:
            seen.add((kind, value))
            rows.append(ContactPointRow(contact_id=contact_id, kind=kind, value=value, display=display,
                                        data={**data, "source": source}, created_at=now))
    return rows


def _point_values(point: ContactPointRow) -> dict[str, object]:
    return {"contact_id": point.contact_id, "kind": point.kind, "value": point.value,
            "display": point.display, "data": point.data, "created_at": point.created_at}


def _as_candidate(new: _New) -> Contact:
    """The new contact as dedupe sees a stored one (load_candidates)."""
    by_kind: dict[str, frozenset[str]] = {
        kind: frozenset(p.value for p in new.points if p.kind == kind) for kind in ("phone", "email", "identity")
    }
    return Contact(id=new.contact.id, created_at=new.contact.created_at, name=person_name(new.contact),
                   phones=by_kind["phone"], emails=by_kind["email"], identities=by_kind["identity"],
                   province_code=new.contact.province_code)
