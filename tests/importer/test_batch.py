"""The batched processing path (pipeline.run_batch / store.bulk) ends where one-by-one run() ends."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from benchmarks.import_data import generate
from hub import pipeline
from hub.export import iter_contacts
from hub.importer import import_file
from hub.runtime import Hub
from tests.conftest import make_settings
from tests.helpers import rows
from tests.importer.files import write_csv


def one_by_one(hub: Hub, event_ids: list[int], *batch_args: object) -> dict[int, str]:
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


TIMES = {"created_at", "updated_at", "received_at", "due_at", "decided_at"}


def stored(hub: Hub) -> dict[str, list[object]]:
    """Every row of what a lead writes, contact ids replaced by the first lead that landed on
    the contact (ids are random, lead ids follow the processing order), raw event ids by their
    delivery keys (PostgreSQL spends a sequence number on a row left out as a duplicate), times
    left out."""
    keys = {event["id"]: event["delivery_key"] for event in rows(hub, "raw_events")}
    leads = [{**lead, "raw_event_id": keys.get(lead["raw_event_id"])} for lead in rows(hub, "leads")]
    first: dict[str, str] = {}
    for lead in leads:
        first.setdefault(lead["contact_id"], lead["source_ref"].split("@")[0])

    def same(value: object) -> object:
        if isinstance(value, dict):
            return {k: same(v) for k, v in value.items() if k not in TIMES}
        if isinstance(value, list):
            return [same(v) for v in value]
        return first.get(value, value) if isinstance(value, str) else value

    tables = {"leads": leads, "contacts": rows(hub, "contacts"), "contact_points": rows(hub, "contact_points"),
              "match_keys": rows(hub, "match_keys"), "merge_suggestions": rows(hub, "merge_suggestions"),
              "outbox": rows(hub, "outbox")}
    found = {name: [same({k: v for k, v in row.items() if k not in ("seq", "event_id")}) for row in table]
             for name, table in tables.items()}
    for name in ("contacts", "contact_points", "match_keys"):  # keyed by random ids: their order says nothing
        found[name] = sorted(found[name], key=repr)
    return found


def assert_same_as_one_by_one(hub: Hub, path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch,
                              between: Callable[[Hub, int], None] | None = None,
                              before: Callable[[Hub], None] | None = None) -> Hub:
    """Import the file batched into hub and one by one into a reference store: the same rows.
    `before(hub)` fills both stores first; `between(hub, rows done)` runs after each chunk, in
    both (someone else changing the store)."""
    from hub.store.migrate import upgrade

    def progress(target: Hub) -> Callable[[int, int], None] | None:
        return None if between is None else (lambda done, total: between(target, done))

    reference = Hub(make_settings(f"sqlite:///{path.parent}/reference.db"))
    upgrade(reference.settings.database_url)
    if before is not None:
        before(hub)
        before(reference)
    monkeypatch.setattr("hub.importer.CHUNK", chunk)
    batched = import_file(hub, path, progress=progress(hub))
    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "run_batch", one_by_one)
        expected = import_file(reference, path, report=path.parent / "reference.csv", progress=progress(reference))
    assert (batched.imported, batched.rejected) == (expected.imported, expected.rejected)
    assert outcome(hub) == outcome(reference)
    batched_rows, reference_rows = stored(hub), stored(reference)
    for table, found in batched_rows.items():
        assert found == reference_rows[table], table
    return reference


def test_a_batched_import_stores_exactly_what_one_by_one_processing_stores(hub, tmp_path, monkeypatch):
    path = tmp_path / "khach.xlsx"
    generate(path, 300, broken=0.1, seed=3)  # includes people repeated within and across chunks
    reference = assert_same_as_one_by_one(hub, path, 64, monkeypatch)
    assert outcome(hub)["outbox"]["contact.updated"] > 0  # merges happened, inside and across batches
    reference.store.dispose()


def test_an_import_into_a_populated_store_stores_what_one_by_one_processing_stores(hub, tmp_path, monkeypatch):
    """The same people again from another file: every lead lands on a stored contact, read from
    the store by the first batch that needs it and remembered by the next ones."""
    from openpyxl import load_workbook

    first, again = tmp_path / "thang1.xlsx", tmp_path / "thang2.xlsx"
    generate(first, 300, broken=0.1, seed=5)
    book = load_workbook(first)
    for row in book.active.iter_rows(min_row=2):
        if row[0].value:
            row[5].value = "gọi lại"  # the note column: the same people, another file
    book.save(again)
    reference = assert_same_as_one_by_one(hub, again, 64, monkeypatch,
                                          before=lambda target: import_file(target, first))
    updated = outcome(hub)["outbox"]["contact.updated"]
    assert updated >= 270  # (nearly) every row of the second file merged into a stored contact
    reference.store.dispose()


def test_batched_merges_keep_documents_suggestions_and_keys_as_one_by_one(hub, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "a.csv", [
        ["Họ tên", "SĐT", "Email", "Tỉnh/Thành", "Ngày"],
        ["Nguyễn Văn An", "0912345678", "", "Hà Nội", "15/03/2024"],
        ["Nguyễn Văn An", "0912 345 678", "an.nguyen@gmail.com", "", "01/01/2024"],  # an earlier capture
        ["Nguyễn Văn Bình", "0912345678", "", "Hà Nội", "02/01/2024"],  # a family member: suggested
        ["Trần Thị Cúc", "0987654321", "", "TP.HCM", "03/01/2024"],
        ["Nguyễn Văn An", "84912345678", "an.nguyen@gmail.com", "Đà Nẵng", "04/01/2024"],  # a stored contact
        ["Nguyễn Văn Bình", "0912345678", "", "", "05/01/2024"],  # the same pair again
        ["Trần Thị Cúc", "", "", "TP.HCM", "06/01/2024"],  # a name alone: suggested at most
    ])
    reference = assert_same_as_one_by_one(hub, path, 3, monkeypatch)
    an = next(c for c in iter_contacts(hub.store) if c["name"] == "Nguyễn Văn An")
    assert [lead["captured_at"][:10] for lead in an["leads"]] == ["2023-12-31", "2024-01-03", "2024-03-14"]
    assert len(rows(hub, "merge_suggestions")) > 0
    reference.store.dispose()


def test_a_row_that_joins_two_stored_contacts_merges_them_as_one_by_one(hub, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "n.csv", [
        ["Họ tên", "SĐT", "Email", "Ngày"],
        ["Nguyễn Văn An", "0912345678", "", "01/01/2024"],
        ["Nguyễn Văn An", "0987000111", "an.nguyen@gmail.com", "02/01/2024"],  # another SIM: a new contact
        ["Nguyễn Văn An", "0912345678", "an.nguyen@gmail.com", "03/01/2024"],  # both: one person (N-way)
        ["Nguyễn Văn An", "0987000111", "", "04/01/2024"],  # lands on the merged contact
        ["Trần Thị Cúc", "0933000222", "", "05/01/2024"],
        ["Trần Thị Cúc", "", "cuc.tran@gmail.com", "06/01/2024"],  # a name alone: suggested
        ["Trần Thị Cúc", "0933000222", "cuc.tran@gmail.com", "07/01/2024"],  # joins them, in the next batch
        ["Trần Thị Cúc", "", "cuc.tran@gmail.com", "08/01/2024"],
    ])
    reference = assert_same_as_one_by_one(hub, path, 3, monkeypatch)
    merges = rows(hub, "merge_log")
    assert [(log["actor"], len(log["merged_ids"])) for log in merges] == [("dedupe", 1), ("dedupe", 1)]
    names = Counter(c["name"] for c in iter_contacts(hub.store))
    assert names == {"Nguyễn Văn An": 1, "Trần Thị Cúc": 1}
    reference.store.dispose()


def _contact_of(hub: Hub, phone: str) -> str:
    return next(r["contact_id"] for r in rows(hub, "contact_points") if r["value"] == phone)


def test_what_others_change_between_batches_is_seen_by_the_next_batch(hub, tmp_path, monkeypatch):
    """Batches remember the contacts and keys they read and wrote (hub.store.bulk.Memo); leads
    stored by a worker, merges by ops and an undo, between two batches, must not be missed."""
    from hub.model import LeadDraft
    from hub.normalize import normalize
    from hub.store.merging import merge_contacts, unmerge
    from hub.store.repository import apply_lead

    path = write_csv(tmp_path / "a.csv", [
        ["Họ tên", "SĐT", "Email", "Tỉnh/Thành", "Ngày"],
        ["Nguyễn Văn An", "0912345678", "", "Hà Nội", "01/01/2024"],
        ["Lê Thị Bích", "0987654321", "", "", "02/01/2024"],
        ["Trần Văn Cường", "0977111222", "", "", "03/01/2024"],
        ["Nguyễn Văn An", "", "an.nguyen@gmail.com", "", "04/01/2024"],  # the email a form gave to An
        ["Lê Thị Bích", "0987 654 321", "", "Đà Nẵng", "05/01/2024"],  # a namesake came through a form
        ["Trần Văn Cường", "0977 111 222", "", "", "06/01/2024"],
        ["Trần Văn Cường", "0977 111 222", "", "", "07/01/2024"],  # merged into An, then unmerged
        ["Lê Thị Bích", "0987654321", "", "", "08/01/2024"],  # merged into An
    ])

    def form(target: Hub, ref: str, name: str, phone: str, email: str = "") -> None:
        with target.store.transaction() as session:
            apply_lead(session, normalize(LeadDraft(channel="form", source_ref=ref, name=name,
                                                    phones=(phone,) if phone else (),
                                                    emails=(email,) if email else (),
                                                    captured_at=datetime(2024, 1, 3, tzinfo=timezone.utc))), None)

    def others(target: Hub, done: int) -> None:
        if done == 3:  # a worker stores two web forms: An's with his email, and another Bích
            form(target, "f-1", "Nguyễn Văn An", "0912345678", "an.nguyen@gmail.com")
            form(target, "f-2", "Lê Thị Bích", "", "bich.le@gmail.com")
        if done == 6:  # ops merges Bích into An, and Cường into An, then undoes that one
            an, bich, cuong = (_contact_of(target, p) for p in ("+84912345678", "+84987654321", "+84977111222"))
            with target.store.transaction() as session:
                merge_contacts(session, an, [bich], actor="ops")
                undone = merge_contacts(session, an, [cuong], actor="ops")
            with target.store.transaction() as session:
                unmerge(session, undone, actor="ops")

    reference = assert_same_as_one_by_one(hub, path, 3, monkeypatch, between=others)
    cuong = next(c for c in iter_contacts(hub.store) if c["name"] == "Trần Văn Cường")
    assert [lead["source_ref"].split("@")[0] for lead in cuong["leads"]] == ["a.csv#4", "a.csv#7", "a.csv#8"]
    reference.store.dispose()


def test_a_row_that_fails_does_not_fail_its_neighbours(hub, tmp_path, monkeypatch):
    from hub.store import bulk

    real = bulk._lead_values

    def fails_for_row_3(lead, *args):  # type: ignore[no-untyped-def]
        if lead.source_ref.startswith("a.csv#3@"):
            raise RuntimeError("simulated error")
        return real(lead, *args)

    monkeypatch.setattr(bulk, "_lead_values", fails_for_row_3)
    path = write_csv(tmp_path / "a.csv", [["Họ tên", "SĐT"], ["Nguyễn Văn An", "0912345678"],
                                          ["Nguyễn Văn An", "0912 345 678"], ["Lê Thị Bích", "0987654321"]])
    result = import_file(hub, path)
    # Row 3 fails in the batch, where its neighbours are stored, and is then processed alone.
    assert (result.imported, result.rejected) == (3, 0)
    assert sorted(len(c["leads"]) for c in iter_contacts(hub.store)) == [1, 2]
    assert Counter(r["type"] for r in rows(hub, "outbox")) == {"contact.created": 2, "contact.updated": 1}


def test_an_event_with_several_leads_goes_through_apply_lead_after_what_the_batch_landed(hub):
    from hub import inbox
    from hub.model import LeadDraft
    from hub.normalize import normalize
    from hub.store import bulk

    def lead(ref: str, name: str, phone: str):  # type: ignore[no-untyped-def]
        return normalize(LeadDraft(channel="import", source_ref=ref, name=name, phones=(phone,),
                                   captured_at=datetime(2024, 1, int(ref), tzinfo=timezone.utc)))

    items = [inbox.Item(channel="import", delivery_key=key, route="", body=b"{}", headers={}) for key in "abc"]
    first, second, third = (a.event_id for a in inbox.put_batch(hub.store, items, delivery=None,
                                                                 queue=hub.settings.queue))
    with hub.store.transaction() as session:
        outcome = bulk.apply_batch(session, [(first, [lead("1", "Nguyễn Văn An", "0912345678")]),
                                             (second, [lead("2", "Nguyễn Văn An", "0912345678"),
                                                       lead("3", "Lê Thị Bích", "0987654321")]),
                                             (third, [lead("4", "Lê Thị Bích", "0987 654 321")])])
    assert outcome == {first: None, second: None, third: None}
    assert sorted(len(c["leads"]) for c in iter_contacts(hub.store)) == [2, 2]
    assert [(r["type"], r["contact_version"]) for r in rows(hub, "outbox")] == [
        ("contact.created", 1), ("contact.updated", 2), ("contact.created", 1), ("contact.updated", 2)]


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


def test_stored_candidates_are_read_with_the_points_of_their_merged_members(hub, tmp_path):
    """candidates_by_id (the batch prefetch and find_candidates both read through it)."""
    from hub.store.contacts import candidates_by_id, load_candidates
    from hub.store.merging import merge_contacts

    import_file(hub, write_csv(tmp_path / "a.csv", [["Họ tên", "SĐT", "Email"], ["Nguyễn Văn An", "0912345678", ""],
                                                    ["An Nguyễn", "", "an@gmail.com"], ["Lê Bích", "0987654321", ""]]))
    an, an_email, bich = (next(r["contact_id"] for r in rows(hub, "contact_points") if r["value"] == value)
                          for value in ("+84912345678", "an@gmail.com", "+84987654321"))
    with hub.store.transaction() as session:
        merge_contacts(session, an, [an_email], actor="ops")
    with hub.store.sessions() as session:
        seen = candidates_by_id(session, {an, bich})
        assert [c.id for c in load_candidates(session, [bich, an])] == [bich, an]
        assert (seen[an].phones, seen[an].emails) == ({"+84912345678"}, {"an@gmail.com"})
        assert (seen[bich].phones, seen[bich].name.display) == ({"+84987654321"}, "Lê Bích")
