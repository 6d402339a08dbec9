"""Scheduling: schedules.toml, Danish calendars and DST, run requests, queue triggers, APScheduler.

The runner service (``sepbots runner``) uses these pieces: each schedule fire or queue trigger
becomes a uniquely keyed run request, and the worker loop runs requests in priority order.
"""

from __future__ import annotations

import importlib
from typing import Any

# Imported on first use (PEP 562): ``sepbots runs list`` reads the run-request table without loading
# the calendar, the schedule parser and APScheduler.
_HOMES = {
    "sepbots.scheduling.calendar": ("DanishCalendar",),
    "sepbots.scheduling.config": ("CalendarConfig", "QueueTrigger", "Schedule", "ScheduleConfig",
                                  "ScheduleConfigError", "TriggerKind", "load_schedules"),
    "sepbots.worker.requests": ("NewRequest", "RequestState", "RequestTrigger", "RunRequest", "RunRequests",
                                    "schedule_key"),
    "sepbots.scheduling.triggers": ("ScheduleTrigger", "build_trigger", "next_fire_times"),
}
_WHERE = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'sepbots.scheduling' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "CalendarConfig",
    "DanishCalendar",
    "NewRequest",
    "QueueTrigger",
    "RequestState",
    "RequestTrigger",
    "RunRequest",
    "RunRequests",
    "Schedule",
    "ScheduleConfig",
    "ScheduleConfigError",
    "ScheduleTrigger",
    "TriggerKind",
    "build_trigger",
    "load_schedules",
    "next_fire_times",
    "schedule_key",
]
