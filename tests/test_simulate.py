"""`hub simulate` against a real `hub serve` process: every webhook accepted, stored once,
processed into contacts carrying the made-up people's phones."""
from __future__ import annotations

import sqlite3

import pytest

from hub.config import load_settings
from hub.simulate import plan
from tests.conftest import (APP_SECRET, FORM_TOKEN, PAGE_ID, PAGE_TOKEN, TELEGRAM_BOT, TELEGRAM_TOKEN,
                            ZALO_APP_ID, ZALO_OA_ID, ZALO_OA_SECRET)
from tests import test_processes
from tests.test_processes import BIN, export, free_port, http_up, wait_for

procs = test_processes.procs  # the fixture: real processes in a scratch folder

pytestmark = pytest.mark.slow
CONFIG = f'''
[forms.contact-us]
token = "{FORM_TOKEN}"
[forms.contact-us.fields]
ho_ten = "name"
so_dien_thoai = "phone"
tinh = "province"
loi_nhan = "message"
[facebook]
app_secrets = ["{APP_SECRET}"]
[facebook.pages.{PAGE_ID}]
token = "{PAGE_TOKEN}"
[zalo.oas.{ZALO_OA_ID}]
app_id = "{ZALO_APP_ID}"
secret_key = "{ZALO_OA_SECRET}"
[telegram.bots.{TELEGRAM_BOT}]
secret_token = "{TELEGRAM_TOKEN}"
'''


def test_simulate_sends_signed_webhooks_that_a_real_hub_accepts_and_stores_once(procs):
    config = procs.cwd / "config" / "hub.toml"
    config.write_text(CONFIG, encoding="utf-8")
    port = free_port()
    procs.start(str(BIN / "hub"), "serve", "--port", str(port), log="serve.log")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: http_up(base + "/healthz"), 30, "hub serve")

    result = procs.hub("simulate", "--url", base, "-n", "60", "--seed", "7", "--concurrency", "3")
    assert result.returncode == 0, result.stdout + result.stderr
    requests_ = list(plan(load_settings(config, environ={"HUB_SECRET_KEY": "test"}), 60, seed=7))
    unique = len({id(r) for r in requests_})
    assert "sent 60 (" in result.stdout and f"{60 - unique} redeliveries" in result.stdout
    assert "2xx 60, other 0, errors 0" in result.stdout
    assert {r.channel for r in requests_} == {"form", "zalo", "telegram", "messenger"}

    database = procs.cwd / "var" / "hub.db"

    def statuses() -> list[str]:
        with sqlite3.connect(database) as db:
            return [row[0] for row in db.execute("SELECT status FROM raw_events")]

    wait_for(lambda: len(statuses()) == unique and set(statuses()) == {"done"}, 60,
             "every stored event processed")
    phones = {p for contact in export(procs) for p in contact["phones"]}
    assert {"+84" + r.phone for r in requests_} <= phones  # typed 0912.., +84.., old 016x..
