"""The rotating Zalo OAuth v4 pair: concurrent workers never spend a refresh token twice."""
from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest

from hub.enrich import zalo, zalo_tokens
from hub.enrich.jobs import due, run
from hub.errors import TokenInvalid
from tests.conftest import ZALO_APP_ID, ZALO_OA_ID
from tests.enrich.conftest import ZALO_APP_SECRET
from tests.fakes.zalo import zalo_user
from tests.helpers import drain, rows
from tests.zalo import URL, signed, user_send_text, zalo_bytes

USER = "2512523625412515"


def _at_once(workers: int, work: Any) -> list[Any]:
    """Run `work` in several threads released together; their results (or exceptions)."""
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers

    def one(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work()
        except Exception as exc:  # reported to the test, not swallowed
            results[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.fixture
def seeded(hub, zalo_api):  # type: ignore[no-untyped-def]
    zalo_api.users[USER] = zalo_user(USER, "Lan Nguyễn")
    access, refresh = zalo_api.issue(ZALO_APP_ID, ZALO_APP_SECRET)
    zalo_tokens.set_token(hub.store, ZALO_OA_ID, refresh, access)
    return refresh


def test_two_workers_hitting_an_expired_token_refresh_it_once(hub, zalo_api, seeded):
    zalo_api.expire_access_tokens()
    zalo_api.refresh_delay = 0.3  # both workers are inside the refresh window together
    results = _at_once(2, lambda: zalo.user_detail(hub.store, hub.settings, ZALO_OA_ID, USER))
    assert [r["display_name"] for r in results] == ["Lan Nguyễn", "Lan Nguyễn"], results
    assert zalo_api.refresh_uses == [seeded]  # one refresh, with the seeded token
    stored = zalo_tokens.current(hub.store, hub.settings, ZALO_OA_ID)
    assert zalo_api.refresh_tokens[stored.refresh_token] == "unused"
    assert zalo_api.access_tokens[stored.access_token] == "valid"


def test_every_rotation_uses_each_refresh_token_exactly_once(hub, zalo_api, seeded):
    for _round in range(3):
        zalo_api.expire_access_tokens()
        results = _at_once(4, lambda: zalo.user_detail(hub.store, hub.settings, ZALO_OA_ID, USER))
        assert all(isinstance(r, dict) for r in results), results
    uses = Counter(zalo_api.refresh_uses)
    assert len(uses) == 3 and set(uses.values()) == {1}
    assert seeded in uses
    stored = zalo_tokens.current(hub.store, hub.settings, ZALO_OA_ID)
    assert stored.refresh_token not in uses  # the stored one is the newest, still unused
    assert zalo_api.refresh_tokens[stored.refresh_token] == "unused"


def test_a_token_past_its_expiry_is_refreshed_before_calling(hub, zalo_api, seeded):
    zalo_api.expire_access_tokens()
    zalo.user_detail(hub.store, hub.settings, ZALO_OA_ID, USER)  # -220, refresh, retry
    token = zalo_tokens.current(hub.store, hub.settings, ZALO_OA_ID)
    assert token.expires_at is not None  # from expires_in "90000"
    calls_before = len(zalo_api.requests)
    zalo.user_detail(hub.store, hub.settings, ZALO_OA_ID, USER)
    assert len(zalo_api.requests) == calls_before + 1  # still valid: no refresh


def test_a_spent_refresh_token_is_refused_and_nothing_is_stored(hub, zalo_api, seeded):
    zalo_api.refresh_tokens[seeded] = "spent"  # e.g. another system refreshed with it
    zalo_api.expire_access_tokens()
    before = zalo_tokens.current(hub.store, hub.settings, ZALO_OA_ID)
    with pytest.raises(TokenInvalid) as refused:
        zalo.user_detail(hub.store, hub.settings, ZALO_OA_ID, USER)
    assert (refused.value.channel, refused.value.scope) == ("zalo", ZALO_OA_ID)
    assert "Invalid refresh token" in str(refused.value)
    assert zalo_tokens.current(hub.store, hub.settings, ZALO_OA_ID) == before


def test_an_oa_without_any_token_is_refused_without_calling_zalo(hub, zalo_api):
    with pytest.raises(TokenInvalid, match="hub zalo set-token"):
        zalo.user_detail(hub.store, hub.settings, ZALO_OA_ID, USER)
    assert zalo_api.requests == []


def test_a_refresh_token_in_the_settings_is_adopted_once(hub, zalo_api):
    from dataclasses import replace

    zalo_api.users[USER] = zalo_user(USER, "Lan Nguyễn")
    _access, refresh = zalo_api.issue(ZALO_APP_ID, ZALO_APP_SECRET)
    oas = dict(hub.settings.zalo.oas)
    oas[ZALO_OA_ID] = replace(oas[ZALO_OA_ID], refresh_token=refresh)
    hub.settings = replace(hub.settings, zalo=replace(hub.settings.zalo, oas=oas))
    for _ in range(2):  # the second call must not go back to the (now spent) seed
        assert zalo.user_detail(hub.store, hub.settings, ZALO_OA_ID, USER)["display_name"] == "Lan Nguyễn"
    assert zalo_api.refresh_uses == [refresh]


def test_two_enrichment_jobs_at_once_with_an_expired_token_both_finish(client, hub, queue, zalo_api, seeded):
    other = "3012345678901234567"
    zalo_api.users[other] = zalo_user(other, "Hoàng Thị Thu")
    for msg_id, user in (("msg_t1", USER), ("msg_t2", other)):
        body = zalo_bytes(user_send_text(msg_id, "alo", user=user))
        assert client.post(URL, data=body, headers=signed(body)).status_code == 200
    assert drain(hub, queue) == ["done", "done"]
    zalo_api.expire_access_tokens()
    zalo_api.refresh_delay = 0.3
    jobs = due(hub)
    assert len(jobs) == 2
    barrier = threading.Barrier(2)
    results: list[str] = []

    def worker(job_id: int) -> None:
        barrier.wait()
        results.append(run(hub, job_id))

    threads = [threading.Thread(target=worker, args=(job_id,)) for job_id in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == ["done", "done"]
    assert zalo_api.refresh_uses == [seeded]
    assert sorted(c["name"] for c in rows(hub, "contacts")) == ["Hoàng Thị Thu", "Nguyễn Lan"]  # Western order read


WORKER = """
import json, sys
from types import SimpleNamespace
from hub.enrich import zalo
from hub.store import Store
from tests.enrich.conftest import enrich_settings
db_url, api_url, oa, user = sys.argv[1:]
settings = enrich_settings(db_url, SimpleNamespace(url=api_url))
store = Store(db_url)
print(json.dumps(zalo.user_detail(store, settings, oa, user)["display_name"]))
"""


def test_two_worker_processes_hitting_an_expired_token_refresh_it_once(hub, zalo_api, seeded):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    zalo_api.expire_access_tokens()
    zalo_api.refresh_delay = 1.0  # the later process finds the row locked, then the new pair
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    args = [sys.executable, "-c", WORKER, hub.settings.database_url, zalo_api.url, ZALO_OA_ID, USER]
    workers = [subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    assert [json.loads(out) for out, _err in outputs] == ["Lan Nguyễn", "Lan Nguyễn"]
    assert zalo_api.refresh_uses == [seeded]
    stored = zalo_tokens.current(hub.store, hub.settings, ZALO_OA_ID)
    assert zalo_api.refresh_tokens[stored.refresh_token] == "unused"
