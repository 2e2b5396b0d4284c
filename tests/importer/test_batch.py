"""The batched processing path (pipeline.run_batch / store.bulk) ends where one-by-one run() ends."""
from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.import_data import generate
from hub import pipeline
from hub.export import iter_contacts
from hub.importer import import_file
from hub.runtime import Hub
from tests.conftest import make_settings
from tests.helpers import rows
from tests.importer.files import write_csv


def one_by_one(hub: Hub, event_ids: list[int]) -> dict[int, str]:
    return {event_id: pipeline.run(hub, event_id) for event_id in event_ids}


def outcome(hub: Hub) -> dict[str, object]:
    """What a downstream consumer and ops would see, independent of ids and timestamps."""
    contacts = sorted(
        (tuple(sorted(lead["source_ref"].split("@")[0] for lead in c["leads"])), c["name"], tuple(sorted(c["phones"])),
         tuple(sorted(c["emails"])), c["province"], c["version"])
        for c in iter_contacts(hub.store)
    )
    return {
        "contacts": contacts,
        "decisions": sorted((r["source_ref"].split("@")[0], r["decision"]["action"], round(r["decision"]["score"], 6))
                            for r in rows(hub, "leads")),
        "suggestions": len(rows(hub, "merge_suggestions")),
        "outbox": Counter(r["type"] for r in rows(hub, "outbox")),
        "events": Counter(r["status"] for r in rows(hub, "raw_events")),
    }


def test_a_batched_import_stores_exactly_what_one_by_one_processing_stores(hub, tmp_path, monkeypatch):
    path = tmp_path / "khach.xlsx"
    generate(path, 300, broken=0.1, seed=3)  # includes people repeated within and across chunks
    monkeypatch.setattr("hub.importer.CHUNK", 64)
    batched = import_file(hub, path)
    reference = Hub(make_settings(f"sqlite:///{tmp_path}/reference.db"))
    from hub.store.migrate import upgrade

    upgrade(reference.settings.database_url)
    monkeypatch.setattr(pipeline, "run_batch", one_by_one)
    expected = import_file(reference, path, report=tmp_path / "reference.csv")
    assert (batched.imported, batched.rejected) == (expected.imported, expected.rejected)
    assert outcome(hub) == outcome(reference)
    assert outcome(hub)["outbox"]["contact.updated"] > 0  # merges happened, inside and across batches
    reference.store.dispose()


def test_a_row_that_fails_does_not_fail_its_neighbours(hub, tmp_path, monkeypatch):
    from hub.store import bulk

    real = bulk.apply_lead

    def fails_for_row_3(session, lead, raw_event_id):  # type: ignore[no-untyped-def]
        if lead.source_ref.startswith("a.csv#3@"):
            raise RuntimeError("simulated database error")
        return real(session, lead, raw_event_id)

    monkeypatch.setattr(bulk, "apply_lead", fails_for_row_3)
    path = write_csv(tmp_path / "a.csv", [["Họ tên", "SĐT"], ["Nguyễn Văn An", "0912345678"],
                                          ["Nguyễn Văn An", "0912 345 678"], ["Lê Thị Bích", "0987654321"]])
    result = import_file(hub, path)
    # Row 3 merges, so it takes apply_lead in the batch, fails there, and is then processed alone.
    assert (result.imported, result.rejected) == (3, 0)
    assert sorted(len(c["leads"]) for c in iter_contacts(hub.store)) == [1, 2]


@pytest.mark.parametrize("broken", ["flush", "claim"])
def test_when_a_whole_batch_fails_each_row_is_processed_on_its_own(hub, tmp_path, monkeypatch, broken):
    from hub import inbox
    from hub.store import bulk

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("simulated")

    monkeypatch.setattr(*((bulk._Batch, "flush", fail) if broken == "flush" else (inbox, "claim_batch", fail)))
    path = write_csv(tmp_path / "a.csv", [["Họ tên", "SĐT"], ["Nguyễn Văn An", "0912345678"], ["", "12"]])
    result = import_file(hub, path)
    assert (result.imported, result.rejected) == (1, 1)
    assert Counter(r["status"] for r in rows(hub, "raw_events")) == {"done": 1, "ignored": 1}
