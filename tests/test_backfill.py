"""Lead Ads backfill and reconcile: the same inbox as webhooks, so nothing is doubled."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from hub import backfill
from hub.errors import TokenInvalid
from tests.conftest import FORM_ID, PAGE_ID
from tests.helpers import drain, rows
from tests.meta import changes_entry, graph_lead, leadgen, meta_bytes, page_delivery, signed

SINCE = datetime(2025, 11, 1, tzinfo=timezone.utc)


def add_leads(graph, count: int, form_id: str = FORM_ID, first: int = 1) -> None:
    created = (datetime.now(timezone.utc) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    for n in range(first, first + count):
        graph.add_lead(form_id, graph_lead(f"70{n:02d}", {"full_name": f"Khách {n}",
                                                          "phone_number": f"09120000{n:02d}"}, created))


def test_a_lead_delivered_three_times_and_found_by_backfill_is_one_lead(client, hub, queue, graph):
    add_leads(graph, 1)
    body = meta_bytes(page_delivery(changes_entry(leadgen("7001", FORM_ID))))
    for _ in range(3):
        assert client.post("/webhooks/facebook", data=body, headers=signed(body)).status_code == 200
    outcome = backfill.backfill_form(hub, FORM_ID, PAGE_ID, SINCE)
    assert (outcome.read, outcome.new) == (1, 0)
    drain(hub, queue)
    assert [lead["source_ref"] for lead in rows(hub, "leads")] == ["7001"]
    assert len(rows(hub, "raw_events")) == 1


def test_backfill_follows_the_cursor_pages_and_filters_by_creation_time(hub, queue, graph):
    add_leads(graph, 5)  # the fake answers 2 per page: 3 pages
    seen = []
    outcome = backfill.backfill_form(hub, FORM_ID, PAGE_ID, SINCE, lambda *p: seen.append(p))
    assert (outcome.read, outcome.new) == (5, 5)
    assert seen == [(FORM_ID, 2, 2), (FORM_ID, 4, 4), (FORM_ID, 5, 5)]
    paths = [(path, args.get("after")) for path, args in graph.requests]
    assert paths == [(f"/v21.0/{FORM_ID}/leads", None), (f"/v21.0/{FORM_ID}/leads", "2"),
                     (f"/v21.0/{FORM_ID}/leads", "4")]
    assert '"GREATER_THAN"' in graph.requests[0][1]["filtering"]
    assert backfill.backfill_form(hub, FORM_ID, PAGE_ID, datetime.now(timezone.utc)).read == 0


def test_backfilled_leads_are_processed_without_fetching_them_again(hub, queue, graph):
    add_leads(graph, 2)
    backfill.backfill_form(hub, FORM_ID, PAGE_ID, SINCE)
    graph.requests.clear()
    assert drain(hub, queue) == ["done", "done"]
    assert graph.requests == []
    lead = rows(hub, "leads")[0]
    assert lead["attribution"]["campaign_id"] == "23850000000000003"
    assert lead["attribution"]["form_id"] == FORM_ID


def test_reconcile_walks_every_form_of_every_page_and_runs_once_per_interval(hub, queue, graph):
    from dataclasses import replace

    graph.page_forms[PAGE_ID] = [FORM_ID, "771000000000002"]
    add_leads(graph, 2)
    add_leads(graph, 1, form_id="771000000000002", first=50)
    hub.settings = replace(hub.settings, facebook=replace(hub.settings.facebook, reconcile_interval_minutes=30))
    outcome = backfill.reconcile_if_due(hub)
    assert outcome is not None and (outcome.read, outcome.new) == (3, 3)
    assert backfill.reconcile_if_due(hub) is None  # this interval's run is done (by any process)
    job = [r for r in rows(hub, "channel_health") if r["channel"] == "job"][0]
    assert (job["scope"], job["status"], job["detail"]) == ("facebook_reconcile", "ok",
                                                             "read 3 leads, 3 were missing")


def test_an_expired_token_stops_the_backfill_and_flags_the_page(hub, graph):
    add_leads(graph, 1)
    graph.fail_next("expired_token")
    with pytest.raises(TokenInvalid):
        backfill.backfill_form(hub, FORM_ID, PAGE_ID, SINCE)
    [health] = rows(hub, "channel_health")
    assert (health["scope"], health["status"]) == (PAGE_ID, "needs_token")


def test_the_cli_backfills_a_form_with_progress(hub, graph, monkeypatch):
    from hub import cli

    add_leads(graph, 3)
    monkeypatch.setattr(cli, "_settings", lambda: hub.settings)
    result = CliRunner().invoke(cli.main, ["backfill", "facebook", "--form", FORM_ID, "--since", "30d"])
    assert result.exit_code == 0, result.output
    assert "3 leads read, 3 new" in result.output
    assert len(rows(hub, "raw_events")) == 3
    usage = CliRunner().invoke(cli.main, ["backfill", "facebook", "--since", "2d"])
    assert usage.exit_code == 2 and "--all-forms" in usage.output


def test_since_accepts_relative_and_iso_times():
    from hub.cli import _parse_since

    assert _parse_since("2d") < datetime.now(timezone.utc) - timedelta(hours=47)
    assert _parse_since("2025-11-01") == SINCE
