"""`hub webhooks ...` run as a real process against a SQLite file."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hub.runtime import Hub
from tests.conftest import RecordingQueue, make_settings
from tests.fakes.receiver import Receiver
from tests.sinks.helpers import PEOPLE, add_lead, drive, now

ROOT = Path(__file__).resolve().parents[2]  # this checkout's code, not an installed copy


def run_hub(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_DATABASE_URL": f"sqlite:///{tmp_path}/hub.db", "HUB_SECRET_KEY": "test",
                "HUB_CONFIG": str(tmp_path / "hub.toml"), "PYTHONPATH": str(ROOT)})
    return subprocess.run([sys.executable, "-c", "from hub.cli import main; main()", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def db(tmp_path):
    (tmp_path / "hub.toml").write_text("", encoding="utf-8")
    assert run_hub(tmp_path, "db", "upgrade").returncode == 0
    return f"sqlite:///{tmp_path}/hub.db"


def test_add_list_show_disable_enable_deliveries_replay_remove(tmp_path, db):
    receiver = Receiver().up()
    try:
        refused = run_hub(tmp_path, "webhooks", "add", "http://169.254.169.254/latest/meta-data")
        assert refused.returncode == 1 and "169.254.169.254" in refused.stderr
        added = run_hub(tmp_path, "webhooks", "add", receiver.url + "/crm", "--allow-private",
                        "--events", "contact.created,contact.merged", "--description", "CRM Sài Gòn",
                        "--rate-limit", "2")
        assert added.returncode == 0, added.stderr
        assert "CRM Sài Gòn" in added.stdout and "2/s" in added.stdout
        secret = added.stdout.split("secret: ")[1].strip()
        assert secret.startswith("whsec_")
        listed = run_hub(tmp_path, "webhooks", "list").stdout
        assert "contact.created,contact.merged" in listed and secret not in listed
        shown = json.loads(run_hub(tmp_path, "webhooks", "show", "1", "--secret").stdout)
        assert shown["secret"] == secret and shown["allow_private"] is True

        hub = Hub(make_settings(db), queue=RecordingQueue())
        add_lead(hub, "1", *PEOPLE[1])
        drive(hub, now(), 0)
        log = run_hub(tmp_path, "webhooks", "deliveries", "1").stdout
        assert "delivered" in log and "last=200" in log
        replayed = run_hub(tmp_path, "webhooks", "replay", "--delivery", "1")
        assert replayed.returncode == 0 and "queued again" in replayed.stdout
        drive(hub, now(), 0)
        assert len({r.headers["webhook-id"] for r in receiver.delivered()}) == 1 and len(receiver.delivered()) == 2
        detail = json.loads(run_hub(tmp_path, "webhooks", "deliveries", "1", "--id", "1").stdout)
        assert [a["trigger"] for a in detail["log"]] == ["scheduled", "replay"]

        assert run_hub(tmp_path, "webhooks", "replay").returncode == 2  # neither --delivery nor --since
        since = run_hub(tmp_path, "webhooks", "replay", "--subscription", "1", "--since", "1h")
        assert since.returncode == 0 and "1 deliveries queued again" in since.stdout
        disabled = run_hub(tmp_path, "webhooks", "disable", "1", "--reason", "bảo trì")
        assert "DISABLED (bảo trì)" in disabled.stdout
        assert "DISABLED (bảo trì)" in run_hub(tmp_path, "webhooks", "list").stdout
        assert "enabled" in run_hub(tmp_path, "webhooks", "enable", "1").stdout
        missing = run_hub(tmp_path, "webhooks", "show", "7")
        assert missing.returncode == 1 and "no subscription 7" in missing.stderr
        assert run_hub(tmp_path, "webhooks", "remove", "1", "--yes").returncode == 0
        assert run_hub(tmp_path, "webhooks", "list").stdout == ""
        hub.store.dispose()
    finally:
        receiver.down()
