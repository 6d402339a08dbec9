"""The project database (SQLite file by default, PostgreSQL for fleets).

``Store`` is imported on first use (PEP 562), so ``sepbots.store.readonly`` and
``sepbots.store.revisions`` load without SQLAlchemy.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sepbots.store.engine import Store
    from sepbots.store.revisions import head_revision

__all__ = ["Store", "head_revision"]


def __getattr__(name: str) -> Any:
    if name == "Store":
        from sepbots.store.engine import Store

        return Store
    if name == "head_revision":
        from sepbots.store.revisions import head_revision

        return head_revision
    raise AttributeError(f"module 'sepbots.store' has no attribute {name!r}")
