"""Rate limiting of the webhook endpoints: per client IP and channel, 429 + Retry-After + JSON."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from hub.app import create_app
from hub.config import ConfigError, IngestSettings, ServerSettings, load_settings
from hub.runtime import Hub
from tests import telegram
from tests.conftest import FORM_TOKEN, RecordingQueue, make_settings
from tests.helpers import FORM_URL, row_count

AUTH = {"Authorization": f"Bearer {FORM_TOKEN}", "Content-Type": "application/json"}


def _client(settings, queue=None):  # type: ignore[no-untyped-def]
    hub = Hub(settings, queue=queue or RecordingQueue())
    return create_app(role="embedded", hub=hub).test_client(), hub


def _lead(i: int) -> bytes:
    return json.dumps({"ho_ten": f"Nguyễn Văn Khách {i}", "so_dien_thoai": f"0168 123 45{i:02d}"}).encode()


def _post_form(client, i: int, ip: str = "203.0.113.7", **headers):  # type: ignore[no-untyped-def]
    return client.post(FORM_URL, data=_lead(i), headers={**AUTH, **headers},
                       environ_base={"REMOTE_ADDR": ip})


@pytest.fixture
def limited(db_url):  # type: ignore[no-untyped-def]
    settings = make_settings(db_url, ingest=IngestSettings(rate_limit="3/minute"))
    client, hub = _client(settings)
    yield client, hub
    hub.store.dispose()


def test_a_client_over_the_limit_gets_a_json_429_with_retry_after_and_nothing_is_stored(limited):
    client, hub = limited
    assert [_post_form(client, i).status_code for i in range(3)] == [200, 200, 200]
    refused = _post_form(client, 3)
    assert refused.status_code == 429
    assert refused.is_json and refused.json["error"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert (refused.headers["X-RateLimit-Limit"], refused.headers["X-RateLimit-Remaining"]) == ("3", "0")
    assert row_count(hub, "raw_events") == 3
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'hub_webhook_rejected_total{channel="forms",reason="rate_limited"} 1.0' in metrics


def test_an_accepted_webhook_carries_no_rate_limit_headers(limited):
    client, _ = limited  # reading the counter back for them would cost two Redis round trips
    accepted = _post_form(client, 0)
    assert accepted.status_code == 200
    assert not [name for name in accepted.headers.keys() if name.startswith("X-RateLimit") or name == "Retry-After"]


def test_the_limit_is_per_client_ip_and_per_channel(limited):
    client, hub = limited
    for i in range(3):
        assert _post_form(client, i).status_code == 200
    assert _post_form(client, 10, ip="198.51.100.9").status_code == 200  # another address
    tg = client.post(telegram.URL, data=telegram.body(telegram.text(77, "Chào shop")),
                     headers=telegram.headers(), environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert tg.status_code == 200  # same address, another channel
    assert row_count(hub, "raw_events") == 5


def test_health_endpoints_are_never_limited(limited):
    client, _ = limited
    for _ in range(10):
        assert client.get("/healthz").status_code == 200
        assert client.get("/metrics").status_code == 200


def test_x_forwarded_for_is_ignored_unless_proxies_are_trusted(db_url):
    settings = make_settings(db_url, ingest=IngestSettings(rate_limit="2/minute"))
    client, hub = _client(settings)
    # Without trusted proxies a client cannot dodge the limit by inventing addresses.
    codes = [_post_form(client, i, **{"X-Forwarded-For": f"192.0.2.{i}"}).status_code for i in range(3)]
    assert codes == [200, 200, 429]
    hub.store.dispose()

    trusted = replace(settings, server=ServerSettings(trusted_proxies=1))
    client, hub = _client(trusted)
    codes = [_post_form(client, 20 + i, **{"X-Forwarded-For": f"192.0.2.{i}"}).status_code
             for i in range(3)]
    assert codes == [200, 200, 200]  # one address each, as the proxy says
    hub.store.dispose()


def test_counters_live_in_redis_when_configured_so_processes_share_them(pg_only_url, rq_queue, redis_conn):
    from tests.conftest import REDIS_URL

    settings = make_settings(pg_only_url, rq_queue, redis_url=REDIS_URL,
                             ingest=IngestSettings(rate_limit="2/minute"))
    first, hub1 = _client(settings)
    second, hub2 = _client(settings)  # another "process": its own app, the same Redis
    assert _post_form(first, 1).status_code == 200
    assert _post_form(second, 2).status_code == 200
    assert _post_form(first, 3).status_code == 429
    assert redis_conn.keys(f"*lead-hub-limits:{rq_queue}*")
    for key in redis_conn.keys(f"*lead-hub-limits:{rq_queue}*"):
        redis_conn.delete(key)
    hub1.store.dispose()
    hub2.store.dispose()


def test_redis_down_never_refuses_a_lead(pg_only_url, rq_queue):
    settings = make_settings(pg_only_url, rq_queue, redis_url="redis://127.0.0.1:1/0",
                             ingest=IngestSettings(rate_limit="1/minute"))
    client, hub = _client(settings)
    assert [_post_form(client, i).status_code for i in range(3)] == [200, 200, 200]
    assert row_count(hub, "raw_events") == 3
    hub.store.dispose()


def test_an_empty_rate_limit_turns_it_off(db_url):
    client, hub = _client(make_settings(db_url, ingest=IngestSettings(rate_limit="")))
    assert all(_post_form(client, i).status_code == 200 for i in range(20))
    hub.store.dispose()


@pytest.mark.parametrize("value", ["lots", "10 per fortnight", "-1/second"])
def test_a_bad_rate_limit_setting_fails_at_start_naming_it(tmp_path, value):
    config = tmp_path / "hub.toml"
    config.write_text('secret_key = "x"\n[ingest]\nrate_limit = "100/second"\n', encoding="utf-8")
    assert load_settings(config, environ={}).ingest.rate_limit == "100/second"
    with pytest.raises(ConfigError, match="ingest.rate_limit"):
        load_settings(config, environ={"HUB_INGEST__RATE_LIMIT": value})


@pytest.mark.parametrize("redis", [False, True])
def test_every_limit_counts_and_the_one_exceeded_is_named(pg_only_url, rq_queue, redis_conn, redis):
    from tests.conftest import REDIS_URL

    settings = make_settings(pg_only_url, rq_queue, redis_url=REDIS_URL if redis else None,
                             ingest=IngestSettings(rate_limit="10/year;2/month"))
    client, hub = _client(settings)
    responses = [_post_form(client, i) for i in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[2].json["error"] == "2 per 1 month"
    assert responses[2].headers["X-RateLimit-Limit"] == "2"
    assert row_count(hub, "raw_events") == 2
    if redis:  # one counter per limit, each with its window's expiry
        keys = redis_conn.keys(f"lead-hub-limits:{rq_queue}:forms:203.0.113.7:*")
        assert len(keys) == 2 and all(0 < redis_conn.ttl(key) <= 366 * 86400 for key in keys)
        redis_conn.delete(*keys)
    hub.store.dispose()


def test_the_memory_counters_drop_ended_windows(monkeypatch):
    from hub import ratelimit

    monkeypatch.setattr(ratelimit, "MEMORY_KEYS", 2)
    counters = ratelimit.MemoryCounters()
    for key in ("a", "b", "c"):
        assert counters.hit([key], [0]) == [1]  # a window of 0 s has ended at once
    assert counters.hit(["d", "d2"], [60, 60]) == [1, 1]
    assert sorted(counters.counts) == ["d", "d2"]
    assert counters.hit(["d"], [60]) == [2]


def test_far_below_a_limit_a_process_adds_its_hits_to_redis_now_and_then(redis_conn, rq_queue):
    from hub import ratelimit

    counters = ratelimit.RedisCounters(redis_conn, sync_seconds=3600)
    key = f"lead-hub-limits:{rq_queue}:forms:203.0.113.7:1000/60s:1"
    assert counters.hit([key], [60], [1000]) == [1]  # a window's first hit goes to Redis
    assert [counters.hit([key], [60], [1000]) for _ in range(4)] == [[2], [3], [4], [5]]
    assert int(redis_conn.get(key)) == 1  # counted here, not sent yet
    redis_conn.incrby(key, 10)  # another process's hits, sent meanwhile
    counters.sync_seconds = 0
    assert counters.hit([key], [60], [1000]) == [16]  # ours and theirs, once sent
    assert int(redis_conn.get(key)) == 16 and 0 < redis_conn.ttl(key) <= 60
    redis_conn.delete(key)


def test_past_half_a_limit_every_hit_is_counted_in_redis_first(redis_conn, rq_queue):
    from hub import ratelimit

    counters = ratelimit.RedisCounters(redis_conn, sync_seconds=3600)
    key = f"lead-hub-limits:{rq_queue}:forms:203.0.113.7:4/60s:1"
    assert counters.hit([key], [60], [4]) == [1]
    assert counters.hit([key], [60], [4]) == [2]  # 2 of 4: not past half, not sent
    redis_conn.incrby(key, 2)  # another process's
    assert counters.hit([key], [60], [4]) == [5]  # past half: sent, and over the limit
    assert int(redis_conn.get(key)) == 5
    redis_conn.delete(key)


def test_while_redis_is_down_the_limit_is_skipped_without_trying_it_on_every_request(monkeypatch):
    from redis import Redis

    from hub import ratelimit

    counters = ratelimit.RedisCounters(Redis.from_url("redis://127.0.0.1:1/0"), sync_seconds=3600)
    tries = []
    monkeypatch.setattr(counters, "_add", lambda *args: tries.append(args) or Redis.from_url(
        "redis://127.0.0.1:1/0").ping())
    assert [counters.hit(["k"], [60], [1]) for _ in range(3)] == [None, None, None]
    assert len(tries) == 1
