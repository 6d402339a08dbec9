"""``ScheduleTrigger``: an APScheduler 3.x trigger with Danish local time, DST rules and closed days.

Daylight saving time in Europe/Copenhagen, as cron on Unix has long done it:

* **Spring forward** (last Sunday of March, 02:00 → 03:00): a cron schedule with a fixed hour whose
  time falls in the missing hour (e.g. ``30 2 * * *``) fires **once, at 03:00** (the first moment
  after the gap). A schedule whose hour field starts with ``*`` (``*/15 * * * *``) simply has no
  fires in the missing hour.
* **Fall back** (last Sunday of October, 03:00 → 02:00): a fixed-hour schedule in the repeated hour
  fires **once, at the first occurrence** (summer time). A ``*``-hour schedule fires in both hours,
  so it keeps its pace in elapsed time.
* ``every`` intervals are elapsed time, unaffected by DST; ``at`` one-offs in a missing hour fire
  at 03:00 and in a repeated hour at the first occurrence.

Cron fields are matched on the local *wall clock*: APScheduler's ``CronTrigger`` runs in UTC (which
has no DST) over wall-clock times, and this module maps each wall time to real instants. A fire
that lands on a day the schedule skips (holidays, weekends) moves to the schedule's first fire on
the next allowed day. Everything here is pure: the time comes in as arguments.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger

from sepbots.scheduling.calendar import DanishCalendar
from sepbots.scheduling.config import CalendarConfig, Schedule, TriggerKind
from sepbots.scheduling.cron import crontab_trigger

_SLACK = timedelta(hours=3)
_TICK = timedelta(microseconds=1)
_HORIZON = timedelta(days=400)
DEFAULT_INTERVAL_ANCHOR = datetime(2000, 1, 3)  # a Monday, local midnight


def local_wall(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive local wall-clock time of an aware instant."""
    return instant.astimezone(zone).replace(tzinfo=None)


def wall_instants(wall: datetime, zone: ZoneInfo, *, fixed_hour: bool = True) -> list[datetime]:
    """The UTC instants at which local wall time ``wall`` happens, under this module's DST rules.

    Args:
        wall: a naive local time.
        zone: the schedule's timezone.
        fixed_hour: ``True`` for fixed-time schedules (one fire; a missing time moves to the end
            of the gap), ``False`` for ``*``-hour cron schedules (both occurrences; none in a gap).
    """
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first == second:
        return [first]
    if local_wall(first, zone) == wall and local_wall(second, zone) == wall:
        return [first] if fixed_hour else [first, second]
    return [gap_end(second, first, zone)] if fixed_hour else []


def gap_end(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The first instant in ``(before, after]`` with ``after``'s UTC offset: when the clock jumped."""
    target = after.astimezone(zone).utcoffset()
    lo, hi = before, after
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(zone).utcoffset() == target:
            hi = mid
        else:
            lo = mid
    return hi.replace(microsecond=0)


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of local ``day``, in UTC."""
    return wall_instants(datetime.combine(day, time()), zone)[0]


class ScheduleTrigger(BaseTrigger):  # type: ignore[misc]  # APScheduler 3 ships no type hints
    """The trigger of one schedule; picklable, so APScheduler's SQLAlchemy job store can keep it.

    Args:
        schedule: the schedule from ``schedules.toml``.
        calendar: the ``[calendar]`` section (optional holidays, extra closed days).
    """

    def __init__(self, schedule: Schedule, calendar: CalendarConfig | None = None) -> None:
        self.kind = schedule.kind
        self.cron = schedule.cron
        self.every_s = schedule.every.total_seconds() if schedule.every else None
        self.start = schedule.start
        self.at = schedule.at
        self.timezone = schedule.timezone
        self.skip_holidays = schedule.skip_holidays
        self.business_days_only = schedule.business_days_only
        cal = calendar or CalendarConfig()
        self.optional_holidays = cal.optional_holidays
        self.closed_days = tuple(cal.closed_days)
        self._setup()

    def _setup(self) -> None:
        self.zone = ZoneInfo(self.timezone)
        self.calendar = DanishCalendar(self.optional_holidays, self.closed_days)
        self._cron = crontab_trigger(self.cron, UTC) if self.cron else None
        hour = str(self._cron.fields[5]) if self._cron else ""
        self.fixed_hour = not hour.startswith("*")

    def __getstate__(self) -> dict[str, Any]:
        skip = {"zone", "calendar", "_cron", "fixed_hour"}
        return {k: v for k, v in self.__dict__.items() if k not in skip}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._setup()

    def __str__(self) -> str:
        what = {TriggerKind.CRON: f"cron[{self.cron}]", TriggerKind.INTERVAL: f"every[{self.every_s}s]"}
        text = what.get(self.kind, f"at[{self.at}]")
        flags = [
            f
            for f, on in (("skip_holidays", self.skip_holidays), ("business_days", self.business_days_only))
            if on
        ]
        return f"{text} {self.timezone}" + (f" {'+'.join(flags)}" if flags else "")

    def fingerprint(self) -> str:
        """A text that changes whenever the fire times could change (config edits)."""
        return f"{self}|{self.start}|{self.optional_holidays}|{','.join(map(str, self.closed_days))}"

    # -- APScheduler interface -------------------------------------------------------------------

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        """The next fire strictly after ``previous_fire_time``, or at/after ``now`` when there is none.

        The result is in UTC: aware datetimes sharing one ``ZoneInfo`` compare by wall time and
        ignore ``fold``, which would reorder the two occurrences of the repeated autumn hour.
        """
        if previous_fire_time is not None:
            candidate = self._next(previous_fire_time + _TICK, after_previous=True)
        else:
            candidate = self._next(now, after_previous=False)
        skipped_since: datetime | None = None
        while candidate is not None:
            day = candidate.astimezone(self.zone).date()
            if self.calendar.allows(
                day, skip_holidays=self.skip_holidays, business_days_only=self.business_days_only
            ):
                return candidate  # UTC: comparing instants in one ZoneInfo ignores the fold
            skipped_since = skipped_since or candidate
            if candidate - skipped_since > _HORIZON:
                return None  # skipping for over a year: it cannot fire on an allowed day
            nxt = self.calendar.next_allowed(
                day, skip_holidays=self.skip_holidays, business_days_only=self.business_days_only
            )
            if nxt is None:
                return None
            candidate = self._next(start_of_day(nxt, self.zone), after_previous=False)
        return None

    # -- per kind --------------------------------------------------------------------------------

    def _next(self, threshold: datetime, *, after_previous: bool) -> datetime | None:
        """The first raw fire (before skipping closed days) at or after ``threshold``."""
        threshold = threshold.astimezone(UTC)
        if self.kind is TriggerKind.CRON:
            return self._next_cron(threshold)
        if self.kind is TriggerKind.INTERVAL:
            return self._next_interval(threshold)
        run = self._date_instant()
        if after_previous:
            return None
        return run

    def _date_instant(self) -> datetime:
        assert self.at is not None
        if self.at.tzinfo is not None:
            return self.at.astimezone(UTC)
        return wall_instants(self.at, self.zone)[0]

    def _next_interval(self, threshold: datetime) -> datetime:
        assert self.every_s is not None
        anchor_wall = self.start or DEFAULT_INTERVAL_ANCHOR
        anchor = (
            anchor_wall.astimezone(UTC) if anchor_wall.tzinfo else wall_instants(anchor_wall, self.zone)[0]
        )
        if threshold <= anchor:
            return anchor
        step = timedelta(seconds=self.every_s)
        count = -(-(threshold - anchor) // step)  # ceiling division of timedeltas
        return anchor + step * count

    def _next_wall(self, wall: datetime) -> datetime | None:
        """The first cron wall time at or after naive ``wall``."""
        assert self._cron is not None
        found = self._cron.get_next_fire_time(None, wall.replace(tzinfo=UTC))
        return None if found is None else found.replace(tzinfo=None)

    def _next_cron(self, threshold: datetime) -> datetime | None:
        near_transition = (threshold - _SLACK).astimezone(self.zone).utcoffset() != (
            threshold + _SLACK
        ).astimezone(self.zone).utcoffset()
        wall = local_wall(threshold, self.zone) - (_SLACK if near_transition else timedelta(0))
        best: datetime | None = None
        limit: datetime | None = None
        while True:
            found = self._next_wall(wall)
            if found is None or (limit is not None and found > limit):
                return best
            for instant in wall_instants(found, self.zone, fixed_hour=self.fixed_hour):
                if instant >= threshold and (best is None or instant < best):
                    best = instant
            if best is not None:
                if not near_transition:
                    return best
                limit = limit or found + 2 * _SLACK
            wall = found + _TICK


def build_trigger(schedule: Schedule, calendar: CalendarConfig | None = None) -> ScheduleTrigger:
    """The trigger for ``schedule`` (a small factory for readability at call sites)."""
    return ScheduleTrigger(schedule, calendar)


def next_fire_times(trigger: BaseTrigger, now: datetime, count: int = 5) -> list[datetime]:
    """The next ``count`` fire times at or after ``now`` (fewer when the trigger ends)."""
    out: list[datetime] = []
    previous: datetime | None = None
    while len(out) < count:
        nxt = trigger.get_next_fire_time(previous, now)
        if nxt is None or (previous is not None and nxt <= previous):
            break
        if nxt >= now:
            out.append(nxt)
        previous = nxt
    return out
