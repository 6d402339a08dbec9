"""Typed work items and their states."""

from sepbots.workitems.models import ErrorKind, ItemState, NewItem, WorkItem

__all__ = ["ErrorKind", "ItemState", "NewItem", "WorkItem"]
