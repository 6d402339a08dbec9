"""Run-level types: triggers, statuses, the summary a run returns, and the stop token."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sepbots.trigger import Trigger
from sepbots.workitems.runs import RunStatus

__all__ = ["Progress", "RunCounts", "RunStatus", "RunSummary", "StopToken", "Trigger"]


@dataclass
class RunCounts:
    """Outcomes counted during one run."""

    produced: int = 0
    added: int = 0
    done: int = 0
    business: int = 0
    retried: int = 0
    failed: int = 0
    abandoned: int = 0
    work_ms: int = 0

    @property
    def processed(self) -> int:
        return self.done + self.business + self.failed + self.abandoned


@dataclass(frozen=True)
class RunSummary:
    """What a run did."""

    run_id: str
    bot: str
    status: RunStatus
    trigger: Trigger
    started_at: datetime
    ended_at: datetime
    counts: RunCounts
    error: str | None = None
    references: tuple[str, ...] = ()
    outputs: tuple[Path, ...] = ()  # files written with ``ctx.output_path`` (one set per run)

    @property
    def duration_s(self) -> float:
        return (self.ended_at - self.started_at).total_seconds()


@dataclass
class StopToken:
    """Asks a run to stop between items.

    Args:
        check: an extra condition polled between items (e.g. "the bot was paused").
    """

    check: Callable[[], bool] | None = None
    _event: threading.Event = field(default_factory=threading.Event)

    def set(self) -> None:
        self._event.set()

    @property
    def requested(self) -> bool:
        return self._event.is_set() or bool(self.check and self.check())

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True if a stop was requested meanwhile."""
        return self._event.wait(seconds)


@dataclass(frozen=True)
class Progress:
    """Reported after every item, for progress bars."""

    counts: RunCounts
    total: int
