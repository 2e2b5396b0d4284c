"""The store: SQLAlchemy schema, engine and repository functions."""
from hub.store.engine import Store, lock_keys

__all__ = ["Store", "lock_keys"]
