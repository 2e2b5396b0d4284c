"""Apply many leads in one transaction with few statements, as apply_lead would one by one.

For bulk imports. Leads are taken in order and each sees the ones before it:

- candidates come from one prefetch per batch (hub.store.prefetch: blocking keys -> contacts,
  same limits as find_candidates) plus what the batch itself did, kept in memory;
- every lead is decided and landed in memory, as apply_lead would land it: a new contact, or
  a merge into a contact (one created earlier in the batch, or a stored one, read once and
  locked); its points, blocking keys, lead, suggestions and outbox event (with the contact's
  document as it stood right after that lead) wait for `flush`, which writes them all in a
  few multi-row INSERTs at the end of the batch;
- an event with several leads goes through apply_lead itself, in a SAVEPOINT, after the
  pending rows are written.

An event whose lead cannot be landed gets its exception back and nothing of it is kept; the
others go on.

An import runs many batches; a `Memo` carries what they learnt from one to the next (the
contacts read or landed, their documents), so the next batch reads only what it has not seen.
It is checked against the outbox at every batch: any contact change anywhere writes an outbox
event, so a change made by someone else since the last batch drops what it touched (or, for a
merge, an undo or an erasure, everything).
"""
from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any, NamedTuple

from sqlalchemy import Connection, Table, bindparam, func, select, text, update
from sqlalchemy.orm import Session

from hub import dedupe
from hub.ids import uuid7
from hub.model import Contact, Decision, Lead
from hub.store.contacts import (HOT_KEY_LIMIT, MAX_CANDIDATES, candidates_by_id, load_candidates, members_of,
                                person_name, roots_of)
from hub.store.documents import build_document, lead_data
from hub.store.prefetch import key_rows, stored_refs
from hub.store.engine import lock_keys
from hub.store.repository import OUTBOX_LOCK, _absorb, _decision_record, apply_lead, pair_known
from hub.store.schema import (ContactPointRow, ContactRow, LeadRow, MatchKeyRow, MergeSuggestionRow,
                              OutboxRow, table_of)
from hub.store.sqlite_rows import Dumped, insert_rows, insert_rows_ids

log = logging.getLogger(__name__)
_CONTACT_COLUMNS = [c.key for c in ContactRow.__table__.columns]
_POINT_COLUMNS = ("contact_id", "kind", "value", "display", "data", "created_at")
# What a lead landing on a stored contact may change on its row (_absorb, version, updated_at).
_UPDATED_COLUMNS = ("name", "name_key", "family_name", "middle_name", "given_name", "name_is_personal",
                    "name_family_last", "province_code", "province_name", "version", "updated_at")
SQLITE_CACHE_KB = 65536  # page cache of a connection that ran an import batch (SQLite's default: 2 MB)
# WAL pages between checkpoints on a connection that ran an import batch (SQLite's default: 1000,
# 4 MB): at 20,000 rows, 0.09 ms of wall time per row in commits with 1000, 0.06 with 10,000.
SQLITE_CHECKPOINT_PAGES = 10_000
# Outbox events that change only the contact they name (apply_lead, enrichment); any other kind
# (merged, unmerged, erased) may change the contacts around it: the memo is then dropped.
_ONE_CONTACT_EVENTS = frozenset({"contact.created", "contact.updated"})


@dataclass
class _Group:
    """A contact the batch writes to: its row as it stands now (a namespace of its columns) and
    what its document shows.

    `stored` groups are in the database (their row is UPDATEd on flush); the others are new and
    INSERTed on flush.
    """

    row: Any
    stored: bool
    own_points: set[tuple[str, str]]  # its own (kind, value)s: apply_lead adds no point twice
    own_keys: set[str]  # its own blocking keys known so far (all of them when keys_known)
    points: list[Any] = field(default_factory=list)  # the document's, unique (kind, value), oldest first
    leads: list[Any] = field(default_factory=list)  # the document's (namespaces of the columns it shows)
    keys_known: bool = False  # own_keys holds every key of the contact (it was created by the batches)

    def document_point(self, point: Any) -> None:
        if all((p.kind, p.value) != (point.kind, point.value) for p in self.points):
            self.points.append(point)


class LeadForms(NamedTuple):
    """What the store makes of a lead whatever the store holds: a pure function of the lead
    (lead_forms), which a bulk import works out in its second process (hub.importer.feed).

    `as_text` forms carry the JSON the lead row's and the points' data are stored as (json.dumps,
    as SQLAlchemy's JSON type writes them) instead of the dicts: what crosses the pipe is then a
    string, not nested dicts to unpickle, and the importing process does not serialize them."""

    keys: list[str]  # dedupe.blocking_keys
    data: dict[str, Any] | str  # the lead row's data (documents.lead_data), or its JSON text
    points: list[tuple[str, str, str, dict[str, Any] | str]]  # (kind, value, display, data) as _add_points stores them
    consent: dict[str, Any] | None = None  # data["consent"], when data is text
    # The columns of a new contact made of the lead alone (new_contact_columns), when worked out
    # ahead (with as_text: most leads of an import are new people).
    contact: dict[str, Any] | None = None


def lead_forms(lead: Lead, as_text: bool = False) -> LeadForms:
    source = f"{lead.channel}:{lead.source_ref}"
    points = [("phone", p.e164, p.e164, asdict(p)) for p in lead.phones]
    points += [("email", e.key, e.address, asdict(e)) for e in lead.emails]
    points += [("identity", i.key, i.key, asdict(i)) for i in lead.identities]
    data = lead_data(lead)
    rows = [(kind, value, display, {**point, "source": source}) for kind, value, display, point in points]
    if not as_text:
        return LeadForms(dedupe.blocking_keys(lead), data, list(rows))
    return LeadForms(dedupe.blocking_keys(lead), json.dumps(data),
                     [(kind, value, display, json.dumps(point)) for kind, value, display, point in rows],
                     data["consent"], new_contact_columns(lead))


def new_contact_columns(lead: Lead) -> dict[str, Any]:
    """The columns of a contact made of this lead alone, but its id, version and times: what
    survivorship (_absorb) makes of the lead over an empty row."""
    row = SimpleNamespace(**dict.fromkeys(_CONTACT_COLUMNS))
    row.name_is_personal, row.name_family_last = True, False
    _absorb(row, lead)  # type: ignore[arg-type]  # a row of plain attributes, as a ContactRow's
    return vars(row)


def _stored(data: dict[str, Any] | str, on_sqlite: bool) -> Any:
    """A JSON column's value from LeadForms as the insert takes it (text: Dumped on SQLite)."""
    if not isinstance(data, str):
        return data
    return Dumped(data) if on_sqlite else json.loads(data)


@dataclass
class _Landed:
    """One lead landed in memory: what flush writes for it."""

    group: _Group
    lead_row: SimpleNamespace  # the LeadRow's fields a document shows; id set by flush
    values: dict[str, object]  # the lead row's columns
    event_type: str
    # The contact's document right after this lead: its columns, how many points, which leads.
    snapshot: tuple[SimpleNamespace, int, list[Any]]
    now: datetime


class Memo:
    """What the batches of one import know of the store, from one batch to the next.

    - `contacts`: dedupe's view of survivors read or landed by earlier batches (every one of
      them a survivor: a merge of contacts drops the memo);
    - `groups`: the documents of contacts earlier batches wrote to or read, as `_Group`s;
    - `keys`: blocking key -> every contact id indexed under it, for keys read or written (not
      hot ones: `hot`, which stay hot); `complete` while they are all the store has (an import
      into an empty store, nobody else writing): other keys are then not looked up;
    - `seq`: the outbox sequence number up to which they reflect the store;
    - `forms`: the LeadForms of the leads about to be applied, by lead object (id()), when the
      caller worked them out already.

    Only committed work may stay in it: the caller calls `forget()` when a batch's transaction
    fails. Bounded: the oldest entries go first (they are read again when needed).
    """

    def __init__(self, max_contacts: int = 100_000, max_groups: int = 20_000, max_keys: int = 600_000) -> None:
        self.contacts: dict[str, Contact] = {}
        self.groups: dict[str, _Group] = {}
        self.keys: dict[str, list[str]] = {}
        self.hot: set[str] = set()
        self.complete = False
        self.seq: int | None = None
        self.forms: dict[int, LeadForms] = {}
        self.max_contacts, self.max_groups, self.max_keys = max_contacts, max_groups, max_keys

    def forget(self) -> None:
        self.contacts, self.groups, self.keys, self.hot, self.seq = {}, {}, {}, set(), None
        self.complete = False

    def sync(self, session: Session) -> None:
        """Drop what outbox events written since `seq` say has changed."""
        outbox = table_of(OutboxRow).c
        if self.seq is None:
            self.forget()
            self.seq = session.execute(select(func.coalesce(func.max(outbox.seq), 0))).scalar_one()
            self.complete = session.execute(select(MatchKeyRow.key).limit(1)).first() is None
            return
        for seq, kind, contact_id in session.execute(select(outbox.seq, outbox.type, outbox.contact_id)
                                                     .where(outbox.seq > self.seq).order_by(outbox.seq)):
            if kind not in _ONE_CONTACT_EVENTS:
                self.forget()
            else:  # its keys may have changed too: which ones is not said
                self.contacts.pop(contact_id, None)
                self.groups.pop(contact_id, None)
                self.keys, self.complete = {}, False
            self.seq = seq

    def key_rows(self, session: Session, keys: set[str]) -> tuple[set[str], dict[str, list[str]]]:
        """prefetch.key_rows, reading only the keys not known yet (none when the memo has every key)."""
        # Membership tests key by key: `set - dict.keys()` would walk the whole memo every batch.
        known, hot_ones = self.keys, self.hot
        hot, found = (set(), {}) if self.complete else key_rows(
            session, {key for key in keys if key not in hot_ones and key not in known})
        hot_ones |= hot
        known.update(found)
        known.update((key, []) for key in keys if key not in hot_ones and key not in known)
        return hot | (keys & hot_ones), {key: list(known[key]) for key in keys if key in known}

    def indexed(self, rows: list[dict[str, str]]) -> None:
        """Key rows written: added to the keys known (a key past HOT_KEY_LIMIT becomes hot)."""
        for row in rows:
            ids = self.keys.get(row["key"])
            if ids is not None and row["contact_id"] not in ids:
                ids.append(row["contact_id"])
                if len(ids) > HOT_KEY_LIMIT:
                    del self.keys[row["key"]]
                    self.hot.add(row["key"])

    def trim(self) -> None:
        self.complete = self.complete and len(self.keys) <= self.max_keys
        for entries, limit in ((self.contacts, self.max_contacts), (self.groups, self.max_groups),
                               (self.keys, self.max_keys)):
            if len(entries) > limit:  # (listing the entries walks them all: only when over)
                for key in list(itertools.islice(entries, len(entries) - limit)):
                    del entries[key]


def apply_batch(session: Session, events: Sequence[tuple[int, Sequence[Lead]]],
                memo: Memo | None = None) -> dict[int, Exception | None]:
    """Store the leads of many events in the caller's transaction; event id -> None when its
    leads are stored, or the exception that undid that event's writes (the others are kept).

    `memo`: what earlier batches of the same import learnt; updated with this batch's work. The
    caller must `forget()` it when this transaction does not commit.
    """
    batch = _Batch(session, [lead for _, leads in events for lead in leads], memo)
    outcome: dict[int, Exception | None] = {}
    for event_id, leads in events:
        if len(leads) == 1:
            outcome[event_id] = batch.add(leads[0], event_id)
        else:
            outcome[event_id] = batch.apply_one_by_one(leads, event_id)
    batch.flush()
    batch.remember()
    return outcome


class _Batch:
    def __init__(self, session: Session, leads: list[Lead], memo: Memo | None = None) -> None:
        self.session = session
        self.memo = memo if memo is not None else Memo()
        self.tracked = memo is not None  # a memo outlives the batch: keep it in step with the outbox
        self.on_sqlite = session.get_bind().dialect.name == "sqlite"
        lock_keys(session, [f"{kind}:{value}" for lead in leads for kind, value in dedupe.strong_keys(lead)])
        if self.tracked:
            self.memo.sync(session)
            if session.get_bind().dialect.name == "sqlite":
                # An import batch dirties megabytes of pages: kept in memory to the commit rather
                # than spilled to the WAL on the way (the commit is as durable: synchronous=FULL).
                session.execute(text(f"PRAGMA cache_size=-{SQLITE_CACHE_KB}"))
                # And checkpointed every SQLITE_CHECKPOINT_PAGES of WAL instead of 1000: the pages
                # a batch rewrites (index pages above all) are copied to the database file, and
                # flushed, ten times less often. Every commit still flushes the WAL (synchronous=FULL).
                session.execute(text(f"PRAGMA wal_autocheckpoint={SQLITE_CHECKPOINT_PAGES}"))
        self.stored = stored_refs(session, leads)
        self.forms = {id(lead): self.memo.forms.get(id(lead)) or lead_forms(lead) for lead in leads}
        # Keys already hot in the database are skipped whatever the batch adds: not loaded.
        wanted = {key for forms in self.forms.values() for key in forms.keys}
        self.hot, self.by_key = self.memo.key_rows(session, wanted) if self.tracked else key_rows(session, wanted)
        self.contacts = self.memo.contacts  # every contact in it is a survivor
        unknown = {cid for ids in self.by_key.values() for cid in ids if cid not in self.contacts}
        self.roots = roots_of(session, unknown)
        self.contacts.update(candidates_by_id(session, set(self.roots.values()) - set(self.contacts)))
        self.new_by_key: dict[str, list[str]] = {}  # contacts given a key in this batch
        self.groups: dict[str, _Group] = {}
        self.landed: list[_Landed] = []
        self.points: list[dict[str, object]] = []
        self.keys: list[dict[str, str]] = []
        self.suggestions: list[dict[str, Any]] = []
        self.pairs: set[frozenset[str]] = set()  # suggestion pairs added by the batch
        self.done: dict[str, _Group] = {}  # groups written by flush
        self.written_keys: list[dict[str, str]] = []  # key rows written by flush

    def add(self, lead: Lead, event_id: int | None) -> Exception | None:
        """Land one lead in memory as apply_lead would; the exception when it cannot be."""
        ref = (lead.channel, lead.source_ref)
        if ref in self.stored:
            return None  # apply_lead: a lead already stored is a no-op
        try:
            forms = self.forms.get(id(lead)) or lead_forms(lead)
            keys = forms.keys
            decision = dedupe.decide(lead, self._candidates(keys))
            if decision.merged:  # other contacts merge with it: apply_lead logs that merge
                return self.apply_one_by_one([lead], event_id)
            now = datetime.now(timezone.utc)
            values = _lead_values(lead, _stored(forms.data, self.on_sqlite), decision, event_id, now)
            target = decision.contact_id if decision.action == "merge" else None
            group = self._target(target, keys) if target is not None else _new_group(lead, forms, now)
            suggestions = self._suggestions(group, decision, now)
        except Exception as exc:  # nothing of this lead was recorded; the batch goes on
            log.warning("event %s: lead not stored: %s", event_id, exc)
            return exc
        if target is not None:  # merged into it
            _absorb(group.row, lead)
            group.row.version += 1
            group.row.updated_at = now
        self._land(group, lead, forms, values, suggestions, now)
        self.stored.add(ref)
        return None

    def _candidates(self, keys: list[str]) -> list[Contact]:
        """What find_candidates would return now: per key, the contacts in id order (the
        order of the key index), a key shared by more than HOT_KEY_LIMIT skipped."""
        found: list[str] = []
        for key in keys:
            if key in self.hot:
                continue
            known = self.by_key.get(key, [])
            added = self.new_by_key.get(key, [])
            if len(known) + len(added) <= HOT_KEY_LIMIT:
                found.extend(self.roots.get(cid, cid) for cid in sorted(known + added))
        ordered = list(dict.fromkeys(found))[:MAX_CANDIDATES]
        return [self.contacts[cid] for cid in ordered]

    def _target(self, contact_id: str, keys: list[str]) -> _Group:
        """The contact a lead merges into, with its own keys among the lead's known."""
        group = (self.groups.get(contact_id) or self.done.pop(contact_id, None) or self._remembered(contact_id)
                 or self._load(contact_id))
        if not group.keys_known:
            group.own_keys.update(self.session.execute(
                select(MatchKeyRow.key).where(MatchKeyRow.contact_id == contact_id, MatchKeyRow.key.in_(keys))
            ).scalars())
        return group

    def _remembered(self, contact_id: str) -> _Group | None:
        """The memo's document of a stored contact, if the row still has the version it knows;
        the row is locked until commit either way, as the UPDATE of apply_lead would lock it."""
        group = self.memo.groups.pop(contact_id, None)
        if group is None:
            return None
        contacts = table_of(ContactRow).c
        version = self.session.execute(select(contacts.version).where(contacts.id == contact_id)
                                       .with_for_update()).scalar_one_or_none()
        if version != group.row.version:
            return None
        self.groups[contact_id] = group
        return group

    def _load(self, contact_id: str) -> _Group:
        """A stored contact the batch merges into: its row (locked until commit, as the
        UPDATE of apply_lead would lock it), its own points and its document's points and leads,
        as plain rows of the columns the document shows."""
        contacts, points_table, leads_table = (table_of(t).c for t in (ContactRow, ContactPointRow, LeadRow))
        found = self.session.execute(select(*contacts).where(contacts.id == contact_id).with_for_update()).one()
        row = SimpleNamespace(**found._asdict())
        members = members_of(self.session, [contact_id])[contact_id]
        points = self.session.execute(
            select(points_table.contact_id, points_table.kind, points_table.value, points_table.display)
            .where(points_table.contact_id.in_(members)).order_by(points_table.id)).all()
        leads = [SimpleNamespace(id=lead.id, channel=lead.channel, source_ref=lead.source_ref,
                                 captured_at=lead.captured_at, attribution=lead.attribution, data=_shown(lead.data))
                 for lead in self.session.execute(
                     select(leads_table.id, leads_table.channel, leads_table.source_ref, leads_table.captured_at,
                            leads_table.attribution, leads_table.data)
                     .where(leads_table.contact_id.in_(members))
                     .order_by(leads_table.captured_at, leads_table.id))]
        group = _Group(row, stored=True, own_keys=set(), leads=leads,
                       own_points={(p.kind, p.value) for p in points if p.contact_id == contact_id})
        for point in points:
            group.document_point(point)
        self.groups[contact_id] = group
        return group

    def _land(self, group: _Group, lead: Lead, forms: LeadForms, values: dict[str, object],
              suggestions: list[dict[str, Any]], now: datetime) -> None:
        """Record the lead's points, keys, lead row, suggestions and outbox event, as apply_lead
        adds them (nothing here can fail half-way: no database, no parsing)."""
        contact_id = group.row.id
        self.groups[contact_id] = group
        values["contact_id"] = contact_id
        keys = forms.keys
        for point in _new_points(contact_id, forms.points, now, group.own_points):
            row = {column: getattr(point, column) for column in _POINT_COLUMNS}
            row["data"] = _stored(point.data, self.on_sqlite)
            self.points.append(row)
            group.document_point(point)
        for key in sorted(set(keys) - group.own_keys):
            group.own_keys.add(key)
            self.keys.append({"key": key, "contact_id": contact_id})
            self.new_by_key.setdefault(key, []).append(contact_id)
        data = values["data"]  # the document reads only its consent (_shown)
        if isinstance(data, Dumped):
            data = {"consent": forms.consent} if forms.consent else {}
        lead_row = SimpleNamespace(id=None, channel=lead.channel, source_ref=lead.source_ref, data=data,
                                   captured_at=lead.captured_at.astimezone(timezone.utc),
                                   attribution=values["attribution"])
        group.leads.append(lead_row)
        self.suggestions += suggestions
        self.pairs.update(frozenset((s["contact_id"], s["candidate_id"])) for s in suggestions)
        columns = SimpleNamespace(**{column: getattr(group.row, column) for column in _CONTACT_COLUMNS})
        self.landed.append(_Landed(group, lead_row, values,
                                   "contact.updated" if group.row.version > 1 else "contact.created",
                                   (columns, len(group.points), list(group.leads)), now))
        self.contacts[contact_id] = _as_candidate(group)

    def _suggestions(self, group: _Group, decision: Decision, now: datetime) -> list[dict[str, Any]]:
        """The decision's pairs for ops review, except pairs already known (add_suggestions)."""
        contact_id, rows, pairs = group.row.id, [], set()
        for suggestion in decision.suggestions:
            pair = frozenset((contact_id, suggestion.contact_id))
            if (suggestion.contact_id == contact_id or pair in self.pairs or pair in pairs
                    or (group.stored and self._known(pair))):
                continue
            pairs.add(pair)
            rows.append({"contact_id": contact_id, "candidate_id": suggestion.contact_id, "score": suggestion.score,
                         "evidence": dict(suggestion.evidence), "status": "open", "created_at": now})
        return rows

    def _known(self, pair: frozenset[str]) -> bool:
        a, b = sorted(pair)
        return pair_known(self.session, a, b)

    def apply_one_by_one(self, leads: Sequence[Lead], event_id: int | None) -> Exception | None:
        self.flush()  # apply_lead must see what the batch did so far
        try:
            with self.session.begin_nested():
                touched = [(apply_lead(self.session, lead, event_id), lead) for lead in leads]
        except Exception as exc:  # this event's writes are undone; the batch goes on
            log.warning("event %s: lead not stored: %s", event_id, exc)
            return exc
        for applied, lead in touched:
            for gone in applied.merged:  # now a member of applied.contact_id's group
                self.contacts.pop(gone, None)
                self.roots.update({cid: applied.contact_id for cid, root in self.roots.items() if root == gone})
                self.roots[gone] = applied.contact_id
            self._reload(applied.contact_id, dedupe.blocking_keys(lead))
            self.stored.add((lead.channel, lead.source_ref))
        return None

    def _reload(self, contact_id: str, keys: list[str]) -> None:
        """apply_lead changed this contact: read it again and index it under the lead's keys."""
        root = roots_of(self.session, [contact_id])[contact_id]
        self.memo.groups.pop(root, None)
        self.done.pop(root, None)
        for key in keys:  # apply_lead indexed it under them
            self.memo.keys.pop(key, None)
        self.memo.complete = False
        self.contacts[root] = load_candidates(self.session, [root])[0]
        for key in keys:
            indexed = self.new_by_key.setdefault(key, [])
            if root not in indexed and root not in self.by_key.get(key, ()):
                indexed.append(root)

    def flush(self) -> None:
        """Write what the batch landed so far; later merges into these contacts read them again.

        Core multi-row INSERTs and UPDATEs on the session's connection: the ORM's bulk path
        costs more than the database here (as in hub.inbox).
        """
        landed, self.landed = self.landed, []
        groups, self.groups = self.groups, {}
        if not landed:
            return
        connection = self.session.connection()
        on_sqlite = connection.dialect.name == "sqlite"
        insert = insert_rows if on_sqlite else _insert
        created = [g.row for g in groups.values() if not g.stored]
        if created:
            insert(connection, table_of(ContactRow), [{k: getattr(row, k) for k in _CONTACT_COLUMNS} for row in created])
        updated = [g.row for g in groups.values() if g.stored]
        if updated:
            contacts = table_of(ContactRow)
            connection.execute(update(contacts).where(contacts.c.id == bindparam("contact_id"))
                               .values({k: bindparam(k) for k in _UPDATED_COLUMNS}),
                               [{"contact_id": row.id, **{k: getattr(row, k) for k in _UPDATED_COLUMNS}}
                                for row in updated])
        for table, rows in ((MatchKeyRow, self.keys), (ContactPointRow, self.points)):
            if rows:
                insert(connection, table_of(table), rows)
        self.written_keys += self.keys
        leads = table_of(LeadRow)
        if on_sqlite:
            lead_ids: Sequence[int | None] = insert_rows_ids(connection, leads, [item.values for item in landed])
        else:
            lead_ids = connection.execute(leads.insert().returning(leads.c.id, sort_by_parameter_order=True),
                                          [item.values for item in landed]).scalars().all()
        for item, lead_id in zip(landed, lead_ids):
            item.lead_row.id = lead_id
        if self.suggestions:
            insert(connection, table_of(MergeSuggestionRow), self.suggestions)
        self.points, self.keys, self.suggestions = [], [], []
        lock_keys(self.session, [OUTBOX_LOCK])
        if self.tracked:  # what others committed before the lock, while this batch ran
            self.memo.sync(self.session)
        insert(connection, table_of(OutboxRow), [_outbox_values(item) for item in landed])
        if self.tracked:  # the lock is held to the commit: nobody else's event comes before these
            outbox = table_of(OutboxRow).c
            self.memo.seq = self.session.execute(select(func.max(outbox.seq))).scalar_one()
        for group in groups.values():
            group.stored = True
            for lead in group.leads:  # the document keeps of a lead's data only what it shows
                lead.data = _shown(lead.data)
        self.done.update(groups)

    def remember(self) -> None:
        """Hand the contacts and keys this batch wrote to the memo."""
        self.memo.groups.update(self.done)
        self.memo.indexed(self.written_keys)
        self.memo.trim()


def _shown(data: dict[str, Any] | None) -> dict[str, Any]:
    """What a contact document reads of a lead's data (its consent: documents.consent_summary)."""
    consent = (data or {}).get("consent")
    return {"consent": consent} if consent else {}


def _outbox_values(item: _Landed) -> dict[str, object]:
    """The outbox event of a landed lead, carrying the document append_outbox would read."""
    columns, points, leads = item.snapshot
    document = build_document(columns, item.group.points[:points],  # type: ignore[arg-type]
                         sorted(leads, key=lambda lead: (lead.captured_at, lead.id)))
    return {"event_id": "evt_" + uuid7().replace("-", ""), "type": item.event_type,
            "contact_id": columns.id, "contact_version": columns.version, "payload": {"contact": document},
            "created_at": item.now}


def _new_group(lead: Lead, forms: LeadForms, now: datetime) -> _Group:
    """A new contact; its row is a plain namespace (an ORM object costs more to make than to store)."""
    row = SimpleNamespace(**(forms.contact if forms.contact is not None else new_contact_columns(lead)))
    row.id, row.attributes, row.version, row.created_at, row.updated_at = uuid7(), {}, 1, now, now
    return _Group(row, stored=False, own_points=set(), own_keys=set(), keys_known=True)


def _lead_values(lead: Lead, data: dict[str, Any], decision: Decision, event_id: int | None,
                 now: datetime) -> dict[str, object]:
    """The lead row's columns but its contact (as apply_lead inserts it)."""
    return {"raw_event_id": event_id, "contact_id": None, "channel": lead.channel, "source_ref": lead.source_ref,
            "captured_at": lead.captured_at, "data": data, "attribution": lead.attribution.as_dict(),
            "decision": _decision_record(decision), "created_at": now}


def _insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    connection.execute(table.insert(), rows)


def _new_points(contact_id: str, points: list[tuple[str, str, str, dict[str, Any] | str]], now: datetime,
                known: set[tuple[str, str]]) -> list[SimpleNamespace]:
    """The lead's phones, emails and identity (LeadForms.points) the contact does not have yet
    (as _add_points); `known` gets them."""
    rows = []
    for kind, value, display, data in points:
        if (kind, value) not in known:
            known.add((kind, value))
            rows.append(SimpleNamespace(contact_id=contact_id, kind=kind, value=value, display=display,
                                        data=data, created_at=now))
    return rows


def _as_candidate(group: _Group) -> Contact:
    """The contact as dedupe sees a stored one (load_candidates: points over its members)."""
    by_kind: dict[str, set[str]] = {"phone": set(), "email": set(), "identity": set()}
    for point in group.points:
        by_kind.setdefault(point.kind, set()).add(point.value)
    row = group.row
    return Contact(id=row.id, created_at=row.created_at, name=person_name(row), phones=frozenset(by_kind["phone"]),
                   emails=frozenset(by_kind["email"]), identities=frozenset(by_kind["identity"]),
                   province_code=row.province_code)
