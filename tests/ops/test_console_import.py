"""The console's Import page: upload a spreadsheet, follow the import, download the rejects report."""
from __future__ import annotations

import csv
import io
import time
import unicodedata
from dataclasses import replace

import pytest
from sqlalchemy import select

from hub.export import iter_contacts
from hub.store.schema import AuditLogRow
from tests.helpers import rows
from tests.importer.files import write_xlsx
from tests.ops.console import signed_in

CSV = ("Họ tên,SĐT,Email,Tỉnh/Thành,Ghi chú\r\n"
       "Nguyễn Thị Thuý,0168 123 4567,thuy.nguyen@gmail.com,TP HCM,gọi sau 5h\r\n"
       f"{unicodedata.normalize('NFD', 'Trần Văn Hùng')},0912.345.678,,Hà Nội,\r\n"
       "Lan Nguyễn,+84 987 654 321,,Đà Nẵng,\r\n"
       ",,,Huế,không có gì để liên lạc\r\n")


@pytest.fixture
def import_dir(hub, tmp_path):
    hub.settings = replace(hub.settings, ops=replace(hub.settings.ops, import_dir=str(tmp_path / "imports"),
                                                     import_max_upload_mb=0.05))
    return tmp_path / "imports"


def upload(client, token, name: str, content: bytes):
    return client.post("/ops/import", data={"csrf_token": token, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def finished(client, location: str) -> dict:
    """Poll the progress JSON as the page's script does, until the import ends."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = client.get(location + "/progress.json").json
        if state["status"] != "running":
            return state
        time.sleep(0.1)
    raise AssertionError(f"the import did not finish: {state}")


def audit_actions(hub) -> list[str]:
    with hub.store.sessions() as session:
        return [r.action for r in session.execute(select(AuditLogRow).order_by(AuditLogRow.id)).scalars()
                if r.action.startswith("import.")]


def test_an_ops_user_imports_a_vietnamese_csv_and_downloads_the_rejects(app, hub, import_dir):
    client, token = signed_in(app, hub, "lan", "ops")
    assert 'enctype="multipart/form-data"' in client.get("/ops/import").get_data(as_text=True)
    response = upload(client, token, "Khách hàng tháng 11.csv", CSV.encode("utf-8-sig"))
    assert response.status_code == 302
    location = response.headers["Location"]
    state = finished(client, location)
    assert (state["status"], state["total"], state["done"], state["imported"], state["rejected"]) == \
        ("done", 4, 4, 3, 1)
    found = sorted((c["name"], c["phones"]) for c in iter_contacts(hub.store))
    assert found == [("Nguyễn Lan", ["+84987654321"]), ("Nguyễn Thị Thuý", ["+84381234567"]),
                     ("Trần Văn Hùng", ["+84912345678"])]
    assert {r["attribution"]["lead_source"] for c in iter_contacts(hub.store) for r in c["leads"]} == \
        {"import:Khách hàng tháng 11.csv"}

    page = client.get(location).get_data(as_text=True)
    assert "Hoàn tất" in page and 'id="import-report"' in page and 'data-status="done"' in page
    report = client.get(location + "/rejects.csv")
    assert report.status_code == 200 and "attachment" in report.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(report.get_data().decode("utf-8-sig"))))
    assert lines[0][:3] == ["dòng / row", "lý do / reason", "Họ tên"] and len(lines) == 2
    assert lines[1][0] == "5" and lines[1][-1] == "không có gì để liên lạc"
    assert "Khách hàng tháng 11.csv" in client.get("/ops/import").get_data(as_text=True)
    assert audit_actions(hub) == ["import.start", "import.done", "import.report"]

    again = finished(client, upload(client, token, "Khách hàng tháng 11.csv", CSV.encode("utf-8-sig")).headers["Location"])
    assert (again["imported"], again["duplicates"]) == (0, 3) and len(list(iter_contacts(hub.store))) == 3


def test_an_xlsx_import_by_an_admin_into_the_default_relative_folder(app, hub, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert hub.settings.ops.import_dir == "var/imports"
    client, token = signed_in(app, hub, "quan-tri", "admin")
    book = write_xlsx(tmp_path / "ds.xlsx", [["Họ và tên", "Di động"], ["Phạm Minh Châu", 912000111]])
    state = finished(client, upload(client, token, "Danh sách đợt 2.xlsx", book.read_bytes()).headers["Location"])
    assert (state["status"], state["imported"], state["report"]) == ("done", 1, False)
    assert [c["phones"] for c in iter_contacts(hub.store)] == [["+84912000111"]]
    assert 'id="import-report"' not in client.get(f"/ops/import/{state['id']}").get_data(as_text=True)
    empty = client.get(f"/ops/import/{state['id']}/rejects.csv").get_data().decode("utf-8-sig")
    assert empty.splitlines() == ["dòng / row,lý do / reason,Họ và tên,Di động"]
    # The uploaded spreadsheet is deleted once its rows are in the inbox; the report stays.
    assert sorted(p.name for p in (tmp_path / "var" / "imports" / state["id"]).iterdir()) == \
        ["Danh sách đợt 2.xlsx.rejects.csv"]


def test_an_unusable_file_fails_with_its_reason(app, hub, import_dir):
    client, token = signed_in(app, hub, "lan", "ops")
    state = finished(client, upload(client, token, "ghi-chu.csv", "Màu,Số lượng\r\nxanh,3\r\n".encode()).headers["Location"])
    assert state["status"] == "failed" and state["error"]
    page = client.get(f"/ops/import/{state['id']}").get_data(as_text=True)
    assert 'id="import-error"' in page and rows(hub, "contacts") == []
    assert audit_actions(hub) == ["import.start", "import.failed"]


@pytest.mark.parametrize("name, content, message", [
    ("khach.txt", b"a,b\r\n", "Chỉ nhập được tệp .csv và .xlsx."),
    ("../../khach.exe", b"MZ", "Chỉ nhập được tệp .csv và .xlsx."),
    ("rong.csv", b"", "Tệp trống."),
])
def test_wrong_files_are_refused_with_a_message(app, hub, import_dir, name, content, message):
    client, token = signed_in(app, hub, "lan", "ops")
    response = upload(client, token, name, content)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert audit_actions(hub) == [] and not any(import_dir.rglob("*.*"))


def test_a_file_over_the_limit_is_refused(app, hub, import_dir):
    client, token = signed_in(app, hub, "lan", "ops")
    big = CSV.encode() + b"Nguyen Van A,0912345678,,,\r\n" * 3000  # ~ 80 KB, over 0.05 MB
    response = upload(client, token, "lon.csv", big)
    assert response.status_code == 413 and "Tệp quá lớn (tối đa 0.05 MB)." in response.get_data(as_text=True)
    assert audit_actions(hub) == [] and rows(hub, "raw_events") == []


def test_a_viewer_cannot_import_and_the_upload_needs_the_csrf_token(app, hub, import_dir):
    viewer, token = signed_in(app, hub, "xem", "viewer")
    assert viewer.get("/ops/import").status_code == 403
    assert upload(viewer, token, "k.csv", CSV.encode()).status_code == 403
    assert 'href="/ops/import"' not in viewer.get("/ops/").get_data(as_text=True)
    ops, _ = signed_in(app, hub, "lan", "ops")
    assert upload(ops, "giả", "k.csv", CSV.encode()).status_code == 400
    assert rows(hub, "raw_events") == [] and audit_actions(hub) == []
    assert ops.get("/ops/import/" + "0" * 32).status_code == 404
    assert ops.get("/ops/import/..%2F..%2Fetc/rejects.csv").status_code == 404
