"""Rows read and prepared in a second process (hub.importer.feed) while the import stores them."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from benchmarks.import_data import generate
from hub import pipeline
from hub.importer import ColumnError, UnreadableFile, import_file
from hub.importer import feed
from hub.runtime import Hub
from tests.conftest import make_settings
from tests.helpers import row_count, rows
from tests.importer.files import write_csv
from tests.importer.test_batch import stored


@pytest.fixture
def processes(monkeypatch: pytest.MonkeyPatch) -> list:
    """The second processes started, to check they are gone afterwards."""
    started: list = []
    real = feed.Feed.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        real(self, *args, **kwargs)
        started.append(self.process)

    monkeypatch.setattr(feed.Feed, "__init__", init)
    return started


def test_a_file_prepared_in_a_second_process_is_stored_as_in_one(hub, tmp_path, monkeypatch, processes):
    from hub.store.migrate import upgrade

    path = tmp_path / "khach.xlsx"
    expected = generate(path, 600, broken=0.1, seed=4)
    monkeypatch.setattr("hub.importer.CHUNK", 128)
    calls: list[tuple[int, int]] = []
    result = import_file(hub, path, parallel=True, progress=lambda done, total: calls.append((done, total)))
    assert processes and processes[0] is not None and processes[0].poll() is not None  # it ran, and is gone
    assert result.reader_cpu_seconds > 0
    assert (result.read, result.imported, result.rejected) == (600, expected.imported, len(expected.rejects))
    assert calls == [(128, 600), (256, 600), (384, 600), (512, 600), (600, 600)]
    reference = Hub(make_settings(f"sqlite:///{tmp_path}/reference.db"))
    upgrade(reference.settings.database_url)
    import_file(reference, path, parallel=False, report=tmp_path / "reference.csv")
    assert stored(hub) == stored(reference)
    assert result.report.read_bytes() == (tmp_path / "reference.csv").read_bytes()
    assert [r["received_at"] for r in rows(hub, "raw_events")][:1] != []
    reference.store.dispose()


@pytest.mark.parametrize(("content", "error"), [("Cột A,Ghi chú\n1,2\n", ColumnError), ("", UnreadableFile)])
def test_what_the_second_process_cannot_read_is_the_same_error(hub, tmp_path, processes, content, error):
    path = tmp_path / "a.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(error):
        import_file(hub, path, parallel=True)
    assert processes[0].poll() is not None
    assert row_count(hub, "raw_events") == 0


def test_an_import_stopped_midway_stops_its_second_process_and_a_rerun_adds_each_row_once(
        hub, tmp_path, monkeypatch, processes):
    """Ctrl-C (KeyboardInterrupt) while a chunk is processed. PostgreSQL: its raw events are
    committed but not processed; SQLite: nothing of the chunk is kept (its raw events and their
    processing are one transaction). Importing the file again processes what is pending, and
    stores every other row once."""
    path = tmp_path / "khach.xlsx"
    expected = generate(path, 500, broken=0.1, seed=6)
    monkeypatch.setattr("hub.importer.CHUNK", 100)
    real, calls = pipeline.process_batch_in, []

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "process_batch_in", interrupted)
    with pytest.raises(KeyboardInterrupt):
        import_file(hub, path, parallel=True)
    assert processes[0].poll() is not None
    statuses = Counter(r["status"] for r in rows(hub, "raw_events"))
    if hub.store.is_postgres:
        assert statuses["pending"] > 0  # stored, not processed
    else:
        assert set(statuses) <= {"done", "ignored"} and 0 < sum(statuses.values()) <= 200  # the first two chunks
    first = row_count(hub, "leads")
    monkeypatch.setattr(pipeline, "process_batch_in", real)
    again = import_file(hub, path, parallel=True)
    assert row_count(hub, "leads") == expected.imported
    assert (again.imported, again.duplicates) == (expected.imported - first, first)
    assert {r["status"] for r in rows(hub, "raw_events")} == {"done", "ignored"}


def test_a_small_file_is_read_in_the_importing_process(hub, tmp_path, processes):
    import_file(hub, write_csv(tmp_path / "a.csv", [["Họ tên", "SĐT"], ["Nguyễn Văn An", "0912345678"]]))
    assert processes == [None]
    assert feed.PARALLEL_BYTES > Path(tmp_path / "a.csv").stat().st_size


def test_a_background_thread_imports_through_the_second_process(hub, tmp_path, processes):
    """As the ops console does (hub.ops.imports runs import_file in a thread of the server)."""
    import threading

    path = tmp_path / "khach.xlsx"
    expected = generate(path, 300, broken=0.1, seed=8)
    results: list = []
    thread = threading.Thread(target=lambda: results.append(import_file(hub, path, parallel=True)))
    thread.start()
    thread.join(300)
    assert [(r.imported, r.rejected) for r in results] == [(expected.imported, len(expected.rejects))]
    assert processes[0].poll() is not None
