"""Imported rows keyed by their own content: `row:<digest of the row's cells>`.

Until now a row of an imported file without an id column had the delivery key
`<digest of the whole file>#<row number>`: a spreadsheet exported again with one row added was
another file, and every row of it was imported again (a second lead on each contact). Rows are
now keyed by a digest of their own non-empty cells (hub.connectors.import_row.delivery_key):
this migration gives the rows stored under the old keys their new ones, computed from their
stored bodies, so importing such a file again still adds nothing.

Left as they were: rows whose body retention or an erasure emptied (there is nothing to compute
from), and a row whose new key another row has already (the same cells twice: the first keeps
the key, and importing the file again finds it). Their stored bodies and their leads'
source_ref are not rewritten. Downgrading leaves the new keys (the old ones cannot be told from
a row alone); the old code then imports such files again, as it did any file exported again.
Measured on 92,514 stored rows (benchmarks/import.py's 100,000-row file, keys set back to the old
form): 2.8 s on SQLite, 15.3 s on PostgreSQL.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 05:30:00
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

PAGE = 1000
OLD_KEY = re.compile(r"[0-9a-f]{12}#\d+")
_events = sa.table("raw_events", sa.column("id", sa.BigInteger), sa.column("channel", sa.String),
                   sa.column("delivery_key", sa.String), sa.column("body", sa.LargeBinary))


def upgrade() -> None:
    rekey(op.get_bind())


def downgrade() -> None:
    pass


def rekey(connection: sa.Connection) -> int:
    """Give the import rows stored under the old keys their new ones; how many were changed."""
    changed, after = 0, 0
    while True:
        page = connection.execute(sa.select(_events.c.id, _events.c.delivery_key, _events.c.body)
                                  .where(_events.c.channel == "import", _events.c.id > after)
                                  .order_by(_events.c.id).limit(PAGE)).all()
        if not page:
            return changed
        after = page[-1].id
        new = {}
        for event_id, key, body in page:
            if OLD_KEY.fullmatch(key) and body:
                digest = _row_digest(body)
                if digest is not None:
                    new[event_id] = f"row:{digest}"
        if not new:
            continue
        taken = set(connection.execute(sa.select(_events.c.delivery_key).where(
            _events.c.channel == "import", _events.c.delivery_key.in_(set(new.values())))).scalars())
        updates = []
        for event_id, key in new.items():
            if key not in taken:
                taken.add(key)
                updates.append({"event_id": event_id, "key": key})
        if updates:
            connection.execute(sa.update(_events).where(_events.c.id == sa.bindparam("event_id"))
                               .values(delivery_key=sa.bindparam("key")), updates)
            changed += len(updates)


def _row_digest(body: Any) -> str | None:
    """hub.connectors.import_row.row_digest of the stored row's cells, as of this revision (kept
    here: a migration must compute what it computed when it was written)."""
    try:
        cells = json.loads(bytes(body))["cells"]
        pairs = sorted((str(header), value) for header, value in cells.items() if value)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    canonical = json.dumps(pairs, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:24]
