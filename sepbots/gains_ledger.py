"""Reading the ledger for the gains: units per process and bot, measured handling, review minutes.

Three aggregate queries per period, each grouped in SQL (hours for the daily series):

* work items that *ended* in the period (``finished_at``), joined to the run that ended them, with
  the count and sum of measured handling minutes of the handed-over and failed ones;
* ``unit_counts`` recorded in the period by bots that count per run;
* ``review_minutes`` entered for days in the period; and robot time from ``item_attempts``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select

from sepbots.clock import COPENHAGEN
from sepbots.store import Store
from sepbots.store.schema import item_attempts, review_minutes, runs, unit_counts, work_items
from sepbots.workitems.models import ItemState

DONE, HANDED, FAILED = 0, 1, 2
_KIND = {
    ItemState.DONE.value: DONE,
    ItemState.BUSINESS_EXCEPTION.value: HANDED,
    ItemState.FAILED.value: FAILED,
    ItemState.ABANDONED.value: FAILED,
}


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """UTC instants for local Danish midnight at ``start`` and at the day after ``end``."""
    lo = datetime.combine(start, time(0), COPENHAGEN).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time(0), COPENHAGEN).astimezone(UTC)
    return lo, hi


@dataclass
class BotTally:
    """One bot's units in the period and the measured handling of its handed-over items."""

    bot: str
    done: int = 0
    handed_over: int = 0
    failed: int = 0
    measured_count: int = 0
    measured_minutes: Decimal = Decimal(0)

    def add(self, kind: int, n: int) -> None:
        """Count ``n`` units of ``kind`` (DONE, HANDED or FAILED)."""
        if kind == DONE:
            self.done += n
        elif kind == HANDED:
            self.handed_over += n
        else:
            self.failed += n


@dataclass
class ProcessTally:
    """Everything the gains formula needs for one process."""

    bots: dict[str, BotTally] = field(default_factory=dict)
    daily: dict[date, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    review_minutes: Decimal = Decimal(0)
    robot_ms: int = 0

    def bot(self, name: str) -> BotTally:
        if name not in self.bots:
            self.bots[name] = BotTally(name)
        return self.bots[name]


def _hour(store: Store, column: Any) -> Any:
    """The UTC hour of ``column`` as ``YYYY-MM-DD HH`` text, so rows aggregate in SQL by hour."""
    if store.dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24")
    return func.strftime("%Y-%m-%d %H", column)  # SQLite stores naive UTC text


class _Days:
    """Local dates of UTC hour buckets, computed once per bucket."""

    def __init__(self) -> None:
        self._seen: dict[str, date] = {}

    def __call__(self, bucket: str) -> date:
        if bucket not in self._seen:
            utc = datetime.strptime(bucket, "%Y-%m-%d %H").replace(tzinfo=UTC)
            self._seen[bucket] = utc.astimezone(COPENHAGEN).date()
        return self._seen[bucket]


def _decimal(value: Any) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def read_tallies(
    store: Store, start: date, end: date, *, include_test_runs: bool, run_counted: set[str]
) -> dict[str, ProcessTally]:
    """The tallies of every process with activity in ``[start, end]`` (local dates)."""
    lo, hi = period_bounds(start, end)
    tests = [] if include_test_runs else [runs.c.test_mode.is_(False)]
    hour = _hour(store, work_items.c.finished_at).label("hour")
    items: Select[*tuple[Any, ...]] = (
        select(
            runs.c.process, runs.c.bot, work_items.c.state, hour, func.count(),
            func.count(work_items.c.handling_minutes), func.sum(work_items.c.handling_minutes),
        )
        .join(runs, runs.c.id == work_items.c.run_id)
        .where(work_items.c.finished_at >= lo, work_items.c.finished_at < hi,
               work_items.c.state.in_(list(_KIND)), runs.c.process.is_not(None), *tests)
        .group_by(runs.c.process, runs.c.bot, work_items.c.state, hour)
    )
    count_hour = _hour(store, unit_counts.c.recorded_at).label("hour")
    counted: Select[*tuple[Any, ...]] = (
        select(runs.c.process, runs.c.bot, count_hour, func.sum(unit_counts.c.done), func.sum(unit_counts.c.handed_over))
        .join(runs, runs.c.id == unit_counts.c.run_id)
        .where(unit_counts.c.recorded_at >= lo, unit_counts.c.recorded_at < hi, runs.c.process.is_not(None), *tests)
        .group_by(runs.c.process, runs.c.bot, count_hour)
    )
    review: Select[*tuple[Any, ...]] = (
        select(review_minutes.c.process, func.sum(review_minutes.c.minutes))
        .where(review_minutes.c.day >= start, review_minutes.c.day <= end)
        .group_by(review_minutes.c.process)
    )
    robot: Select[*tuple[Any, ...]] = (
        select(runs.c.process, func.coalesce(func.sum(item_attempts.c.duration_ms), 0))
        .join(runs, runs.c.id == item_attempts.c.run_id)
        .where(item_attempts.c.ended_at >= lo, item_attempts.c.ended_at < hi, runs.c.process.is_not(None), *tests)
        .group_by(runs.c.process)
    )
    tallies: dict[str, ProcessTally] = defaultdict(ProcessTally)
    day = _Days()
    with store.engine.connect() as conn:
        for process, bot, state, bucket, n, n_measured, minutes in conn.execute(items):
            tally, kind = tallies[process], _KIND[state]
            row = tally.bot(bot)
            if kind != DONE:
                row.measured_count += int(n_measured)
                row.measured_minutes += _decimal(minutes)
            if bot in run_counted:
                continue  # its units come from unit_counts
            row.add(kind, n)
            tally.daily[day(bucket)][kind] += n
        for process, bot, bucket, done, handed in conn.execute(counted):
            if bot not in run_counted:
                continue
            tally = tallies[process]
            row = tally.bot(bot)
            row.done += int(done or 0)
            row.handed_over += int(handed or 0)
            tally.daily[day(bucket)][DONE] += int(done or 0)
            tally.daily[day(bucket)][HANDED] += int(handed or 0)
        for process, ms in conn.execute(robot):
            tallies[process].robot_ms = int(ms or 0)
        for process, minutes in conn.execute(review):
            tallies[process].review_minutes = _decimal(minutes)
        conn.rollback()
    return dict(tallies)
