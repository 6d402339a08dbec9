"""The worker service's daily audit checkpoint: ``logs/audit-checkpoint-YYYY-MM-DD.json`` once a day.

A checkpoint (see ``sepbots.audit_seal``) is only worth something kept away from the database:
the file in ``logs/`` is the copy an operator's backup or log shipping carries off the machine.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import structlog

from sepbots.audit import AuditTrail
from sepbots.audit_seal import write_checkpoint
from sepbots.clock import Clock, local
from sepbots.exceptions import AuditError

PREFIX = "audit-checkpoint-"


class DailyCheckpoint:
    """Writes one audit checkpoint per Danish calendar day into ``folder``.

    Args:
        audit: the installation's audit trail.
        folder: where the files go (the installation's ``logs/``).
        clock: where "today" comes from.
    """

    def __init__(self, audit: AuditTrail, folder: Path, clock: Clock, log: Any | None = None) -> None:
        self._audit, self._folder, self._clock = audit, folder, clock
        self._log = log or structlog.get_logger("sepbots.audit")
        self._done: date | None = None

    def path(self, day: date) -> Path:
        return self._folder / f"{PREFIX}{day.isoformat()}.json"

    def write_if_due(self) -> Path | None:
        """Write today's checkpoint unless this process or another already did; the file, when written.

        A chain whose head does not verify gets no checkpoint (logged once a day): a checkpoint
        must never vouch for a forged head.
        """
        today = local(self._clock.now()).date()
        if self._done == today:
            return None
        path = self.path(today)
        if path.exists():
            self._done = today
            return None
        try:
            write_checkpoint(self._audit.checkpoint(), path)  # a database outage propagates: retried next tick
        except (AuditError, OSError) as exc:
            self._done = today
            self._log.error("audit_checkpoint_failed", error=type(exc).__name__, reason=str(exc))
            return None
        self._done = today
        self._log.info("audit_checkpoint_written", path=str(path))
        return path
