"""The `hub` command, run as a real process against a SQLite file."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, update

from hub.runtime import Hub
from hub.store.schema import ContactRow, LeadRow, RawEventRow
from tests.conftest import FORM_TOKEN, make_settings
from tests.helpers import FORM_URL, drain, rows

HUB = str(Path(sys.executable).parent / "hub")


def run_hub(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    base.update({"HUB_DATABASE_URL": f"sqlite:///{tmp_path}/hub.db", "HUB_SECRET_KEY": "test",
                 "HUB_CONFIG": str(tmp_path / "hub.toml"), **(env or {})})
    return subprocess.run([HUB, *args], cwd=tmp_path, env=base, capture_output=True, text=True, timeout=60)


@pytest.fixture
def cli_hub(tmp_path: Path, queue):
    (tmp_path / "hub.toml").write_text(
        f'[forms.contact-us]\ntoken = "{FORM_TOKEN}"\n[forms.contact-us.fields]\nho_ten = "name"\n'
        'so_dien_thoai = "phone"\n', encoding="utf-8")
    assert run_hub(tmp_path, "db", "upgrade").returncode == 0
    hub = Hub(make_settings(f"sqlite:///{tmp_path}/hub.db"), queue=queue)
    yield hub
    hub.store.dispose()


def post(hub: Hub, key: str, **fields: str) -> None:
    from hub.app import create_app

    client = create_app(hub=hub).test_client()
    response = client.post(FORM_URL, data=fields, headers={"Authorization": f"Bearer {FORM_TOKEN}",
                                                          "Idempotency-Key": key})
    assert response.status_code == 200


def test_db_upgrade_creates_the_schema_and_is_idempotent(tmp_path, cli_hub):
    again = run_hub(tmp_path, "db", "upgrade")
    assert again.returncode == 0 and "database at revision head" in again.stdout


def test_replay_runs_failed_events_again_without_doubling_anything(tmp_path, cli_hub, queue):
    post(cli_hub, "a", ho_ten="Nguyễn Thị Lan", so_dien_thoai="0912345678")
    post(cli_hub, "b", ho_ten="Trần Văn Hùng", so_dien_thoai="0987654321")
    drain(cli_hub, queue)
    with cli_hub.store.transaction() as session:
        session.execute(update(RawEventRow).values(status="failed", last_error="simulated"))
    result = run_hub(tmp_path, "replay", "--status", "failed", "--since", "1h")
    assert result.returncode == 0, result.stderr
    assert "2 done" in result.stdout
    assert [r["status"] for r in rows(cli_hub, "raw_events")] == ["done", "done"]
    assert len(rows(cli_hub, "leads")) == 2
    assert "nothing to replay" in run_hub(tmp_path, "replay").stdout


def test_replay_refuses_a_bad_since_value(tmp_path, cli_hub):
    result = run_hub(tmp_path, "replay", "--since", "last tuesday")
    assert result.returncode == 2 and "use an ISO date/time or 30m, 6h, 7d" in result.stderr


def test_export_writes_csv_to_a_file(tmp_path, cli_hub, queue):
    post(cli_hub, "a", ho_ten="Nguyễn Thị Lan", so_dien_thoai="0912.345.678")
    drain(cli_hub, queue)
    result = run_hub(tmp_path, "export", "contacts", "--format", "csv", "--out", "contacts.csv")
    assert result.returncode == 0 and "exported 1 contacts" in result.stderr
    with open(tmp_path / "contacts.csv", encoding="utf-8") as f:
        [row] = list(csv.DictReader(f))
    assert (row["name"], row["phones"]) == ("Nguyễn Thị Lan", "+84912345678")
    assert json.loads(row["leads"])[0]["source_ref"] == "contact-us:a"


def test_a_bad_setting_stops_the_command_with_its_name(tmp_path, cli_hub):
    result = run_hub(tmp_path, "serve", env={"HUB_QUEUE__LEASE_SECONDS": "soon"})
    assert result.returncode == 1
    assert "configuration error: queue.lease_seconds: expected int, got 'soon'" in result.stderr


def test_hub_worker_without_redis_says_what_it_needs(tmp_path, cli_hub):
    result = run_hub(tmp_path, "worker")
    assert result.returncode == 1 and "needs HUB_REDIS_URL" in result.stderr


def test_contacts_renormalize_shows_then_applies_a_new_reading(tmp_path, cli_hub, queue):
    post(cli_hub, "a", ho_ten="Nguyeenx Thij Lan", so_dien_thoai="0912345678")
    post(cli_hub, "b", ho_ten="Trần Văn Hùng", so_dien_thoai="0987654321")
    drain(cli_hub, queue)
    # As a version that did not read Telex stored it: the name as typed.
    with cli_hub.store.transaction() as session:
        lead = session.execute(select(LeadRow).where(LeadRow.source_ref.like("%a"))).scalar_one()
        lead.data = {**lead.data, "name": {**lead.data["name"], "display": "Nguyeenx Thij Lan"}}
        session.execute(update(ContactRow).where(ContactRow.id == lead.contact_id).values(name="Nguyeenx Thij Lan"))
    dry = run_hub(tmp_path, "contacts", "renormalize", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "  Nguyeenx Thij Lan -> Nguyễn Thị Lan" in dry.stdout
    assert "2 leads read again: 1 would change; contacts: 1 renamed, 0 phones / emails / ids added" in dry.stdout
    assert sorted(c["name"] for c in rows(cli_hub, "contacts")) == ["Nguyeenx Thij Lan", "Trần Văn Hùng"]
    done = run_hub(tmp_path, "contacts", "renormalize")
    assert done.returncode == 0, done.stderr
    assert "2 leads read again: 1 changed; contacts: 1 renamed, 0 phones / emails / ids added, 0 merged, " \
           "0 suggestions added" in done.stdout
    assert sorted(c["name"] for c in rows(cli_hub, "contacts")) == ["Nguyễn Thị Lan", "Trần Văn Hùng"]
    again = run_hub(tmp_path, "contacts", "renormalize")
    assert "2 leads read again: 0 changed" in again.stdout


def test_dedupe_rescan_reports_what_it_did(tmp_path, cli_hub, queue):
    post(cli_hub, "a", ho_ten="Nguyễn Thị Lan", so_dien_thoai="0912345678")
    post(cli_hub, "b", ho_ten="Trần Văn Hùng", so_dien_thoai="0987654321")
    drain(cli_hub, queue)
    result = run_hub(tmp_path, "dedupe", "rescan", "--restart")
    assert result.returncode == 0, result.stderr
    assert "2 contacts rescanned: 0 merged, 0 suggestions added" in result.stdout
