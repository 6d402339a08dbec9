"""Schedules for the dashboard, read through ``sepbots.scheduling`` when it is installed.

Imports of the scheduler happen inside the functions, so the dashboard runs without it.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sepbots.environment import Environment
from sepbots.exceptions import ConfigError, SepbotsError
from sepbots.workitems import run_listing

NEXT_FIRES = 3


def installed() -> bool:
    """Whether ``sepbots.scheduling`` is available."""
    return importlib.util.find_spec("sepbots.scheduling") is not None


@dataclass(frozen=True)
class ScheduleRow:
    """One schedule as the page shows it."""

    name: str
    bot: str
    kind: str
    when: str
    days: str
    enabled: bool
    paused: bool
    next_fires: list[datetime]
    last_run: Any | None


@dataclass(frozen=True)
class SchedulesView:
    file: str
    rows: list[ScheduleRow] = field(default_factory=list)
    queue_triggers: list[Any] = field(default_factory=list)
    paused_bots: set[str] = field(default_factory=set)
    error: str | None = None


def read_schedules(env: Environment) -> SchedulesView:
    """Every schedule in ``schedules.toml`` with its pause state, next fires and the bot's last run."""
    from sepbots.scheduling import build_trigger, next_fire_times
    from sepbots.worker.service import load_service_config
    from sepbots.worker.state import BotStates, ScheduleStates

    file = str(env.settings.schedules_file)
    try:
        config = load_service_config(env)
    except ConfigError as exc:  # ScheduleConfigError lists every bad entry with the file
        return SchedulesView(file=file, error=str(exc))
    paused = ScheduleStates(env.store, env.clock).paused()
    paused_bots = BotStates(env.store, env.clock).paused()
    now = env.clock.now()
    rows = []
    with env.store.engine.connect() as conn:
        for s in config.schedules:
            last = next(iter(run_listing.latest_runs(conn, bot=s.bot, limit=1)), None)
            days = "business" if s.business_days_only else "no_holidays" if s.skip_holidays else "all_days"
            fires = next_fire_times(build_trigger(s, config.calendar), now, NEXT_FIRES) if s.enabled else []
            rows.append(ScheduleRow(
                name=s.name, bot=s.bot, kind=s.kind.value, when=s.cron or str(s.every or s.at or ""), days=days,
                enabled=s.enabled, paused=s.name in paused, next_fires=fires, last_run=last,
            ))
        conn.rollback()
    return SchedulesView(file=file, rows=rows, queue_triggers=list(config.queue_triggers), paused_bots=paused_bots)


def set_paused(env: Environment, name: str, paused: bool, user: str) -> None:
    """Pause or resume schedule ``name`` on behalf of ``user``; the switch and its audit row commit together
    (``operator_action`` with ``{"action": "schedule_paused"|"schedule_resumed", "schedule": name}``, as from the CLI).

    Raises:
        SepbotsError: there is no such schedule (or schedules.toml is invalid).
    """
    from sepbots.worker.service import load_service_config
    from sepbots.worker.state import ScheduleStates

    config = load_service_config(env)
    if name not in {s.name for s in config.schedules}:
        raise SepbotsError(f"ingen kørselsplan hedder {name!r} / no schedule called {name!r}: {env.settings.schedules_file}")
    ScheduleStates(env.store, env.clock).set_paused(name, paused, by=user, audit=env.audit)
