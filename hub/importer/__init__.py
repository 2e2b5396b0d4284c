"""Bulk import of a CSV / XLSX file of leads: `import_file(hub, path)`.

Each row becomes a raw event of channel `import` in the inbox, exactly like a webhook delivery,
and goes through the same pipeline (connector hub.connectors.import_row, normalize, dedupe,
store), inline, so an import works with or without a worker running. On SQLite a chunk of CHUNK
rows is stored and processed in one transaction (_store_and_process: one commit a chunk); on
PostgreSQL the chunk's raw events are committed, then processed BATCH rows per transaction
(hub.pipeline.run_batch).

Reading the file and preparing its rows (hub.importer.feed: raw events, parsing, normalizing)
depends on the file alone: for a big file a second process does it, a few chunks ahead, while
this one stores and decides. The delivery keys that make a re-import add nothing are described
there.
"""
from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from hub import inbox, pipeline
from hub.importer.columns import ColumnError, load_mapping
from hub.importer.feed import Chunk, End, Feed, Header, Row
from hub.importer.read import UnreadableFile
from hub.importer.report import Reject, write_report
from hub.pipeline import Prepared
from hub.runtime import Hub
from hub.store.bulk import Memo
from hub.store.schema import RawEventRow

__all__ = ["ColumnError", "ImportResult", "UnreadableFile", "import_file", "load_mapping"]
log = logging.getLogger(__name__)
CHUNK = 500  # rows stored per transaction
# Rows processed per transaction: PostgreSQL holds an advisory lock per phone / email of the batch
# until commit, and its lock table is shared by every connection.
BATCH = {"sqlite": 500, "postgresql": 100}
EMPTY_ROW = "dòng trống / empty row"
Progress = Callable[[int, int], None]  # (rows done, rows in the file)


@dataclass
class ImportResult:
    file: str
    read: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    pending: int = 0  # failed for a transient reason: retried by the sweeper / a worker
    report: Path | None = None
    encoding: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    reader_cpu_seconds: float = 0.0  # CPU time of the process that read and prepared the rows, if any

    def summary(self) -> str:
        line = (f"{self.read} dòng đọc / rows read, {self.imported} nhập / imported, "
                f"{self.duplicates} trùng bỏ qua / duplicates skipped, {self.rejected} bị từ chối / rejected")
        return line + (f", {self.pending} chờ thử lại / pending retry" if self.pending else "")


def import_file(hub: Hub, path: Path, mapping: Mapping[str, str] | None = None,
                progress: Progress | None = None, report: Path | None = None,
                parallel: bool | None = None) -> ImportResult:
    """Import every row of the file; the rejected rows, with reasons, go to the report
    (default `<file>.rejects.csv`).

    Raises UnreadableFile or ColumnError (nothing stored) when the file or its columns cannot
    be used; a bad row never stops the import. `parallel`: read and prepare the rows in a
    second process (default: for a big file, on a machine with a second core).
    """
    rejects: list[Reject] = []
    memo = Memo()  # what each batch learns of the store, for the next ones
    with _few_full_collections(), Feed(path, mapping, hub.settings, CHUNK, parallel) as feed:
        messages = iter(feed)
        header = next(messages)
        assert isinstance(header, Header)
        result = ImportResult(file=header.name, read=header.rows, encoding=header.encoding, columns=header.fields)
        done = 0
        for message in messages:
            if isinstance(message, End):
                result.reader_cpu_seconds = message.cpu_seconds
                break
            assert isinstance(message, Chunk)
            _import_chunk(hub, message, result, rejects, memo)
            done += len(message.rows)
            if progress is not None:
                progress(done, header.rows)
    result.rejected = len(rejects)
    result.report = write_report(report or path.with_name(path.name + ".rejects.csv"), header.headers, rejects)
    return result


# While an import runs, Python's cycle collector goes through the whole heap (the memo's hundred
# thousand contacts, documents and keys included) once every FULL_COLLECTION_EVERY collections of
# the middle generation instead of every 10: at 100,000 rows the full collections were 0.3 ms of
# CPU per row, a third of the import, and found next to nothing (the import's garbage is freed as
# soon as it is dropped: it makes next to no reference cycles). The young generation is collected
# every YOUNG_COLLECTION_EVERY allocations instead of 700: what a batch keeps (the memo's entries)
# is gone through once per collection of each generation whatever the thresholds, but the short-
# lived objects of a lead are mostly freed before a collection sees them; with 700, a 20,000-row
# import spent 0.05 ms of CPU per row in collections, 0.035 with 50,000 (a loaded machine).
FULL_COLLECTION_EVERY = 1000
YOUNG_COLLECTION_EVERY = 50_000
_collector_lock = threading.Lock()
_imports_running = 0
_thresholds_before = (700, 10, 10)


@contextmanager
def _few_full_collections() -> Iterator[None]:
    global _imports_running, _thresholds_before
    with _collector_lock:
        if _imports_running == 0:
            _thresholds_before = young, middle, old = gc.get_threshold()
            gc.set_threshold(max(young, YOUNG_COLLECTION_EVERY) if young else 0, middle, max(old, FULL_COLLECTION_EVERY))
        _imports_running += 1
    try:
        yield
    finally:
        with _collector_lock:
            _imports_running -= 1
            if _imports_running == 0:
                gc.set_threshold(*_thresholds_before)


def _import_chunk(hub: Hub, chunk: Chunk, result: ImportResult, rejects: list[Reject], memo: Memo) -> None:
    rows: list[Row] = []
    for row in chunk.rows:
        if row.cells:
            rows.append(row)
        else:
            rejects.append(Reject(row.number, EMPTY_ROW, row.cells))
    if not rows:
        return
    items = [inbox.Item(channel="import", delivery_key=row.key, route="", body=row.body, headers={}) for row in rows]
    size = BATCH["postgresql" if hub.store.is_postgres else "sqlite"]
    memo.forms = {id(lead): forms for row in rows if row.forms is not None
                  for lead, forms in zip(row.prepared[1], row.forms)}  # type: ignore[index]
    try:
        if hub.store.is_postgres:
            accepted = inbox.put_batch(hub.store, items, delivery=None, queue=hub.settings.queue, now=chunk.received_at)
            prepared = _prepared(accepted, rows)
            ids = list(prepared)
            statuses: dict[int, str] = {}
            for start in range(0, len(ids), size):
                statuses.update(pipeline.run_batch(hub, ids[start:start + size], memo, prepared))
        else:
            accepted, prepared, statuses = _store_and_process(hub, items, rows, chunk.received_at, memo, size)
        # Stored by an earlier import of the file that stopped before processing them: done now,
        # from their stored bytes (a --map may have made them other than this import's).
        stranded = _pending(hub, {a.event_id for a in accepted if a.duplicate} - set(prepared))
        for start in range(0, len(stranded), size):
            statuses.update(pipeline.run_batch(hub, stranded[start:start + size], memo, None))
    finally:
        memo.forms = {}
    again = set(stranded)
    outcomes = _outcomes(hub, [a.event_id for a in accepted if statuses.get(a.event_id) != "done"])
    seen: set[int] = set()
    for row, answer in zip(rows, accepted):
        status, error = outcomes.get(answer.event_id, ("done", None))
        first_time = (not answer.duplicate or answer.event_id in again) and answer.event_id not in seen
        seen.add(answer.event_id)
        if status in ("ignored", "failed"):
            rejects.append(Reject(row.number, _reason(error), row.cells))
        elif not first_time:
            result.duplicates += 1
        elif status == "done":
            result.imported += 1
        else:
            result.pending += 1


def _prepared(accepted: list[inbox.Accepted], rows: list[Row]) -> dict[int, Prepared]:
    """What the second process made of each row stored now (not of one stored before)."""
    return {a.event_id: row.prepared for a, row in zip(accepted, rows) if not a.duplicate}  # type: ignore[misc]


def _store_and_process(hub: Hub, items: list[inbox.Item], rows: list[Row], now: datetime, memo: Memo, size: int
                       ) -> tuple[list[inbox.Accepted], dict[int, Prepared], dict[int, str]]:
    """SQLite: the chunk's raw events stored and processed in one transaction, one commit (with
    synchronous=FULL, a disk flush each) instead of two. A crash keeps all of the chunk or none
    of it: an import run again stores and processes what is not stored, and adds nothing twice.
    A batch that fails is rolled back to its savepoint; the raw events are committed, and each
    of its events then goes through run() on its own, as run_batch() does."""
    again: list[int] = []
    try:
        with hub.store.transaction() as session:
            accepted = inbox.put_batch_in(session, items, queue=hub.settings.queue, now=now)
            prepared = _prepared(accepted, rows)
            ids = list(prepared)
            statuses: dict[int, str] = {}
            for start in range(0, len(ids), size):
                batch = ids[start:start + size]
                try:
                    with session.begin_nested():
                        done, left = pipeline.process_batch_in(hub, session, batch, memo, prepared)
                except Exception:  # nothing of the batch was written; each event gets its own chance
                    log.exception("batch of %d events failed; processing them one by one", len(batch))
                    memo.forget()  # it may hold what the rolled-back savepoint did
                    done, left = {}, batch
                statuses.update(done)
                again += left
    except BaseException:
        memo.forget()  # nothing of the transaction was committed
        raise
    for event_id in again:
        statuses[event_id] = pipeline.run(hub, event_id)
    return accepted, prepared, statuses


def _pending(hub: Hub, event_ids: set[int]) -> list[int]:
    if not event_ids:
        return []
    with hub.store.sessions() as session:
        return sorted(session.execute(select(RawEventRow.id).where(RawEventRow.id.in_(event_ids),
                                                                   RawEventRow.status == "pending")).scalars())


def _outcomes(hub: Hub, event_ids: list[int]) -> dict[int, tuple[str, str | None]]:
    if not event_ids:
        return {}
    with hub.store.sessions() as session:
        rows = session.execute(select(RawEventRow.id, RawEventRow.status, RawEventRow.last_error)
                               .where(RawEventRow.id.in_(set(event_ids))))
        return {event_id: (status, error) for event_id, status, error in rows}


def _reason(error: str | None) -> str:
    """The stored error without its exception name ("IgnoreEvent: ...")."""
    text = error or "lỗi không rõ / unknown error"
    name, _, rest = text.partition(": ")
    return rest if rest and name.isidentifier() else text
