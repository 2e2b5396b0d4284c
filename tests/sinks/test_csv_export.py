"""CSV / JSON-lines export of contacts and leads: filters, Vietnamese text, Excel, API and CLI."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hub.model import LeadDraft
from hub.normalize import normalize
from hub.ops import tokens
from hub.sinks.csv_export import BOM, ExportFilter, FilterError, stream
from hub.store.merging import merge_contacts
from hub.store.repository import apply_lead
from tests import test_cli
from tests.test_cli import run_hub

VN = timezone(timedelta(hours=7))
cli_hub = test_cli.cli_hub  # the fixture: a migrated SQLite file the `hub` command uses
ROOT = Path(__file__).resolve().parents[2]  # this checkout's code, not the installed copy
THUY_NFD = unicodedata.normalize("NFD", "Nguyễn Thị Thuỷ")


def add(hub, channel: str, ref: str, when: datetime, name: str, **fields) -> str:
    draft = LeadDraft(channel=channel, source_ref=ref, captured_at=when, name=name, **fields)
    with hub.store.transaction() as session:
        return apply_lead(session, normalize(draft), None).contact_id


def seed(hub) -> dict[str, str]:
    return {
        "thuy": add(hub, "form", "contact-us:1", datetime(2026, 11, 1, 9, tzinfo=VN), THUY_NFD,
                    phones=("0168 123 4567",), emails=("thuy.nguyen@gmail.com",), province="TP.HCM",
                    attribution={"utm_source": "facebook", "utm_campaign": "tết-2027"}),
        "hung": add(hub, "zalo", "msg-77", datetime(2026, 11, 10, 10, tzinfo=VN), "Trần Văn Hùng",
                    phones=("0987 654 321",), text="=1+2 tư vấn giúp em căn hộ 2PN"),
        "phuc": add(hub, "messenger", "mid.99", datetime(2026, 11, 20, 8, tzinfo=VN), "Phuc Le Hoang",
                    emails=("phuc@yahoo.com.vn",)),
        "thuy_again": add(hub, "form", "contact-us:2", datetime(2026, 11, 15, 23, 30, tzinfo=VN), "Thuỷ",
                          phones=("+84 168 123 4567",)),
    }


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def export(hub, what: str, fmt: str = "csv", excel: bool = False, **filters: str) -> str:
    return "".join(stream(hub.store, what, fmt, ExportFilter.parse(**filters), excel=excel))


def test_vietnamese_names_survive_a_csv_round_trip(hub):
    ids = seed(hub)
    assert ids["thuy_again"] == ids["thuy"]  # the old 0168 number matched the converted one
    contacts = read_csv(export(hub, "contacts"))
    documents = [json.loads(line) for line in export(hub, "contacts", "jsonl").splitlines()]
    assert [c["name"] for c in contacts] == [d["name"] for d in documents]
    assert [c["name"] for c in contacts][:2] == ["Nguyễn Thị Thuỷ", "Trần Văn Hùng"]
    assert all(unicodedata.is_normalized("NFC", c["name"]) for c in contacts)
    thuy = contacts[0]
    assert thuy["phones"] == "+84381234567"  # 0168 became 038 in 2018
    assert thuy["province"] == documents[0]["province"]
    leads = read_csv(export(hub, "leads"))
    assert [(l["channel"], l["name"]) for l in leads] == [
        ("form", "Nguyễn Thị Thuỷ"), ("zalo", "Trần Văn Hùng"), ("messenger", documents[2]["name"]), ("form", "Thuỷ")]
    assert json.loads(leads[0]["attribution"]) == {"channel": "form", "utm_source": "facebook",
                                                   "utm_campaign": "tết-2027"}
    assert (leads[0]["utm_campaign"], leads[1]["message"]) == ("tết-2027", "=1+2 tư vấn giúp em căn hộ 2PN")
    assert leads[3]["contact_id"] == ids["thuy"]


def test_the_excel_option_adds_a_bom_and_defuses_formula_cells(hub):
    seed(hub)
    text = export(hub, "leads", excel=True)
    assert text.startswith(BOM)
    leads = read_csv(text.encode("utf-8").decode("utf-8-sig"))
    assert leads[1]["message"] == "'=1+2 tư vấn giúp em căn hộ 2PN"
    assert leads[0]["phones"].startswith("+84")  # a phone number is not a formula
    assert leads[0]["name"] == "Nguyễn Thị Thuỷ"
    assert not export(hub, "leads").startswith(BOM)


@pytest.mark.parametrize("filters, expected", [
    ({"channel": "zalo"}, ["msg-77"]),
    ({"channel": "form"}, ["contact-us:1", "contact-us:2"]),
    ({"since": "2026-11-10", "until": "2026-11-16"}, ["msg-77", "contact-us:2"]),  # dates: Vietnam midnight
    ({"since": "2026-11-15T16:30:00Z"}, ["mid.99", "contact-us:2"]),  # 23:30 in Hà Nội is 16:30 UTC
    ({"until": "2026-11-15T16:30:00+00:00"}, ["contact-us:1", "msg-77"]),  # until is exclusive
    ({"channel": "form", "since": "2026-11-02"}, ["contact-us:2"]),
    ({"channel": "telegram"}, []),
])
def test_lead_filters_select_by_channel_and_capture_time(hub, filters, expected):
    seed(hub)
    assert [l["source_ref"] for l in read_csv(export(hub, "leads", **filters))] == sorted(
        expected, key=["contact-us:1", "msg-77", "mid.99", "contact-us:2"].index)


def test_a_contact_matches_when_one_of_its_leads_does_merged_ones_included(hub):
    ids = seed(hub)
    assert [c["id"] for c in read_csv(export(hub, "contacts", channel="zalo"))] == [ids["hung"]]
    assert [c["id"] for c in read_csv(export(hub, "contacts", since="2026-11-15"))] == [ids["thuy"], ids["phuc"]]
    with hub.store.transaction() as session:
        merge_contacts(session, ids["thuy"], [ids["hung"]], actor="ops:lan")
    assert [c["id"] for c in read_csv(export(hub, "contacts", channel="zalo"))] == [ids["thuy"]]
    zalo_lead = read_csv(export(hub, "leads", channel="zalo"))[0]
    assert zalo_lead["contact_id"] == ids["thuy"]  # a lead names the contact it belongs to now


def test_the_export_pages_through_more_rows_than_a_batch(hub, monkeypatch):
    monkeypatch.setattr("hub.sinks.csv_export.BATCH", 2)
    for n in range(5):
        add(hub, "form", f"contact-us:{n}", datetime(2026, 11, 1, tzinfo=VN), f"Khách {n}", phones=(f"090000000{n}",))
    assert [l["source_ref"] for l in read_csv(export(hub, "leads"))] == [f"contact-us:{n}" for n in range(5)]


@pytest.mark.parametrize("filters, message", [
    ({"since": "last tuesday"}, "since must be an ISO 8601 date"),
    ({"until": "2026-13-01"}, "until must be an ISO 8601 date"),
    ({"since": "2026-11-01T08:00:00"}, "since needs a time zone"),
    ({"channel": "Zalo OA"}, "channel must be a channel name"),
    ({"since": "2026-11-10", "until": "2026-11-01"}, "must be before until"),
])
def test_bad_filters_are_refused_with_the_filter_named(filters, message):
    with pytest.raises(FilterError, match=message):
        ExportFilter.parse(**filters)


def test_relative_times_count_back_from_now():
    now = datetime(2026, 11, 23, 12, tzinfo=timezone.utc)
    assert ExportFilter.parse(since="7d", now=now).since == datetime(2026, 11, 16, 12, tzinfo=timezone.utc)


def hub_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return run_hub(tmp_path, *args, env={"PYTHONPATH": str(ROOT)})


def bearer(hub, *scopes: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + tokens.create(hub.store, "ke-toan", list(scopes))}


def test_the_api_streams_leads_as_csv_with_filters(client, hub):
    seed(hub)
    response = client.get("/api/v1/export/leads.csv?channel=form&since=2026-11-01", headers=bearer(hub, "export:read"))
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="lead-hub-leads-')
    leads = read_csv(response.get_data(as_text=True))
    assert [(l["source_ref"], l["name"]) for l in leads] == [("contact-us:1", "Nguyễn Thị Thuỷ"), ("contact-us:2", "Thuỷ")]


def test_the_api_exports_contacts_for_excel(client, hub):
    seed(hub)
    response = client.get("/api/v1/export/contacts.csv?excel=true", headers=bearer(hub, "export:read"))
    assert response.status_code == 200
    assert response.data.startswith(BOM.encode())
    names = [c["name"] for c in read_csv(response.data.decode("utf-8-sig"))]
    assert names[:2] == ["Nguyễn Thị Thuỷ", "Trần Văn Hùng"]


@pytest.mark.parametrize("query, status, detail", [
    ("/leads.csv?since=h%C3%B4m+qua", 400, "since must be an ISO 8601 date"),
    ("/leads.csv?since=2026-11-01T08:00", 400, "since needs a time zone"),
    ("/contacts.csv?excel=maybe", 400, "excel must be true or false"),
    ("/contacts.csv?chanel=zalo", 400, "unknown query parameter 'chanel'"),
])
def test_bad_api_requests_get_a_problem_document(client, hub, query, status, detail):
    response = client.get("/api/v1/export" + query, headers=bearer(hub, "export:read"))
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert detail in response.get_json()["detail"]


def test_the_api_needs_the_export_scope(client, hub):
    response = client.get("/api/v1/export/leads.csv", headers=bearer(hub, "contacts:read"))
    assert response.status_code == 403 and "export:read" in response.get_json()["detail"]
    assert client.get("/api/v1/export/leads.csv").status_code == 401


def test_the_cli_exports_filtered_leads_and_refuses_a_bad_since(tmp_path, cli_hub):
    seed(cli_hub)
    result = hub_cli(tmp_path, "export", "leads", "--format", "csv", "--channel", "form", "--since", "2026-11-02",
                     "--out", "leads.csv")
    assert result.returncode == 0 and "exported 1 leads" in result.stderr, result.stderr
    with open(tmp_path / "leads.csv", encoding="utf-8", newline="") as f:
        assert [(l["source_ref"], l["name"]) for l in csv.DictReader(f)] == [("contact-us:2", "Thuỷ")]
    contacts = hub_cli(tmp_path, "export", "contacts", "--format", "jsonl", "--channel", "zalo")
    assert [json.loads(line)["name"] for line in contacts.stdout.splitlines()] == ["Trần Văn Hùng"]
    every = hub_cli(tmp_path, "export", "contacts", "--format", "csv")  # the documented contract, unfiltered
    assert every.returncode == 0 and "exported 3 contacts" in every.stderr
    assert len(read_csv(every.stdout)) == 3
    bad = hub_cli(tmp_path, "export", "leads", "--since", "tuần trước")
    assert bad.returncode == 2 and "since must be an ISO 8601 date" in bad.stderr
