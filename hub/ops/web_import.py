"""The Import page (ops and admin): upload a .csv / .xlsx, follow its progress, get the rejects report.

The import itself runs in a thread of this process (hub.ops.imports explains why); its progress
is in hub_state, read here as JSON by a small poller in ops.js.
"""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from hub.ops import imports
from hub.ops.i18n import gettext as _
from hub.ops.web import actor, bp, client_ip, hub, record, requires

UPLOAD_ENDPOINT = "ops.import_upload"


def _max_bytes() -> int:
    return int(hub().settings.ops.import_max_upload_mb * 1024 * 1024)


@bp.before_app_request
def _upload_limit() -> None:
    """The upload may be larger than the app's MAX_CONTENT_LENGTH (sized for webhooks); this
    runs before the console's guard reads the form for its CSRF token."""
    if request.endpoint == UPLOAD_ENDPOINT and request.method == "POST":
        request.max_content_length = _max_bytes()


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge) -> tuple[str, int]:
    limit = hub().settings.ops.import_max_upload_mb if request.endpoint == UPLOAD_ENDPOINT else \
        current_app.config["MAX_CONTENT_LENGTH"] / 1024 / 1024
    return render_template("ops/error.html", code=413,
                           message=_("The file is too large (at most {mb} MB).", mb=f"{limit:g}")), 413


@bp.get("/import")
@requires("ops")
def import_page() -> Any:
    return render_template("ops/import.html", recent=imports.recent(hub()),
                           max_mb=hub().settings.ops.import_max_upload_mb)


@bp.post("/import")
@requires("ops")
def import_upload() -> Any:
    upload = request.files.get("file")
    name = imports.safe_name(upload.filename or "") if upload is not None else None
    if upload is None or not upload.filename:
        return _refuse(_("Choose a .csv or .xlsx file."))
    if name is None:
        return _refuse(_("Only .csv and .xlsx files can be imported."))
    import_id = imports.new_id()
    path = imports.upload_path(hub(), import_id, name)
    upload.save(path)
    if path.stat().st_size == 0:
        path.unlink()
        path.parent.rmdir()
        return _refuse(_("The file is empty."))
    with hub().store.transaction() as session:
        record(session, "import.start", f"import:{import_id}", file=name, bytes=path.stat().st_size)
    imports.start(hub(), import_id, path, name, actor(), client_ip())
    return redirect(url_for("ops.import_progress", import_id=import_id))


def _refuse(message: str) -> tuple[str, int]:
    flash(message, "error")
    return render_template("ops/import.html", recent=imports.recent(hub()),
                           max_mb=hub().settings.ops.import_max_upload_mb), 422


def _state(import_id: str) -> dict[str, Any]:
    state = imports.get(hub(), import_id)
    if state is None:
        abort(404)
    return state


@bp.get("/import/<import_id>")
@requires("ops")
def import_progress(import_id: str) -> Any:
    return render_template("ops/import_progress.html", s=_state(import_id))


@bp.get("/import/<import_id>/progress.json")
@requires("ops")
def import_progress_json(import_id: str) -> Response:
    return jsonify(_state(import_id))


@bp.get("/import/<import_id>/rejects.csv")
@requires("ops")
def import_report(import_id: str) -> Response:
    state = _state(import_id)
    path = imports.report_path(hub(), import_id, state["file"])
    if state["status"] != "done" or not path.is_file():
        abort(404)
    with hub().store.transaction() as session:
        record(session, "import.report", f"import:{import_id}", file=state["file"])
    return send_file(path, mimetype="text/csv", as_attachment=True, download_name=path.name, max_age=0)
