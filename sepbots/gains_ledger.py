"""Reading the ledgers for the gains: units per process and bot, measured handling, review minutes.

Four aggregate queries per period, each grouped in SQL (hours for the daily series) and each run by
the module that owns its table; this module only adds them up into tallies:

* work items that *ended* in the period (``finished_at``), by the run that ended them, with the count
  and sum of measured handling minutes of the handed-over and failed ones (``items.ended_by_hour``);
* unit counts recorded in the period by bots that count per run (``unitcounts.counted_by_hour``);
* review minutes entered for days in the period (``unitcounts.review_by_process``); and robot time
  from the attempts (``items.robot_ms_by_process``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import func

from sepbots.clock import COPENHAGEN
from sepbots.store import Store
from sepbots.unitcounts import counted_by_hour, review_by_process
from sepbots.workitems import items
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
    hour = partial(_hour, store)
    tallies: dict[str, ProcessTally] = defaultdict(ProcessTally)
    day = _Days()
    with store.engine.connect() as conn:
        ended = items.ended_by_hour(conn, lo, hi, states=_KIND, hour=hour, include_test_runs=include_test_runs)
        for process, bot, state, bucket, n, n_measured, minutes in ended:
            tally, kind = tallies[process], _KIND[state]
            row = tally.bot(bot)
            if kind != DONE:
                row.measured_count += int(n_measured)
                row.measured_minutes += _decimal(minutes)
            if bot in run_counted:
                continue  # its units come from unit_counts
            row.add(kind, n)
            tally.daily[day(bucket)][kind] += n
        counted = counted_by_hour(conn, lo, hi, hour=hour, include_test_runs=include_test_runs)
        for process, bot, bucket, done, handed in counted:
            if bot not in run_counted:
                continue
            tally = tallies[process]
            row = tally.bot(bot)
            row.done += int(done or 0)
            row.handed_over += int(handed or 0)
            tally.daily[day(bucket)][DONE] += int(done or 0)
            tally.daily[day(bucket)][HANDED] += int(handed or 0)
        for process, ms in items.robot_ms_by_process(conn, lo, hi, include_test_runs=include_test_runs):
            tallies[process].robot_ms = int(ms or 0)
        for process, minutes in review_by_process(conn, start, end):
            tallies[process].review_minutes = _decimal(minutes)
        conn.rollback()
    return dict(tallies)
