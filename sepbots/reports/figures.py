"""The figures reports are drawn from: filled by ``sepbots.gains``, rendered by ``xlsx`` and ``html``.

Plain pydantic models, so a report can be rendered (and tested) from any in-memory data.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sepbots.catalogue.business_case import BusinessCase
from sepbots.catalogue.models import DEFAULT_UNIT, Area, Phase, Process, Unit
from sepbots.i18n import LabelledEnum
from sepbots.recipes import Counting

TWO = Decimal("0.01")


class DailyPoint(BaseModel):
    """One day's unit counts for a process."""

    model_config = ConfigDict(frozen=True)

    day: date
    done: int = 0
    handed_over: int = 0
    failed: int = 0


class GainsNote(LabelledEnum):
    """Something a reader of a process's figures must know."""

    HANDLING_EXCEEDS_BASELINE = (
        "handling_exceeds_baseline",
        "Den målte manuelle behandling tog længere end grundtiden pr. enhed: de overgivne enheder trækker ned.",
        "Measured manual handling took longer than the baseline per unit: the handed-over units count against.",
    )
    REVIEW_EXCEEDS_CREDIT = (
        "review_exceeds_credit",
        "Kontrol- og driftstiden er større end robottens krediterede tid.",
        "Review and operations time exceeds the time credited to the robot.",
    )
    CREDIT_CAPPED = (
        "credit_capped",
        "En robot krediterer mere end grundtiden; der er regnet med grundtiden.",
        "A bot credits more than the baseline; the baseline was used.",
    )
    UNIT_MISMATCH = (
        "unit_mismatch",
        "En robots tælleenhed svarer ikke til procesens enhed i kataloget.",
        "A bot's counting unit differs from the process's unit in the catalogue.",
    )


class BotGains(BaseModel):
    """One bot's part of a process's measured gains."""

    model_config = ConfigDict(frozen=True)

    bot: str
    step: str = ""
    counted: Counting = Counting.ITEMS
    declared: bool = True
    units_done: int = Field(0, ge=0)
    units_handed_over: int = Field(0, ge=0)
    units_failed: int = Field(0, ge=0)
    credited_minutes: Decimal
    handled_measured: int = Field(0, ge=0)
    handling_minutes: Decimal = Decimal(0)


class ProcessLine(BaseModel):
    """The process a line of figures is about: its key, Danish and English name, and area."""

    model_config = ConfigDict(frozen=True)

    process_key: str
    name: str
    name_en: str | None = None
    area: Area

    @staticmethod
    def named(process: Process) -> dict[str, Any]:
        """The fields naming ``process``, to pass on to a line of figures."""
        return {"process_key": process.key, "name": process.name, "name_en": process.name_en, "area": process.area}

    def title(self, lang: str = "da") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


class ProcessGains(ProcessLine):
    """Measured gains of one process over a period, in the process's counting unit.

    ``saved_hours = credited_hours + handover_hours − review_hours`` where
    ``credited_hours = Σ done × credited minutes / 60`` and
    ``handover_hours = (measured handed-over units × baseline − their measured minutes) / 60``;
    ``realised_automation_share = done / (done + handed over + failed)``;
    ``annualised = period value × 365 / days in period``.
    """

    unit: Unit = DEFAULT_UNIT
    bots: list[BotGains] = Field(default_factory=list)
    units_done: int = Field(0, ge=0)
    units_handed_over: int = Field(0, ge=0)
    units_failed: int = Field(0, ge=0)
    handled_measured: int = Field(0, ge=0)
    robot_hours: Decimal = Decimal(0)
    baseline_minutes: Decimal
    credited_hours: Decimal = Decimal(0)
    credited_minutes_total: Decimal = Decimal(0)
    handover_hours: Decimal = Decimal(0)
    handling_minutes_measured: Decimal = Decimal(0)
    review_hours: Decimal = Decimal(0)
    saved_hours: Decimal
    saved_dkk: Decimal = Decimal(0)
    realised_automation_share: Decimal | None
    annualised_units: Decimal
    annualised_saved_hours: Decimal
    annualised_saved_dkk: Decimal
    estimate: BusinessCase | None = None
    measured: BusinessCase | None = None
    notes: list[GainsNote] = Field(default_factory=list)
    daily: list[DailyPoint] = Field(default_factory=list)

    @property
    def units_total(self) -> int:
        return self.units_done + self.units_handed_over + self.units_failed

    @property
    def credited_minutes(self) -> Decimal | None:
        """Credited minutes per done unit (the bots' weighted mean), ``None`` without done units."""
        if not self.units_done:
            return None
        return (self.credited_minutes_total / self.units_done).quantize(TWO, rounding=ROUND_HALF_UP)

    @property
    def handling_minutes_per_unit(self) -> Decimal | None:
        """Mean measured handling minutes of the handed-over units that have one."""
        if not self.handled_measured:
            return None
        return (self.handling_minutes_measured / self.handled_measured).quantize(TWO, rounding=ROUND_HALF_UP)


class GainsFigures(BaseModel):
    """Measured gains for every process with activity in ``[period_from, period_to]`` (inclusive dates)."""

    model_config = ConfigDict(frozen=True)

    period_from: date
    period_to: date
    generated_at: datetime
    include_test_runs: bool = False
    hourly_cost_dkk: Decimal
    fte_cost_dkk: Decimal = Decimal("651200")
    net_hours_per_fte: Decimal
    processes: list[ProcessGains] = Field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.period_to - self.period_from).days + 1

    @property
    def total_saved_hours(self) -> Decimal:
        return sum((p.saved_hours for p in self.processes), Decimal(0))

    @property
    def total_saved_dkk(self) -> Decimal:
        return sum((p.saved_dkk for p in self.processes), Decimal(0))

    @property
    def total_annualised_hours(self) -> Decimal:
        return sum((p.annualised_saved_hours for p in self.processes), Decimal(0))


class BudgetSource(LabelledEnum):
    """Where a budget line's yearly gain comes from."""

    MEASURED = "measured", "Målt driftsniveau", "Measured run-rate"  # the measured run-rate of a process in operation
    ESTIMATE = "estimate", "Skøn", "Estimate"  # the catalogue's estimate (no measurements yet)


class BudgetYear(BaseModel):
    """One process's (or group's) figures for one budget year, DKK net of costs.

    ``hours`` = hours saved that year (go-live and ramp-up applied); ``hours_freed`` = the part
    not taken out as cash (freed for other work); ``cash_dkk`` = the cash-realisable part in DKK;
    ``costs_dkk`` = running, licence and operations costs plus the build cost in the go-live year;
    ``net_dkk = cash_dkk − costs_dkk``.
    """

    model_config = ConfigDict(frozen=True)

    year: int
    hours: Decimal = Decimal(0)
    hours_freed: Decimal = Decimal(0)
    cash_dkk: Decimal = Decimal(0)
    costs_dkk: Decimal = Decimal(0)
    net_dkk: Decimal = Decimal(0)

    def __add__(self, other: BudgetYear) -> BudgetYear:
        return BudgetYear(
            year=self.year,
            hours=self.hours + other.hours,
            hours_freed=self.hours_freed + other.hours_freed,
            cash_dkk=self.cash_dkk + other.cash_dkk,
            costs_dkk=self.costs_dkk + other.costs_dkk,
            net_dkk=self.net_dkk + other.net_dkk,
        )


class BudgetLine(ProcessLine):
    """What one process contributes to the budget year and the three overslagsår."""

    account_function: str | None = None
    phase: Phase
    source: BudgetSource
    pipeline: bool
    go_live: date | None = None
    hours_per_year: Decimal
    cash_share: Decimal = Decimal(0)
    years: list[BudgetYear] = Field(default_factory=list)


class BudgetGroup(BaseModel):
    """Summed budget years of the lines in one area or account–function."""

    model_config = ConfigDict(frozen=True)

    key: str
    label_da: str
    label_en: str
    years: list[BudgetYear]

    def label(self, lang: str = "da") -> str:
        return self.label_da if lang == "da" else self.label_en


class BudgetFigures(BaseModel):
    """The budget input: the budget year and three overslagsår, per process and grouped."""

    model_config = ConfigDict(frozen=True)

    year: int
    generated_at: datetime
    hourly_cost_dkk: Decimal
    net_hours_per_fte: Decimal
    ramp_up_share: Decimal
    lines: list[BudgetLine] = Field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return [self.year + i for i in range(4)]

    @property
    def operating(self) -> list[BudgetLine]:
        return [ln for ln in self.lines if not ln.pipeline]

    @property
    def pipeline(self) -> list[BudgetLine]:
        return [ln for ln in self.lines if ln.pipeline]

    def _sum(self, lines: list[BudgetLine]) -> list[BudgetYear]:
        totals = [BudgetYear(year=y) for y in self.years]
        for ln in lines:
            totals = [a + b for a, b in zip(totals, ln.years, strict=True)]
        return totals

    def total(self, pipeline: bool = False) -> list[BudgetYear]:
        return self._sum(self.pipeline if pipeline else self.operating)

    def by_area(self, pipeline: bool = False) -> list[BudgetGroup]:
        """Sums per area (KL's areas, which follow the committees), in the areas' order."""
        lines = self.pipeline if pipeline else self.operating
        return [
            BudgetGroup(key=a.value, label_da=a.label("da"), label_en=a.label("en"),
                        years=self._sum([ln for ln in lines if ln.area is a]))
            for a in Area
            if any(ln.area is a for ln in lines)
        ]

    def by_account(self, pipeline: bool = False) -> list[BudgetGroup]:
        """Sums per main account–function of the chart of accounts (lines without one last)."""
        lines = self.pipeline if pipeline else self.operating
        keys = sorted({ln.account_function for ln in lines if ln.account_function})
        groups = [
            BudgetGroup(key=k, label_da=k, label_en=k, years=self._sum([ln for ln in lines if ln.account_function == k]))
            for k in keys
        ]
        rest = [ln for ln in lines if not ln.account_function]
        if rest:
            groups.append(BudgetGroup(key="", label_da="Uden kontering", label_en="No account given",
                                      years=self._sum(rest)))
        return groups
