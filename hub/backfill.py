"""Lead Ads backfill and reconcile: fetch the leads a form received, store the missing ones.

https://developers.facebook.com/docs/marketing-api/guides/lead-ads/retrieving#bulk-read
Leads go through the same inbox as webhook deliveries (channel facebook_leadads, delivery key
the leadgen id), so a lead both delivered and backfilled is one event and one lead. The fetched
lead is stored in the event, and the worker does not fetch it again.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from hub import channel_health, inbox
from hub.connectors import graph
from hub.connectors.facebook_leadads import CHANNEL, LEAD_FIELDS
from hub.connectors.meta import from_graph_time
from hub.errors import TokenInvalid

if TYPE_CHECKING:
    from hub.runtime import Hub

log = logging.getLogger(__name__)
RECONCILE_JOB = "facebook_reconcile"
Progress = Callable[[str, int, int], None]  # (form id, leads read so far, new so far)


@dataclass
class Outcome:
    read: int = 0
    new: int = 0
    event_ids: list[int] = field(default_factory=list)


def backfill_form(hub: Hub, form_id: str, page_id: str, since: datetime,
                  progress: Progress | None = None) -> Outcome:
    """Store every lead of the form created after `since` that the inbox does not have.

    Raises TokenInvalid (the page is flagged unhealthy too), TransientError or UpstreamError.
    """
    token = hub.settings.facebook.page_token(page_id)
    params = {"fields": LEAD_FIELDS, "limit": 100, "filtering": json.dumps(
        [{"field": "time_created", "operator": "GREATER_THAN", "value": int(since.timestamp())}])}
    outcome = Outcome()
    try:
        for leads in graph.pages(hub.settings, f"{form_id}/leads", page_id=page_id, token=token,
                                 params=params):
            items = [_item(lead, form_id, page_id) for lead in leads if lead.get("id")]
            accepted = inbox.put_batch(hub.store, items, delivery=None, queue=hub.settings.queue)
            new = [a.event_id for a in accepted if not a.duplicate]
            hub.enqueue_many(new)
            outcome.read += len(leads)
            outcome.new += len(new)
            outcome.event_ids.extend(new)
            if progress is not None:
                progress(form_id, outcome.read, outcome.new)
    except TokenInvalid as exc:
        with hub.store.transaction() as session:
            channel_health.token_refused(session, exc)
        raise
    return outcome


def page_forms(hub: Hub, page_id: str) -> list[str]:
    """The ids of every Lead Ads form of the page (GET /{page_id}/leadgen_forms)."""
    token = hub.settings.facebook.page_token(page_id)
    return [str(form["id"]) for forms in graph.pages(
        hub.settings, f"{page_id}/leadgen_forms", page_id=page_id, token=token,
        params={"fields": "id,name,status", "limit": 100}) for form in forms]


def reconcile(hub: Hub, since: datetime, progress: Progress | None = None) -> Outcome:
    """Backfill every form of every configured page: catches leads whose webhook never came.

    A page whose token fails is logged and skipped; the other pages still run.
    """
    total = Outcome()
    for page_id in hub.settings.facebook.pages:
        try:
            for form_id in page_forms(hub, page_id):
                outcome = backfill_form(hub, form_id, page_id, since, progress)
                total.read += outcome.read
                total.new += outcome.new
                total.event_ids.extend(outcome.event_ids)
        except Exception as exc:  # one page's failure must not stop the others
            log.warning("reconcile of page %s stopped: %s", page_id, exc)
    return total


def reconcile_if_due(hub: Hub) -> Outcome | None:
    """The periodic job: runs in one process per interval (worker or `hub serve`)."""
    facebook = hub.settings.facebook
    every = timedelta(minutes=facebook.reconcile_interval_minutes)
    if not facebook.pages or not every or not channel_health.claim_periodic(hub.store, RECONCILE_JOB, every):
        return None
    since = datetime.now(timezone.utc) - timedelta(hours=facebook.reconcile_lookback_hours)
    outcome = reconcile(hub, since)
    channel_health.finish_periodic(hub.store, RECONCILE_JOB, "ok",
                                   f"read {outcome.read} leads, {outcome.new} were missing")
    if outcome.new:
        log.warning("reconcile found %d Lead Ads leads whose webhook never came", outcome.new)
    return outcome


def _item(lead: dict[str, Any], form_id: str, page_id: str) -> inbox.Item:
    created = from_graph_time(lead.get("created_time"))
    value = {"leadgen_id": str(lead["id"]), "page_id": page_id, "form_id": form_id,
             "ad_id": lead.get("ad_id"), "adgroup_id": lead.get("adset_id"),
             "created_time": int(created.timestamp()) if created else None}
    envelope = {"object": "page", "entry_id": page_id, "entry_time": value["created_time"],
                "field": "leadgen", "item": value, "lead": lead, "source": "backfill"}
    return inbox.Item(channel=CHANNEL, delivery_key=str(lead["id"]), route=page_id,
                      body=json.dumps(envelope, ensure_ascii=False).encode(),
                      headers={"Content-Type": "application/json", "X-Hub-Source": "backfill"})
