"""The project database (SQLite file by default, PostgreSQL for fleets)."""

from sepbots.store.engine import Store, head_revision

__all__ = ["Store", "head_revision"]
