"""The worker: the long-running process behind ``sepbots runner`` that claims run requests and runs them.

* ``requests``: the run-request table (every schedule fire, manual start and queue trigger, run once);
* ``service``: :class:`WorkerService`, the unattended loop (scheduler, queue triggers, worker, heartbeat);
* ``heartbeat``: the ``runner_status`` row and status file, refreshed on a timer;
* ``state``: operator pause switches (bots, schedules) and the workers' status rows;
* ``checkpoints``: the daily audit checkpoint file;
* ``tables``: the tables of migration ``0002_scheduling``.

(The command stays ``sepbots runner``; a *Runner* in the code is ``sepbots.Runner``, which executes one bot run.)
"""

from __future__ import annotations

from sepbots._lazy import lazy_exports as _lazy_exports

# Imported on first use (PEP 562): ``sepbots runs list`` reads the run-request table without loading
# the scheduler or the runtime.
__getattr__ = _lazy_exports(__name__, {
    "sepbots.worker.requests": ("NewRequest", "RequestState", "RunRequest", "RunRequests", "schedule_key"),
    "sepbots.worker.service": ("WorkerService", "load_service_config"),
})

__all__ = [
    "NewRequest",
    "RequestState",
    "RunRequest",
    "RunRequests",
    "WorkerService",
    "load_service_config",
    "schedule_key",
]
