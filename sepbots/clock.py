"""Time as an injected dependency: the runtime never calls ``datetime.now`` directly."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


class Clock(Protocol):
    """Where the runtime gets the time from."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        ...

    def monotonic(self) -> float:
        """A monotonic reading in seconds, for durations."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def monotonic(self) -> float:
        return time.monotonic()


def local(moment: datetime) -> datetime:
    """``moment`` in Danish local time, for people."""
    return moment.astimezone(COPENHAGEN)
