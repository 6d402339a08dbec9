"""Scheduling: schedules.toml, Danish calendars and DST, triggers, queue triggers, APScheduler.

These pieces decide *when* a bot runs: each schedule fire or queue trigger becomes a uniquely keyed
run request (``sepbots.worker.requests``), which the worker service (``sepbots runner``) runs.
"""

from __future__ import annotations

from sepbots._lazy import lazy_exports as _lazy_exports

# Imported on first use (PEP 562): ``sepbots runs list`` reads the run-request table without loading
# the calendar, the schedule parser and APScheduler.
__getattr__ = _lazy_exports(__name__, {
    "sepbots.scheduling.calendar": ("DanishCalendar",),
    "sepbots.scheduling.config": ("CalendarConfig", "QueueTrigger", "Schedule", "ScheduleConfig",
                                  "ScheduleConfigError", "TriggerKind", "load_schedules"),
    "sepbots.scheduling.triggers": ("ScheduleTrigger", "build_trigger", "next_fire_times"),
})

__all__ = [
    "CalendarConfig",
    "DanishCalendar",
    "QueueTrigger",
    "Schedule",
    "ScheduleConfig",
    "ScheduleConfigError",
    "ScheduleTrigger",
    "TriggerKind",
    "build_trigger",
    "load_schedules",
    "next_fire_times",
]
