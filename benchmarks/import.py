"""`hub import` of a big XLSX in embedded mode (SQLite, synchronous=FULL), end to end.

Run from the repository root: `python benchmarks/import.py [--rows 100000] [--broken 0.1]`.
Generates a seeded XLSX of Vietnamese leads with that share of broken rows
(benchmarks/import_data.py), imports it with hub.importer.import_file into a fresh SQLite file in
a temporary folder (the inline pipeline, as `hub import` runs it), checks that the counts and the
rejects report are exactly what the generator expects, and prints rows per second end to end
(reading the file included) and CPU time per row (time.process_time: steadier than wall time on
a shared machine), for the importing process and for the second process that reads and
prepares the rows of a big file (hub.importer.feed; `--serial` keeps everything in one process).
`--phases` adds the CPU time per row of each step of the importing process (storing raw events,
the batch's candidate prefetch, decisions, writes; with --serial also reading, parsing and
normalizing): where the time goes.
"""
from __future__ import annotations

import argparse
import csv
import functools
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from benchmarks.import_data import generate  # noqa: E402
from hub.config import Settings  # noqa: E402
from hub.importer import import_file  # noqa: E402
from hub.runtime import Hub  # noqa: E402
from hub.store.migrate import upgrade  # noqa: E402
from hub.store.schema import ContactRow, LeadRow  # noqa: E402


# (module, attribute, label): the steps --phases times, outermost first.
PHASES = (("hub.importer.feed", "read_table", "read the file"), ("hub.importer.feed", "prepare", "parse + normalize"),
          ("hub.inbox", "put_batch_in", "store raw events"),
          ("hub.pipeline", "process_batch_in", "process (all below)"),
          ("hub.store.bulk", "_Batch.__init__", "  prefetch candidates"), ("hub.store.bulk", "dedupe.decide", "  decide"),
          ("hub.store.bulk", "_Batch.flush", "  write"))


def _time_phases(spent: dict[str, float]) -> None:
    """Wrap each step of PHASES so that its CPU time adds up in spent[label]."""
    import importlib

    for module, path, label in PHASES:
        owner = importlib.import_module(module)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        original = getattr(owner, name)

        def timed(*args, _original=original, _label=label, **kwargs):  # type: ignore[no-untyped-def]
            started = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.process_time() - started

        setattr(owner, name, functools.wraps(original)(timed))


def run(rows: int, broken: float, phases: bool = False, serial: bool = False) -> int:
    folder = Path(tempfile.mkdtemp(prefix="hub-import-"))
    path = folder / "khach_hang.xlsx"
    started = time.perf_counter()
    expected = generate(path, rows, broken)
    print(f"generated {rows} rows ({len(expected.rejects)} broken) in {time.perf_counter() - started:.1f} s: {path}")
    url = f"sqlite:///{folder}/hub.db"
    upgrade(url)
    hub = Hub(Settings(database_url=url, secret_key="bench"))
    logging.disable(logging.WARNING)
    spent: dict[str, float] = {}
    if phases:
        _time_phases(spent)
    wall, cpu = time.perf_counter(), time.process_time()
    result = import_file(hub, path, parallel=False if serial else None)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    problems = _check(hub, result, expected)
    print(result.summary())
    second = result.reader_cpu_seconds
    print(f"{rows / wall:,.0f} rows/s end to end ({wall:.1f} s wall), CPU per row: importing process "
          f"{cpu / rows * 1000:.3f} ms ({cpu:.1f} s) + second process (read + prepare) {second / rows * 1000:.3f} ms "
          f"({second:.1f} s)")
    for label in (label for _, _, label in PHASES if label in spent):
        print(f"  {label:24} CPU {spent[label] / rows * 1000:.3f} ms per row")
    for problem in problems:
        print("MISMATCH:", problem)
    return 1 if problems else 0


def _check(hub: Hub, result, expected) -> list[str]:  # type: ignore[no-untyped-def]
    problems = []
    counts = {"read": (result.read, expected.rows), "imported": (result.imported, expected.imported),
              "rejected": (result.rejected, len(expected.rejects)), "duplicates": (result.duplicates, 0)}
    problems += [f"{name}: got {got}, expected {want}" for name, (got, want) in counts.items() if got != want]
    with result.report.open(encoding="utf-8-sig", newline="") as report:
        reported = {int(line[0]): line[1] for line in list(csv.reader(report))[1:]}
    if reported != expected.rejects:
        wrong = sorted(set(reported.items()) ^ set(expected.rejects.items()))[:5]
        problems.append(f"report differs from the expected rejects, e.g. {wrong}")
    with hub.store.sessions() as session:
        leads = session.execute(select(func.count()).select_from(LeadRow)).scalar_one()
        contacts = session.execute(select(func.count()).select_from(ContactRow)).scalar_one()
    if leads != expected.imported:
        problems.append(f"{leads} leads stored, expected {expected.imported}")
    print(f"{contacts} contacts for {leads} leads ({expected.merged} rows repeat an earlier person)")
    return problems


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--broken", type=float, default=0.10)
    parser.add_argument("--phases", action="store_true", help="also print the CPU time per row of each step")
    parser.add_argument("--serial", action="store_true", help="read and prepare the rows in the importing process")
    args = parser.parse_args()
    sys.exit(run(args.rows, args.broken, args.phases, args.serial))
