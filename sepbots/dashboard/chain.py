"""The audit chain's verification status for the audit page, checked in the background.

``AuditTrail.verify`` walks the whole chain (seconds on a million rows), so pages never call it
directly: ``ChainMonitor.status()`` returns the last result at once and, when there is none or
it is older than ``max_age`` (30 minutes by default), starts one background check.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sepbots.audit import AuditTrail
from sepbots.clock import Clock


@dataclass(frozen=True)
class ChainStatus:
    """What the audit page shows about the chain."""

    ok: bool | None  # None: not checked yet
    rows: int
    checked_at: datetime | None
    checking: bool
    broken_seq: int | None = None
    reason: str | None = None
    seconds: float | None = None


class ChainMonitor:
    """Runs ``audit.verify()`` in a daemon thread and remembers the outcome.

    Args:
        audit: the installation's audit trail.
        clock: where "now" comes from.
        max_age: re-check a result older than this.
    """

    def __init__(self, audit: AuditTrail, clock: Clock, max_age: timedelta = timedelta(minutes=30)) -> None:
        self._audit = audit
        self._clock = clock
        self._max_age = max_age
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._last = ChainStatus(ok=None, rows=0, checked_at=None, checking=False)

    def status(self) -> ChainStatus:
        """The latest result; starts a background check when there is none or it is stale."""
        with self._lock:
            last = self._last
            running = self._thread is not None and self._thread.is_alive()
            stale = last.checked_at is None or self._clock.now() - last.checked_at > self._max_age
            if stale and not running:
                self._thread = threading.Thread(target=self._check, name="sepbots-audit-verify", daemon=True)
                self._thread.start()
                running = True
        return ChainStatus(
            ok=last.ok, rows=last.rows, checked_at=last.checked_at, checking=running,
            broken_seq=last.broken_seq, reason=last.reason, seconds=last.seconds,
        )

    def check_now(self) -> ChainStatus:
        """Verify synchronously (CLI, tests, benchmark) and remember the result."""
        self._check()
        return self._last

    def wait(self, timeout_s: float = 60.0) -> None:
        """Wait for a running background check to finish."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)

    def _check(self) -> None:
        began = time.perf_counter()
        result = self._audit.verify()
        status = ChainStatus(
            ok=result.ok, rows=result.rows, checked_at=self._clock.now(), checking=False,
            broken_seq=result.broken_seq, reason=result.reason, seconds=time.perf_counter() - began,
        )
        with self._lock:
            self._last = status
