"""`hub serve` delivering webhooks, killed in the middle of an outage and started again."""
from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.fakes.receiver import Receiver
from tests.conftest import FORM_TOKEN
from tests.test_processes import BIN, ROOT, Processes, _post_many, free_port, http_up, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def procs(tmp_path: Path) -> Iterator[Processes]:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "hub.toml").write_text(
        f'[forms.contact-us]\ntoken = "{FORM_TOKEN}"\n[forms.contact-us.fields]\n'
        'ho_ten = "name"\nso_dien_thoai = "phone"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update({"HUB_SECRET_KEY": "test", "HUB_WEBHOOKS_OUT__POLL_INTERVAL_SECONDS": "0.2",
                "HUB_WEBHOOKS_OUT__RETRY_SCHEDULE_SECONDS": ",".join(["1"] * 20),
                "HUB_WEBHOOKS_OUT__STUCK_AFTER_SECONDS": "2"})
    processes = Processes(tmp_path, env)
    yield processes
    processes.stop_all()


def outbox_ids(db: str) -> set[str]:
    engine = sa.create_engine(db)
    with engine.connect() as conn:
        ids = set(conn.execute(sa.text("SELECT event_id FROM outbox")).scalars())
    engine.dispose()
    return ids


def test_a_killed_hub_serve_resumes_and_delivers_every_event_once(procs, tmp_path):
    receiver = Receiver().up()
    receiver.default = 500
    db = f"sqlite:///{tmp_path}/var/hub.db"
    try:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        serve = procs.start(str(BIN / "hub"), "serve", "--port", str(port), log="serve.log")
        wait_for(lambda: http_up(base + "/healthz"), 30, "hub serve")
        added = procs.hub("webhooks", "add", receiver.url + "/crm", "--allow-private", "--description", "CRM")
        assert added.returncode == 0, added.stderr
        assert set(_post_many(base, range(8), "a")) == {200}
        wait_for(lambda: len(receiver.received) >= 12, 60, "failing attempts")
        serve.send_signal(signal.SIGKILL)  # mid-outage: no clean shutdown
        serve.wait(10)
        receiver.default = 200

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        procs.start(str(BIN / "hub"), "serve", "--port", str(port), log="serve2.log")
        wait_for(lambda: http_up(base + "/healthz"), 30, "hub serve again")
        assert set(_post_many(base, range(8, 12), "b")) == {200}
        wait_for(lambda: len(outbox_ids(db)) == 12 and
                 set(Counter(r.headers["webhook-id"] for r in receiver.delivered())) == outbox_ids(db),
                 90, "every event delivered")
    finally:
        receiver.down()
    counts = Counter(r.headers["webhook-id"] for r in receiver.delivered())
    assert set(counts.values()) == {1}


def test_a_killed_hub_worker_resumes_and_its_scheduler_delivers_every_event_once(
        procs, pg_only_url, redis_conn, rq_queue):
    from hub.runtime import Hub
    from hub.sinks import subscriptions
    from tests.conftest import REDIS_URL, RecordingQueue, make_settings
    from tests.sinks.helpers import add_people

    procs.env.update({"HUB_DATABASE_URL": pg_only_url, "HUB_REDIS_URL": REDIS_URL, "HUB_QUEUE__RQ_QUEUE": rq_queue,
                      "HUB_WEBHOOKS_OUT__RETRY_SCHEDULE_SECONDS": ",".join(["2"] * 20)})
    hub = Hub(make_settings(pg_only_url), queue=RecordingQueue())  # the test's own writer, no queue
    receiver = Receiver().up()
    receiver.default = 500
    try:
        subscriptions.create(hub.store, hub.settings, receiver.url + "/crm", allow_private=True)
        add_people(hub, "a", 6)
        worker = procs.start(str(BIN / "hub"), "worker", log="worker.log")
        wait_for(lambda: len(receiver.received) >= 12, 60, "failing attempts, retried by RQ's scheduler")
        # RQ's scheduler runs inside the worker: nothing of it survives the SIGKILL as an orphan.
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        assert children == [], f"hub worker forked {children}; they would outlive a SIGKILL"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        receiver.default = 200
        add_people(hub, "b", 4)  # appended while no worker runs
        procs.start(str(BIN / "hub"), "worker", log="worker2.log")
        # A delivery the killed worker had claimed is taken back once its lease (the HTTP timeout
        # plus webhooks_out.LEASE_MARGIN, 60 s) runs out: allow for that on a loaded machine.
        wait_for(lambda: set(r.headers["webhook-id"] for r in receiver.delivered()) ==
                 outbox_ids(pg_only_url.replace("postgresql://", "postgresql+psycopg://")), 240, "every event")
    finally:
        receiver.down()
        hub.store.dispose()
    counts = Counter(r.headers["webhook-id"] for r in receiver.delivered())
    assert len(counts) == 10 and set(counts.values()) == {1}
