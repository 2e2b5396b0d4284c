"""Writing test spreadsheets the way real tools do."""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 stores Vietnamese: base letters (â, ơ, ư...) precomposed, tones as
    combining marks (what iconv -t CP1258 and old Windows tools write)."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out.append((base + "".join(c for c in parts if c in TONES)).encode("cp1258"))
    return b"".join(out)


def write_csv(path: Path, rows: Sequence[Sequence[str]], encoding: str = "utf-8-sig", delimiter: str = ",") -> Path:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    path.write_bytes(cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path
