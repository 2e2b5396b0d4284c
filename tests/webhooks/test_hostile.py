"""Hostile input on every public endpoint: no 500, and a rejected request stores nothing.

Property tests (hypothesis) over forms (token and Standard Webhooks), Facebook (page and
Instagram), WhatsApp, Zalo and Telegram, GET handshakes included. What is signed correctly
passes the edge: it is stored and then fails or is ignored cleanly in the worker.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy.exc import DataError

from hub import pipeline
from hub.pipeline import run
from tests import meta, telegram, zalo
from tests.conftest import (FORM_SECRET, FORM_TOKEN, OLD_APP_SECRET, TELEGRAM_TOKEN, VERIFY_TOKEN,
                            WHATSAPP_SECRET, ZALO_APP_ID, ZALO_OA_ID)
from tests.helpers import FORM_URL, row_count, rows, standard_webhooks_headers

FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FINAL = {"done", "ignored", "failed", "needs_token"}  # needs_token: an unknown page

Signer = Callable[[bytes], tuple[str, dict[str, str]]]


def _form_token(body: bytes) -> tuple[str, dict[str, str]]:
    return FORM_URL, {"Authorization": f"Bearer {FORM_TOKEN}", "Content-Type": "application/json"}


def _form_signed(body: bytes) -> tuple[str, dict[str, str]]:
    return "/webhooks/forms/builder", standard_webhooks_headers(FORM_SECRET, body, "msg_fuzz")


def _facebook(body: bytes) -> tuple[str, dict[str, str]]:
    return "/webhooks/facebook", meta.signed(body, OLD_APP_SECRET)


def _whatsapp(body: bytes) -> tuple[str, dict[str, str]]:
    return "/webhooks/whatsapp", meta.signed(body, WHATSAPP_SECRET)


def _telegram(body: bytes) -> tuple[str, dict[str, str]]:
    return telegram.URL, telegram.headers()


def _zalo(body: bytes) -> tuple[str, dict[str, str]]:
    """Signed with the body's own timestamp as Zalo does (any JSON number kept as its text)."""
    try:
        stamp = json.loads(body, parse_int=str, parse_float=str).get("timestamp", "")
    except (ValueError, AttributeError, RecursionError):
        stamp = ""
    return zalo.URL, zalo.signed(body, timestamp=stamp if isinstance(stamp, str) else "")


SIGNERS: dict[str, Signer] = {
    "form_token": _form_token, "form_signed": _form_signed, "facebook": _facebook,
    "whatsapp": _whatsapp, "telegram": _telegram, "zalo": _zalo,
}

# JSON values of every kind, where the receivers expect strings, objects or lists.
scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)


def _hostile_payloads() -> st.SearchStrategy[Any]:
    """Realistic envelopes of each channel with any JSON value put where a string belongs."""
    v = json_values
    return st.one_of(
        st.builds(lambda a, b: {"object": "page", "entry": [{"id": a, "time": 1, "messaging": b}]}, v, v),
        st.builds(lambda a, b: {"object": "instagram", "entry": [{"id": "1", "messaging": [
            {"sender": a, "recipient": {"id": "1"}, "message": b}]}]}, v, v),
        st.builds(lambda a, b: {"object": "page", "entry": [{"id": "1", "changes": [
            {"field": "leadgen", "value": {"leadgen_id": a, "form_id": b, "page_id": "1"}}]}]}, v, v),
        st.builds(lambda a, b: {"object": "page", "entry": [{"id": "1", "changes": [
            {"field": "feed", "value": {"item": "comment", "verb": "add", "comment_id": "9",
                                        "from": a, "message": b}}]}]}, v, v),
        st.builds(lambda a, b, c: {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
            {"field": "messages", "value": {"metadata": a, "contacts": b, "messages": c,
                                            "statuses": c}}]}]}, v, v, v),
        st.builds(lambda a, b: {"object": "page", "entry": a, "x": b}, v, v),
        st.builds(lambda a, b: {"update_id": 1, "message": {"from": a, "chat": a, "text": b,
                                                            "contact": b}}, v, v),
        st.builds(lambda a, b: {"update_id": a, "message": b}, v, v),
        st.builds(lambda a, b: {**zalo.user_event("user_send_text", {"msg_id": a, "text": b})}, v, v),
        st.builds(lambda a, b: {**zalo.user_event("user_submit_info", info=a), "sender": b}, v, v),
        st.builds(lambda a: {"app_id": ZALO_APP_ID, "event_name": "follow", "oa_id": ZALO_OA_ID,
                             "timestamp": zalo.TS, "follower": a}, v),
        st.builds(lambda a, b: {"ho_ten": a, "so_dien_thoai": b, "email": a, "tinh": b}, v, v),
        st.dictionaries(st.text(max_size=10), v, max_size=5),
        v,
    )


def _post(client: Any, signer: str, body: bytes, **extra: str) -> Any:
    path, headers = SIGNERS[signer](body)
    return client.post(path, data=body, headers={**headers, **extra})


def _assert_clean(response: Any, stored_before: int, hub: Any) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        assert response.is_json and response.json["error"]
        assert row_count(hub, "raw_events") == stored_before


def _drain_cleanly(hub: Any, queue: Any) -> None:
    """Each stored event ends done / ignored / failed in one run: no crash, no blind retry."""
    while queue.ids:
        event_id = queue.ids.pop(0)
        assert run(hub, event_id) in FINAL | {"skipped"}
    for event in rows(hub, "raw_events"):
        assert event["status"] in FINAL, (event["channel"], event["last_error"])


@pytest.mark.parametrize("signer", sorted(SIGNERS))
@FUZZ
@given(body=st.binary(max_size=300))
def test_any_bytes_correctly_signed_never_yield_a_500(client, hub, queue, signer, body):
    before = row_count(hub, "raw_events")
    _assert_clean(_post(client, signer, body), before, hub)
    _drain_cleanly(hub, queue)


@pytest.mark.parametrize("signer", sorted(SIGNERS))
@FUZZ
@given(payload=_hostile_payloads())
def test_wrong_types_in_signed_payloads_are_stored_then_fail_or_are_ignored_cleanly(
        client, hub, queue, signer, payload):
    body = json.dumps(payload, ensure_ascii=False).encode()
    before = row_count(hub, "raw_events")
    _assert_clean(_post(client, signer, body), before, hub)
    _drain_cleanly(hub, queue)


@pytest.mark.parametrize("signer", sorted(SIGNERS))
@FUZZ
@given(content_type=st.one_of(st.sampled_from([
    "", "text/plain", "application/xml", "multipart/form-data", "multipart/form-data; boundary=",
    "application/x-www-form-urlencoded; charset=latin-1", "application/json; charset=utf-16",
    "application/merge-patch+json"]), st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=40)))
def test_wrong_content_types_never_yield_a_500(client, hub, queue, signer, content_type):
    body = json.dumps({"ho_ten": "Nguyễn Văn Bình", "so_dien_thoai": "0168 123 4567"}).encode()
    before = row_count(hub, "raw_events")
    _assert_clean(_post(client, signer, body, **{"Content-Type": content_type}), before, hub)
    _drain_cleanly(hub, queue)


@pytest.mark.parametrize("signer", sorted(SIGNERS))
@pytest.mark.parametrize("opener, closer", [(b"[", b"]"), (b'{"a":', b"}")])
def test_deep_nesting_is_a_400_not_a_crash(client, hub, signer, opener, closer):
    body = opener * 100_000 + b"1" + closer * 100_000
    response = _post(client, signer, body)
    assert response.status_code == 400
    assert response.json["reason"] == "malformed"
    assert row_count(hub, "raw_events") == 0


@pytest.mark.parametrize("signer", sorted(SIGNERS))
def test_invalid_utf8_is_a_400_and_stores_nothing(client, hub, signer):
    body = b'{"ho_ten": "Nguy\xe1\xbb n", "update_id": 1, "object": "page", "entry": []}'
    response = _post(client, signer, body)
    if signer in ("facebook", "whatsapp"):  # Meta: an empty delivery is answered 200, nothing kept
        assert response.status_code == 400 or response.json.get("event_ids") == []
    else:
        assert response.status_code == 400
    assert row_count(hub, "raw_events") == 0


@pytest.mark.parametrize("signer", sorted(SIGNERS))
def test_a_body_over_the_limit_is_a_json_413(client, hub, signer):
    limit = hub.settings.ingest.max_body_bytes
    body = b'{"ho_ten": "' + b"a" * limit + b'"}'
    response = _post(client, signer, body)
    assert response.status_code == 413
    assert response.is_json and response.json["error"]
    assert row_count(hub, "raw_events") == 0


header_text = st.text(st.characters(min_codepoint=1, max_codepoint=255,
                                    blacklist_characters="\r\n\x00"), max_size=80)


@FUZZ
@given(signature=header_text)
def test_forged_meta_signatures_are_refused(client, hub, signature):
    body = meta.meta_bytes(meta.page_delivery(meta.messaging_entry(meta.message("m_1", "Chào shop"))))
    for path in ("/webhooks/facebook", "/webhooks/whatsapp"):
        response = client.post(path, data=body, headers={"X-Hub-Signature-256": signature,
                                                          "Content-Type": "application/json"})
        assert response.status_code in (401, 403)
    assert row_count(hub, "raw_events") == 0


@FUZZ
@given(signature=header_text)
def test_forged_zalo_signatures_are_refused(client, hub, signature):
    body = zalo.zalo_bytes(zalo.user_send_text("msg-1", "Tôi tên Lan, sđt 0912345678"))
    response = client.post(zalo.URL, data=body, headers={"X-ZEvent-Signature": signature,
                                                         "Content-Type": "application/json"})
    assert response.status_code in (401, 403)
    assert row_count(hub, "raw_events") == 0


@FUZZ
@given(token=header_text.filter(lambda t: t.strip() != TELEGRAM_TOKEN))
def test_a_wrong_telegram_secret_is_refused(client, hub, token):
    body = telegram.body(telegram.text(1, "Xin chào"))
    response = client.post(telegram.URL, data=body, headers=telegram.headers(token))
    assert response.status_code == 401
    assert row_count(hub, "raw_events") == 0


@FUZZ
@given(token=header_text, query=header_text)
def test_forged_form_tokens_are_refused(client, hub, token, query):
    body = json.dumps({"ho_ten": "Lê Thị Hoà"}).encode()
    response = client.post(FORM_URL, query_string={"token": query}, data=body,
                           headers={"Authorization": token, "Content-Type": "application/json"})
    assert response.status_code == 401
    assert row_count(hub, "raw_events") == 0


@FUZZ
# 10 s past the 300 s tolerance: a slow request must not carry a future timestamp back inside it.
@given(age=st.integers(min_value=310, max_value=10**9), sign=st.sampled_from([-1, 1]))
def test_standard_webhooks_signatures_outside_the_tolerance_are_refused(client, hub, age, sign):
    import time

    body = json.dumps({"name": "Phạm Minh Châu", "phone": "0168 123 4567"}).encode()
    headers = standard_webhooks_headers(FORM_SECRET, body, "msg_old", int(time.time()) + sign * age)
    response = client.post("/webhooks/forms/builder", data=body, headers=headers)
    assert response.status_code == 401
    assert row_count(hub, "raw_events") == 0


@FUZZ
@given(mode=header_text, token=header_text, challenge=header_text)
def test_handshakes_answer_only_the_right_token(client, hub, mode, token, challenge):
    for path in ("/webhooks/facebook", "/webhooks/whatsapp"):
        response = client.get(path, query_string={"hub.mode": mode, "hub.verify_token": token,
                                                   "hub.challenge": challenge})
        ok = mode == "subscribe" and token == VERIFY_TOKEN  # WhatsApp falls back to Facebook's
        assert response.status_code == (200 if ok else 403)
        if ok:
            assert response.get_data(as_text=True) == challenge
    assert row_count(hub, "raw_events") == 0


@pytest.mark.parametrize("path", ["/webhooks/facebook", "/webhooks/whatsapp", "/webhooks/zalo",
                                  f"/webhooks/telegram/{telegram.TELEGRAM_BOT}", FORM_URL])
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_a_json_405(client, hub, path, method):
    response = client.open(path, method=method, data=b"{}")
    assert response.status_code == 405
    assert response.is_json
    assert row_count(hub, "raw_events") == 0


def test_the_telegram_secret_header_with_latin1_bytes_is_refused(client, hub):
    body = telegram.body(telegram.text(2, "Xin chào"))
    response = client.post(telegram.URL, data=body, headers=telegram.headers(TELEGRAM_TOKEN + "é"))
    assert response.status_code == 401


@pytest.mark.parametrize("size, status", [(100, 200), (5_000_000, 413)])
def test_a_streamed_body_over_the_limit_is_a_413_not_stored_truncated(client, hub, size, status):
    """No Content-Length (chunked): werkzeug cuts the stream at the limit; the edge must
    refuse it rather than store the first max_body_bytes of an urlencoded form."""
    import io

    body = f"ho_ten=Nguyễn Văn Bình&so_dien_thoai=0912345678&loi_nhan={'a' * size}".encode()
    response = client.post(FORM_URL, input_stream=io.BytesIO(body),
                           headers={"Authorization": f"Bearer {FORM_TOKEN}",
                                    "Content-Type": "application/x-www-form-urlencoded"},
                           environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": None})
    assert response.status_code == status
    assert row_count(hub, "raw_events") == (1 if status == 200 else 0)
    if status == 200:
        assert rows(hub, "raw_events")[0]["body"] == body


def test_a_name_too_long_for_its_column_is_kept_cut_not_a_lost_lead(client, hub, queue):
    """A 300-letter word is no name: the contact keeps the first 255 characters of it (PostgreSQL
    would refuse more), the lead its whole text; the lead is stored on both stores."""
    name = "Nguyễn Văn " + "Bình" * 75
    body = json.dumps({"ho_ten": name, "so_dien_thoai": "0912 345 678"}, ensure_ascii=False).encode()
    assert _post(client, "form_token", body).status_code == 200
    [event_id] = queue.ids
    assert run(hub, event_id) == "done"
    [contact] = rows(hub, "contacts")
    assert contact["name"] == name[:255] and not contact["name_is_personal"]
    assert rows(hub, "leads")[0]["data"]["name"]["raw"] == name


def test_a_value_the_database_refuses_fails_at_once_not_after_retries(client, hub, queue, monkeypatch):
    """Whatever still does not fit a column fails with the database's reason on the first
    attempt: retrying cannot help."""
    def refuse(*args, **kwargs):
        raise DataError("INSERT ...", {}, Exception("value too long for type character varying(128)"))

    monkeypatch.setattr(pipeline, "apply_lead", refuse)
    body = json.dumps({"ho_ten": "Lê Thị Hoà", "so_dien_thoai": "0912 345 678"}, ensure_ascii=False).encode()
    assert _post(client, "form_token", body).status_code == 200
    [event_id] = queue.ids
    assert run(hub, event_id) == "failed"
    [event] = rows(hub, "raw_events")
    assert (event["status"], event["attempts"]) == ("failed", 1)
    assert event["last_error"] == "DataError: value too long for type character varying(128)"
