"""Measured gains: what the robots really saved, from the item ledger, beside the catalogue's estimate.

Per process and period (local Danish dates, both ends included), from items that *ended* in the
period (``work_items.finished_at``), joined to the run that ended them (``runs.process``):

* automated = items ``done``; manual = items handed to people (``business_exception``);
  failed = ``failed`` + ``abandoned``; robot time = the durations of every attempt in the period;
* ``saved hours = automated × manual minutes / 60 − manual × handling minutes / 60``
  (manual minutes = the catalogue's minutes per case; handling minutes = the process's
  ``manual_handling_minutes`` or ``settings.gains.manual_handling_minutes``);
* ``realised automation share = automated / (automated + manual + failed)``;
* run-rate (annualised) = period figure × 365 / days in period.

The business case is then recomputed with the measured volume, share and handling time
(``Basis.MEASURED``) and shown beside the estimate. Test-mode runs are left out unless asked for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select, and_, func, select

from sepbots.catalogue.bundle import MeasuredSummary
from sepbots.catalogue.business_case import Basis, BusinessCaseInputs, compute, estimate
from sepbots.catalogue.loader import Catalogue
from sepbots.catalogue.models import Phase, Process
from sepbots.catalogue.settings import GainsSettings
from sepbots.clock import COPENHAGEN
from sepbots.reports.figures import (
    BudgetFigures,
    BudgetLine,
    BudgetSource,
    DailyPoint,
    GainsFigures,
    ProcessGains,
)
from sepbots.store import Store
from sepbots.store.schema import item_attempts, runs, work_items
from sepbots.workitems.models import ItemState

TWO = Decimal("0.01")
DAYS_PER_YEAR = Decimal(365)
PIPELINE_PHASES = frozenset({Phase.SPECIFICATION, Phase.DEVELOPMENT, Phase.IMPLEMENTATION})
_KIND = {
    ItemState.DONE.value: 0,
    ItemState.BUSINESS_EXCEPTION.value: 1,
    ItemState.FAILED.value: 2,
    ItemState.ABANDONED.value: 2,
}


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """UTC instants for local Danish midnight at ``start`` and at the day after ``end``."""
    lo = datetime.combine(start, time(0), COPENHAGEN).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time(0), COPENHAGEN).astimezone(UTC)
    return lo, hi


@dataclass
class _Tally:
    counts: list[int] = field(default_factory=lambda: [0, 0, 0])
    daily: dict[date, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    robot_ms: int = 0
    bots: set[str] = field(default_factory=set)


def _q(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def _hour(store: Store, column: Any) -> Any:
    """The UTC hour of ``column`` as ``YYYY-MM-DD HH`` text, so rows aggregate in SQL by hour."""
    if store.dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24")
    return func.strftime("%Y-%m-%d %H", column)  # SQLite stores naive UTC text


def _tallies(store: Store, lo: datetime, hi: datetime, include_test_runs: bool) -> dict[str, _Tally]:
    test_filter = [] if include_test_runs else [runs.c.test_mode.is_(False)]
    hour = _hour(store, work_items.c.finished_at).label("hour")
    items: Select = (
        select(runs.c.process, runs.c.bot, work_items.c.state, hour, func.count())
        .join(runs, runs.c.id == work_items.c.run_id)
        .where(
            work_items.c.finished_at >= lo,
            work_items.c.finished_at < hi,
            work_items.c.state.in_(list(_KIND)),
            runs.c.process.is_not(None),
            *test_filter,
        )
        .group_by(runs.c.process, runs.c.bot, work_items.c.state, hour)
    )
    robot: Select = (
        select(runs.c.process, func.coalesce(func.sum(item_attempts.c.duration_ms), 0))
        .join(runs, runs.c.id == item_attempts.c.run_id)
        .where(
            and_(item_attempts.c.ended_at >= lo, item_attempts.c.ended_at < hi),
            runs.c.process.is_not(None),
            *test_filter,
        )
        .group_by(runs.c.process)
    )
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    days: dict[str, date] = {}
    with store.engine.connect() as conn:
        for process, bot, state, bucket, n in conn.execute(items):
            tally = tallies[process]
            kind = _KIND[state]
            tally.counts[kind] += n
            if bucket not in days:
                utc = datetime.strptime(bucket, "%Y-%m-%d %H").replace(tzinfo=UTC)
                days[bucket] = utc.astimezone(COPENHAGEN).date()
            tally.daily[days[bucket]][kind] += n
            tally.bots.add(bot)
        for process, ms in conn.execute(robot):
            tallies[process].robot_ms = int(ms or 0)
        conn.rollback()
    return tallies


def process_gains(process: Process, tally: _Tally, days: int, settings: GainsSettings) -> ProcessGains:
    """The measured figures of one process from its tally (pure arithmetic, in Decimal)."""
    automated, manual, failed = tally.counts
    total = automated + manual + failed
    minutes = process.minutes_per_occurrence.value
    handling = (
        process.manual_handling_minutes
        if process.manual_handling_minutes is not None
        else settings.manual_handling_minutes
    )
    saved = Decimal(automated) * minutes / 60 - Decimal(manual) * handling / 60
    scale = DAYS_PER_YEAR / Decimal(days)
    share = Decimal(automated) / Decimal(total) if total else None
    annual_saved = saved * scale
    measured = None
    if total:
        inputs = BusinessCaseInputs(
            occurrences_per_year=_q(Decimal(total) * scale),
            minutes_per_occurrence=minutes,
            automation_share=share or Decimal(0),
            handling_hours_per_year=Decimal(manual) * handling / 60 * scale,
        )
        measured = compute(process, inputs, settings, Basis.MEASURED)
    return ProcessGains(
        process_key=process.key,
        name=process.name,
        name_en=process.name_en,
        area=process.area,
        bots=sorted(tally.bots),
        items_automated=automated,
        items_manual=manual,
        items_failed=failed,
        robot_hours=_q(Decimal(tally.robot_ms) / 3_600_000),
        manual_minutes_per_item=minutes,
        handling_minutes_per_item=handling,
        saved_hours=_q(saved),
        realised_automation_share=None if share is None else share.quantize(Decimal("0.0001"), ROUND_HALF_UP),
        annualised_items=_q(Decimal(total) * scale),
        annualised_saved_hours=_q(annual_saved),
        annualised_saved_dkk=_q(annual_saved * settings.hourly_cost_dkk),
        estimate=estimate(process, settings),
        measured=measured,
        daily=[
            DailyPoint(day=d, automated=c[0], manual=c[1], failed=c[2])
            for d, c in sorted(tally.daily.items())
        ],
    )


@dataclass(frozen=True)
class GainsResult:
    """The figures plus the processes seen in the ledger that the catalogue does not know."""

    figures: GainsFigures
    uncatalogued: list[str]


def compute_gains(
    store: Store,
    catalogue: Catalogue,
    settings: GainsSettings,
    *,
    start: date,
    end: date,
    now: datetime,
    include_test_runs: bool = False,
) -> GainsResult:
    """Measured gains of every catalogued process with items ending in ``[start, end]``.

    Args:
        store: the project database (the item ledger).
        catalogue: gives minutes per case, handling minutes, names and the estimate.
        settings: money and time parameters.
        start: first local date of the period.
        end: last local date of the period (included).
        now: when the figures are made (from the injected clock).
        include_test_runs: count runs made in test mode too (demo, pilots).

    Raises:
        ValueError: when ``end`` is before ``start``.
    """
    if end < start:
        raise ValueError("the period ends before it starts")
    lo, hi = period_bounds(start, end)
    tallies = _tallies(store, lo, hi, include_test_runs)
    days = (end - start).days + 1
    known = [k for k in sorted(tallies) if k in catalogue.processes]
    figures = GainsFigures(
        period_from=start,
        period_to=end,
        generated_at=now,
        hourly_cost_dkk=settings.hourly_cost_dkk,
        net_hours_per_fte=settings.net_hours_per_fte,
        processes=[process_gains(catalogue.get(k), tallies[k], days, settings) for k in known],
    )
    return GainsResult(figures, sorted(k for k in tallies if k not in catalogue.processes))


def measured_summaries(figures: GainsFigures) -> dict[str, list[MeasuredSummary]]:
    """Aggregates for a sharing bundle (no item data)."""
    return {
        p.process_key: [
            MeasuredSummary(
                period_from=figures.period_from.isoformat(),
                period_to=figures.period_to.isoformat(),
                items_automated=p.items_automated,
                items_manual=p.items_manual,
                items_failed=p.items_failed,
                saved_hours=float(p.saved_hours),
                realised_automation_share=float(p.realised_automation_share or 0),
                annualised_saved_hours=float(p.annualised_saved_hours),
            )
        ]
        for p in figures.processes
    }


def compute_budget(
    store: Store,
    catalogue: Catalogue,
    settings: GainsSettings,
    *,
    year: int,
    now: datetime,
    lookback_days: int = 90,
    include_test_runs: bool = False,
) -> BudgetFigures:
    """Hours and DKK each process is expected to free in ``year``.

    Processes in *Drift* with measured items in the last ``lookback_days`` count with their measured
    run-rate; processes in *Drift* without data and processes in Specifikation, Udvikling or
    Implementering count with their estimate (pipeline). Idé, Foranalyse, retired and one-off processes
    are left out.
    """
    end = now.astimezone(COPENHAGEN).date()
    start = end - timedelta(days=lookback_days - 1)
    measured = {
        p.process_key: p
        for p in compute_gains(
            store, catalogue, settings, start=start, end=end, now=now, include_test_runs=include_test_runs
        ).figures.processes
    }
    lines: list[BudgetLine] = []
    for process in catalogue:
        gains = measured.get(process.key)
        if process.one_off:
            continue  # a one-time task frees nothing in next year's budget
        if process.phase is Phase.OPERATION and gains is not None:
            hours, source = gains.annualised_saved_hours, BudgetSource.MEASURED
        elif process.phase is Phase.OPERATION or process.phase in PIPELINE_PHASES:
            hours, source = estimate(process, settings).saved_hours_per_year, BudgetSource.PIPELINE
        else:
            continue
        lines.append(
            BudgetLine(
                process_key=process.key,
                name=process.name,
                name_en=process.name_en,
                area=process.area,
                source=source,
                phase=process.phase,
                hours=hours,
                dkk=_q(hours * settings.hourly_cost_dkk),
            )
        )
    lines.sort(key=lambda ln: (ln.area.value, ln.source.value, -ln.hours))
    return BudgetFigures(
        year=year,
        generated_at=now,
        hourly_cost_dkk=settings.hourly_cost_dkk,
        net_hours_per_fte=settings.net_hours_per_fte,
        lines=lines,
    )
