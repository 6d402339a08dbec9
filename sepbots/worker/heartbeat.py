"""The worker's heartbeat: a ``runner_status`` row and a status file, refreshed on a timer.

The row lets ``sepbots runner status`` (and the dashboard) see every worker of a fleet; the JSON
file in ``<home>/var/runner/`` says what this worker is doing even while the database is away.
The same timer renews the lease of the run request being executed.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sepbots.clock import Clock
from sepbots.store.outage import DatabaseHealth, is_outage
from sepbots.worker.requests import RunRequests
from sepbots.worker.state import WorkerInfo, WorkerState, WorkerStatuses


@dataclass(frozen=True)
class Doing:
    """What the worker is doing right now."""

    state: WorkerState = WorkerState.STARTING
    request_id: int | None = None
    run_id: str | None = None
    bot: str | None = None


def status_file(var_dir: Path, worker_id: str) -> Path:
    """Where worker ``worker_id`` writes its status file (in ``var/runner/``, named for ``sepbots runner``)."""
    return var_dir / "runner" / (re.sub(r"[^\w.-]", "_", worker_id) + ".json")


def read_status_files(var_dir: Path) -> list[dict[str, Any]]:
    """Every worker status file in ``var_dir`` (unreadable files are skipped)."""
    out = []
    for path in sorted((var_dir / "runner").glob("*.json")):
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return out


class Heartbeat:
    """Reports this worker's state every ``interval_s`` on a background thread.

    Args:
        worker_id: this process's id (also the lease owner).
        statuses: the ``runner_status`` table.
        requests: the run-request table (for lease renewal).
        health: the shared database-health tracker.
        clock: where the time comes from.
        var_dir: where the status file goes.
        interval_s: seconds between beats.
        lease: the run-request lease to renew.
    """

    def __init__(
        self,
        worker_id: str,
        *,
        statuses: WorkerStatuses,
        requests: RunRequests,
        health: DatabaseHealth,
        clock: Clock,
        var_dir: Path,
        interval_s: float,
        lease: timedelta,
    ) -> None:
        self.worker_id, self.host, self.pid = worker_id, socket.gethostname(), os.getpid()
        self.statuses, self.requests, self.health, self.clock = statuses, requests, health, clock
        self.file = status_file(var_dir, worker_id)
        self.interval_s, self.lease = interval_s, lease
        self.started_at: datetime = clock.now()
        self._doing = Doing()
        self._lock = threading.Lock()
        # The timer thread and set() both beat: one at a time, or two writers
        # race on the status file's temporary name.
        self._beat_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sepbots-heartbeat", daemon=True)

    @property
    def doing(self) -> Doing:
        return self._doing

    def set(self, **changes: Any) -> None:
        """Change what the worker is doing and beat at once."""
        with self._lock:
            self._doing = replace(self._doing, **changes)
        self.beat()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop the timer (the final state is written by the caller with :meth:`set`)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.beat()

    def beat(self) -> None:
        """Write the status file, renew the request lease and the ``runner_status`` row."""
        with self._beat_lock:
            self._beat()

    def _beat(self) -> None:
        doing = self._doing
        info = WorkerInfo(runner_id=self.worker_id, host=self.host, pid=self.pid, started_at=self.started_at,
                          heartbeat_at=self.clock.now(), state=doing.state, current_request_id=doing.request_id,
                          current_run_id=doing.run_id, current_bot=doing.bot)
        self._write_file(info)
        try:
            if doing.request_id is not None:
                self.requests.renew(doing.request_id, self.worker_id, self.lease)
            self.statuses.report(info)
        except Exception as exc:
            if not is_outage(exc):
                raise
            self.health.failed(exc, "heartbeat")
        else:
            self.health.succeeded()

    def _write_file(self, info: WorkerInfo) -> None:
        """The status file: the ``runner_status`` row's fields, and whether the database answers."""
        data = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in info.model_dump().items()}
        data.update(state=info.state.value, database_available=self.health.available,
                    database_error=None if self.health.available else self.health.last_error)
        self.file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.file)

    def remove_file(self) -> None:
        """Delete the status file (a clean shutdown has nothing left to say)."""
        self.file.unlink(missing_ok=True)
