"""Enrichment fixtures: the fake Zalo API, and a hub whose settings point at it."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from hub.config import Settings, ZaloOA, ZaloSettings
from hub.runtime import Hub, set_current
from tests.conftest import OTHER_OA_ID, OTHER_OA_SECRET, ZALO_APP_ID, ZALO_OA_ID, ZALO_OA_SECRET, make_settings
from tests.fakes.zalo import FakeZalo

ZALO_APP_SECRET = "app-secret-Vx3Lm9Qw"  # the Zalo app's secret key (OAuth), not the OA's


@pytest.fixture(scope="session")
def zalo_server() -> Iterator[FakeZalo]:
    fake = FakeZalo().start()
    yield fake
    fake.stop()


@pytest.fixture
def zalo_api(zalo_server: FakeZalo) -> FakeZalo:
    zalo_server.reset()
    zalo_server.apps[ZALO_APP_ID] = ZALO_APP_SECRET
    return zalo_server


def enrich_settings(db_url: str, fake: FakeZalo, **overrides: object) -> Settings:
    settings = make_settings(db_url, **overrides)
    zalo = ZaloSettings(api_url=fake.url, oauth_url=fake.url, enrich_profiles=True, oas={
        ZALO_OA_ID: ZaloOA(oa_id=ZALO_OA_ID, secret_key=ZALO_OA_SECRET, app_id=ZALO_APP_ID,
                           app_secret=ZALO_APP_SECRET),
        OTHER_OA_ID: ZaloOA(oa_id=OTHER_OA_ID, secret_key=OTHER_OA_SECRET, app_id=ZALO_APP_ID,
                            app_secret=ZALO_APP_SECRET),
    })
    facebook = replace(settings.facebook, enrich_profiles=True)
    return replace(settings, zalo=zalo, facebook=facebook)


@pytest.fixture
def settings(db_url: str, zalo_api: FakeZalo) -> Settings:
    return enrich_settings(db_url, zalo_api)


@pytest.fixture
def hub(settings: Settings, queue) -> Iterator[Hub]:  # type: ignore[no-untyped-def]
    hub = Hub(settings, queue=queue)
    set_current(hub)
    yield hub
    set_current(None)
    hub.store.dispose()
