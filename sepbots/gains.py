"""Measured gains: what the robots really saved, in each process's counting unit, beside the estimate.

Per process and period (local Danish dates, both ends included)::

    saved minutes = Σ_bots done × credited minutes
                  + Σ_handed over with a measured time (baseline − measured handling minutes)
                  − review/operations minutes entered for the process in the period

* **units**: a bot declared ``Gains(counted=Counting.ITEMS)`` (the default) counts one unit per
  work item that *ended* in the period: ``done`` items are done, ``business_exception`` items are
  handed over, ``failed``/``abandoned`` items failed. A bot declared ``Counting.RUN`` records its
  counts per run (``BotContext.record_units``: a reconciliation's matched and unmatched statement
  lines); its work items are then not units, but their measured handling times still count.
* **credited minutes** are the bot's ``Gains.credited_minutes`` (capped at the baseline, and the
  report says so); a bot without a ``Gains`` declaration is credited the baseline.
* **a handed-over unit** is neutral until a person's handling time is measured (``sepbots items
  handle ID --minutes N`` or opened → handled in the dashboard): without the robot the work existed
  anyway. A measured one adds ``baseline − measured``, which is negative only when the handling took
  longer than the baseline — the figures then carry ``GainsNote.HANDLING_EXCEEDS_BASELINE``.
  Failed items handled with a measured time count the same way.
* ``realised automation share = done / (done + handed over + failed)`` in the process's unit;
* run-rate (annualised) = period figure × 365 / days in period; the measured business case uses it.

Test-mode runs are left out unless asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sepbots.catalogue.bundle import MeasuredSummary
from sepbots.catalogue.business_case import Basis, BusinessCaseInputs, compute, estimate
from sepbots.catalogue.loader import Catalogue
from sepbots.catalogue.models import Process
from sepbots.catalogue.settings import GainsSettings
from sepbots.gains_ledger import BotTally, ProcessTally, period_bounds, read_tallies
from sepbots.recipes import Counting, Gains, Registry
from sepbots.reports.figures import BotGains, DailyPoint, GainsFigures, GainsNote, ProcessGains, ProcessLine
from sepbots.store import Store

__all__ = ["GainsResult", "compute_gains", "credits_of", "measured_summaries", "period_bounds", "process_gains"]

TWO = Decimal("0.01")
SIXTY = Decimal(60)
DAYS_PER_YEAR = Decimal(365)


def _q(value: Decimal, step: Decimal = TWO) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def credits_of(registry: Registry) -> dict[str, Gains | None]:
    """Each bot's ``Gains`` declaration (``None`` when it declares none), by bot name."""
    return {recipe.name: recipe.gains for recipe in registry}


def _bot_gains(process: Process, tally: BotTally, declared: Gains | None) -> tuple[BotGains, list[GainsNote]]:
    baseline = process.minutes_per_occurrence.value
    notes: list[GainsNote] = []
    credited = baseline if declared is None else declared.credited_minutes
    if credited > baseline:
        credited = baseline
        notes.append(GainsNote.CREDIT_CAPPED)
    if declared is not None and declared.unit.strip().casefold() != process.unit.da.casefold():
        notes.append(GainsNote.UNIT_MISMATCH)
    return (
        BotGains(
            bot=tally.bot,
            step=declared.step if declared else "",
            counted=declared.counted if declared else Counting.ITEMS,
            declared=declared is not None,
            units_done=tally.done,
            units_handed_over=tally.handed_over,
            units_failed=tally.failed,
            credited_minutes=credited,
            handled_measured=tally.measured_count,
            handling_minutes=tally.measured_minutes,
        ),
        notes,
    )


def process_gains(
    process: Process,
    tally: ProcessTally,
    days: int,
    settings: GainsSettings,
    credits: Mapping[str, Gains | None],
) -> ProcessGains:
    """The measured figures of one process from its tally (pure arithmetic, in Decimal)."""
    baseline = process.minutes_per_occurrence.value
    bots: list[BotGains] = []
    notes: set[GainsNote] = set()
    for name in sorted(tally.bots):
        row, bot_notes = _bot_gains(process, tally.bots[name], credits.get(name))
        bots.append(row)
        notes.update(bot_notes)
    done = sum(b.units_done for b in bots)
    handed = sum(b.units_handed_over for b in bots)
    failed = sum(b.units_failed for b in bots)
    measured_n = sum(b.handled_measured for b in bots)
    measured_min = sum((b.handling_minutes for b in bots), Decimal(0))
    credited_min = sum((b.units_done * b.credited_minutes for b in bots), Decimal(0))
    handover_min = measured_n * baseline - measured_min
    saved_min = credited_min + handover_min - tally.review_minutes
    if handover_min < 0:
        notes.add(GainsNote.HANDLING_EXCEEDS_BASELINE)
    if tally.review_minutes > credited_min + max(handover_min, Decimal(0)):
        notes.add(GainsNote.REVIEW_EXCEEDS_CREDIT)
    total = done + handed + failed
    share = Decimal(done) / Decimal(total) if total else None
    scale = DAYS_PER_YEAR / Decimal(days)
    saved_hours = saved_min / SIXTY
    annual_hours = saved_hours * scale
    measured_case = None
    if total:
        measured_case = compute(
            process,
            BusinessCaseInputs(
                occurrences_per_year=_q(Decimal(total) * scale),
                minutes_per_occurrence=baseline,
                automation_share=share or Decimal(0),
                saved_hours_per_year=annual_hours,
            ),
            settings,
            Basis.MEASURED,
        )
    return ProcessGains(
        **ProcessLine.named(process),
        unit=process.unit,
        bots=bots,
        units_done=done,
        units_handed_over=handed,
        units_failed=failed,
        handled_measured=measured_n,
        robot_hours=_q(Decimal(tally.robot_ms) / 3_600_000),
        baseline_minutes=baseline,
        credited_hours=_q(credited_min / SIXTY),
        credited_minutes_total=credited_min,
        handover_hours=_q(handover_min / SIXTY),
        handling_minutes_measured=_q(measured_min),
        review_hours=_q(tally.review_minutes / SIXTY),
        saved_hours=_q(saved_hours),
        saved_dkk=_q(saved_hours * settings.hourly_cost_dkk),
        realised_automation_share=None if share is None else _q(share, Decimal("0.0001")),
        annualised_units=_q(Decimal(total) * scale),
        annualised_saved_hours=_q(annual_hours),
        annualised_saved_dkk=_q(annual_hours * settings.hourly_cost_dkk),
        estimate=estimate(process, settings),
        measured=measured_case,
        notes=sorted(notes),
        daily=[DailyPoint(day=d, done=c[0], handed_over=c[1], failed=c[2]) for d, c in sorted(tally.daily.items())],
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
    credits: Mapping[str, Gains | None] | None = None,
) -> GainsResult:
    """Measured gains of every catalogued process with activity in ``[start, end]``.

    Args:
        store: the project database (the item ledger, unit counts, review minutes).
        catalogue: gives units, baseline minutes, names and the estimate.
        settings: money and time parameters.
        start: first local date of the period.
        end: last local date of the period (included).
        now: when the figures are made (from the injected clock).
        include_test_runs: count runs made in test mode too (demo, pilots).
        credits: each bot's ``Gains`` declaration (``credits_of(registry)``); bots missing here are
            credited the baseline per done item.

    Raises:
        ValueError: when ``end`` is before ``start``.
    """
    if end < start:
        raise ValueError("the period ends before it starts")
    credits = credits or {}
    run_bots = {name for name, g in credits.items() if g is not None and g.counted is Counting.RUN}
    tallies = read_tallies(store, start, end, include_test_runs=include_test_runs, run_counted=run_bots)
    days = (end - start).days + 1
    known = [k for k in sorted(tallies) if k in catalogue.processes]
    figures = GainsFigures(
        period_from=start,
        period_to=end,
        generated_at=now,
        include_test_runs=include_test_runs,
        hourly_cost_dkk=settings.hourly_cost_dkk,
        fte_cost_dkk=settings.fte_cost_dkk,
        net_hours_per_fte=settings.net_hours_per_fte,
        processes=[process_gains(catalogue.get(k), tallies[k], days, settings, credits) for k in known],
    )
    return GainsResult(figures, sorted(k for k in tallies if k not in catalogue.processes))


def measured_summaries(figures: GainsFigures) -> dict[str, list[MeasuredSummary]]:
    """Aggregates for a sharing bundle (no item data)."""
    return {
        p.process_key: [
            MeasuredSummary(
                period_from=figures.period_from.isoformat(),
                period_to=figures.period_to.isoformat(),
                items_automated=p.units_done,
                items_manual=p.units_handed_over,
                items_failed=p.units_failed,
                saved_hours=float(p.saved_hours),
                realised_automation_share=float(p.realised_automation_share or 0),
                annualised_saved_hours=float(p.annualised_saved_hours),
            )
        ]
        for p in figures.processes
    }
