"""The rejects report: every row not imported, why (Vietnamese / English), and its cells."""
from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple


class Reject(NamedTuple):
    row: int  # as the spreadsheet numbers it (the header is usually row 1)
    reason: str
    cells: tuple[str, ...]


def write_report(path: Path, headers: Sequence[str], rejects: Sequence[Reject]) -> Path:
    """Write the CSV (UTF-8 with a BOM, so Excel shows Vietnamese right), rows in file order."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["dòng / row", "lý do / reason", *headers])
        for reject in sorted(rejects):
            writer.writerow([reject.row, reject.reason, *reject.cells])
    return path
