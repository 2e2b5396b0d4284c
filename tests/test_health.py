"""/healthz, /readyz and /metrics."""
from __future__ import annotations

import re

from hub.app import create_app
from hub.runtime import Hub
from tests.conftest import FORM_TOKEN, make_settings
from tests.helpers import FORM_URL, drain


def test_healthz_answers_while_the_process_lives(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_readyz_is_200_when_database_and_queue_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "queue": "ok"}


def test_readyz_is_503_when_the_database_is_down(queue):
    down = Hub(make_settings("postgresql://postgres@127.0.0.1:1/none"), queue=queue)
    response = create_app(hub=down).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"].startswith("error")


def test_readyz_is_503_when_redis_is_down(db_url):
    down = Hub(make_settings(db_url, redis_url="redis://127.0.0.1:1/0"))
    response = create_app(hub=down).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["queue"].startswith("error")


def test_metrics_report_events_per_channel_and_status_rejections_depth_and_lag(client, hub, queue):
    client.post(FORM_URL, data={"ho_ten": "Lan", "so_dien_thoai": "0912345678"},
                headers={"Authorization": f"Bearer {FORM_TOKEN}"})
    client.post(FORM_URL, data={"ho_ten": "Hùng", "so_dien_thoai": "0987654321"},
                headers={"Authorization": f"Bearer {FORM_TOKEN}"})
    client.post(FORM_URL, data={"ho_ten": "Lan"}, headers={"Authorization": "Bearer wrong"})
    queue.ids[1:] = []  # leave the second event pending
    drain(hub, queue)
    text = client.get("/metrics").get_data(as_text=True)
    assert 'hub_events{channel="form",status="done"} 1.0' in text
    assert 'hub_events{channel="form",status="pending"} 1.0' in text
    assert 'hub_webhook_rejected_total{channel="form",reason="auth"} 1.0' in text
    assert "hub_queue_depth 0.0" in text
    lag = float(re.search(r"^hub_processing_lag_seconds (\S+)$", text, re.M).group(1))
    assert 0 < lag < 60
