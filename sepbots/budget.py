"""Budget input: the budget year and the three overslagsår, from go-live dates, ramp-up and costs.

Per process (one-off processes, ideas and pre-analyses are left out):

* yearly gain ``G`` (hours): the measured run-rate of a process in *Drift* with measurements in the
  last ``lookback_days``; otherwise the catalogue's estimate (``N × t / 60 × a``);
* a month counts from the first whole month after ``go_live`` (the go-live month itself when it
  goes live on the 1st); the first twelve live months at ``ramp_up_share``. A process in *Drift*
  without a go-live date counts as live all year; a pipeline process without one counts nothing
  (it is listed, so the missing date shows);
* ``hours_y = G / 12 × Σ live months × ramp``; ``cash_y = hours_y × cash share × kr/h``;
  ``hours freed_y = hours_y × (1 − cash share)``; ``costs_y = (running + licences + operations) / 12
  × live months`` plus the build cost in the go-live year; ``net_y = cash_y − costs_y``.

Processes in Specifikation, Udvikling or Implementering are the pipeline, summed separately.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sepbots.catalogue.business_case import costs_for, estimate
from sepbots.catalogue.loader import Catalogue
from sepbots.catalogue.models import Phase, Process
from sepbots.catalogue.settings import GainsSettings
from sepbots.clock import local
from sepbots.gains import compute_gains
from sepbots.recipes import Gains
from sepbots.reports.figures import BudgetFigures, BudgetLine, BudgetSource, BudgetYear, ProcessLine
from sepbots.store import Store

TWO = Decimal("0.01")
TWELVE = Decimal(12)
PIPELINE_PHASES = frozenset({Phase.SPECIFICATION, Phase.DEVELOPMENT, Phase.IMPLEMENTATION})


def _q(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def _first_live_month(go_live: date) -> date:
    if go_live.day == 1:
        return go_live
    return date(go_live.year + (go_live.month == 12), go_live.month % 12 + 1, 1)


def live_months(go_live: date | None, year: int, ramp: Decimal, *, live_without_date: bool) -> tuple[Decimal, int]:
    """``(Σ ramp factors, live months)`` of ``year``: months before go-live count 0, the first twelve ``ramp``."""
    if go_live is None:
        return (TWELVE, 12) if live_without_date else (Decimal(0), 0)
    first = _first_live_month(go_live)
    weight, months = Decimal(0), 0
    for m in range(1, 13):
        since = (year - first.year) * 12 + (m - first.month)
        if since < 0:
            continue
        months += 1
        weight += ramp if since < 12 else Decimal(1)
    return weight, months


def budget_year(
    process: Process, settings: GainsSettings, year: int, hours_per_year: Decimal, *, pipeline: bool
) -> BudgetYear:
    """One process's budget figures for ``year`` (see the module docstring)."""
    weight, months = live_months(process.go_live, year, settings.ramp_up_share, live_without_date=not pipeline)
    invest, running, licence, operations, _ = costs_for(process, settings)
    share = process.cash_realisable_share.value if process.cash_realisable_share else Decimal(0)
    hours = hours_per_year / TWELVE * weight
    costs = (running + licence + operations) / TWELVE * months
    if process.go_live is not None and process.go_live.year == year:
        costs += invest
    cash = hours * share * settings.hourly_cost_dkk
    return BudgetYear(
        year=year,
        hours=_q(hours),
        hours_freed=_q(hours * (1 - share)),
        cash_dkk=_q(cash),
        costs_dkk=_q(costs),
        net_dkk=_q(cash) - _q(costs),
    )


def compute_budget(
    store: Store,
    catalogue: Catalogue,
    settings: GainsSettings,
    *,
    year: int,
    now: datetime,
    lookback_days: int = 90,
    include_test_runs: bool = False,
    credits: Mapping[str, Gains | None] | None = None,
) -> BudgetFigures:
    """The budget input for ``year`` and the three following years (see the module docstring)."""
    end = local(now).date()
    start = end - timedelta(days=lookback_days - 1)
    measured = {
        p.process_key: p
        for p in compute_gains(
            store, catalogue, settings, start=start, end=end, now=now,
            include_test_runs=include_test_runs, credits=credits,
        ).figures.processes
    }
    lines: list[BudgetLine] = []
    for process in catalogue:
        pipeline = process.phase in PIPELINE_PHASES
        if process.one_off or not (pipeline or process.phase is Phase.OPERATION):
            continue
        gains = measured.get(process.key)
        if process.phase is Phase.OPERATION and gains is not None:
            hours, source = gains.annualised_saved_hours, BudgetSource.MEASURED
        else:
            hours, source = estimate(process, settings).saved_hours_per_year, BudgetSource.ESTIMATE
        lines.append(
            BudgetLine(
                **ProcessLine.named(process),
                account_function=process.account_function,
                phase=process.phase,
                source=source,
                pipeline=pipeline,
                go_live=process.go_live,
                hours_per_year=hours,
                cash_share=process.cash_realisable_share.value if process.cash_realisable_share else Decimal(0),
                years=[budget_year(process, settings, y, hours, pipeline=pipeline) for y in range(year, year + 4)],
            )
        )
    lines.sort(key=lambda ln: (ln.pipeline, ln.area.value, -ln.hours_per_year, ln.process_key))
    return BudgetFigures(
        year=year,
        generated_at=now,
        hourly_cost_dkk=settings.hourly_cost_dkk,
        net_hours_per_fte=settings.net_hours_per_fte,
        ramp_up_share=settings.ramp_up_share,
        lines=lines,
    )
