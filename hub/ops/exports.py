"""GET /api/v1/export/contacts.csv and /api/v1/export/leads.csv: streamed CSV for spreadsheets.

Query: channel, since, until (hub/sinks/csv_export.py says what they match), excel=true for a
UTF-8 BOM and defused formula-like cells, include_merged=true (contacts) for tombstones.
Needs a token with the scope "export:read". Filters are checked before the first byte is sent,
so a bad one is a 400 problem document, never half a file.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, Response, current_app, request, stream_with_context

from hub.ops.api import requires
from hub.ops.problems import fail
from hub.sinks import csv_export

bp = Blueprint("export_api", __name__, url_prefix="/api/v1/export")
FLAGS = {"true": True, "1": True, "false": False, "0": False}


@bp.get("/contacts.csv", defaults={"what": "contacts"})
@bp.get("/leads.csv", defaults={"what": "leads"})
@requires("export:read")
def export_csv(what: str) -> Response:
    known = {"channel", "since", "until", "excel", "include_merged"}
    unknown = sorted(set(request.args) - known)
    if unknown:
        fail(400, f"unknown query parameter {unknown[0]!r}; use {', '.join(sorted(known))}")
    try:
        filters = csv_export.ExportFilter.parse(request.args.get("channel"), request.args.get("since"),
                                                request.args.get("until"))
    except csv_export.FilterError as exc:
        fail(400, str(exc))
    chunks = csv_export.stream(current_app.extensions["hub"].store, what, "csv", filters, excel=_flag("excel"),
                               include_merged=_flag("include_merged"))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return Response(stream_with_context(chunks), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="lead-hub-{what}-{stamp}.csv"'})


def _flag(name: str) -> bool:
    raw = request.args.get(name, "false").lower()
    if raw not in FLAGS:
        fail(400, f"{name} must be true or false, got {raw!r}")
    return FLAGS[raw]
