"""Scheduling: schedules.toml, Danish calendars and DST, run requests, queue triggers, APScheduler.

The runner service (``sepbots runner``) uses these pieces: each schedule fire or queue trigger
becomes a uniquely keyed run request, and the worker loop runs requests in priority order.
"""

from __future__ import annotations

from sepbots.scheduling.calendar import DanishCalendar
from sepbots.scheduling.config import (
    CalendarConfig,
    QueueTrigger,
    Schedule,
    ScheduleConfig,
    ScheduleConfigError,
    TriggerKind,
    load_schedules,
)
from sepbots.scheduling.requests import (
    NewRequest,
    RequestState,
    RequestTrigger,
    RunRequest,
    RunRequests,
    schedule_key,
)
from sepbots.scheduling.triggers import ScheduleTrigger, build_trigger, next_fire_times

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
