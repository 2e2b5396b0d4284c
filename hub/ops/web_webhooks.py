"""Webhooks pages: outbound subscriptions, their delivery log, replays.

Admins manage (add, enable, disable, remove, replay); ops users and viewers may read the list
and the delivery log (no secrets are ever shown there). The rules are the API's: the same
hub.sinks.subscriptions functions (SSRF guard, event types, secret, rate limit), and
allow_private only when webhooks_out.allow_private is set. Every change is audited.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from hub.ops.i18n import gettext as _
from hub.ops.web import LOCAL_TZ, bp, hub, record, requires
from hub.sinks import subscriptions
from hub.sinks.subscriptions import SubscriptionError
from hub.store.schema import WebhookMessageRow

PAGE = 50
COUNTED = ("pending", "held", "delivered", "failed")


def _counts() -> dict[int, dict[str, int]]:
    """Deliveries per subscription and status."""
    with hub().store.sessions() as session:
        rows = session.execute(select(WebhookMessageRow.subscription_id, WebhookMessageRow.status, func.count())
                               .group_by(WebhookMessageRow.subscription_id, WebhookMessageRow.status))
        counts: dict[int, dict[str, int]] = {}
        for sub_id, status, count in rows:
            counts.setdefault(sub_id, dict.fromkeys(COUNTED, 0))[status] = count
        return counts


def _page(new: dict[str, Any] | None = None, form: dict[str, Any] | None = None, error: str | None = None,
          status: int = 200) -> tuple[str, int]:
    return render_template("ops/webhooks.html", subs=subscriptions.listing(hub().store), counts=_counts(),
                           empty=dict.fromkeys(COUNTED, 0), new=new, form=form or {}, error=error,
                           allow_private=hub().settings.webhooks_out.allow_private), status


def _get(subscription_id: int) -> dict[str, Any]:
    try:
        return subscriptions.show(hub().store, subscription_id)
    except SubscriptionError:
        abort(404)


@bp.get("/webhooks")
@requires("viewer")
def webhook_list() -> Any:
    return _page()


@bp.post("/webhooks")
@requires("admin")
def webhook_add() -> Any:
    """Add a subscription; the generated secret is shown on this answer only."""
    form = request.form
    kept = {"url": form.get("url", ""), "event_types": form.get("event_types", ""),
            "description": form.get("description", ""), "rate_limit": form.get("rate_limit", "")}
    allow_private = form.get("allow_private") == "1"
    if allow_private and not hub().settings.webhooks_out.allow_private:
        return _page(form=kept, error=_("Only an operator may allow private addresses (`hub webhooks add --allow-private`)."), status=403)
    rate: float | None = None
    if kept["rate_limit"].strip():
        try:
            rate = float(kept["rate_limit"].replace(",", "."))
        except ValueError:
            return _page(form=kept, error=_("Rate limit must be a number of deliveries per second."), status=422)
    types = [t for t in kept["event_types"].replace(",", " ").split() if t] or ["*"]
    try:
        created = subscriptions.create(hub().store, hub().settings, kept["url"].strip(), types,
                                       description=kept["description"], rate_limit=rate, allow_private=allow_private)
    except SubscriptionError as exc:
        return _page(form=kept, error=str(exc), status=422)
    with hub().store.transaction() as session:
        record(session, "webhook.add", f"webhook:{created['id']}", url=created["url"],
               event_types=created["event_types"], allow_private=allow_private)
    return _page(new=created, status=201)


@bp.post("/webhooks/<int:subscription_id>/enable")
@requires("admin")
def webhook_enable(subscription_id: int) -> Response:
    return _change(subscription_id, "webhook.enable", lambda: subscriptions.enable(hub().store, subscription_id),
                   _("Subscription enabled; held deliveries go out now."))


@bp.post("/webhooks/<int:subscription_id>/disable")
@requires("admin")
def webhook_disable(subscription_id: int) -> Response:
    reason = request.form.get("reason", "")
    return _change(subscription_id, "webhook.disable",
                   lambda: subscriptions.disable(hub().store, subscription_id, reason),
                   _("Subscription disabled; new events are held until it is enabled."), reason=reason.strip()[:200])


@bp.post("/webhooks/<int:subscription_id>/remove")
@requires("admin")
def webhook_remove(subscription_id: int) -> Response:
    sub = _get(subscription_id)
    response = _change(subscription_id, "webhook.remove", lambda: subscriptions.remove(hub().store, subscription_id),
                       _("Subscription removed."), url=sub["url"])
    return redirect(url_for("ops.webhook_list")) if response.status_code == 302 else response


@bp.get("/webhooks/<int:subscription_id>")
@requires("viewer")
def webhook_show(subscription_id: int) -> Any:
    """The subscription and its deliveries, newest first (`before` pages back, `status` filters)."""
    sub = _get(subscription_id)
    status = request.args.get("status") or None
    before = request.args.get("before", "")
    try:
        rows = subscriptions.deliveries(hub().store, subscription_id, status=status, limit=PAGE,
                                        before=int(before) if before.isdigit() and len(before) < 19 else None)
    except SubscriptionError:
        abort(400)
    return render_template("ops/webhook.html", sub=sub, rows=rows, status=status, statuses=subscriptions.STATUSES,
                           counts=_counts().get(subscription_id, dict.fromkeys(COUNTED, 0)), more=len(rows) == PAGE)


@bp.get("/webhooks/<int:subscription_id>/deliveries/<int:delivery_id>")
@requires("viewer")
def webhook_delivery(subscription_id: int, delivery_id: int) -> Any:
    sub = _get(subscription_id)
    found = _delivery(subscription_id, delivery_id)
    return render_template("ops/webhook_delivery.html", sub=sub, d=found)


@bp.post("/webhooks/<int:subscription_id>/deliveries/<int:delivery_id>/replay")
@requires("admin")
def webhook_replay_one(subscription_id: int, delivery_id: int) -> Response:
    _delivery(subscription_id, delivery_id)
    return _change(subscription_id, "webhook.replay", lambda: subscriptions.replay_one(hub().store, delivery_id),
                   _("Delivery queued to be sent again."), delivery=delivery_id)


@bp.post("/webhooks/<int:subscription_id>/replay")
@requires("admin")
def webhook_replay_since(subscription_id: int) -> Response:
    """`since`: a local (Vietnam) date and time from the form's datetime-local field."""
    _get(subscription_id)
    raw = request.form.get("since", "")
    try:
        since = datetime.fromisoformat(raw).replace(tzinfo=LOCAL_TZ) if raw else None
    except ValueError:
        since = None
    if since is None:
        flash(_("Give the date and time to replay from."), "error")
        return redirect(url_for("ops.webhook_show", subscription_id=subscription_id))
    queued: list[int] = []

    def run() -> None:
        queued.append(subscriptions.replay_since(hub().store, subscription_id, since))

    response = _change(subscription_id, "webhook.replay_since", run, "", since=since.isoformat())
    if queued:
        flash(_("{count} deliveries queued to be sent again.", count=queued[0]), "ok")
    return response


def _delivery(subscription_id: int, delivery_id: int) -> dict[str, Any]:
    try:
        found = subscriptions.delivery(hub().store, delivery_id)
    except SubscriptionError:
        abort(404)
    if found["subscription_id"] != subscription_id:
        abort(404)
    return found


def _change(subscription_id: int, action: str, change: Any, done: str, **detail: Any) -> Response:
    """Apply the change, audit it, flash the outcome; a refusal is flashed and changes nothing."""
    try:
        change()
    except SubscriptionError as exc:
        if exc.status == 404:
            abort(404)
        flash(str(exc), "error")
        return redirect(url_for("ops.webhook_show", subscription_id=subscription_id))
    with hub().store.transaction() as session:
        record(session, action, f"webhook:{subscription_id}", **detail)
    if done:
        flash(done, "ok")
    return redirect(url_for("ops.webhook_show", subscription_id=subscription_id))


@bp.app_template_filter("local_iso")
def _local_iso(value: str | None) -> str:
    """An ISO 8601 time from the JSON views, in Vietnam time like the rest of the console."""
    return datetime.fromisoformat(value).astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M:%S") if value else ""
