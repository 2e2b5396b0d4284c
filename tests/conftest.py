"""Fixtures: a fresh database per test (SQLite file or real PostgreSQL), real Redis.

PostgreSQL: one scratch database per test session, migrated once, truncated between tests.
Redis: database 14 of the local server, flushed before and after each test.
"""
from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from redis import Redis
from sqlalchemy import text

from hub.config import (FacebookPage, FacebookSettings, FormSettings, LeadAdsForm, QueueSettings,
                        Settings, TelegramBot, TelegramSettings, WhatsAppSettings, ZaloOA, ZaloSettings)
from hub.runtime import Hub, set_current
from hub.store.migrate import upgrade
from hub.store.schema import Base

PG_ADMIN_URL = os.environ.get("HUB_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
FORM_TOKEN = "t0k3n-contact-us"
FORM_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
APP_SECRET = "4f1c0d5e9a7b3c2d1e0f9a8b7c6d5e4f"  # the Meta app's secret
OLD_APP_SECRET = "0123456789abcdef0123456789abcdef"  # still accepted while rotating
WHATSAPP_SECRET = "a5a5a5a5b6b6b6b6c7c7c7c7d8d8d8d8"
VERIFY_TOKEN = "verify-me-3f9a"
PAGE_ID = "104857600123456"
PAGE_TOKEN = "EAAB-page-token-1"
FORM_ID = "771234567890123"
# Zalo ids are strings longer than 2^53 (9007199254740992).
ZALO_APP_ID = "1234567890123456789"
ZALO_OA_ID = "579745863508352884"
ZALO_OA_SECRET = "oa-secret-Kx9Q2mZ7"
OTHER_OA_ID = "4368496045530264598"
OTHER_OA_SECRET = "other-oa-secret-P3w8"
TELEGRAM_BOT = "shop_bot"
TELEGRAM_TOKEN = "tg-secret_Zq81xY"
_GRAPH: list = []


def pytest_sessionstart(session: pytest.Session) -> None:
    """Fail at once, saying what to start, when a service the tests need is not reachable."""
    problems = []
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        problems.append(f"PostgreSQL at {PG_ADMIN_URL}: {exc}".strip())
    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:
        problems.append(f"Redis at {REDIS_URL}: {exc}")
    amqp = urlsplit(os.environ.get("HUB_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//"))
    try:
        socket.create_connection((amqp.hostname or "127.0.0.1", amqp.port or 5672), timeout=3).close()
    except OSError as exc:
        problems.append(f"RabbitMQ at {amqp.hostname}:{amqp.port or 5672}: {exc}")
    if problems:
        raise pytest.UsageError(
            "the tests use real services; start them (bash .ci/run does) or point "
            "HUB_TEST_PG_ADMIN_URL / HUB_TEST_REDIS_URL / HUB_TEST_AMQP_URL elsewhere:\n  " + "\n  ".join(problems)
        )


class RecordingQueue:
    """Stands in for the queue where a test drives the pipeline itself, step by step."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def enqueue(self, event_id: int) -> None:
        self.ids.append(event_id)

    def enqueue_many(self, event_ids: list[int]) -> None:
        self.ids.extend(event_ids)

    def ping(self) -> None:
        return None

    def depth(self) -> int:
        return len(self.ids)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    name = f"hub_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield url
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _truncate_pg(url: str) -> None:
    from hub.store.engine import make_engine

    engine = make_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs twice: on a fresh SQLite file and on real PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/hub.db"
        upgrade(url)
        return url
    url = request.getfixturevalue("pg_url")
    _truncate_pg(url)
    return url


@pytest.fixture
def pg_only_url(pg_url: str) -> str:
    _truncate_pg(pg_url)
    return pg_url


def make_settings(database_url: str, rq_queue: str = "lead-hub", **overrides: object) -> Settings:
    forms = {
        "contact-us": FormSettings(
            key="contact-us",
            token=FORM_TOKEN,
            fields={"ho_ten": "name", "so_dien_thoai": "phone", "email": "email", "tinh": "province",
                    "loi_nhan": "message"},
            honeypot="website",
        ),
        "builder": FormSettings(key="builder", secret=FORM_SECRET),
    }
    facebook = FacebookSettings(
        graph_url=_GRAPH[0].url if _GRAPH else "http://127.0.0.1:9/v21.0",
        app_secrets=(APP_SECRET, OLD_APP_SECRET),
        verify_token=VERIFY_TOKEN,
        pages={PAGE_ID: FacebookPage(page_id=PAGE_ID, token=PAGE_TOKEN)},
        forms={FORM_ID: LeadAdsForm(form_id=FORM_ID, page=PAGE_ID,
                                    fields={"ban_quan_tam_du_an_nao": "message"})},
    )
    values: dict[str, object] = {
        "database_url": database_url,
        "facebook": facebook,
        "whatsapp": WhatsAppSettings(app_secrets=(WHATSAPP_SECRET,)),
        "zalo": ZaloSettings(oas={
            ZALO_OA_ID: ZaloOA(oa_id=ZALO_OA_ID, secret_key=ZALO_OA_SECRET, app_id=ZALO_APP_ID),
            OTHER_OA_ID: ZaloOA(oa_id=OTHER_OA_ID, secret_key=OTHER_OA_SECRET, app_id=ZALO_APP_ID),
        }),
        "telegram": TelegramSettings(bots={
            TELEGRAM_BOT: TelegramBot(name=TELEGRAM_BOT, secret_token=TELEGRAM_TOKEN)}),
        "secret_key": "test-secret",
        "forms": forms,
        # Each request enqueues its events before its 200 (no gathering: the tests drive every
        # step); tests/test_queue_rq.py covers the gathering an ingest process does by default.
        "queue": QueueSettings(backoff_seconds=(0,), sweep_interval_seconds=0.2, rq_queue=rq_queue,
                               enqueue_gather_seconds=0),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def graph_server():  # type: ignore[no-untyped-def]
    from tests.fakes.graph import FakeGraph

    fake = FakeGraph().start()
    _GRAPH.append(fake)
    yield fake
    _GRAPH.clear()
    fake.stop()


@pytest.fixture(autouse=True)
def graph(graph_server):  # type: ignore[no-untyped-def]
    """The fake Graph API every test's settings point at, emptied before each test."""
    graph_server.reset()
    return graph_server


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


@pytest.fixture
def queue() -> RecordingQueue:
    return RecordingQueue()


@pytest.fixture
def hub(settings: Settings, queue: RecordingQueue) -> Iterator[Hub]:
    hub = Hub(settings, queue=queue)
    set_current(hub)
    yield hub
    set_current(None)
    hub.store.dispose()


@pytest.fixture
def app(hub: Hub):  # type: ignore[no-untyped-def]
    from hub.app import create_app

    return create_app(role="embedded", hub=hub)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def rq_queue() -> str:
    """A queue name of this test's own: test runs sharing a Redis never take each other's jobs."""
    return f"lead-hub-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def redis_conn(rq_queue: str) -> Iterator[Redis]:
    """The test Redis; the test's queue (and its jobs) is deleted afterwards. No FLUSHDB: other
    runs may be using the same database."""
    from rq import Queue

    conn = Redis.from_url(REDIS_URL)
    yield conn
    Queue(rq_queue, connection=conn).delete(delete_jobs=True)
    conn.close()
