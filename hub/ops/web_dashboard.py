"""The dashboard and replaying failed events."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from hub import inbox
from hub.ops import dashboard as figures
from hub.ops.i18n import gettext as _
from hub.ops.web import bp, hub, record


@bp.get("/")
def dashboard() -> Any:
    now = datetime.now(timezone.utc)
    oldest = inbox.oldest_pending(hub().store)
    rejected = figures.rejected_by_channel(current_app.extensions["hub.metrics"])
    with hub().store.sessions() as session:
        days, series = figures.leads_per_day(session, now)
        return render_template(
            "ops/dashboard.html", chart=figures.chart(days, series), decisions=figures.decisions(session, now),
            backlog=figures.backlog(session), lag=int((now - oldest).total_seconds()) if oldest else 0,
            failed=figures.failed_events(session), failed_total=figures.failed_count(session),
            health=figures.channel_health(session, rejected, figures.configured_channels(hub().settings)),
        )


@bp.post("/events/replay")
def replay() -> Response:
    """Put failed events (one, or all of them) back in the queue."""
    raw_id = request.form.get("event_id", "")
    ids = [int(raw_id)] if raw_id.isdigit() else []
    if raw_id and not ids:
        flash(_("Bad request."), "error")
        return redirect(url_for("ops.dashboard"))
    replayed = inbox.reset_for_replay(hub().store, statuses=["failed"], event_ids=ids)
    if replayed:
        hub().enqueue_many(replayed)
    with hub().store.transaction() as session:
        record(session, "events.replay", ",".join(map(str, replayed[:50])), count=len(replayed))
    flash(f"{_('Events sent back to the queue:')} {len(replayed)}", "ok")
    return redirect(url_for("ops.dashboard"))
