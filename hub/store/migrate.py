"""Alembic, driven from code: `hub db upgrade` and the test fixtures call upgrade()."""
from __future__ import annotations

from alembic import command
from alembic.config import Config

from hub.store.engine import database_url


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "hub.store:migrations")
    config.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at url up to the given revision (default: the newest)."""
    command.upgrade(alembic_config(url), revision)
