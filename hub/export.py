"""Contacts as JSON lines or CSV, streamed in batches (the contact shape of DESIGN.md)."""
from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import select

from hub.store import Store
from hub.store.documents import contact_documents
from hub.store.schema import ContactRow

BATCH = 500
CSV_COLUMNS = (
    "id", "name", "given_name", "family_name", "phones", "emails", "province", "province_code",
    "identities", "leads", "merged_into", "version", "created_at", "updated_at", "consent",
)


def iter_contacts(store: Store, *, include_merged: bool = False) -> Iterator[dict[str, Any]]:
    """Every contact document, oldest first, read in keyset-paginated batches."""
    after = ""
    while True:
        with store.sessions() as session:
            query = select(ContactRow).where(ContactRow.id > after).order_by(ContactRow.id).limit(BATCH)
            if not include_merged:
                query = query.where(ContactRow.merged_into.is_(None))
            rows = list(session.execute(query).scalars())
            if not rows:
                return
            yield from contact_documents(session, rows)
        after = rows[-1].id


def write_contacts(store: Store, out: IO[str], *, fmt: str, include_merged: bool = False) -> int:
    """Write contacts to out as "jsonl" or "csv"; returns how many were written."""
    count = 0
    if fmt == "jsonl":
        for document in iter_contacts(store, include_merged=include_merged):
            out.write(json.dumps(document, ensure_ascii=False) + "\n")
            count += 1
        return count
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for document in iter_contacts(store, include_merged=include_merged):
        writer.writerow(csv_row(document))
        count += 1
    return count


def csv_row(document: dict[str, Any]) -> dict[str, Any]:
    """Flat lists joined with "; ", nested values (identities, leads) as JSON in their cell."""
    row = {key: document.get(key) for key in CSV_COLUMNS}
    row["phones"] = "; ".join(document["phones"])
    row["emails"] = "; ".join(document["emails"])
    row["identities"] = json.dumps(document["identities"], ensure_ascii=False)
    row["leads"] = json.dumps(document["leads"], ensure_ascii=False)
    row["consent"] = json.dumps(document["consent"], ensure_ascii=False) if document["consent"] else ""
    return row
