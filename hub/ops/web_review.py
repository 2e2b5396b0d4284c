"""Review queue pages: one suggestion side by side, decisions, bulk accept."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from hub.ops import review, reviewing
from hub.ops.contact_view import members, points, timeline
from hub.ops.i18n import gettext as _
from hub.ops.web import actor, bp, hub, record
from hub.store.contacts import resolve
from hub.store.merging import CHOOSABLE_FIELDS, MergeError
from hub.store.schema import LeadRow, MergeSuggestionRow

BULK_LIMIT = 500


def _filter() -> reviewing.Filter:
    source = request.form if request.method == "POST" else request.args
    try:
        return reviewing.parse_filter(source.get("min_score"), source.get("channel"))
    except ValueError:
        flash(_("The minimum score must be a number from 0 to 1."), "error")
        return reviewing.Filter()


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@bp.get("/review")
def review_queue() -> Any:
    flt = _filter()
    with hub().store.sessions() as session:
        ids = reviewing.queue_ids(session, flt)
        current = _int(request.args.get("at"))
        if current not in ids:
            current = ids[0] if ids else None
        previous, following = reviewing.neighbours(ids, current)
        channels = list(session.execute(select(LeadRow.channel).distinct().order_by(LeadRow.channel)).scalars())
        item = _item(session, current) if current is not None else None
        return render_template("ops/review.html", item=item, flt=flt, total=len(ids),
                               position=ids.index(current) + 1 if current is not None else 0,
                               previous=previous, following=following, channels=channels)


def _item(session: Any, suggestion_id: int) -> dict[str, Any] | None:
    row = session.get(MergeSuggestionRow, suggestion_id)
    contacts = sorted({resolve(session, row.contact_id), resolve(session, row.candidate_id)}, key=lambda c: c.id)
    sides = []
    for contact in contacts:
        ids = members(session, contact)
        sides.append({"contact": contact, "points": points(session, ids), "leads": timeline(session, ids)[:10]})
    ids = [c.id for c in contacts]
    return {"row": row, "sides": sides, "related": reviewing.related(session, ids),
            "defaults": reviewing.default_choices(contacts), "fields": CHOOSABLE_FIELDS,
            "evidence": sorted((row.evidence or {}).items())}


def _back(flt: reviewing.Filter, at: int | None) -> Response:
    values: dict[str, Any] = {"at": at, **flt.args()}  # (url_for's own options are typed: not these)
    return redirect(url_for("ops.review_queue", **values))


@bp.post("/review/<int:suggestion_id>/accept")
def accept(suggestion_id: int) -> Response:
    flt, following = _filter(), _int(request.form.get("next"))
    choices = {f: request.form[f"choice_{f}"] for f in CHOOSABLE_FIELDS if request.form.get(f"choice_{f}")}
    also = [cid for cid in request.form.getlist("also") if cid]
    try:
        with hub().store.transaction() as session:
            merge_id = review.accept(session, suggestion_id, actor(), choices, also=also)
            record(session, "suggestion.accept", f"suggestion:{suggestion_id}", merge_id=merge_id,
                   choices=choices, also=also)
    except review.ReviewError as exc:
        if exc.status == 404:
            abort(404)
        if "same contact" in str(exc):  # merged meanwhile by another decision
            flash(f"{_('The merge was refused:')} {exc}", "error")
        else:
            flash(_("This suggestion was already decided."), "error")
        return _back(flt, following)
    except (MergeError, LookupError) as exc:
        flash(f"{_('The merge was refused:')} {exc}", "error")
        return _back(flt, suggestion_id)
    flash(_("Merged: the contacts are now one. It can be undone from the contact page."), "ok")
    return _back(flt, following)


@bp.post("/review/<int:suggestion_id>/reject")
def reject(suggestion_id: int) -> Response:
    flt, following = _filter(), _int(request.form.get("next"))
    try:
        with hub().store.transaction() as session:
            review.reject(session, suggestion_id, actor())
            record(session, "suggestion.reject", f"suggestion:{suggestion_id}")
    except review.ReviewError as exc:
        if exc.status == 404:
            abort(404)
        flash(_("This suggestion was already decided."), "error")
        return _back(flt, following)
    flash(_("Rejected: this pair will not be suggested again."), "ok")
    return _back(flt, following)


@bp.post("/review/<int:suggestion_id>/unsure")
def unsure(suggestion_id: int) -> Response:
    """"Not sure": the suggestion stays open for someone else; the label is kept in the audit log."""
    flt, following = _filter(), _int(request.form.get("next"))
    with hub().store.transaction() as session:
        if session.get(MergeSuggestionRow, suggestion_id) is None:
            abort(404)
        record(session, "suggestion.unsure", f"suggestion:{suggestion_id}")
    flash(_("Marked as not sure; it stays in the queue."), "ok")
    return _back(flt, following)


@bp.post("/review/bulk-accept")
def bulk_accept() -> Response:
    """Accept every open suggestion in the filter (at most 500 a time), each its own undoable merge."""
    flt = _filter()
    if flt.min_score is None:
        flash(_("Bulk accept needs a minimum score."), "error")
        return _back(flt, None)
    with hub().store.sessions() as session:
        ids = reviewing.queue_ids(session, flt)[:BULK_LIMIT]
    merged, refused = 0, 0
    for suggestion_id in ids:
        try:
            with hub().store.transaction() as session:
                merge_id = review.accept(session, suggestion_id, actor())
                record(session, "suggestion.accept", f"suggestion:{suggestion_id}", merge_id=merge_id, bulk=True)
            merged += 1
        except (review.ReviewError, MergeError, LookupError):
            refused += 1
    flash(f"{_('Merged suggestions:')} {merged}; {_('not merged:')} {refused}", "ok")
    return _back(flt, None)
