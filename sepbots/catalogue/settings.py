"""Settings for screening, business cases and measured gains (mounted as ``settings.gains``).

Defaults and their grounds (docs/catalogue.md, "Parameters"):

* ``hourly_cost_dkk`` 400 — the rate Statens Administration used in 2018 (itchefer.dk); a municipal
  clerk fully loaded is about 350–450 DKK/h (estimate).
* ``net_hours_per_fte`` 1,628 — gross 37 h × 52 weeks = 1,924 h (boligsektor.dk) minus six weeks'
  holiday (5 weeks ferie + 5 feriefridage = 222 h) minus ten weekday public holidays (74 h); within
  the research's 1,600–1,700 h estimate. Sickness is not deducted (set your own figure).
* ``discount_rate`` 0.035 — Finansministeriet's rate from 7 Jan 2021 (4 % before).
* ``horizon_years`` 5 — the upper end of the estimated 3–5-year robot life.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class GainsSettings(BaseModel):
    """Money, time and screening parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hourly_cost_dkk: Decimal = Field(Decimal("400"), gt=0, description="fully loaded cost of one staff hour")
    net_hours_per_fte: Decimal = Field(Decimal("1628"), gt=0, description="productive hours in one FTE-year")
    discount_rate: Decimal = Field(Decimal("0.035"), ge=0, lt=1, description="real discount rate per year")
    horizon_years: int = Field(5, ge=1, le=30, description="years the NPV counts")
    developer_hourly_cost_dkk: Decimal = Field(
        Decimal("400"), gt=0, description="values development hours when no implementation cost is given"
    )
    running_cost_share: Decimal = Field(
        Decimal("0.15"),
        ge=0,
        le=1,
        description="yearly running cost as a share of implementation when none is given (10–20 % est.)",
    )
    manual_handling_minutes: Decimal = Field(
        Decimal("5"), ge=0, description="minutes a person spends on an item the robot handed over"
    )
    high_potential_hours: Decimal = Field(
        Decimal("400"),
        ge=0,
        description="yearly hours from which a process counts as high potential (KL stars)",
    )
    score_hours_cap: Decimal = Field(
        Decimal("1628"), gt=0, description="yearly hours that earn the full potential part of the score"
    )
