"""Business case per process, in ``Decimal``: hours, FTE, DKK, payback and net present value.

Formulas (OS2autoproces + standard investment maths; worked examples in docs/catalogue.md)::

    H_manual  = N × t / 60                      hours a year done by hand today
    H_saved   = H_manual × a − H_handling       a = automation share; H_handling = time people
                                                spend on items the robot hands over (measured only)
    FTE       = H_saved / net_hours_per_fte
    B         = H_saved × hourly_cost           benefit, DKK a year
    Net       = B − C_run
    Payback   = I_0 / Net × 12                  months (None when Net ≤ 0)
    NPV       = −I_0 + Σ_{t=1..T} Net / (1+r)^t

A one-off process (``one_off: true``, e.g. a migration) counts its volume once: the NPV horizon
is one year.

Everything is computed at full ``Decimal`` precision (28 digits) and rounded once, at the end,
half-up: hours and FTE to 2 decimals, DKK to øre (2 decimals), payback to 1 decimal month.
"""

from __future__ import annotations

import enum
from decimal import ROUND_HALF_UP, Decimal, localcontext

from pydantic import BaseModel, ConfigDict

from sepbots.catalogue.models import Process
from sepbots.catalogue.settings import GainsSettings

TWO = Decimal("0.01")
ONE = Decimal("0.1")
SIXTY = Decimal(60)
TWELVE = Decimal(12)


class Basis(enum.StrEnum):
    """Where the figures of a business case come from."""

    ESTIMATE = "estimate"
    MEASURED = "measured"


class BusinessCaseInputs(BaseModel):
    """The volume and time figures a business case is computed from."""

    model_config = ConfigDict(frozen=True)

    occurrences_per_year: Decimal
    minutes_per_occurrence: Decimal
    automation_share: Decimal
    handling_hours_per_year: Decimal = Decimal(0)


class BusinessCase(BaseModel):
    """A computed business case (all money in DKK)."""

    model_config = ConfigDict(frozen=True)

    process_key: str
    basis: Basis
    occurrences_per_year: Decimal
    minutes_per_occurrence: Decimal
    automation_share: Decimal
    manual_hours_per_year: Decimal
    handling_hours_per_year: Decimal
    saved_hours_per_year: Decimal
    fte: Decimal
    benefit_dkk_per_year: Decimal
    implementation_dkk: Decimal
    running_dkk_per_year: Decimal
    net_dkk_per_year: Decimal
    payback_months: Decimal | None
    npv_dkk: Decimal
    horizon_years: int
    discount_rate: Decimal
    hourly_cost_dkk: Decimal
    net_hours_per_fte: Decimal
    costs_estimated: bool


def _q(value: Decimal, step: Decimal = TWO) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def manual_hours(occurrences: Decimal, minutes: Decimal) -> Decimal:
    """``N × t / 60`` at full precision."""
    return occurrences * minutes / SIXTY


def npv(investment: Decimal, net_per_year: Decimal, rate: Decimal, years: int) -> Decimal:
    """``−I_0 + Σ_{t=1..T} Net / (1+r)^t`` at full precision."""
    total = -investment
    factor = Decimal(1) + rate
    for t in range(1, years + 1):
        total += net_per_year / factor**t
    return total


def payback_months(investment: Decimal, net_per_year: Decimal) -> Decimal | None:
    """``I_0 / Net × 12``; ``None`` when the case never pays back (Net ≤ 0)."""
    if net_per_year <= 0:
        return None
    return investment / net_per_year * TWELVE


def costs_for(process: Process, settings: GainsSettings) -> tuple[Decimal, Decimal, bool]:
    """``(I_0, C_run, estimated)``: stated costs, else derived from development hours and the share setting."""
    estimated = False
    if process.costs.implementation_dkk is not None:
        invest = process.costs.implementation_dkk.value
        estimated = process.costs.implementation_dkk.estimate
    elif process.development_hours is not None:
        invest = process.development_hours.value * settings.developer_hourly_cost_dkk
        estimated = True
    else:
        invest = Decimal(0)
        estimated = True
    if process.costs.running_dkk_per_year is not None:
        running = process.costs.running_dkk_per_year.value
        estimated = estimated or process.costs.running_dkk_per_year.estimate
    else:
        running = invest * settings.running_cost_share
        estimated = True
    return invest, running, estimated


def compute(
    process: Process, inputs: BusinessCaseInputs, settings: GainsSettings, basis: Basis
) -> BusinessCase:
    """The business case for ``process`` from ``inputs`` (estimated or measured figures)."""
    with localcontext() as ctx:
        ctx.prec = 28
        h_manual = manual_hours(inputs.occurrences_per_year, inputs.minutes_per_occurrence)
        h_saved = h_manual * inputs.automation_share - inputs.handling_hours_per_year
        fte = h_saved / settings.net_hours_per_fte
        benefit = h_saved * settings.hourly_cost_dkk
        invest, running, estimated = costs_for(process, settings)
        net = benefit - running
        pb = payback_months(invest, net)
        years = 1 if process.one_off else settings.horizon_years
        value = npv(invest, net, settings.discount_rate, years)
        return BusinessCase(
            process_key=process.key,
            basis=basis,
            occurrences_per_year=inputs.occurrences_per_year,
            minutes_per_occurrence=inputs.minutes_per_occurrence,
            automation_share=inputs.automation_share,
            manual_hours_per_year=_q(h_manual),
            handling_hours_per_year=_q(inputs.handling_hours_per_year),
            saved_hours_per_year=_q(h_saved),
            fte=_q(fte),
            benefit_dkk_per_year=_q(benefit),
            implementation_dkk=_q(invest),
            running_dkk_per_year=_q(running),
            net_dkk_per_year=_q(net),
            payback_months=None if pb is None else _q(pb, ONE),
            npv_dkk=_q(value),
            horizon_years=years,
            discount_rate=settings.discount_rate,
            hourly_cost_dkk=settings.hourly_cost_dkk,
            net_hours_per_fte=settings.net_hours_per_fte,
            costs_estimated=estimated,
        )


def estimate(process: Process, settings: GainsSettings) -> BusinessCase:
    """The business case from the catalogue's estimated figures."""
    inputs = BusinessCaseInputs(
        occurrences_per_year=process.occurrences_per_year.value,
        minutes_per_occurrence=process.minutes_per_occurrence.value,
        automation_share=process.automation_share.value,
    )
    return compute(process, inputs, settings, Basis.ESTIMATE)
