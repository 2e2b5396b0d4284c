"""Alembic environment: runs migrations against the URL the hub passes in."""
from __future__ import annotations

from alembic import context

from hub.store.engine import make_engine
from hub.store.schema import Base

config = context.config
engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
