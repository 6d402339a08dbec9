"""What asked for a run: one enum for the runtime (``runs.trigger``) and the worker's run requests.

Kept in a module of its own, without dependencies, so ``sepbots runs list`` and the worker's tables
name it without loading the runtime.
"""

from __future__ import annotations

import enum

__all__ = ["Trigger"]


class Trigger(enum.StrEnum):
    """What started a run (or asked for it)."""

    MANUAL = "manual"
    SCHEDULE = "schedule"
    QUEUE = "queue"
