"""Bodies compressed with lz4 on PostgreSQL (webhook_deliveries.body, raw_events.body).

A batched delivery's body (a 10-item Messenger POST is ~2 KB) is stored whole, and PostgreSQL
compresses a row over ~2 KB: with pglz, its default, that was ~3 % of the CPU PostgreSQL spent
per delivery (perf), several times what lz4 spends on the same bytes. Only values written from
now on are compressed with lz4 (nothing is rewritten). Skipped where the server cannot: before
PostgreSQL 14, or built without lz4. Nothing to do on SQLite.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 23:59:00
"""
from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = (("webhook_deliveries", "body"), ("raw_events", "body"))


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("default")


def _set_compression(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or (bind.dialect.server_version_info or (0,)) < (14,):
        return
    alters = "".join(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}; "
                     for table, column in COLUMNS)
    # A server built without lz4 refuses it (feature_not_supported): the columns keep pglz.
    op.execute(f"DO $$ BEGIN {alters}EXCEPTION WHEN feature_not_supported THEN NULL; END $$")
