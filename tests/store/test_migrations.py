"""The Alembic migrations build exactly the schema the models describe."""
from __future__ import annotations

import json

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hub.store.engine import make_engine
from hub.store.schema import Base


def test_the_migrated_schema_matches_the_models(db_url):
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine.dispose()


def test_bodies_are_compressed_with_lz4_on_postgresql_when_the_server_can(pg_only_url):
    with psycopg.connect(pg_only_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        try:
            conn.execute("CREATE TEMP TABLE lz4_probe (b bytea COMPRESSION lz4)")
        except psycopg.errors.FeatureNotSupported:
            pytest.skip("this PostgreSQL server is built without lz4: the migration leaves pglz")
        rows = conn.execute("SELECT attrelid::regclass::text, attcompression FROM pg_attribute WHERE attname = 'body'"
                            " AND attrelid IN ('raw_events'::regclass, 'webhook_deliveries'::regclass)").fetchall()
    assert sorted(rows) == [("raw_events", "l"), ("webhook_deliveries", "l")]


def test_upgrading_gives_import_rows_stored_under_file_digest_keys_their_row_keys(tmp_path):
    from sqlalchemy import text

    from hub.connectors.import_row import row_digest
    from hub.store.migrate import upgrade

    url = f"sqlite:///{tmp_path}/old.db"
    upgrade(url, "0011")
    cells = {"Họ tên": "Nguyễn Thị Thuý", "SĐT": "0168 123 4567", "Ghi chú": ""}
    body = json.dumps({"file": "a.csv", "row": 2, "digest": "0123456789ab", "cells": cells, "fields": {}},
                      ensure_ascii=False).encode()
    engine = make_engine(url)
    with engine.begin() as conn:
        for key, data in (("0123456789ab#2", body), ("id:KH001", body), ("0123456789ab#3", b"not json")):
            conn.execute(text("INSERT INTO raw_events (channel, route, delivery_key, headers, body, received_at, status,"
                              " attempts, due_at, updated_at) VALUES ('import', '', :key, '{}', :body,"
                              " '2026-11-01 00:00:00', 'done', 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00')"),
                         {"key": key, "body": data})
    upgrade(url)
    with engine.connect() as conn:
        keys = conn.execute(text("SELECT delivery_key FROM raw_events ORDER BY id")).scalars().all()
    engine.dispose()
    assert keys == [f"row:{row_digest(cells)}", "id:KH001", "0123456789ab#3"]
