"""`hub import FILE` as a real process on a SQLite file (embedded mode, inline processing)."""
from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from benchmarks.import_data import generate
from tests.importer.files import write_csv

HUB = str(Path(sys.executable).parent / "hub")
ROOT = Path(__file__).resolve().parents[2]


def run_hub(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_DATABASE_URL": f"sqlite:///{tmp_path}/hub.db", "HUB_SECRET_KEY": "test", "PYTHONPATH": str(ROOT)})
    return subprocess.run([HUB, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)


def count(tmp_path: Path, table: str) -> int:
    with sqlite3.connect(tmp_path / "hub.db") as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_an_xlsx_of_thousands_of_rows_with_broken_ones_gives_the_exact_report(tmp_path: Path):
    path = tmp_path / "khach_hang.xlsx"
    expected = generate(path, 2000, broken=0.10, seed=11)
    result = run_hub(tmp_path, "import", str(path))
    assert result.returncode == 0, result.stderr
    assert (f"2000 dòng đọc / rows read, {expected.imported} nhập / imported, 0 trùng bỏ qua / duplicates skipped, "
            f"200 bị từ chối / rejected") in result.stdout
    assert "rows/s" in result.stderr  # the progress bar
    with (tmp_path / "khach_hang.xlsx.rejects.csv").open(encoding="utf-8-sig", newline="") as report:
        lines = list(csv.reader(report))
    assert {int(line[0]): line[1] for line in lines[1:]} == expected.rejects
    assert [int(line[0]) for line in lines[1:]] == sorted(expected.rejects)  # in file order
    assert count(tmp_path, "leads") == expected.imported
    again = run_hub(tmp_path, "import", str(path), "--quiet")
    assert f"0 nhập / imported, {expected.imported} trùng bỏ qua / duplicates skipped" in again.stdout
    assert again.stderr == ""
    assert count(tmp_path, "leads") == expected.imported


def test_map_and_report_options(tmp_path: Path):
    path = write_csv(tmp_path / "a.csv", [["Khách", "Liên hệ"], ["Phan Thị Ngọc", "0977 888 999"], ["", "abc"]])
    (tmp_path / "map.toml").write_text('"Khách" = "name"\n"Liên hệ" = "phone"\n', encoding="utf-8")
    result = run_hub(tmp_path, "import", str(path), "--map", str(tmp_path / "map.toml"),
                     "--report", str(tmp_path / "loi.csv"), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "1 nhập / imported" in result.stdout and "1 bị từ chối / rejected" in result.stdout
    assert "invalid phone: abc" in (tmp_path / "loi.csv").read_text(encoding="utf-8-sig")


def test_fatal_problems_exit_non_zero_with_a_clear_message_and_store_nothing(tmp_path: Path):
    no_columns = write_csv(tmp_path / "a.csv", [["Cột A", "Ghi chú"], ["1", "2"]])
    result = run_hub(tmp_path, "import", str(no_columns))
    assert result.returncode == 1
    assert "no phone, email or name column found; columns seen: 'Cột A', 'Ghi chú'" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run_hub(tmp_path, "import", str(tmp_path / "missing.xlsx"))
    assert missing.returncode == 1 and "cannot read the file" in missing.stderr
    bad_map = run_hub(tmp_path, "import", str(no_columns), "--map", str(tmp_path / "nope.toml"))
    assert bad_map.returncode == 1 and "cannot read mapping file" in bad_map.stderr
    assert count(tmp_path, "raw_events") == 0


def test_a_report_that_cannot_be_written_is_an_error_after_the_rows_are_in(tmp_path: Path):
    path = write_csv(tmp_path / "a.csv", [["SĐT"], ["0912345678"]])
    result = run_hub(tmp_path, "import", str(path), "--report", str(tmp_path / "no" / "such" / "dir.csv"))
    assert result.returncode == 1 and "cannot write the report" in result.stderr
    assert count(tmp_path, "leads") == 1


def test_an_import_killed_midway_then_run_again_stores_each_row_exactly_once(tmp_path: Path):
    """SIGKILL of `hub import` (its second process too, which notices) after some batches are
    committed; the next `hub import` of the file finishes: every good row once, the exact report."""
    import signal
    import time

    path = tmp_path / "khach_hang.xlsx"
    expected = generate(path, 30000, broken=0.10, seed=12)  # big enough for the second process
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_DATABASE_URL": f"sqlite:///{tmp_path}/hub.db", "HUB_SECRET_KEY": "test", "PYTHONPATH": str(ROOT)})
    first = subprocess.Popen([HUB, "import", str(path), "--quiet"], cwd=tmp_path, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.5)
        try:
            if count(tmp_path, "leads") >= 1000:
                break
        except sqlite3.OperationalError:  # not created yet, or busy
            continue
    first.send_signal(signal.SIGKILL)
    first.wait()
    stored = count(tmp_path, "leads")
    assert 0 < stored < expected.imported, "killed before or after the import, not midway"
    again = run_hub(tmp_path, "import", str(path), "--quiet")
    assert again.returncode == 0, again.stderr
    assert f"{expected.imported - stored} nhập / imported, {stored} trùng bỏ qua / duplicates skipped" in again.stdout
    assert count(tmp_path, "leads") == expected.imported
    with sqlite3.connect(tmp_path / "hub.db") as db:
        assert db.execute("SELECT count(*) FROM (SELECT channel, source_ref FROM leads GROUP BY 1, 2 "
                          "HAVING count(*) > 1)").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM raw_events WHERE status NOT IN ('done', 'ignored')").fetchone()[0] == 0
    with (tmp_path / "khach_hang.xlsx.rejects.csv").open(encoding="utf-8-sig", newline="") as report:
        assert {int(line[0]): line[1] for line in list(csv.reader(report))[1:]} == expected.rejects
