"""Contact page (points with sources, lead timeline, merge history with Undo) and search."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from hub.ops import contact_view
from hub.ops.i18n import gettext as _
from hub.ops.search import search as find
from hub.ops.web import actor, bp, hub, record
from hub.store.merging import MergeError, unmerge
from hub.store.schema import ContactRow, MergeLogRow


@bp.get("/contacts/<contact_id>")
def contact(contact_id: str) -> Any:
    with hub().store.sessions() as session:
        row = session.get(ContactRow, contact_id[:36])
        if row is None:
            abort(404)
        ids = contact_view.members(session, row)
        member_rows = [session.get(ContactRow, i) for i in ids]
        merges = contact_view.merges(session, ids)
        return render_template(
            "ops/contact.html", contact=row, members=member_rows, points=contact_view.points(session, ids),
            timeline=contact_view.timeline(session, ids), merges=merges,
            sources=contact_view.field_sources(row, member_rows, merges),
        )


@bp.post("/merges/<int:merge_id>/undo")
def undo_merge(merge_id: int) -> Response:
    with hub().store.sessions() as session:
        log = session.get(MergeLogRow, merge_id)
        if log is None:
            abort(404)
        survivor = log.survivor_id
    try:
        with hub().store.transaction() as session:
            restored = unmerge(session, merge_id, actor=actor())
            record(session, "merge.undo", f"merge:{merge_id}", survivor=survivor, restored=restored)
    except MergeError as exc:
        message = str(exc)
        if "first" in message:
            flash(f"{_('The undo was refused:')} {_('A later merge depends on this one: undo the later merge first.')}"
                  f" ({message})", "error")
        else:
            flash(f"{_('The undo was refused:')} {message}", "error")
        return redirect(url_for("ops.contact", contact_id=survivor))
    flash(_("Undone: the contacts are separate again."), "ok")
    return redirect(url_for("ops.contact", contact_id=survivor))


@bp.get("/search")
def search() -> Any:
    query = request.args.get("q", "")
    result = None
    if query.strip():
        with hub().store.sessions() as session:
            result = find(session, query)
    return render_template("ops/search.html", query=query, result=result)
