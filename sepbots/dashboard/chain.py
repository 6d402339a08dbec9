"""The audit chain's verification status for the audit page, checked in the background.

A full ``AuditTrail.verify`` walks the whole chain (seconds on a million rows), so the monitor
verifies *incrementally*: from the last verified point (kept, keyed, in the database) it reads
only the rows added since — well under a second for ten thousand — plus older rows a newer
neutralisation blanked. Pages still never wait for it: ``ChainMonitor.status()`` returns the
last result at once and, when there is none or it is older than ``max_age`` (30 minutes by
default), starts one background check. The full walk stays with ``sepbots audit verify``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sepbots.audit import AuditTrail, ChainProblem
from sepbots.clock import Clock


@dataclass(frozen=True)
class ChainStatus:
    """What the audit page shows about the chain."""

    ok: bool | None  # None: not checked yet
    rows: int  # rows read by the last check
    checked_at: datetime | None
    checking: bool
    broken_seq: int | None = None
    reason: str | None = None
    seconds: float | None = None
    total: int = 0  # rows in the chain when it last verified
    problem: ChainProblem | None = None

    def message(self, lang: str = "da") -> str:
        """Why the chain is broken, in ``lang``."""
        return "" if self.problem is None else self.problem.text(lang, detail=self.reason or "", at="")


class ChainMonitor:
    """Runs ``audit.verify(incremental=True)`` in a daemon thread and remembers the outcome.

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
        return replace(last, checking=running)

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
        result = self._audit.verify(incremental=True)
        status = ChainStatus(
            ok=result.ok, rows=result.rows, checked_at=self._clock.now(), checking=False,
            broken_seq=result.broken_seq, reason=result.detail or result.reason, seconds=time.perf_counter() - began,
            total=result.head_seq, problem=result.problem,
        )
        with self._lock:
            self._last = status
