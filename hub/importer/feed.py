"""The rows of a file made ready for the pipeline, a chunk at a time: read, turned into the raw
events the inbox stores, and prepared (parsed and normalized: hub.pipeline.prepare).

All of it depends on the file alone, so for a big file it runs in a second process while the
importing process stores the chunks before (it then only stores and decides: the machine's
second core does the rest). The first message is the file's `Header` (or its `Failed`), then
`Chunk`s in file order, then `End`.

Delivery key (what makes a re-import add nothing): `id:<value>` when the file has an id column
(ID, Mã KH...), else `row:<digest of the row's cells>` (hub.connectors.import_row.delivery_key):
the decoded cells, not the bytes, so the same file imported again, saved again by Excel, or
exported again with rows added, removed or reordered, is recognised row by row.
"""
from __future__ import annotations

import itertools
import json
import logging
import os
import pickle
import queue as queues
import signal
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, NamedTuple

from hub.config import Settings
from hub.connectors.import_row import delivery_key, row_digest
from hub.importer.columns import resolve
from hub.importer.read import read_table
from hub.model import RawEvent
from hub.pipeline import Prepared, prepare
from hub.store.bulk import LeadForms, lead_forms

log = logging.getLogger(__name__)
# Files at least this big are read and prepared in a second process (when there is a second
# core): below, starting it (a new interpreter) costs more than it saves.
PARALLEL_BYTES = 512 * 1024
AHEAD = 3  # chunks the second process may prepare ahead of the one being stored


class Header(NamedTuple):
    name: str
    headers: tuple[str, ...]
    encoding: str
    fields: dict[str, str]
    rows: int  # data rows in the file


class Row(NamedTuple):
    number: int  # as the spreadsheet numbers it
    cells: tuple[str, ...]  # () for an empty row (not stored)
    key: str  # the raw event's delivery key
    body: bytes  # the raw event's body
    prepared: Prepared | None
    forms: list[LeadForms] | None = None  # of the prepared leads (hub.store.bulk.lead_forms)


class Chunk(NamedTuple):
    received_at: datetime  # the raw events' receive time (prepare() saw this one)
    rows: list[Row]


class End(NamedTuple):
    cpu_seconds: float  # CPU time of the second process (0 when there is none)


class Failed(NamedTuple):
    error: BaseException  # UnreadableFile, ColumnError, or a RuntimeError with the traceback


def messages(path: Path, mapping: Mapping[str, str] | None, settings: Settings, chunk: int
             ) -> Iterator[Header | Chunk]:
    """The Header, then the Chunks. Raises UnreadableFile or ColumnError before the Header."""
    table = read_table(path)
    fields = resolve(table.headers, mapping)
    yield Header(table.name, table.headers, table.encoding, fields, len(table.rows))
    for start in range(0, len(table.rows), chunk):
        now = datetime.now(timezone.utc)
        rows = []
        for number, cells in table.rows[start:start + chunk]:
            if not cells:
                rows.append(Row(number, cells, "", b"", None))
                continue
            named = by_header(table.headers, cells)
            body = {"file": table.name, "row": number, "digest": row_digest(named), "cells": named, "fields": fields}
            key = delivery_key(body)
            data = json.dumps(body, ensure_ascii=False).encode()
            event = RawEvent(id=0, channel="import", delivery_key=key, route="", headers={}, body=data,
                             received_at=now)
            prepared = prepare(event, settings)
            forms = [lead_forms(lead, as_text=True) for lead in prepared[1]] if prepared[0] == "leads" else None
            rows.append(Row(number, cells, key, data, prepared, forms))
        yield Chunk(now, rows)


def by_header(headers: tuple[str, ...], cells: tuple[str, ...]) -> dict[str, str]:
    """Cells by header; cells past the last header get "Cột N" headers."""
    named = {h: cells[i] if i < len(cells) else "" for i, h in enumerate(headers)}
    named.update({f"Cột {i + 1}": cells[i] for i in range(len(headers), len(cells)) if cells[i]})
    return named


class Feed:
    """messages() of a file, from a second process for a big file (a context manager: leaving
    it, normally or not, e.g. on Ctrl-C, stops that process).

    The second process is a new interpreter (never a fork: the caller may run threads, and
    multiprocessing's spawn would run the caller's main script again) that sends the messages
    pickled on its stdout; a thread here reads them AHEAD chunks in advance.
    """

    def __init__(self, path: Path, mapping: Mapping[str, str] | None, settings: Settings, chunk: int,
                 parallel: bool | None = None) -> None:
        if parallel is None:
            parallel = (os.cpu_count() or 1) > 1 and _size(path) >= PARALLEL_BYTES
        self.process: subprocess.Popen[bytes] | None = None
        if not parallel:
            self.iterator: Iterator[Header | Chunk | End] = itertools.chain(
                messages(path, mapping, settings, chunk), [End(0.0)])
            return
        env = {**os.environ, "HUB_IMPORT_SYS_PATH": json.dumps(sys.path)}
        self.process = subprocess.Popen([sys.executable, "-c", _BOOT], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=env)
        assert self.process.stdin is not None
        try:
            pickle.dump((path, mapping, settings, chunk), self.process.stdin)
            self.process.stdin.close()
        except OSError:
            pass  # it died at once: _received says so
        self.received: queues.Queue[bytes | None] = queues.Queue(maxsize=AHEAD)
        self.reader = threading.Thread(target=self._read, name="hub-import-reader", daemon=True)
        self.reader.start()
        self.iterator = self._received()

    def __enter__(self) -> Feed:
        return self

    def __iter__(self) -> Iterator[Header | Chunk | End]:
        return self.iterator

    def _read(self) -> None:
        """The thread: each message's pickled bytes into self.received, then None at the end.

        Read whole (one read, the GIL released while it waits) and unpickled by the importing
        thread: unpickling here, from the pipe a few bytes at a time, had the two threads
        trading the GIL all along."""
        assert self.process is not None and self.process.stdout is not None
        stdout = self.process.stdout
        try:
            while True:
                head = stdout.read(_FRAME.size)
                if len(head) < _FRAME.size:
                    break
                (size,) = _FRAME.unpack(head)
                frame = stdout.read(size)
                if len(frame) < size:
                    break
                self.received.put(frame)
        except OSError:
            pass
        self.received.put(None)

    def _received(self) -> Iterator[Header | Chunk | End]:
        assert self.process is not None
        while True:
            frame = self.received.get()
            try:
                message = pickle.loads(frame) if frame is not None else None
            except pickle.UnpicklingError:
                message = None
            if message is None:
                raise RuntimeError(f"the process reading the file stopped (exit code {self.process.wait()})")
            if isinstance(message, Failed):
                raise message.error
            yield message  # type: ignore[misc]
            if isinstance(message, End):
                return

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        assert self.process.stdout is not None
        self.process.stdout.close()


# The second process's program: hub importable as it is here, then serve().
_BOOT = ("import json, os, sys; sys.path[:] = json.loads(os.environ['HUB_IMPORT_SYS_PATH']); "
         "from hub.importer.feed import serve; serve()")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read_table says what is wrong with it


def serve() -> None:
    """The second process: reads its arguments on stdin, writes the messages on stdout."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the importing process to handle
    from hub.importer.columns import ColumnError
    from hub.importer.read import UnreadableFile

    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, not into the messages
    path, mapping, settings, chunk = pickle.load(sys.stdin.buffer)
    message: Header | Chunk | End | Failed
    try:
        try:
            for message in messages(path, mapping, settings, chunk):
                _send(out, message)
            message = End(time.process_time())
        except (UnreadableFile, ColumnError) as exc:
            message = Failed(exc)
        except Exception:  # noqa: BLE001  (the importing process reports it)
            message = Failed(RuntimeError(f"reading {path.name} failed:\n{traceback.format_exc()}"))
        _send(out, message)
        out.flush()
    except BrokenPipeError:  # the importing process is gone
        pass


_FRAME = struct.Struct("<Q")  # each message on the pipe: its pickle's length, then the pickle


def _send(out: BinaryIO, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_FRAME.pack(len(data)))
    out.write(data)
