"""Read a CSV or XLSX file into a header and text rows, whatever its encoding or delimiter."""
from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

DELIMITERS = ",;\t"
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Letters and combining tone marks that only Vietnamese text decodes to from cp1258 (Windows-1258
# writes tones as combining marks: https://en.wikipedia.org/wiki/Windows-1258).
_VIETNAMESE_CP1258 = re.compile("[\u0300\u0301\u0303\u0309\u0323ăĂđĐơƠưƯ]")
MAX_CSV_FIELD = 16 * 1024 * 1024  # over-long cells are read, then reported, not fatal


class UnreadableFile(Exception):
    """The file cannot be read as a table (missing, not CSV/XLSX, corrupt, empty)."""


@dataclass(frozen=True)
class Table:
    """A file's header and its data rows as (row number as the user sees it, cells as text)."""

    name: str
    headers: tuple[str, ...]
    rows: list[tuple[int, tuple[str, ...]]]
    encoding: str  # the detected text encoding, or "xlsx"
    delimiter: str | None = None


def read_table(path: Path) -> Table:
    """Raises UnreadableFile with a message for people when the file cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        raise UnreadableFile(f"{path.name}: chỉ nhận .csv hoặc .xlsx / only .csv and .xlsx files are supported")
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _table(path.name, _xlsx_rows(path), "xlsx")
        text, encoding = decode(path.read_bytes())
        delimiter = sniff_delimiter(text)
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return _table(path.name, rows, encoding, delimiter)
    except OSError as exc:
        raise UnreadableFile(f"{path.name}: không đọc được tệp / cannot read the file: {exc.strerror or exc}") from None


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: a BOM, else strict UTF-8, else Windows-1258 when it
    reads as Vietnamese, else Windows-1252 / Latin-1. Always NFC (cp1258 stores tones as
    combining marks; Vietnamese from macOS often comes as NFD)."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _nfc(data.decode(encoding, errors="replace")), encoding
    try:
        return _nfc(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1258", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding != "cp1258" or _VIETNAMESE_CP1258.search(text):
            return _nfc(text), encoding
    return _nfc(data.decode("latin-1")), "latin-1"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def sniff_delimiter(text: str) -> str:
    """`,`, `;` or tab, by csv.Sniffer on the first lines; else the one most frequent in the header."""
    sample = "\n".join(text[:65536].splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = sample.split("\n", 1)[0]
        return max(DELIMITERS, key=header.count)


def _xlsx_rows(path: Path) -> Iterator[tuple[Any, ...]]:
    """The first worksheet's rows as openpyxl (read-only, values only) gives them, read with
    python-calamine (about ten times faster) where it gives the same values, else openpyxl."""
    try:
        rows = _calamine_rows(path)
    except Exception:  # noqa: BLE001 - a damaged file (python_calamine.ZipError, XmlError...):
        rows = None  # the fast path only; openpyxl reads it again and says what is wrong with it
    return iter(rows) if rows is not None else _openpyxl_rows(path)


def _openpyxl_rows(path: Path) -> Iterator[tuple[Any, ...]]:
    """openpyxl's rows; a damaged file, found on opening it or halfway through (a zip member
    that does not inflate, XML cut short, a bad CRC: openpyxl lets zipfile's, zlib's and the
    XML parser's exceptions through), is UnreadableFile."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except OSError:
        raise  # read_table: "cannot read the file"
    except Exception as exc:  # noqa: BLE001 - see the docstring
        raise _not_xlsx(path, exc) from None
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    except Exception as exc:  # noqa: BLE001 - see the docstring (OSError included: the file is damaged)
        raise _not_xlsx(path, exc) from None
    finally:
        workbook.close()


def _not_xlsx(path: Path, exc: Exception) -> UnreadableFile:
    return UnreadableFile(f"{path.name}: không phải tệp Excel .xlsx hợp lệ / not a valid .xlsx file "
                          f"({type(exc).__name__}: {exc})")


# Numbers calamine hands over as floats, which lose digits openpyxl's int keeps from here on.
_EXACT_FLOAT = 2 ** 53
_DIMENSION = re.compile(rb'<dimension\s[^>]*?\bref="([^"]+)"')
_SHEET_DATA = re.compile(rb"<sheetData[\s>/]")
_ROW = re.compile(rb'<row\b([^>]*)>')
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_CELL_REF = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})\d+"')
# Read differently by the two: error cells (calamine: empty), _xHHHH_ escapes (calamine
# decodes them), phonetic runs, namespace-prefixed sheet XML.
_DIFFERENT = re.compile(rb'\st="e"|_x[0-9A-Fa-f]{4}_|<rPh[\s>]|<\w+:sheetData[\s>/]')


def _calamine_rows(path: Path) -> list[tuple[Any, ...]] | None:
    """What openpyxl's read-only iter_rows(values_only=True) gives for the first worksheet:
    rows from A1, each as long as the sheet's <dimension> says or, without one, up to its last
    <c> element; date cells as datetimes. None when calamine would read the file otherwise
    (then openpyxl reads it): a 1904 date system, error cells, escaped characters, phonetic
    runs, integers past 2^53, cells without references, or python-calamine missing."""
    try:
        from python_calamine import CalamineWorkbook, SheetTypeEnum
    except ImportError:
        return None
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.utils.cell import column_index_from_string, range_boundaries

    reader = ExcelReader(path, read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_workbook()
        if reader.parser.wb.epoch.year != 1899:  # the 1904 date system
            return None
        first = next(((sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
                      if rel.target in reader.valid_files and "chartsheet" not in rel.Type), None)
        if first is None:
            return None
        xml = reader.archive.read(first[1])
        strings = [name for name in reader.valid_files if name.lower().endswith("sharedstrings.xml")]
        if _DIFFERENT.search(xml) or any(_DIFFERENT.search(reader.archive.read(name)) for name in strings):
            return None
    finally:
        reader.archive.close()
    data_at = _SHEET_DATA.search(xml)
    dimension = _DIMENSION.search(xml, 0, data_at.start() if data_at else len(xml))
    with CalamineWorkbook.from_path(str(path)) as book:
        kinds = {meta.name: meta.typ for meta in book.sheets_metadata}
        if kinds.get(first[0]) != SheetTypeEnum.WorkSheet:
            return None
        values = book.get_sheet_by_name(first[0]).to_python(skip_empty_area=False)
    if dimension is not None:
        _, _, max_col, max_row = range_boundaries(dimension.group(1).decode())
        widths: dict[int, int] | None = None
        values = values[:max_row]
    else:
        widths = {}
        rows = list(_ROW.finditer(xml))
        for index, row in enumerate(rows):
            number = _ROW_NUMBER.search(row.group(1))
            end = rows[index + 1].start() if index + 1 < len(rows) else len(xml)
            cells = _CELL_REF.findall(xml, row.end(), end) if not row.group(1).endswith(b"/") else []
            if number is None or (cells == [] and b"<c" in xml[row.end():end]):
                return None
            if cells:
                widths[int(number.group(1))] = column_index_from_string(cells[-1].decode())
    out: list[tuple[Any, ...]] = []
    for row_number, raw in enumerate(values, start=1):
        width = max_col if widths is None else widths.get(row_number, 0)
        cells = [_as_openpyxl(value) for value in raw[:width]]
        if len(cells) < width:
            cells += [None] * (width - len(cells))
        if any(isinstance(value, float) and abs(value) >= _EXACT_FLOAT for value in cells):
            return None
        out.append(tuple(cells))
    return out


def _as_openpyxl(value: Any) -> Any:
    """A calamine value as openpyxl gives it: empty cells None, dates as midnight datetimes."""
    if value == "":
        return None
    if type(value) is date:
        return datetime(value.year, value.month, value.day)
    return value


def _table(name: str, rows: Iterable[Iterable[Any]], encoding: str, delimiter: str | None = None) -> Table:
    """The first non-empty row is the header; empty rows after the last data row are dropped."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, MAX_CSV_FIELD))
    try:
        headers: tuple[str, ...] | None = None
        data: list[tuple[int, tuple[str, ...]]] = []
        blank: list[tuple[int, tuple[str, ...]]] = []
        for number, raw in enumerate(rows, start=1):
            cells = tuple(cell_text(value) for value in raw)
            if headers is None:
                if any(cells):
                    headers = unique_headers(cells)
                continue
            if any(cells):
                data.extend(blank)
                blank = []
                data.append((number, cells))
            else:
                blank.append((number, ()))
    except csv.Error as exc:
        raise UnreadableFile(f"{name}: tệp CSV hỏng / broken CSV file: {exc}") from None
    finally:
        csv.field_size_limit(limit)
    if headers is None:
        raise UnreadableFile(f"{name}: tệp trống / the file is empty")
    return Table(name, headers, data, encoding, delimiter)


def cell_text(value: Any) -> str:
    """A cell as text. XLSX numbers keep their digits (a phone 912345678 stays "912345678"),
    dates become ISO 8601. NUL characters are dropped (PostgreSQL text cannot hold them: a row
    with one would be imported on SQLite and rejected on PostgreSQL)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    text = str(value)
    return _nfc(text.replace("\x00", "") if "\x00" in text else text).strip()


def unique_headers(cells: tuple[str, ...]) -> tuple[str, ...]:
    """Headers made unique and non-empty: a blank one becomes "Cột 3", a repeated one "SĐT (2)"."""
    seen: dict[str, int] = {}
    headers = []
    for index, cell in enumerate(cells, start=1):
        header = cell or f"Cột {index}"
        seen[header] = seen.get(header, 0) + 1
        headers.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    return tuple(headers)
