"""The WSGI layer in front of Flask for Meta deliveries: it answers, stores and counts exactly
as the Flask view does, and hands everything else to the view."""
from __future__ import annotations

import io
import json
import re
from dataclasses import replace

import pytest
from sqlalchemy.exc import OperationalError

from hub import inbox
from hub.app import create_app
from hub.config import IngestSettings, ServerSettings
from hub.runtime import Hub
from tests.conftest import RecordingQueue
from tests.helpers import row_count, rows
from tests.meta import changes_entry, comment, message, messaging_entry, meta_bytes, page_delivery, signed
from webhooks.meta_wsgi import MetaIngest

URL = "/webhooks/facebook"


def _body(n: int) -> bytes:
    return meta_bytes(page_delivery(
        messaging_entry(message(f"m_{n}_1", "Tôi tên Trần Văn Hùng, 0987654321"),
                        message(f"m_{n}_2", "echo", is_echo=True)),
        changes_entry(comment(f"c_{n}", "ib em 0903 111 222 nha", "7001", "Lê Thị Hoà"))))


def _apps(hub: Hub):  # type: ignore[no-untyped-def]
    """The app as served (layer in front), and the same app without the layer (the view only),
    with a record of the requests Flask's own machinery saw."""
    layered = create_app(role="ingest", hub=hub)
    assert isinstance(layered.wsgi_app, MetaIngest)
    view_only = create_app(role="ingest", hub=hub)
    view_only.wsgi_app = view_only.wsgi_app.next  # type: ignore[attr-defined,method-assign]
    seen: list[str] = []
    for app in (layered, view_only):
        app.before_request(lambda: seen.append("flask") and None)
    return layered.test_client(), view_only.test_client(), seen


def _answer(response):  # type: ignore[no-untyped-def]
    headers = sorted((k, v) for k, v in response.headers.items() if k != "Content-Length")
    return response.status_code, headers, response.data


def test_an_accepted_delivery_is_served_without_flask_and_answered_as_the_view_answers(hub, queue):
    layered, view_only, seen = _apps(hub)
    first = layered.post(URL, data=_body(1), headers=signed(_body(1)))
    assert seen == []  # the layer served it
    second = view_only.post(URL, data=_body(2), headers=signed(_body(2)))
    assert seen == ["flask"]
    assert first.status_code == second.status_code == 200
    assert sorted(first.headers.items()) == sorted(
        (k, str(len(first.data)) if k == "Content-Length" else v) for k, v in second.headers.items())
    assert re.sub(rb"\d+", b"N", first.data) == re.sub(rb"\d+", b"N", second.data)
    ids = [r["id"] for r in rows(hub, "raw_events")]
    assert json.loads(first.data) == {"status": "accepted", "event_ids": ids[:2], "duplicates": 0, "ignored": 1}
    assert queue.ids == ids  # both deliveries' new events
    assert row_count(hub, "webhook_deliveries") == 2
    # A redelivery, through either: the same answer, nothing new stored.
    again = [client.post(URL, data=_body(1), headers=signed(_body(1))) for client in (layered, view_only)]
    assert _answer(again[0]) == _answer(again[1])
    assert json.loads(again[0].data) == {"status": "accepted", "event_ids": [], "duplicates": 2, "ignored": 1}
    assert row_count(hub, "raw_events") == 4
    metrics = layered.get("/metrics").get_data(as_text=True)
    assert 'hub_webhook_accepted_total{channel="messenger",duplicate="false"} 1.0' in metrics
    assert 'hub_webhook_accepted_total{channel="messenger",duplicate="true"} 1.0' in metrics
    assert 'hub_webhook_ignored_total{channel="messenger",reason="echo"} 2.0' in metrics


@pytest.mark.parametrize("body, headers", [
    (_body(1), {"Content-Type": "application/json"}),  # no signature
    (_body(1), signed(_body(1), secret="not-the-app-secret")),
    (_body(1), {**signed(_body(1)), "X-Hub-Signature-256": "sha1=" + "0" * 40}),
    (b"{not json", signed(b"{not json")),
    (b'{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"6"},'
     b'"message":{"mid":"m","text":"\\ud800"}}]}]}', None),  # a lone surrogate
    (b"", {"Content-Type": "application/json"}),
    (b"x" * 2_000_000, None),  # over ingest.max_body_bytes
], ids=["unsigned", "bad-signature", "sha1", "not-json", "surrogate", "empty", "too-large"])
def test_a_refused_delivery_goes_to_the_view_and_gets_its_answer_storing_nothing(hub, body, headers):
    layered, view_only, seen = _apps(hub)
    headers = headers or signed(body)
    answers = [_answer(client.post(URL, data=body, headers=headers)) for client in (layered, view_only)]
    assert answers[0] == answers[1]
    assert answers[0][0] in (400, 401, 403, 413)
    assert seen == ["flask", "flask"]
    assert row_count(hub, "raw_events") == row_count(hub, "webhook_deliveries") == 0


def test_a_streamed_body_goes_to_the_view(hub):
    layered, _, seen = _apps(hub)  # no Content-Length (chunked): werkzeug's limits apply
    response = layered.post(URL, input_stream=io.BytesIO(_body(1)), headers=signed(_body(1)),
                            environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": None})
    assert response.status_code == 200
    assert seen == ["flask"]
    assert row_count(hub, "raw_events") == 2


def test_a_body_shorter_than_its_content_length_goes_to_the_view(hub):
    layered, view_only, seen = _apps(hub)
    body = _body(1)
    answers = [_answer(client.post(URL, input_stream=io.BytesIO(body[:100]), headers=signed(body),
                                   environ_overrides={"CONTENT_LENGTH": str(len(body))}))
               for client in (layered, view_only)]
    assert answers[0] == answers[1]
    assert answers[0][0] == 400
    assert seen == ["flask", "flask"]
    assert row_count(hub, "raw_events") == 0


def test_whatsapp_is_served_by_the_layer_with_its_own_secret(hub):
    layered, _, seen = _apps(hub)
    body = meta_bytes(page_delivery({"id": "1", "time": 1, "changes": []}, obj="whatsapp_business_account"))
    secret = hub.settings.whatsapp_app_secrets[0]
    response = layered.post("/webhooks/whatsapp", data=body, headers=signed(body, secret))
    assert response.status_code == 200
    assert seen == []


@pytest.mark.parametrize("error, status, reason", [
    (OperationalError("INSERT", {}, Exception("server closed the connection")), 503, "store_down"),
    (RuntimeError("a bug"), 500, "internal"),
])
def test_a_store_failure_is_answered_as_the_view_answers_it(hub, monkeypatch, error, status, reason):
    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise error

    monkeypatch.setattr(inbox, "put_batch", fail)
    layered, view_only, _ = _apps(hub)
    answers = [client.post(URL, data=_body(1), headers=signed(_body(1))) for client in (layered, view_only)]
    assert _answer(answers[0]) == _answer(answers[1])
    assert (answers[0].status_code, answers[0].json["reason"]) == (status, reason)
    if status == 503:
        assert answers[0].headers["Retry-After"] == "30"


def test_the_rate_limit_counts_a_request_once_and_refuses_with_the_views_429(db_url):
    from tests.conftest import make_settings

    hub = Hub(make_settings(db_url, ingest=IngestSettings(rate_limit="2/minute")), queue=RecordingQueue())
    client = create_app(role="ingest", hub=hub).test_client()
    unsigned = {"Content-Type": "application/json"}
    assert [client.post(URL, data=_body(n), headers=unsigned).status_code for n in range(2)] == [401, 401]
    refused = client.post(URL, data=_body(3), headers=signed(_body(3)))
    assert refused.status_code == 429
    assert (refused.headers["X-RateLimit-Limit"], refused.headers["X-RateLimit-Remaining"]) == ("2", "0")
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.json["reason"] == "too_many_requests"
    assert row_count(hub, "raw_events") == 0
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'hub_webhook_rejected_total{channel="facebook",reason="rate_limited"} 1.0' in metrics
    hub.store.dispose()


def test_the_layer_sees_the_client_address_the_trusted_proxy_gives(db_url):
    from tests.conftest import make_settings

    settings = make_settings(db_url, ingest=IngestSettings(rate_limit="2/minute"))
    for trusted, expected in ((0, [200, 200, 429]), (1, [200, 200, 200])):
        hub = Hub(replace(settings, server=ServerSettings(trusted_proxies=trusted)), queue=RecordingQueue())
        client = create_app(role="ingest", hub=hub).test_client()
        codes = [client.post(URL, data=_body(10 * trusted + n),
                             headers={**signed(_body(10 * trusted + n)), "X-Forwarded-For": f"192.0.2.{n}"}
                             ).status_code for n in range(3)]
        assert codes == expected
        hub.store.dispose()
