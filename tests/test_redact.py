"""Logs never carry secrets, and phones / emails only masked (Decree 13/2023 on personal data)."""
from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from hub.app import create_app
from hub.redact import scrub, secrets_of
from tests.conftest import (APP_SECRET, FORM_ID, FORM_SECRET, FORM_TOKEN, PAGE_TOKEN, TELEGRAM_TOKEN,
                            ZALO_OA_SECRET, make_settings)
from tests.helpers import FORM_URL, drain
from tests.meta import changes_entry, leadgen, meta_bytes, page_delivery, signed

PHONE, EMAIL = "0912345678", "nguyen.thi.lan@gmail.com"
SECRETS = (APP_SECRET, FORM_SECRET, FORM_TOKEN, PAGE_TOKEN, TELEGRAM_TOKEN, ZALO_OA_SECRET)


@pytest.mark.parametrize("raw, masked", [
    ("sđt 0912.345.678 ạ", "sđt 09*****678 ạ"),
    ("+84 912 345 678", "+84******678"),
    ("0168 123 4567 (số cũ)", "01******567 (số cũ)"),
    ("84912345678", "84******678"),
    ("Lan <nguyen.thi.lan+ads@gmail.com>", "Lan <n***@gmail.com>"),
    ("postgresql://leadhub:s3cr3t-pw@db:5432/leadhub", "postgresql://leadhub:***@db:5432/leadhub"),
    ("GET /webhooks/forms/x?token=abc123&utm_source=fb", "GET /webhooks/forms/x?token=[redacted]&utm_source=fb"),
    ("Bearer lh_0a1b2c3d_Zx9-secret", "Bearer lh_0a1b2c3d_[redacted]"),
])
def test_phones_emails_and_credentials_are_masked(raw, masked):
    assert scrub(raw) == masked


@pytest.mark.parametrize("kept", [
    "2026-11-23 03:15:00,123 INFO hub.pipeline: event 42 done in 12.3 ms",
    "zalo user 579745863508352884 at 1763870000123",  # ids and millisecond times are not phones
    "127.0.0.1:5432", "giá 1.500.000 VND",
])
def test_ordinary_log_text_is_left_alone(kept):
    assert scrub(kept) == kept


def test_settings_repr_shows_no_secret_or_database_password():
    settings = make_settings("postgresql://leadhub:pg-pass-9x7@127.0.0.1/leadhub")
    shown = repr(settings)
    assert "facebook" in shown and "contact-us" in shown
    for secret in (*SECRETS, "pg-pass-9x7", "test-secret"):
        assert secret not in shown
    assert set(SECRETS) <= set(secrets_of(settings))


@pytest.fixture
def log_text() -> Iterator[io.StringIO]:
    """What a handler on the root logger (as `hub serve` / gunicorn have) writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def _assert_clean(logged: str) -> None:
    for value in (PHONE, "84912345678", "912345678", EMAIL, *SECRETS):
        assert value not in logged


def test_a_failing_lead_is_logged_with_its_phone_and_email_masked(hub, queue, graph, log_text):
    app = create_app(role="embedded", hub=hub)  # installs the filter on the root's handlers
    # Graph answers field_data as an object instead of a list: the error quotes it.
    graph.add_lead(FORM_ID, {"id": "9100", "created_time": "2025-11-23T01:06:40+0000",
                             "field_data": {"phone_number": PHONE, "email": EMAIL}})
    body = meta_bytes(page_delivery(changes_entry(leadgen("9100", FORM_ID))))
    assert app.test_client().post("/webhooks/facebook", data=body, headers=signed(body)).status_code == 200
    assert drain(hub, queue) == ["failed"]
    logged = log_text.getvalue()
    assert "event 1 failed: the lead has no field_data list" in logged
    assert "access_token=[redacted]" in logged  # urllib3 logs the Graph URL at DEBUG
    assert "09*****678" in logged and "n***@gmail.com" in logged
    _assert_clean(logged)


def test_rejected_credentials_and_a_store_failure_leave_no_secret_or_person_in_the_log(db_url, log_text):
    from hub.runtime import Hub

    hub = Hub(make_settings(db_url))
    client = create_app(role="embedded", hub=hub).test_client()
    form = {"ho_ten": "Nguyễn Thị Lan", "so_dien_thoai": PHONE, "email": EMAIL}
    assert client.post(f"{FORM_URL}?token=wrong-{FORM_TOKEN}", data=form).status_code == 401
    assert client.post("/webhooks/facebook", data=b"{}", headers={"X-Hub-Signature-256": "sha256=00"}).status_code == 403
    with hub.store.transaction() as session:  # the inbox table is gone: the store fails mid-insert
        session.execute(text("ALTER TABLE raw_events RENAME TO raw_events_away"))
    try:
        assert client.post(f"{FORM_URL}?token={FORM_TOKEN}", data=form).status_code == 503
    finally:
        with hub.store.transaction() as session:
            session.execute(text("ALTER TABLE raw_events_away RENAME TO raw_events"))
        hub.store.dispose()
    logged = log_text.getvalue()
    assert "could not store the event; answering 503" in logged and "Traceback" in logged
    _assert_clean(logged)
    assert "Nguyễn Thị Lan" not in logged


def test_a_server_logger_that_gets_its_handler_after_start_up_is_masked_too(hub):
    from hub.redact import install

    install(hub.settings)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    worker_log = logging.getLogger("rq.worker")  # RQ adds its handler when the worker starts
    worker_log.addHandler(handler)
    try:
        worker_log.warning("job for %s <%s> failed; token %s", PHONE, EMAIL, FORM_TOKEN)
    finally:
        worker_log.removeHandler(handler)
    assert stream.getvalue() == "job for 09*****678 <n***@gmail.com> failed; token [redacted]\n"
