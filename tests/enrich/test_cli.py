"""`hub zalo set-token`, run as a real process against a SQLite file."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hub import channel_health
from hub.enrich import zalo_tokens
from hub.pipeline import run
from hub.runtime import Hub
from hub.store.migrate import upgrade
from tests.conftest import ZALO_APP_ID, ZALO_OA_ID, ZALO_OA_SECRET
from tests.enrich.conftest import ZALO_APP_SECRET, enrich_settings
from tests.helpers import rows
from tests.zalo import URL, signed, user_send_text, zalo_bytes

ROOT = Path(__file__).resolve().parents[2]


def run_hub(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_DATABASE_URL": f"sqlite:///{tmp_path}/hub.db", "HUB_SECRET_KEY": "test",
                "HUB_CONFIG": str(tmp_path / "hub.toml"), "PYTHONPATH": str(ROOT)})
    return subprocess.run([sys.executable, "-c", "from hub.cli import main; main()", *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)


def test_set_token_stores_the_pair_and_resumes_parked_profiles(tmp_path, zalo_api, queue):
    (tmp_path / "hub.toml").write_text(
        f'[zalo]\napi_url = "{zalo_api.url}"\noauth_url = "{zalo_api.url}"\nenrich_profiles = true\n'
        f'[zalo.oas.{ZALO_OA_ID}]\napp_id = "{ZALO_APP_ID}"\nsecret_key = "{ZALO_OA_SECRET}"\n'
        f'app_secret = "{ZALO_APP_SECRET}"\n', encoding="utf-8")
    url = f"sqlite:///{tmp_path}/hub.db"
    upgrade(url)
    hub = Hub(enrich_settings(url, zalo_api), queue=queue)
    try:
        from hub.app import create_app

        body = zalo_bytes(user_send_text("msg_c1", "alo"))
        assert create_app(role="ingest", hub=hub).test_client().post(URL, data=body, headers=signed(body)).status_code == 200
        assert run(hub, queue.ids.pop()) == "done"
        hub.sweep()  # no token yet: parked
        assert rows(hub, "enrichments")[0]["status"] == "needs_token"

        refused = run_hub(tmp_path, "zalo", "set-token", "--oa", "1111", "--refresh-token", "x")
        assert refused.returncode != 0 and "1111" in refused.stderr and "not configured" in refused.stderr

        access, refresh = zalo_api.issue(ZALO_APP_ID, ZALO_APP_SECRET)
        done = run_hub(tmp_path, "zalo", "set-token", "--oa", ZALO_OA_ID, "--refresh-token", refresh,
                       "--access-token", access)
        assert done.returncode == 0, done.stderr
        assert "1 waiting profile fetches resume" in done.stdout
        assert rows(hub, "enrichments")[0]["status"] == "pending"
        assert channel_health.unhealthy(hub.store) == []
        assert zalo_tokens.current(hub.store, hub.settings, ZALO_OA_ID).refresh_token == refresh
    finally:
        hub.store.dispose()
