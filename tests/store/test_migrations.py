"""The Alembic migrations build exactly the schema the models describe."""
from __future__ import annotations

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
