"""Reading CSV / XLSX files: encodings, delimiters, cell types, and files that cannot be read."""
from __future__ import annotations

import codecs
import unicodedata
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from hub.importer.read import UnreadableFile, decode, read_table, sniff_delimiter
from tests.conftest import make_settings
from tests.importer.files import cp1258

HEADER = "Họ tên,SĐT,Tỉnh/Thành"
ROW = "Nguyễn Thị Thuý,0168 123 4567,Đà Nẵng"


@pytest.mark.parametrize(("data", "encoding"), [
    ((HEADER + "\n" + ROW).encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + (HEADER + "\n" + ROW).encode("utf-8"), "utf-8-sig"),
    ((HEADER + "\n" + ROW).encode("utf-16"), "utf-16"),  # with its BOM
    (cp1258(HEADER + "\n" + ROW), "cp1258"),
])
def test_vietnamese_text_is_decoded_and_normalized_to_nfc(data, encoding):
    text, found = decode(data)
    assert found == encoding
    assert text == unicodedata.normalize("NFC", HEADER + "\n" + ROW)


def test_nfd_utf8_text_comes_back_nfc():
    text, _ = decode(unicodedata.normalize("NFD", ROW).encode("utf-8"))
    assert text == ROW and unicodedata.is_normalized("NFC", text)


def test_western_text_that_is_not_utf8_falls_back_to_windows_1252():
    text, found = decode("Name,Phone\nJosé Müller – café,0912345678".encode("cp1252"))
    assert found == "cp1252" and "José Müller – café" in text


def test_bytes_outside_cp1252_fall_back_to_latin1():
    text, found = decode(b"Name\nA\x81B")
    assert found == "latin-1" and text == "Name\nA\x81B"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_detected(delimiter):
    text = "\n".join(delimiter.join(cells) for cells in (
        ["Họ tên", "SĐT", "Ghi chú"], ["Lê Văn Hùng", "0987654321", "gọi lại, sau 5h"], ["Lan", "0912345678", ""]))
    assert sniff_delimiter(text) == delimiter


def test_a_semicolon_csv_with_commas_inside_quoted_cells(tmp_path: Path):
    path = tmp_path / "khach.csv"
    path.write_bytes(cp1258('Họ tên;Địa chỉ\n"Phạm Văn A";"12 Lê Lợi, Q.1, TP.HCM"\n'))
    table = read_table(path)
    assert table.delimiter == ";" and table.headers == ("Họ tên", "Địa chỉ")
    assert table.rows == [(2, ("Phạm Văn A", "12 Lê Lợi, Q.1, TP.HCM"))]


def test_rows_keep_their_spreadsheet_numbers_and_trailing_empty_rows_are_dropped(tmp_path: Path):
    path = tmp_path / "a.csv"
    path.write_text("\n\nHọ tên,SĐT\nAn,0912345678\n,\nBình,0987654321\n,\n,\n", encoding="utf-8")
    table = read_table(path)
    assert table.rows == [(4, ("An", "0912345678")), (5, ()), (6, ("Bình", "0987654321"))]


def test_repeated_and_blank_headers_are_made_unique(tmp_path: Path):
    path = tmp_path / "a.csv"
    path.write_text("SĐT,SĐT,,Họ tên\n1,2,3,4\n", encoding="utf-8")
    assert read_table(path).headers == ("SĐT", "SĐT (2)", "Cột 3", "Họ tên")


def test_xlsx_numbers_keep_their_digits_and_dates_become_iso(tmp_path: Path):
    path = tmp_path / "a.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ tên", "SĐT", "Ngày", "Số lượng"])
    sheet.append(["Trần Thị B", 912345678, datetime(2024, 3, 15, 9, 30), 2.5])
    sheet.append(["Lê C", 84987654321.0, None, None])
    book.save(path)
    table = read_table(path)
    assert table.encoding == "xlsx"
    assert table.rows == [(2, ("Trần Thị B", "912345678", "2024-03-15T09:30:00", "2.5")),
                          (3, ("Lê C", "84987654321", "", ""))]


def test_the_same_content_gets_the_same_delivery_keys_whatever_the_encoding(tmp_path: Path):
    (tmp_path / "a.csv").write_bytes(codecs.BOM_UTF8 + (HEADER + "\n" + ROW).encode("utf-8"))
    (tmp_path / "b.csv").write_bytes(cp1258(HEADER.replace(",", ";") + "\r\n" + ROW.replace(",", ";")))
    assert _keys(tmp_path / "a.csv") == _keys(tmp_path / "b.csv") != _keys(_edited(tmp_path / "c.csv"))


def _edited(path: Path) -> Path:
    path.write_text(HEADER + "\n" + ROW.replace("Thuý", "Thúy"), encoding="utf-8")
    return path


def _keys(path: Path) -> list[str]:
    from hub.importer.feed import Chunk, messages

    chunks = [m for m in messages(path, None, make_settings("sqlite://"), 100) if isinstance(m, Chunk)]
    keys = [row.key for chunk in chunks for row in chunk.rows]
    assert keys and all(key.startswith("row:") for key in keys)
    return keys


@pytest.mark.parametrize(("name", "content", "message"), [
    ("a.pdf", b"%PDF", "only .csv and .xlsx"),
    ("a.csv", b"", "the file is empty"),
    ("a.csv", b",,\n,,\n", "the file is empty"),
    ("a.xlsx", b"this is not a zip", "not a valid .xlsx file"),
])
def test_files_that_cannot_be_read_say_why(tmp_path: Path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message):
        read_table(path)


def test_a_missing_file_is_unreadable(tmp_path: Path):
    with pytest.raises(UnreadableFile, match="cannot read the file"):
        read_table(tmp_path / "missing.csv")


# --- XLSX through python-calamine: exactly what openpyxl reads, or openpyxl itself ---------------

DATE_FORMATS = ["yyyy-mm-dd h:mm:ss", "dd/mm/yyyy", "dd/mm/yyyy hh:mm", "h:mm", "[h]:mm:ss", "[mm]:ss", "d-mmm-yy",
                "[$-409]mmmm d, yyyy;@", "[Red]dd/mm/yyyy", "mm:ss.0", "yyyy-mm-dd hh:mm:ss.000"]
VALUES: list[tuple[object, str | None]] = [
    (912345678, None), (84912345678, None), (1.5, None), (0.1 + 0.2, None), (-5, None), (-0.0, None), (True, None),
    (False, None), ("=1+1", None), ("  Nguyễn  Văn An ", None), ("", None), (datetime(2025, 1, 5), None),
    (datetime(2025, 1, 5, 13, 7, 9, 123456), None), (time(13, 7, 9), None), (timedelta(hours=30), "[h]:mm:ss"),
    (45000, "0.00"), (45000, "@"), (45000, "General"), (1, "General"),
    *[(value, fmt) for fmt in DATE_FORMATS for value in (0.5, 1.5, 59, 60, 61, 45000, 45000.999999, 45000.123456789)],
]


def _openpyxl_reading(path: Path) -> list[tuple[str, ...]]:
    from hub.importer.read import _openpyxl_rows, cell_text

    return [tuple(cell_text(v) for v in row) for row in _openpyxl_rows(path)]


def _calamine_reading(path: Path) -> list[tuple[str, ...]] | None:
    from hub.importer.read import _calamine_rows, cell_text

    rows = _calamine_rows(path)
    return None if rows is None else [tuple(cell_text(v) for v in row) for row in rows]


def _typed_workbook(path: Path, write_only: bool) -> Path:
    """Every kind of cell, from column B on, after an empty first row; a styled empty cell past
    the data (it widens openpyxl's rows: the <dimension> counts it, or it is a row's last <c>)."""
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("Khách") if write_only else book.active
    if write_only:
        from openpyxl.cell import WriteOnlyCell

        sheet.append([])
        for value, fmt in VALUES:
            cell = WriteOnlyCell(sheet, value=value)
            if fmt:
                cell.number_format = fmt
            styled = WriteOnlyCell(sheet, value=None)
            styled.number_format = "0.00"
            sheet.append([None, cell, "", styled] if value == 45000 else [None, cell, ""])
    else:
        for row, (value, fmt) in enumerate(VALUES, start=2):
            cell = sheet.cell(row=row, column=2, value=value)
            if fmt:
                cell.number_format = fmt
        sheet.cell(row=3, column=6).number_format = "0.00"
        sheet.cell(row=4, column=3, value="ghi chú")
    book.save(path)
    return path


@pytest.mark.parametrize("write_only", [False, True], ids=["with dimension", "without dimension"])
def test_calamine_reads_every_kind_of_cell_as_openpyxl_does(tmp_path: Path, write_only: bool):
    path = _typed_workbook(tmp_path / "a.xlsx", write_only)
    found = _calamine_reading(path)
    assert found is not None  # calamine was used
    assert found == _openpyxl_reading(path)  # values, row lengths and row numbers alike


def test_the_generated_benchmark_file_reads_the_same_with_both(tmp_path: Path):
    from benchmarks.import_data import generate

    path = tmp_path / "khach.xlsx"
    generate(path, 400, broken=0.1, seed=3)
    assert _calamine_reading(path) == _openpyxl_reading(path)


@pytest.mark.parametrize("value", ["#N/A", "dòng 1_x000D_dòng 2", 2 ** 53 + 1], ids=["error", "escape", "big int"])
def test_files_calamine_would_read_otherwise_are_read_by_openpyxl(tmp_path: Path, value: object):
    book = Workbook()
    book.active.append(["Họ tên", "SĐT", "Ghi chú"])
    book.active.append(["Nguyễn Văn An", "0912345678", value])
    book.save(tmp_path / "a.xlsx")
    assert _calamine_reading(tmp_path / "a.xlsx") is None
    assert read_table(tmp_path / "a.xlsx").rows == [(2, _openpyxl_reading(tmp_path / "a.xlsx")[1])]


def test_an_xlsx_reads_the_same_whichever_library_read_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = _typed_workbook(tmp_path / "a.xlsx", write_only=False)
    fast = read_table(path)
    monkeypatch.setattr("hub.importer.read._calamine_rows", lambda path: None)
    assert read_table(path) == fast


def test_nul_characters_are_dropped_from_cells(tmp_path: Path):
    path = tmp_path / "nul.csv"
    path.write_bytes("Họ tên,SĐT\nNguyễn\x00 Thị Lan,0912\x00345678\n".encode())
    assert read_table(path).rows == [(2, ("Nguyễn Thị Lan", "0912345678"))]
