"""hub export contacts: the contact shape of DESIGN.md as JSON lines and CSV."""
from __future__ import annotations

import csv
import io
import json

from hub.export import write_contacts
from tests.conftest import FORM_TOKEN
from tests.helpers import FORM_URL, drain, rows

AUTH = {"Authorization": f"Bearer {FORM_TOKEN}"}
SHAPE = {"id", "name", "given_name", "family_name", "phones", "emails", "province", "identities",
         "leads", "merged_into", "version", "created_at", "updated_at"}


def seed(client, hub, queue):
    client.post(FORM_URL, data={"ho_ten": "Nguyễn Thị Lan", "so_dien_thoai": "0912.345.678",
                                "utm_source": "zalo"}, headers={**AUTH, "Idempotency-Key": "a"})
    client.post(FORM_URL, data={"ho_ten": "Lan", "so_dien_thoai": "0912345678", "email": "lan@gmail.com"},
                headers={**AUTH, "Idempotency-Key": "b"})
    client.post(FORM_URL, data={"ho_ten": "Trần Văn Hùng", "email": "hung@example.vn"},
                headers={**AUTH, "Idempotency-Key": "c"})
    drain(hub, queue)


def test_jsonl_export_gives_each_contact_in_the_documented_shape(client, hub, queue):
    seed(client, hub, queue)
    out = io.StringIO()
    assert write_contacts(hub.store, out, fmt="jsonl") == 2
    lan, hung = [json.loads(line) for line in out.getvalue().splitlines()]
    assert SHAPE <= set(lan)
    assert lan["phones"] == ["+84912345678"]
    assert lan["emails"] == ["lan@gmail.com"]
    assert [(l["channel"], l["source_ref"]) for l in lan["leads"]] == [("form", "contact-us:a"), ("form", "contact-us:b")]
    assert lan["leads"][0]["attribution"]["utm_source"] == "zalo"
    assert lan["version"] == 2 and lan["merged_into"] is None
    assert hung["emails"] == ["hung@example.vn"]


def test_csv_export_flattens_lists_and_keeps_leads_as_json(client, hub, queue):
    seed(client, hub, queue)
    out = io.StringIO()
    write_contacts(hub.store, out, fmt="csv")
    lan = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert lan["phones"] == "+84912345678"
    assert lan["name"] == "Nguyễn Thị Lan"
    assert [l["source_ref"] for l in json.loads(lan["leads"])] == ["contact-us:a", "contact-us:b"]


def test_export_pages_through_more_contacts_than_one_batch(client, hub, queue, monkeypatch):
    monkeypatch.setattr("hub.export.BATCH", 2)
    for n in range(5):
        client.post(FORM_URL, data={"ho_ten": f"Khách {n}", "so_dien_thoai": f"090000000{n}"}, headers=AUTH)
    drain(hub, queue)
    out = io.StringIO()
    assert write_contacts(hub.store, out, fmt="jsonl") == 5
    assert len({json.loads(line)["id"] for line in out.getvalue().splitlines()}) == 5


def test_a_survivor_exported_beside_its_tombstone_keeps_the_tombstones_leads(client, hub, queue):
    from hub.store.merging import merge_contacts

    seed(client, hub, queue)
    lan, hung = (c["id"] for c in rows(hub, "contacts"))
    with hub.store.transaction() as session:
        merge_contacts(session, lan, [hung], actor="ops")
    out = io.StringIO()
    write_contacts(hub.store, out, fmt="jsonl", include_merged=True)
    docs = {d["id"]: d for d in map(json.loads, out.getvalue().splitlines())}
    assert [l["source_ref"] for l in docs[lan]["leads"]] == ["contact-us:a", "contact-us:b", "contact-us:c"]
    assert [l["source_ref"] for l in docs[hung]["leads"]] == ["contact-us:c"]
    assert docs[hung]["merged_into"] == lan
