"""The figures reports are drawn from: filled by ``sepbots.gains``, rendered by ``xlsx`` and ``html``.

Plain pydantic models, so a report can be rendered (and tested) from any in-memory data.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict, Field

from sepbots.catalogue.business_case import BusinessCase
from sepbots.catalogue.models import Area, Phase

TWO = Decimal("0.01")


class DailyPoint(BaseModel):
    """One day's outcome counts for a process."""

    model_config = ConfigDict(frozen=True)

    day: date
    automated: int = 0
    manual: int = 0
    failed: int = 0


class ProcessGains(BaseModel):
    """Measured gains of one process over a period.

    ``saved_hours = automated × manual_minutes / 60 − manual × handling_minutes / 60``;
    ``realised_automation_share = automated / (automated + manual + failed)``;
    ``annualised = period value × 365 / days in period``.
    """

    model_config = ConfigDict(frozen=True)

    process_key: str
    name: str
    name_en: str | None = None
    area: Area
    bots: list[str] = Field(default_factory=list)
    items_automated: int = Field(0, ge=0)
    items_manual: int = Field(0, ge=0)
    items_failed: int = Field(0, ge=0)
    robot_hours: Decimal = Decimal(0)
    manual_minutes_per_item: Decimal
    handling_minutes_per_item: Decimal
    saved_hours: Decimal
    realised_automation_share: Decimal | None
    annualised_items: Decimal
    annualised_saved_hours: Decimal
    annualised_saved_dkk: Decimal
    estimate: BusinessCase | None = None
    measured: BusinessCase | None = None
    daily: list[DailyPoint] = Field(default_factory=list)

    @property
    def items_total(self) -> int:
        return self.items_automated + self.items_manual + self.items_failed

    def title(self, lang: str = "da") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


class GainsFigures(BaseModel):
    """Measured gains for every process with activity in ``[period_from, period_to]`` (inclusive dates)."""

    model_config = ConfigDict(frozen=True)

    period_from: date
    period_to: date
    generated_at: datetime
    hourly_cost_dkk: Decimal
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
        return (self.total_saved_hours * self.hourly_cost_dkk).quantize(TWO, rounding=ROUND_HALF_UP)

    @property
    def total_annualised_hours(self) -> Decimal:
        return sum((p.annualised_saved_hours for p in self.processes), Decimal(0))

    @property
    def total_items(self) -> tuple[int, int, int]:
        return (
            sum(p.items_automated for p in self.processes),
            sum(p.items_manual for p in self.processes),
            sum(p.items_failed for p in self.processes),
        )


class BudgetSource(enum.StrEnum):
    """Where a budget line's figure comes from."""

    MEASURED = "measured"  # a measured run-rate of a process in operation
    PIPELINE = "pipeline"  # the estimate of a process still in the pipeline

    def label(self, lang: str = "da") -> str:
        if self is BudgetSource.MEASURED:
            return "Målt driftsniveau" if lang == "da" else "Measured run-rate"
        return "Skøn (pipeline)" if lang == "da" else "Estimate (pipeline)"


class BudgetLine(BaseModel):
    """Hours and DKK one process is expected to free in the budget year."""

    model_config = ConfigDict(frozen=True)

    process_key: str
    name: str
    name_en: str | None = None
    area: Area
    source: BudgetSource
    phase: Phase
    hours: Decimal
    dkk: Decimal

    def title(self, lang: str = "da") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


class BudgetFigures(BaseModel):
    """The budget projection for one year, per process and summed per area."""

    model_config = ConfigDict(frozen=True)

    year: int
    generated_at: datetime
    hourly_cost_dkk: Decimal
    net_hours_per_fte: Decimal
    lines: list[BudgetLine] = Field(default_factory=list)

    def by_area(self) -> list[tuple[Area, Decimal, Decimal, Decimal, Decimal]]:
        """``(area, measured hours, measured DKK, pipeline hours, pipeline DKK)`` for areas with lines."""
        out = []
        for area in Area:
            lines = [ln for ln in self.lines if ln.area is area]
            if not lines:
                continue
            m = [ln for ln in lines if ln.source is BudgetSource.MEASURED]
            p = [ln for ln in lines if ln.source is BudgetSource.PIPELINE]
            out.append(
                (
                    area,
                    sum((x.hours for x in m), Decimal(0)),
                    sum((x.dkk for x in m), Decimal(0)),
                    sum((x.hours for x in p), Decimal(0)),
                    sum((x.dkk for x in p), Decimal(0)),
                )
            )
        return out
