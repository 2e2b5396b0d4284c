"""Retention: `hub purge` empties old processed raw requests and keeps what leads rely on."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import update

from hub import inbox
from hub.privacy import purge
from hub.privacy.cli import parse_age
from hub.store.schema import RawEventRow, WebhookDeliveryRow
from tests.conftest import FORM_ID, FORM_TOKEN
from tests.helpers import FORM_URL, drain, rows
from tests.meta import changes_entry, graph_lead, leadgen, meta_bytes, page_delivery, signed

OLD = datetime.now(timezone.utc) - timedelta(days=120)


def post_form(client, key: str, name: str, phone: str) -> None:
    response = client.post(FORM_URL, data={"ho_ten": name, "so_dien_thoai": phone},
                           headers={"Authorization": f"Bearer {FORM_TOKEN}", "Idempotency-Key": key})
    assert response.status_code == 200


def backdate(hub, *ids: int) -> None:
    with hub.store.transaction() as session:
        session.execute(update(RawEventRow).where(RawEventRow.id.in_(ids)).values(received_at=OLD))
        session.execute(update(WebhookDeliveryRow).values(received_at=OLD))


@pytest.fixture
def events(client, hub, queue, graph):
    """Old: a done form lead (1), a done Lead Ads lead in a Meta delivery (2), an ignored spam
    post (3), a failed event (4), a pending one (5). New: a done form lead (6)."""
    post_form(client, "a", "Nguyễn Thị Lan", "0912345678")
    graph.add_lead(FORM_ID, graph_lead("9400", {"full_name": "Lê Văn Bình", "phone_number": "0903111222"}))
    body = meta_bytes(page_delivery(changes_entry(leadgen("9400", FORM_ID))))
    assert client.post("/webhooks/facebook", data=body, headers=signed(body)).status_code == 200
    client.post(FORM_URL, data={"ho_ten": "Bot", "website": "http://spam"},
                headers={"Authorization": f"Bearer {FORM_TOKEN}", "Idempotency-Key": "spam"})
    post_form(client, "b", "Phạm Thị Hoà", "0168 123 4567")
    assert drain(hub, queue) == ["done", "done", "ignored", "done"]
    with hub.store.transaction() as session:
        session.execute(update(RawEventRow).where(RawEventRow.id == 4).values(status="failed"))
    post_form(client, "c", "Võ Minh Tuấn", "0977000111")  # stays pending
    backdate(hub, 1, 2, 3, 4, 5)
    post_form(client, "d", "Đặng Thu Trang", "0988000222")
    queue.ids.remove(5)
    drain(hub, queue)
    return hub


def test_a_dry_run_counts_and_changes_nothing(events):
    before = rows(events, "raw_events")
    counts = purge.count(events.store, datetime.now(timezone.utc) - timedelta(days=90))
    assert (counts.raw_events, counts.webhook_deliveries) == (3, 1)
    assert rows(events, "raw_events") == before


def test_purge_empties_old_processed_events_and_keeps_their_rows(events, client, queue):
    leads_before = rows(events, "leads")
    seen: list[tuple[str, int]] = []
    counts = purge.purge(events.store, datetime.now(timezone.utc) - timedelta(days=90), batch=2,
                         progress=lambda table, n: seen.append((table, n)))
    assert (counts.raw_events, counts.webhook_deliveries) == (3, 1)
    assert seen == [("raw_events", 2), ("raw_events", 1), ("webhook_deliveries", 1)]
    by_id = {r["id"]: r for r in rows(events, "raw_events")}
    for purged in (1, 2, 3):
        assert by_id[purged]["body"] == b"" and by_id[purged]["headers"] == {}
        assert by_id[purged]["purged_at"] is not None and by_id[purged]["status"] in ("done", "ignored")
    for kept in (4, 5, 6):  # failed, pending, recent: their bytes stay
        assert by_id[kept]["body"] and by_id[kept]["purged_at"] is None
    assert rows(events, "webhook_deliveries") == []
    assert rows(events, "leads") == leads_before  # leads keep their data and raw_event_id
    assert {lead["raw_event_id"] for lead in leads_before} <= set(by_id)
    post_form(client, "a", "Nguyễn Thị Lan", "0912345678")  # a late redelivery: still a duplicate
    assert queue.ids == []
    assert inbox.reset_for_replay(events.store, statuses=["done", "ignored", "failed"]) == [4, 6]
    again = purge.purge(events.store, datetime.now(timezone.utc) - timedelta(days=90))
    assert (again.raw_events, again.webhook_deliveries) == (0, 0)


def test_a_delivery_an_unfinished_event_still_names_is_kept(events):
    with events.store.transaction() as session:
        session.execute(update(RawEventRow).where(RawEventRow.id == 2).values(status="needs_token"))
    counts = purge.purge(events.store, datetime.now(timezone.utc) - timedelta(days=90))
    assert (counts.raw_events, counts.webhook_deliveries) == (2, 0)
    assert len(rows(events, "webhook_deliveries")) == 1
    assert rows(events, "raw_events")[1]["body"] != b""


@pytest.mark.parametrize("text, age", [("90d", timedelta(days=90)), ("12h", timedelta(hours=12)),
                                       ("2w", timedelta(weeks=2)), (" 30m ", timedelta(minutes=30))])
def test_ages_are_read(text, age):
    assert parse_age(text) == age


@pytest.mark.parametrize("bad", ["90", "0d", "-5d", "ba tháng", "90 ngày", ""])
def test_bad_ages_are_refused(bad):
    with pytest.raises(click.BadParameter):
        parse_age(bad)


def test_the_command_purges_with_the_retention_setting_and_dry_run(events, monkeypatch, tmp_path):
    from hub.cli import main

    (tmp_path / "hub.toml").write_text("[retention]\nraw_events_days = 100\nbatch_size = 2\n", encoding="utf-8")
    monkeypatch.setenv("HUB_DATABASE_URL", events.settings.database_url)
    monkeypatch.setenv("HUB_SECRET_KEY", "test")
    monkeypatch.setenv("HUB_CONFIG", str(tmp_path / "hub.toml"))
    runner = CliRunner()
    dry = runner.invoke(main, ["purge", "--dry-run"])
    assert dry.exit_code == 0 and "would purge 3 raw events and delete 1 webhook deliveries" in dry.output
    assert runner.invoke(main, ["purge", "--older-than", "200d"]).output.startswith("purged 0 raw events")
    bad = runner.invoke(main, ["purge", "--older-than", "soon"])
    assert bad.exit_code == 2 and "use an age like 90d" in bad.output
    done = runner.invoke(main, ["purge"])
    assert done.exit_code == 0 and "purged 3 raw events, deleted 1 webhook deliveries" in done.output
    assert sum(r["purged_at"] is not None for r in rows(events, "raw_events")) == 3


def test_the_command_deletes_import_folders_older_than_the_cutoff(events, monkeypatch, tmp_path):
    """The console's import folders hold rejects reports (personal data): `hub purge` deletes
    those last changed before the cutoff, and nothing that is not an import folder."""
    import os

    from hub.cli import main

    imports = tmp_path / "imports"
    old, recent, foreign = imports / ("a" * 32), imports / ("b" * 32), imports / "keep-me"
    for folder in (old, recent, foreign):
        folder.mkdir(parents=True)
        (folder / "Khách hàng.csv.rejects.csv").write_text("dòng / row,lý do / reason\n", encoding="utf-8")
    long_ago = (datetime.now(timezone.utc) - timedelta(days=120)).timestamp()
    for path in (old / "Khách hàng.csv.rejects.csv", old, foreign / "Khách hàng.csv.rejects.csv", foreign):
        os.utime(path, (long_ago, long_ago))
    (tmp_path / "hub.toml").write_text(f"[ops]\nimport_dir = '{imports}'\n", encoding="utf-8")
    monkeypatch.setenv("HUB_DATABASE_URL", events.settings.database_url)
    monkeypatch.setenv("HUB_SECRET_KEY", "test")
    monkeypatch.setenv("HUB_CONFIG", str(tmp_path / "hub.toml"))
    runner = CliRunner()
    dry = runner.invoke(main, ["purge", "--older-than", "90d", "--dry-run"])
    assert dry.exit_code == 0 and dry.output.rstrip().endswith("and 1 import folders")
    assert old.exists()
    done = runner.invoke(main, ["purge", "--older-than", "90d"])
    assert done.exit_code == 0 and done.output.rstrip().endswith("and 1 import folders")
    assert not old.exists() and recent.exists() and foreign.exists()
