"""Bulk import of a CSV / XLSX file of leads: `import_file(hub, path)`.

Each row becomes a raw event of channel `import` in the inbox, exactly like a webhook delivery,
and goes through the same pipeline (connector hub.connectors.import_row, normalize, dedupe,
store). Rows are stored CHUNK rows per transaction and processed a chunk per transaction
(hub.pipeline.run_batch), inline, so an import works with or without a worker running.

Delivery key (what makes a re-import add nothing): `id:<value>` when the file has an id column
(ID, Mã KH...), else `<content digest>#<row>` where the digest covers the decoded cells, not the
bytes: the same file imported again, or saved again by Excel, is recognised row by row.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from hub import inbox, pipeline
from hub.connectors.import_row import row_id
from hub.importer.columns import ColumnError, load_mapping, resolve
from hub.importer.read import Table, UnreadableFile, read_table
from hub.importer.report import Reject, write_report
from hub.runtime import Hub
from hub.store.bulk import Memo
from hub.store.schema import RawEventRow

__all__ = ["ColumnError", "ImportResult", "UnreadableFile", "import_file", "load_mapping"]
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

    def summary(self) -> str:
        line = (f"{self.read} dòng đọc / rows read, {self.imported} nhập / imported, "
                f"{self.duplicates} trùng bỏ qua / duplicates skipped, {self.rejected} bị từ chối / rejected")
        return line + (f", {self.pending} chờ thử lại / pending retry" if self.pending else "")


def import_file(hub: Hub, path: Path, mapping: Mapping[str, str] | None = None,
                progress: Progress | None = None, report: Path | None = None) -> ImportResult:
    """Import every row of the file; the rejected rows, with reasons, go to the report
    (default `<file>.rejects.csv`).

    Raises UnreadableFile or ColumnError (nothing stored) when the file or its columns cannot
    be used; a bad row never stops the import.
    """
    table = read_table(path)
    fields = resolve(table.headers, mapping)
    result = ImportResult(file=table.name, read=len(table.rows), encoding=table.encoding, columns=fields)
    rejects: list[Reject] = []
    digest = table.digest
    memo = Memo()  # what each batch learns of the store, for the next ones
    for start in range(0, len(table.rows), CHUNK):
        chunk = table.rows[start:start + CHUNK]
        _import_chunk(hub, table, fields, digest, chunk, result, rejects, memo)
        if progress is not None:
            progress(start + len(chunk), len(table.rows))
    result.rejected = len(rejects)
    result.report = write_report(report or path.with_name(path.name + ".rejects.csv"), table.headers, rejects)
    return result


def _import_chunk(hub: Hub, table: Table, fields: dict[str, str], digest: str,
                  chunk: list[tuple[int, tuple[str, ...]]], result: ImportResult, rejects: list[Reject],
                  memo: Memo) -> None:
    items, numbers = [], []
    for number, cells in chunk:
        if not cells:
            rejects.append(Reject(number, EMPTY_ROW, cells))
            continue
        body = {"file": table.name, "row": number, "digest": digest,
                "cells": _by_header(table.headers, cells), "fields": fields}
        external_id = row_id(body)
        key = f"id:{external_id}" if external_id else f"{digest}#{number}"
        items.append(inbox.Item(channel="import", delivery_key=key, route="",
                                body=json.dumps(body, ensure_ascii=False).encode(), headers={}))
        numbers.append((number, cells))
    if not items:
        return
    accepted = inbox.put_batch(hub.store, items, delivery=None, queue=hub.settings.queue)
    new = list(dict.fromkeys(a.event_id for a in accepted if not a.duplicate))
    size = BATCH["postgresql" if hub.store.is_postgres else "sqlite"]
    for start in range(0, len(new), size):
        pipeline.run_batch(hub, new[start:start + size], memo)
    outcomes = _outcomes(hub, [a.event_id for a in accepted])
    seen: set[int] = set()
    for (number, cells), answer in zip(numbers, accepted):
        status, error = outcomes[answer.event_id]
        first_time = not answer.duplicate and answer.event_id not in seen
        seen.add(answer.event_id)
        if status in ("ignored", "failed"):
            rejects.append(Reject(number, _reason(error), cells))
        elif not first_time:
            result.duplicates += 1
        elif status == "done":
            result.imported += 1
        else:
            result.pending += 1


def _by_header(headers: tuple[str, ...], cells: tuple[str, ...]) -> dict[str, str]:
    """Cells by header; cells past the last header get "Cột N" headers."""
    named = {h: cells[i] if i < len(cells) else "" for i, h in enumerate(headers)}
    named.update({f"Cột {i + 1}": cells[i] for i in range(len(headers), len(cells)) if cells[i]})
    return named


def _outcomes(hub: Hub, event_ids: list[int]) -> dict[int, tuple[str, str | None]]:
    with hub.store.sessions() as session:
        rows = session.execute(select(RawEventRow.id, RawEventRow.status, RawEventRow.last_error)
                               .where(RawEventRow.id.in_(set(event_ids))))
        return {event_id: (status, error) for event_id, status, error in rows}


def _reason(error: str | None) -> str:
    """The stored error without its exception name ("IgnoreEvent: ...")."""
    text = error or "lỗi không rõ / unknown error"
    name, _, rest = text.partition(": ")
    return rest if rest and name.isidentifier() else text
