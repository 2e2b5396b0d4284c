"""import_file end to end on SQLite and PostgreSQL: rows through the real pipeline into contacts."""
from __future__ import annotations

import csv
import importlib
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, update

from hub.connectors.import_row import NO_CONTACT, row_digest
from hub.export import iter_contacts
from hub.importer import EMPTY_ROW, ColumnError, UnreadableFile, import_file
from hub.runtime import Hub
from hub.store.schema import RawEventRow
from tests.conftest import FORM_TOKEN
from tests.helpers import FORM_URL, drain, row_count, rows
from tests.importer.files import write_csv, write_xlsx

HEADER = ["Họ và tên", "SĐT", "Email", "Tỉnh/Thành", "Nguồn", "Ghi chú", "Màu yêu thích"]
PEOPLE = [
    ["Nguyễn Thị Thuý", "0168 123 4567", "thuy.nguyen@gmail.com", "TP.HCM", "Facebook", "gọi sau 5h", "xanh"],
    [unicodedata.normalize("NFD", "Trần Văn Hùng"), "+84 912 345 678", "", "Hà Nội", "", "", ""],
    ["Lan Nguyễn", "84987654321", "", "Đà Nẵng", "Zalo", "", ""],
]


def contacts(hub: Hub) -> list[dict]:
    return sorted(iter_contacts(hub.store), key=lambda c: c["name"] or "")


def report_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8-sig", ","), ("cp1258", ";"), ("utf-16", "\t")])
def test_a_csv_in_any_common_encoding_lands_as_clean_contacts(hub, tmp_path, encoding, delimiter):
    path = write_csv(tmp_path / "khach hang.csv", [HEADER, *PEOPLE], encoding, delimiter)
    result = import_file(hub, path)
    assert (result.read, result.imported, result.duplicates, result.rejected) == (3, 3, 0, 0)
    found = contacts(hub)
    assert [(c["name"], c["phones"], c["province"]) for c in found] == [
        ("Nguyễn Lan", ["+84987654321"], "Thành phố Đà Nẵng"),  # Western order read family-first
        ("Nguyễn Thị Thuý", ["+84381234567"], "Thành phố Hồ Chí Minh"),  # 0168 -> 038
        ("Trần Văn Hùng", ["+84912345678"], "Thành phố Hà Nội"),  # NFD in the file, NFC stored
    ]
    thuy = found[1]
    assert thuy["emails"] == ["thuy.nguyen@gmail.com"]
    assert thuy["leads"][0]["channel"] == "import"
    thuy_cells = dict(zip(HEADER, [unicodedata.normalize("NFC", cell) for cell in PEOPLE[0]]))
    assert thuy["leads"][0]["source_ref"] == f"khach hang.csv#2@{row_digest(thuy_cells)[:12]}"
    assert thuy["leads"][0]["attribution"]["lead_source"] == "Facebook"
    assert found[2]["leads"][0]["attribution"]["lead_source"] == "import:khach hang.csv"
    lead = next(r for r in rows(hub, "leads") if r["source_ref"].startswith("khach hang.csv#2"))
    assert lead["data"]["extra"] == {"Màu yêu thích": "xanh"}
    assert lead["data"]["text"] == "gọi sau 5h"
    assert {r["channel"] for r in rows(hub, "raw_events")} == {"import"}


def test_importing_the_same_file_again_adds_nothing(hub, tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER, *PEOPLE, ["", "", "", "", "", "", ""], ["", "12345", "", "", "", "", ""],
                                          ["Bùi Thị Mai", "0909 000 111", "", "", "", "", ""]])
    first = import_file(hub, path)
    counts = {table: row_count(hub, table) for table in ("raw_events", "contacts", "leads", "outbox", "match_keys")}
    again = import_file(hub, path)
    assert (first.imported, first.rejected) == (4, 2)
    assert (again.read, again.imported, again.duplicates, again.rejected) == (6, 0, 4, 2)
    assert {table: row_count(hub, table) for table in counts} == counts
    assert report_rows(again.report) == report_rows(first.report)


def test_a_spreadsheet_exported_again_with_rows_added_and_reordered_adds_only_its_new_rows(hub, tmp_path):
    first = import_file(hub, write_csv(tmp_path / "leads-thang-11.csv", [HEADER, *PEOPLE]))
    counts = {table: row_count(hub, table) for table in ("raw_events", "leads", "outbox")}
    # Next month's export: another name, columns in another order, an empty column added,
    # the old rows moved down and around a new one.
    order = [6, 0, 2, 1, 3, 4, 5]
    mai = ["Bùi Thị Mai", "0909 000 111", "", "", "", "", ""]
    exported = [[row[i] for i in order] + [""] for row in [HEADER, PEOPLE[2], mai, PEOPLE[0], PEOPLE[1]]]
    exported[0][-1] = "Trạng thái"
    again = import_file(hub, write_csv(tmp_path / "leads-thang-12.csv", exported, "utf-8-sig", ";"))
    assert (first.imported, again.read, again.imported, again.duplicates, again.rejected) == (3, 4, 1, 3, 0)
    assert {table: row_count(hub, table) for table in counts} == {table: n + 1 for table, n in counts.items()}
    assert [c["name"] for c in contacts(hub)] == ["Bùi Thị Mai", "Nguyễn Lan", "Nguyễn Thị Thuý", "Trần Văn Hùng"]
    assert all(len(c["leads"]) == 1 for c in contacts(hub))


def test_a_row_repeated_in_a_file_is_one_lead_and_counts_as_a_duplicate(hub, tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER, PEOPLE[0], PEOPLE[1], PEOPLE[0]])
    result = import_file(hub, path)
    assert (result.read, result.imported, result.duplicates, result.rejected) == (3, 2, 1, 0)
    assert row_count(hub, "leads") == 2
    changed = [PEOPLE[0][:5] + ["gọi lại", "xanh"]]  # one cell differs: another row
    assert import_file(hub, write_csv(tmp_path / "b.csv", [HEADER, *changed])).imported == 1


def test_a_person_who_came_through_a_web_form_gets_the_imported_lead_on_the_same_contact(app, hub, queue, tmp_path):
    response = app.test_client().post(FORM_URL, data={"ho_ten": "Nguyễn Thị Thuý", "so_dien_thoai": "0381234567"},
                                      headers={"Authorization": f"Bearer {FORM_TOKEN}", "Idempotency-Key": "f-1"})
    assert response.status_code == 200
    drain(hub, queue)
    result = import_file(hub, write_xlsx(tmp_path / "cu.xlsx", [HEADER, PEOPLE[0]]))
    assert result.imported == 1
    [contact] = contacts(hub)
    assert sorted(lead["channel"] for lead in contact["leads"]) == ["form", "import"]
    assert contact["phones"] == ["+84381234567"] and contact["emails"] == ["thuy.nguyen@gmail.com"]


def test_xlsx_numbers_and_dates_are_read_as_what_they_mean(hub, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [
        ["Họ tên", "Di động", "Ngày"],
        ["Phạm Minh Khoa", 912345678, datetime(2024, 3, 15, 9, 30)],  # the leading 0 was lost
        ["Võ Thị Yến", 1681234568, "16/03/2024"],  # an old 11-digit number, day-first date text
    ])
    assert import_file(hub, path).imported == 2
    by_name = {c["name"]: c for c in contacts(hub)}
    assert by_name["Phạm Minh Khoa"]["phones"] == ["+84912345678"]
    assert by_name["Võ Thị Yến"]["phones"] == ["+84381234568"]
    assert by_name["Phạm Minh Khoa"]["leads"][0]["captured_at"] == "2024-03-15T02:30:00+00:00"  # Vietnam time
    assert by_name["Võ Thị Yến"]["leads"][0]["captured_at"] == "2024-03-15T17:00:00+00:00"


def test_broken_rows_are_reported_with_their_reasons_and_cells(hub, tmp_path):
    long_note = "x" * 5000
    path = write_csv(tmp_path / "a.csv", [
        ["Họ tên", "SĐT", "Email", "Ghi chú"],
        ["Đỗ Văn Long", "0912 345 678", "", ""],       # 2 ok
        ["", "", "", "chỉ có ghi chú"],                 # 3 no contact data
        ["", "", "", ""],                               # 4 empty
        ["", "0912 34", "", ""],                        # 5 a bad phone and nothing else
        ["", "", "khong-phai-email", ""],               # 6 a bad email and nothing else
        ["Hồ Thị Lan", "0987654321", "", long_note],    # 7 over-long note
        ["Ngô Bảo Châu", "12", "", ""],                 # 8 a name saves a bad phone (kept unparsed)
        ["", "", "", "liên hệ 0903 123 456"],           # 9 a phone in the notes counts
    ])
    report = tmp_path / "loi.csv"
    result = import_file(hub, path, report=report)
    assert (result.read, result.imported, result.rejected) == (8, 3, 5)
    assert result.report == report
    assert report_rows(report) == [
        ["dòng / row", "lý do / reason", "Họ tên", "SĐT", "Email", "Ghi chú"],
        ["3", NO_CONTACT, "", "", "", "chỉ có ghi chú"],
        ["4", EMPTY_ROW],
        ["5", "số điện thoại không hợp lệ / invalid phone: 0912 34", "", "0912 34", "", ""],
        ["6", "email không hợp lệ / invalid email: khong-phai-email", "", "", "khong-phai-email", ""],
        ["7", "ô quá dài: cột 'Ghi chú', 5000 ký tự (tối đa 4000) / "
              "cell too long: column 'Ghi chú', 5000 characters (at most 4000)", "Hồ Thị Lan", "0987654321", "",
         long_note],
    ]
    assert row_count(hub, "leads") == 3
    statuses = sorted(r["status"] for r in rows(hub, "raw_events"))
    assert statuses == ["done"] * 3 + ["ignored"] * 4  # every stored row kept, empty rows never stored


def test_an_explicit_mapping_replaces_recognition(hub, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["Khách", "Liên hệ", "SĐT"], ["Lý Thị Hoa", "0911 222 333", "0944 555 666"]])
    import_file(hub, path, mapping={"Khách": "name", "Liên hệ": "phone"})
    [contact] = contacts(hub)
    assert contact["phones"] == ["+84911222333"]
    assert rows(hub, "leads")[0]["data"]["extra"] == {"SĐT": "0944 555 666"}


def test_an_id_column_is_the_source_ref_and_makes_the_row_known_across_files(hub, tmp_path):
    first = write_csv(tmp_path / "thang1.csv", [["Mã KH", "Họ tên", "SĐT"], ["KH001", "Đặng Văn Tú", "0933 111 222"]])
    second = write_csv(tmp_path / "thang2.csv", [["Mã KH", "Họ tên", "SĐT"], ["KH001", "Đặng Văn Tú", "0933 111 222"],
                                                 ["KH002", "Mai Anh", "0933 111 333"]])
    import_file(hub, first)
    result = import_file(hub, second)
    assert (result.imported, result.duplicates) == (1, 1)
    assert sorted(r["source_ref"] for r in rows(hub, "leads")) == ["KH001", "KH002"]


def test_progress_is_reported_as_rows_done_out_of_rows_read(hub, tmp_path, monkeypatch):
    monkeypatch.setattr("hub.importer.CHUNK", 2)
    path = write_csv(tmp_path / "a.csv", [HEADER, *PEOPLE, PEOPLE[0][:5] + ["đăng ký lần 2", "xanh"]])
    calls: list[tuple[int, int]] = []
    result = import_file(hub, path, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(2, 4), (4, 4)]
    assert (result.imported, result.duplicates) == (4, 0)  # the person registering again is a second lead
    assert row_count(hub, "contacts") == 3


@pytest.mark.parametrize(("content", "error"), [
    ("Cột A,Ghi chú\n1,2\n", ColumnError),
    ("", UnreadableFile),
])
def test_a_file_without_usable_columns_stores_nothing(hub, tmp_path, content, error):
    path = tmp_path / "a.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(error):
        import_file(hub, path)
    assert row_count(hub, "raw_events") == 0
    assert not (tmp_path / "a.csv.rejects.csv").exists()


def test_captured_at_defaults_to_the_import_time(hub, tmp_path):
    before = datetime.now(timezone.utc)
    import_file(hub, write_csv(tmp_path / "a.csv", [["Email"], ["an@example.vn"]]))
    assert rows(hub, "leads")[0]["captured_at"] >= before


def test_rows_stored_under_the_old_file_digest_keys_are_given_their_row_keys(hub, tmp_path):
    """Migration 0012: a file imported before rows were keyed by their content, exported again
    with a row added, adds only that row."""
    rekey = importlib.import_module("hub.store.migrations.versions.0012_import_row_keys").rekey
    repeated = [HEADER, *PEOPLE, PEOPLE[1], ["Bùi Thị Mai", "0909 000 111", "", "", "", "", ""]]
    import_file(hub, write_csv(tmp_path / "a.csv", repeated))
    events = _by_id(hub)
    assert len(events) == 4  # the repeated row is one event
    thuy, hung, lan, mai = sorted(events)
    with hub.store.transaction() as session:  # as the code before stored them
        for event_id, number in zip(sorted(events), (2, 3, 4, 6)):
            session.execute(update(RawEventRow).where(RawEventRow.id == event_id)
                            .values(delivery_key=f"0123456789ab#{number}"))
        # The repeated row, which the code before stored as a second event of the same content.
        copy = session.execute(select(RawEventRow).where(RawEventRow.id == hung)).scalar_one()
        session.add(RawEventRow(**{c.key: getattr(copy, c.key) for c in RawEventRow.__table__.columns if c.key != "id"}
                                | {"delivery_key": "0123456789ab#5"}))
        # Her body emptied by retention: nothing to compute her key from.
        session.execute(update(RawEventRow).where(RawEventRow.id == mai).values(body=b"", purged_at=RawEventRow.received_at))
    with hub.store.transaction() as session:
        assert rekey(session.connection()) == 3
        assert rekey(session.connection()) == 0  # nothing left to do
    assert sorted(_by_id(hub).values()) == sorted([events[thuy], events[hung], events[lan], "0123456789ab#5",
                                                   "0123456789ab#6"])
    before = row_count(hub, "leads")
    again = import_file(hub, write_csv(tmp_path / "b.csv", [HEADER, PEOPLE[2], ["Đỗ Văn Nam", "0987 111 222", "", "", "", "", ""],
                                                              *PEOPLE[:2]]))
    assert (again.imported, again.duplicates) == (1, 3)
    assert row_count(hub, "leads") == before + 1


def _by_id(hub: Hub) -> dict[int, str]:
    return {r["id"]: r["delivery_key"] for r in rows(hub, "raw_events")}
