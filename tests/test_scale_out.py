"""Scale-out: two gunicorn ingest processes and three `hub worker` processes on one PostgreSQL
and one Redis. The same people write on forms, Telegram and Zalo at once, every webhook sent
through both ingests: one contact per person, every lead stored once."""
from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests import telegram, test_processes, zalo
from tests.conftest import (FORM_TOKEN, REDIS_URL, TELEGRAM_BOT, TELEGRAM_TOKEN, ZALO_APP_ID, ZALO_OA_ID,
                            ZALO_OA_SECRET)
from tests.test_processes import BIN, _counts, _statuses, export, free_port, http_up, wait_for

pytestmark = pytest.mark.slow
procs = test_processes.procs  # the fixture: real processes in a scratch folder
CONFIG = f'''
[forms.contact-us]
token = "{FORM_TOKEN}"
[forms.contact-us.fields]
ho_ten = "name"
so_dien_thoai = "phone"
[zalo.oas.{ZALO_OA_ID}]
app_id = "{ZALO_APP_ID}"
secret_key = "{ZALO_OA_SECRET}"
[telegram.bots.{TELEGRAM_BOT}]
secret_token = "{TELEGRAM_TOKEN}"
'''
PEOPLE = [("Nguyễn Thị", "Lan"), ("Trần Văn", "Hùng"), ("Lê Thị", "Hoà"), ("Phạm Minh", "Châu"),
          ("Hoàng Đức", "Thắng"), ("Võ Ngọc", "Trâm"), ("Đặng Quang", "Huy"), ("Bùi Thu", "Hằng"),
          ("Đỗ Hữu", "Phúc"), ("Huỳnh Kim", "Ngân"), ("Ngô Thanh", "Tùng"), ("Dương Mỹ", "Quỳnh")]


def _webhooks(index: int, family: str, given: str) -> list[tuple[str, dict[str, str], bytes]]:
    """The person's form, Telegram contact and Zalo submit_info, each with the same phone."""
    national = f"9{index:02d}{index * 7919 % 1000:03d}{index * 31 % 1000:03d}"
    form = f"ho_ten={family} {given}&so_dien_thoai=0{national[:3]} {national[3:6]} {national[6:]}"
    update = telegram.contact(10_000 + index, phone=f"+84{national}", user_id=5_100_000_000 + index,
                              first_name=given, last_name=family)
    update["message"]["from"] = {**telegram.USER, "id": 5_100_000_000 + index, "first_name": given,
                                 "last_name": family}
    submit = zalo.submit_info_flat(name=f"{family} {given}", phone=f"84{national}",
                                   user=str(2_512_523_625_000_000 + index))
    zalo_body = zalo.zalo_bytes(submit)
    return [
        ("/webhooks/forms/contact-us", {"Authorization": f"Bearer {FORM_TOKEN}",
                                        "Content-Type": "application/x-www-form-urlencoded",
                                        "Idempotency-Key": f"scale-{index}"}, form.encode()),
        (telegram.URL, telegram.headers(), telegram.body(update)),
        (zalo.URL, zalo.signed(zalo_body), zalo_body),
    ]


def test_two_ingests_and_three_workers_make_one_contact_per_person(procs, pg_only_url, redis_conn, rq_queue):
    (procs.cwd / "config" / "hub.toml").write_text(CONFIG, encoding="utf-8")
    procs.env.update({"HUB_DATABASE_URL": pg_only_url, "HUB_REDIS_URL": REDIS_URL,
                      "HUB_QUEUE__RQ_QUEUE": rq_queue})
    bases = []
    for name in ("ingest-a", "ingest-b"):
        port = free_port()
        procs.start(str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
                    'hub.app:create_app(role="ingest")', log=f"{name}.log")
        bases.append(f"http://127.0.0.1:{port}")
    for n in range(3):
        procs.start(str(BIN / "hub"), "worker", log=f"worker{n}.log")
    for base in bases:
        wait_for(lambda: http_up(base + "/readyz"), 30, base)

    hooks = [hook for i, (family, given) in enumerate(PEOPLE, 1) for hook in _webhooks(i, family, given)]
    sends = [(base, *hook) for hook in hooks for base in bases]  # each webhook through both ingests
    random.Random(9).shuffle(sends)

    def send(args: tuple[str, str, dict[str, str], bytes]) -> int:
        base, path, headers, body = args
        return requests.post(base + path, data=body, headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(send, sends)) == {200}
    total = len(hooks)
    wait_for(lambda: _statuses(procs, pg_only_url) == {"done": total}, 120, "every event done")
    leads, _contacts, outbox, distinct = _counts(pg_only_url)
    assert (leads, distinct) == (total, total)  # no lead lost, none doubled
    assert outbox >= len(PEOPLE)
    contacts = export(procs)
    assert len(contacts) == len(PEOPLE)
    for contact in contacts:
        assert sorted(lead["channel"] for lead in contact["leads"]) == ["form", "telegram", "zalo"]
        assert len(contact["phones"]) == 1
