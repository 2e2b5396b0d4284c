"""Zalo profile enrichment end to end: webhooks in, leads first, profiles after, never a lead."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from redis import Redis
from rq import SimpleWorker
from sqlalchemy import update

from hub import channel_health
from hub.app import create_app
from hub.enrich import zalo_tokens
from hub.queue import RQQueue
from hub.runtime import Hub, set_current
from hub.store.contacts import roots_of
from hub.store.schema import EnrichmentRow
from tests.conftest import FORM_TOKEN, REDIS_URL, ZALO_APP_ID, ZALO_OA_ID
from tests.enrich.conftest import ZALO_APP_SECRET, enrich_settings
from tests.fakes.zalo import FakeZalo, zalo_user
from tests.helpers import FORM_URL, drain, row_count, rows
from tests.ops.console import signed_in
from tests.zalo import URL, USER_ID, signed, submit_info_flat, user_send_text, zalo_bytes

AUTH = {"Authorization": f"Bearer {FORM_TOKEN}"}


def post_zalo(client, payload) -> None:  # type: ignore[no-untyped-def]
    body = zalo_bytes(payload)
    response = client.post(URL, data=body, headers=signed(body))
    assert response.status_code == 200, response.json


def give_token(hub: Hub, fake: FakeZalo) -> str:
    access, refresh = fake.issue(ZALO_APP_ID, ZALO_APP_SECRET)
    zalo_tokens.set_token(hub.store, ZALO_OA_ID, refresh, access)
    return refresh


def enrichment(hub: Hub) -> dict:  # type: ignore[type-arg]
    [row] = rows(hub, "enrichments")
    return dict(row)


def survivors(hub: Hub) -> set[str]:
    with hub.store.sessions() as session:
        return set(roots_of(session, [c["id"] for c in rows(hub, "contacts")]).values())


def test_chat_then_submit_info_then_a_web_form_is_one_contact_with_three_leads(client, hub, queue, zalo_api):
    give_token(hub, zalo_api)
    zalo_api.users[USER_ID] = zalo_user(USER_ID, "Lan Nguyễn 🌸")
    post_zalo(client, user_send_text("msg_101", "Shop ơi váy này còn size M không ạ?"))
    assert drain(hub, queue) == ["done"]
    assert row_count(hub, "leads") == 1  # stored before any profile was fetched
    assert enrichment(hub)["status"] == "pending"
    hub.sweep()  # the sweeper runs what the (recording) queue did not
    assert enrichment(hub)["status"] == "done"
    [contact] = rows(hub, "contacts")
    assert (contact["family_name"], contact["given_name"]) == ("Nguyễn", "Lan")  # Western order read
    assert contact["version"] == 2

    post_zalo(client, submit_info_flat(name="Nguyễn Thị Lan", phone="84381234567", city="TP.HCM"))
    response = client.post(FORM_URL, data={"ho_ten": "nguyen thi lan", "so_dien_thoai": "0168.123.4567",
                                           "tinh": "Hồ Chí Minh"}, headers={**AUTH, "Idempotency-Key": "f-1"})
    assert response.status_code == 200
    assert drain(hub, queue) == ["done", "done"]
    hub.sweep()

    [survivor] = survivors(hub)
    leads = rows(hub, "leads")
    assert sorted(lead["channel"] for lead in leads) == ["form", "zalo", "zalo"]
    with hub.store.sessions() as session:
        assert set(roots_of(session, [lead["contact_id"] for lead in leads]).values()) == {survivor}
    [root] = [c for c in rows(hub, "contacts") if c["id"] == survivor]
    assert (root["family_name"], root["given_name"]) == ("Nguyễn", "Lan")  # the submitted name won
    phones = {p["value"] for p in rows(hub, "contact_points") if p["kind"] == "phone"}
    assert phones == {"+84381234567"}  # 0168 123 4567 is the old spelling of 038 123 4567
    assert row_count(hub, "enrichments") == 1  # the identity was new only once


def test_a_profile_fills_a_chat_only_contact_and_emits_contact_updated_without_a_lead(client, hub, queue, zalo_api):
    give_token(hub, zalo_api)
    zalo_api.users[USER_ID] = zalo_user(USER_ID, "Hùng Trần", {
        "name": "Trần Văn Hùng", "phone": 84987654321, "address": "45 Bạch Đằng", "ward": "Phường Hải Châu",
        "district": "Quận Hải Châu", "city": "Đà Nẵng", "user_dob": ""})
    post_zalo(client, user_send_text("msg_201", "cho mình hỏi giá"))
    drain(hub, queue)
    hub.sweep()
    [contact] = rows(hub, "contacts")
    assert (contact["name"], contact["family_name"], contact["given_name"]) == ("Trần Văn Hùng", "Trần", "Hùng")
    assert contact["province_name"] and "Đà Nẵng" in contact["province_name"]
    assert contact["version"] == 2
    points = {(p["kind"], p["value"]) for p in rows(hub, "contact_points")}
    assert ("phone", "+84987654321") in points
    assert row_count(hub, "leads") == 1
    events = rows(hub, "outbox")
    assert [e["type"] for e in events] == ["contact.created", "contact.updated"]
    assert events[1]["payload"]["enrichment"] == "zalo_profile"
    assert events[1]["payload"]["contact"]["phones"] == ["+84987654321"]


def test_a_display_name_never_replaces_a_better_personal_name(client, hub, queue, zalo_api):
    give_token(hub, zalo_api)
    zalo_api.users[USER_ID] = zalo_user(USER_ID, "Thuý")
    post_zalo(client, submit_info_flat(name="Nguyễn Thị Thuý", phone="84912345678"))
    drain(hub, queue)
    hub.sweep()
    assert enrichment(hub)["status"] == "done"
    [contact] = rows(hub, "contacts")
    assert contact["name"] == "Nguyễn Thị Thuý"
    assert contact["version"] == 1  # nothing new: no contact.updated
    assert [e["type"] for e in rows(hub, "outbox")] == ["contact.created"]


@pytest.mark.parametrize("access_state, code", [("unknown", -216), ("expired", -220)])
def test_a_refused_token_parks_the_profile_flags_the_oa_and_a_new_token_resumes_it(
        client, hub, queue, zalo_api, access_state, code):
    spent = give_token(hub, zalo_api)
    zalo_api.refresh_tokens[spent] = "spent"  # the refresh cannot save it
    if access_state == "unknown":
        zalo_tokens.set_token(hub.store, ZALO_OA_ID, spent, "revoked-access-token")
    else:
        zalo_api.expire_access_tokens()
    zalo_api.users[USER_ID] = zalo_user(USER_ID, "Phạm Minh Đức")
    post_zalo(client, user_send_text("msg_301", "tư vấn giúp em"))
    assert drain(hub, queue) == ["done"]  # the lead is never blocked
    hub.sweep()
    job = enrichment(hub)
    assert job["status"] == "needs_token"
    assert "Invalid refresh token" in job["last_error"]
    assert zalo_api.requests[0][0] == "/v3.0/oa/user/detail"  # answered `code`, then a refresh
    assert zalo_api.refresh_uses == [spent]
    assert [(r.channel, r.scope) for r in channel_health.unhealthy(hub.store)] == [("zalo", ZALO_OA_ID)]
    assert [c["name"] for c in rows(hub, "contacts")] == [None]
    metrics = client.get("/metrics").data.decode()
    assert 'hub_enrichments{kind="zalo_profile",status="needs_token"} 1.0' in metrics
    assert f'hub_channel_unhealthy{{channel="zalo",scope="{ZALO_OA_ID}"}} 1.0' in metrics
    hub.sweep()  # the same token: it stays parked, Zalo is not asked again
    assert enrichment(hub)["status"] == "needs_token"

    give_token(hub, zalo_api)  # what `hub zalo set-token` does
    hub.sweep()
    assert enrichment(hub)["status"] == "done"
    assert rows(hub, "contacts")[0]["name"] == "Phạm Minh Đức"
    assert channel_health.unhealthy(hub.store) == []
    assert row_count(hub, "leads") == 1


def test_an_oa_without_a_token_parks_at_once_and_set_token_resumes(app, client, hub, queue, zalo_api):
    zalo_api.users[USER_ID] = zalo_user(USER_ID, "Ngô Bảo Châu")
    post_zalo(client, user_send_text("msg_351", "alo"))
    drain(hub, queue)
    hub.sweep()
    assert enrichment(hub)["status"] == "needs_token"
    assert zalo_api.requests == []
    # Ops see it on the dashboard: the OA, and what to do about it.
    viewer, _ = signed_in(app, hub, "xem", "viewer")
    page = viewer.get("/ops/").get_data(as_text=True)
    assert "Zalo OA cần cấp quyền lại" in page and ZALO_OA_ID in page and "hub zalo set-token" in page
    give_token(hub, zalo_api)
    hub.sweep()
    assert enrichment(hub)["status"] == "done"
    assert "Zalo OA cần cấp quyền lại" not in viewer.get("/ops/").get_data(as_text=True)


def test_a_transient_error_is_retried_with_backoff(client, hub, queue, zalo_api):
    give_token(hub, zalo_api)
    zalo_api.users[USER_ID] = zalo_user(USER_ID, "Lê Thị Hoà")
    zalo_api.fail_next("server_error")
    post_zalo(client, user_send_text("msg_401", "alo"))
    drain(hub, queue)
    hub.sweep()
    job = enrichment(hub)
    assert (job["status"], job["attempts"]) == ("pending", 1)
    assert "Zalo unavailable" in job["last_error"]
    hub.sweep()  # the test settings' backoff is 0 s
    assert enrichment(hub)["status"] == "done"
    assert rows(hub, "contacts")[0]["name"] == "Lê Thị Hoà"


def test_a_profile_that_keeps_failing_gives_up_visibly(client, hub, queue, zalo_api):
    give_token(hub, zalo_api)
    post_zalo(client, user_send_text("msg_501", "alo"))
    drain(hub, queue)
    zalo_api.fail_next("rate_limit", times=hub.settings.queue.max_attempts)
    for _ in range(hub.settings.queue.max_attempts):
        hub.sweep()
    job = enrichment(hub)
    assert job["status"] == "failed" and "gave up" in job["last_error"]
    assert row_count(hub, "leads") == 1


def test_a_user_zalo_will_not_describe_fails_without_retrying(client, hub, queue, zalo_api):
    give_token(hub, zalo_api)  # no such user in the fake: -213 not a follower
    post_zalo(client, user_send_text("msg_601", "alo"))
    drain(hub, queue)
    hub.sweep()
    job = enrichment(hub)
    assert (job["status"], job["attempts"]) == ("failed", 1)
    assert "-213" in job["last_error"]


def test_known_identities_and_disabled_enrichment_schedule_nothing(client, hub, queue, zalo_api):
    post_zalo(client, user_send_text("msg_701", "alo"))
    post_zalo(client, user_send_text("msg_702", "alo lần hai"))
    drain(hub, queue)
    assert row_count(hub, "enrichments") == 1
    hub.settings = replace(hub.settings, zalo=replace(hub.settings.zalo, enrich_profiles=False))
    post_zalo(client, user_send_text("msg_703", "alo", user="7012345678901234567"))
    drain(hub, queue)
    assert row_count(hub, "enrichments") == 1


def test_a_worker_that_died_mid_job_is_taken_over_by_the_sweeper(client, hub, queue, zalo_api):
    from datetime import datetime, timedelta, timezone

    give_token(hub, zalo_api)
    zalo_api.users[USER_ID] = zalo_user(USER_ID, "Võ Thị Sáu")
    post_zalo(client, user_send_text("msg_801", "alo"))
    drain(hub, queue)
    with hub.store.transaction() as session:  # claimed by a worker whose lease ran out
        session.execute(update(EnrichmentRow).values(
            status="processing", attempts=1, due_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    hub.sweep()
    assert enrichment(hub)["status"] == "done"


def test_embedded_mode_runs_the_profile_on_the_worker_threads(db_url, zalo_api):
    hub = Hub(enrich_settings(db_url, zalo_api))  # no set_current: as `hub serve` runs it
    hub.queue.start()  # type: ignore[attr-defined]
    try:
        give_token(hub, zalo_api)
        zalo_api.users[USER_ID] = zalo_user(USER_ID, "Đặng Văn Lâm")
        post_zalo(create_app(role="ingest", hub=hub).test_client(), user_send_text("msg_901", "alo"))
        hub.queue.join()  # type: ignore[attr-defined]
        assert enrichment(hub)["status"] == "done"
        assert rows(hub, "contacts")[0]["name"] == "Đặng Văn Lâm"
    finally:
        hub.queue.stop()  # type: ignore[attr-defined]
        hub.store.dispose()


@pytest.fixture
def rq_hub(db_url: str, redis_conn: Redis, rq_queue: str, zalo_api: FakeZalo) -> Iterator[Hub]:
    hub = Hub(enrich_settings(db_url, zalo_api, rq_queue=rq_queue, redis_url=REDIS_URL))
    set_current(hub)
    yield hub
    set_current(None)
    hub.store.dispose()


def test_production_mode_runs_the_profile_as_an_rq_job(rq_hub, zalo_api):
    give_token(rq_hub, zalo_api)
    zalo_api.users[USER_ID] = zalo_user(USER_ID, "Bùi Thị Xuân")
    post_zalo(create_app(role="ingest", hub=rq_hub).test_client(), user_send_text("msg_951", "alo"))
    assert isinstance(rq_hub.queue, RQQueue)
    SimpleWorker([rq_hub.queue.rq], connection=rq_hub.queue.connection).work(burst=True)
    assert enrichment(rq_hub)["status"] == "done"
    assert rows(rq_hub, "contacts")[0]["name"] == "Bùi Thị Xuân"
