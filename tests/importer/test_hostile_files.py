"""Hostile files for the importer (hypothesis): whatever the bytes, reading gives a table or
UnreadableFile (a message for people), never another exception; a damaged .xlsx likewise; and an
import of any table accounts for every row (imported, duplicate or rejected with a reason)."""
from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.importer import ColumnError, UnreadableFile, import_file
from hub.importer.read import read_table
from tests.importer.files import write_xlsx

_names = itertools.count()


def _read(path: Path) -> None:
    try:
        table = read_table(path)
    except UnreadableFile as exc:
        assert path.name in str(exc)  # says which file, and why
    else:
        assert all(isinstance(h, str) for h in table.headers)
        assert all(isinstance(c, str) for _, cells in table.rows for c in cells)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_any_bytes_are_read_as_a_table_or_refused_with_a_reason(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("hostile") / f"khach_hang{suffix}"
    path.write_bytes(data)
    _read(path)


@settings(max_examples=120, deadline=None)
@given(cut=st.floats(0, 1), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), max_size=4))
def test_a_damaged_xlsx_is_read_or_refused_with_a_reason(tmp_path_factory, cut, flips):
    folder = tmp_path_factory.mktemp("damaged")
    good = write_xlsx(folder / "good.xlsx", [["Họ tên", "SĐT"], ["Nguyễn Thị Lan", "0912345678"],
                                            ["Trần Văn Hùng", 912000111]]).read_bytes()
    damaged = bytearray(good[:max(1, int(len(good) * cut))] if cut < 1 else good)
    for where, xor in flips:
        damaged[int(where * (len(damaged) - 1))] ^= xor
    path = folder / "khach_hang.xlsx"
    path.write_bytes(bytes(damaged))
    _read(path)


_cell = st.one_of(st.text(max_size=40), st.sampled_from(
    ["0912.345.678", "+84 168 234 5678", "lan@gmial.com", "Nguyễn Thị Lan", "HCM", "=1+1", "'0912345678",
     "9" * 40, "\u0300\u0301", "\x00", "a,b;c\t\"d\"", "\r\n"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell, min_size=0, max_size=5), max_size=12))
def test_any_rows_are_each_imported_or_rejected_with_a_reason(hub, tmp_path, rows):
    path = tmp_path / f"tep_{next(_names)}.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Họ tên", "SĐT", "Email", "Tỉnh/Thành", "Ghi chú"])
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8", "surrogatepass"))
    try:
        result = import_file(hub, path, parallel=False)
    except (UnreadableFile, ColumnError) as exc:
        assert str(exc)
        return
    assert result.imported + result.duplicates + result.rejected + result.pending == result.read
    assert result.pending == 0
    with result.report.open(encoding="utf-8-sig", newline="") as report:
        rejected = list(csv.reader(report))[1:]
    assert len(rejected) == result.rejected and all(line[1] for line in rejected)
