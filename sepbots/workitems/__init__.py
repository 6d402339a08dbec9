"""Typed work items and their states; the items and runs ledgers and the queue port live in its modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sepbots._lazy import lazy_exports as _lazy_exports

if TYPE_CHECKING:
    from sepbots.workitems.models import ErrorKind, ItemState, NewItem, WorkItem

# Imported on first use (PEP 562): ``sepbots runs list`` reads ``workitems.run_listing`` without
# loading the item models.
__getattr__ = _lazy_exports(__name__, {"sepbots.workitems.models": ("ErrorKind", "ItemState", "NewItem", "WorkItem")})

__all__ = ["ErrorKind", "ItemState", "NewItem", "WorkItem"]
