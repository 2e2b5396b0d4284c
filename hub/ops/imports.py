"""Imports started from the console: the upload, a background thread, progress in hub_state.

The import runs in a thread of the process serving the console (embedded or `ops` role), not
as an RQ job: hub.queue carries inbox ids only, and hub.importer.import_file already processes
rows inline (no worker needed). Progress goes to hub_state under `import:<id>` (JSON), so any
process behind the load balancer can show it. A process that dies mid-import leaves a state
that stops moving; after STALE it is shown as interrupted. Importing the same file again adds
nothing, so the remedy is to upload it again.

The uploaded spreadsheet is personal data the inbox already holds row by row (each row is a
raw event), so it is deleted as soon as its import ends, whatever the outcome; the rejects
report stays for ops to download until `hub purge` removes import folders older than its cutoff.
"""
from __future__ import annotations

import json
import logging
import shutil
import threading
import time
import unicodedata
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hub.ops import audit
from hub.runtime import Hub
from hub.store.schema import HubStateRow
from hub.store.state import write_state

log = logging.getLogger(__name__)
PREFIX = "import:"
EXTENSIONS = (".csv", ".xlsx")
STALE = timedelta(minutes=15)
RECENT = 20


def folder(hub: Hub) -> Path:
    path = Path(hub.settings.ops.import_dir).resolve()  # absolute: send_file reads relative paths from the app root
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_id() -> str:
    return uuid.uuid4().hex


def safe_name(name: str) -> str | None:
    """The uploaded file's own name, kept (it becomes the leads' source `import:<name>`) but
    made safe as a path: letters (Vietnamese too), digits, space, - _ . only. None if unusable."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    cleaned = "".join(c if c.isalnum() or c in " -_." else "_" for c in base)[-120:].lstrip(". ")
    return cleaned if cleaned.lower().endswith(EXTENSIONS) and len(cleaned) > 5 else None


def upload_path(hub: Hub, import_id: str, file_name: str) -> Path:
    """var/imports/<id>/<file name>: each upload in its own folder."""
    path = folder(hub) / import_id
    path.mkdir(exist_ok=True)
    return path / file_name


def report_path(hub: Hub, import_id: str, file_name: str) -> Path:
    return folder(hub) / import_id / f"{file_name}.rejects.csv"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def save(hub: Hub, import_id: str, state: dict[str, Any]) -> None:
    now = _now()
    with hub.store.transaction() as session:
        write_state(session, PREFIX + import_id, json.dumps({**state, "updated_at": now.isoformat()},
                                                            ensure_ascii=False), now)


def get(hub: Hub, import_id: str) -> dict[str, Any] | None:
    if len(import_id) != 32 or not import_id.isalnum():
        return None
    with hub.store.sessions() as session:
        row = session.get(HubStateRow, PREFIX + import_id)
        return _state(row) if row is not None else None


def recent(hub: Hub) -> list[dict[str, Any]]:
    with hub.store.sessions() as session:
        rows = session.execute(select(HubStateRow).where(HubStateRow.key.startswith(PREFIX))
                               .order_by(HubStateRow.updated_at.desc()).limit(RECENT)).scalars()
        return [_state(r) for r in rows]


def _state(row: HubStateRow) -> dict[str, Any]:
    state = json.loads(row.value)
    updated = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=timezone.utc)
    if state.get("status") == "running" and _now() - updated > STALE:
        state["status"] = "interrupted"
    return state


def start(hub: Hub, import_id: str, path: Path, file_name: str, actor: str, ip: str) -> dict[str, Any]:
    """Record the import as running and start its thread."""
    state = {"id": import_id, "file": file_name, "actor": actor, "status": "running", "done": 0, "total": None,
             "rate": 0.0, "rejected": None, "imported": None, "duplicates": None, "pending": None,
             "error": None, "report": False, "started_at": _now().isoformat(), "finished_at": None}
    save(hub, import_id, state)
    threading.Thread(target=run, args=(hub, import_id, path, state, actor, ip), name=f"import-{import_id[:8]}",
                     daemon=True).start()
    return state


def run(hub: Hub, import_id: str, path: Path, state: dict[str, Any], actor: str, ip: str) -> None:
    """The thread: import the file, keeping hub_state up to date; never raises."""
    from hub.importer import ColumnError, UnreadableFile, import_file

    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        state.update(done=done, total=total, rate=round(done / max(time.monotonic() - started, 1e-6), 1))
        save(hub, import_id, state)

    try:
        result = import_file(hub, path, progress=progress, report=report_path(hub, import_id, state["file"]))
    except (UnreadableFile, ColumnError) as exc:
        state.update(status="failed", error=str(exc))
    except OSError as exc:
        state.update(status="failed", error=f"không ghi được báo cáo / cannot write the report: {exc}")
    except Exception as exc:  # noqa: BLE001  (the thread must record the failure, not die silently)
        log.exception("import %s failed", import_id)
        state.update(status="failed", error=f"lỗi không mong đợi / unexpected error: {type(exc).__name__}")
    else:
        state.update(status="done", done=result.read, total=result.read, imported=result.imported,
                     duplicates=result.duplicates, rejected=result.rejected, pending=result.pending,
                     report=result.rejected > 0,
                     rate=round(result.read / max(time.monotonic() - started, 1e-6), 1))
    state["finished_at"] = _now().isoformat()
    try:
        path.unlink(missing_ok=True)  # the rows are in the inbox now (see the module's doc)
    except OSError as exc:
        log.warning("import %s: cannot delete the uploaded file: %s", import_id, exc)
    try:
        save(hub, import_id, state)
        with hub.store.transaction() as session:
            audit.record(session, actor, f"import.{state['status']}", f"import:{import_id}",
                         {k: state[k] for k in ("file", "total", "imported", "duplicates", "rejected", "error")}, ip)
    except Exception:  # noqa: BLE001
        log.exception("import %s: cannot record its outcome", import_id)


def old_folders(hub: Hub, cutoff: datetime) -> list[Path]:
    """Import folders (upload and rejects report) untouched since before `cutoff`."""
    root = Path(hub.settings.ops.import_dir)
    if not root.is_dir():
        return []
    found = []
    for entry in root.iterdir():
        if not entry.is_dir() or len(entry.name) != 32 or not entry.name.isalnum():
            continue  # not one of ours: left alone
        try:
            newest = max([entry.stat().st_mtime, *(f.stat().st_mtime for f in entry.iterdir())])
        except FileNotFoundError:  # an import ending right now deleted its upload: not old
            continue
        if datetime.fromtimestamp(newest, timezone.utc) < cutoff:
            found.append(entry)
    return found


def purge_folders(hub: Hub, cutoff: datetime) -> int:
    """Delete the import folders untouched since before `cutoff` (part of `hub purge`)."""
    folders = old_folders(hub, cutoff)
    for entry in folders:
        shutil.rmtree(entry, ignore_errors=True)
    return len(folders)
