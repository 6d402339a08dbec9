"""Typed work items and their states.

The names are imported on first use (PEP 562), so ``sepbots runs list`` reads
:mod:`sepbots.workitems.run_listing` without loading the item models (pydantic).
"""

from typing import TYPE_CHECKING

from sepbots._lazy import lazy_exports as _lazy_exports

if TYPE_CHECKING:
    from sepbots.workitems.models import ErrorKind, ItemState, NewItem, WorkItem

__all__ = ["ErrorKind", "ItemState", "NewItem", "WorkItem"]

__getattr__ = _lazy_exports(__name__, {"sepbots.workitems.models": ("ErrorKind", "ItemState", "NewItem", "WorkItem")})
