"""Business case per process, in ``Decimal``: hours, FTE, DKK, payback and net present value.

Formulas (OS2autoproces + standard investment maths; worked examples in docs/catalogue.md)::

    kr/h      = FTE cost / net hours per FTE    e.g. 651,200 / 1,628 = 400 kr./h
    H_manual  = N × t / 60                      N units a year × t baseline minutes per unit
    H_saved   = H_manual × a                    estimate (a = automation share), or the
                                                measured run-rate (credited − handling − review)
    FTE       = H_saved / net hours per FTE
    B         = H_saved × kr/h                  benefit, DKK a year
    C_year    = running + licences + operations hours × kr/h
    Net_t     = B × ramp_t − C_year             ramp_1 = ramp-up share (year 1), later years 1
    NPV       = −I_0 + Σ_{t=1..T} Net_t / (1+r)^t      r = 3.5 % (Finansministeriet)
    Payback   = months until Σ Net_t reaches I_0 (None when it never does)

A one-off process (``one_off: true``, e.g. a migration) counts its volume once: one year, no ramp-up.

Everything is computed at full ``Decimal`` precision (28 digits) and rounded once, at the end,
half-up: hours and FTE to 2 decimals, DKK to øre (2 decimals), payback to 1 decimal month.
"""

from __future__ import annotations

import enum
from decimal import ROUND_HALF_UP, Decimal, localcontext

from pydantic import BaseModel, ConfigDict

from sepbots.catalogue.models import Figure, Process
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
    """The volume and time figures a business case is computed from (units are the process's unit).

    ``saved_hours_per_year`` given: the measured run-rate; ``None``: ``N × t / 60 × a`` (estimate).
    """

    model_config = ConfigDict(frozen=True)

    occurrences_per_year: Decimal
    minutes_per_occurrence: Decimal
    automation_share: Decimal
    saved_hours_per_year: Decimal | None = None


class BusinessCase(BaseModel):
    """A computed business case (all money in DKK)."""

    model_config = ConfigDict(frozen=True)

    process_key: str
    basis: Basis
    unit: str
    occurrences_per_year: Decimal
    minutes_per_occurrence: Decimal
    automation_share: Decimal
    manual_hours_per_year: Decimal
    saved_hours_per_year: Decimal
    fte: Decimal
    benefit_dkk_per_year: Decimal
    implementation_dkk: Decimal
    running_dkk_per_year: Decimal
    licence_dkk_per_year: Decimal
    operations_dkk_per_year: Decimal
    costs_dkk_per_year: Decimal
    net_dkk_per_year: Decimal
    net_dkk_first_year: Decimal
    ramp_up_share: Decimal
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


def npv(investment: Decimal, nets: list[Decimal], rate: Decimal) -> Decimal:
    """``−I_0 + Σ_t Net_t / (1+r)^t`` at full precision (``nets[0]`` is year 1)."""
    total = -investment
    factor = Decimal(1) + rate
    for t, net in enumerate(nets, start=1):
        total += net / factor**t
    return total


def payback_months(investment: Decimal, first_year: Decimal, later_years: Decimal) -> Decimal | None:
    """Months until the cumulative net reaches ``I_0`` (year 1 at ``first_year``, then ``later_years``).

    ``None`` when it never does (later years' net ≤ 0 and year 1 does not cover it).
    """
    if investment <= 0:
        return Decimal(0)
    if first_year > 0 and first_year >= investment:
        return investment / first_year * TWELVE
    remaining = investment - first_year
    if later_years <= 0:
        return None
    return TWELVE + remaining / later_years * TWELVE


def _figure(fig: Figure | None) -> tuple[Decimal | None, bool]:
    return (None, False) if fig is None else (fig.value, fig.estimate)


def costs_for(process: Process, settings: GainsSettings) -> tuple[Decimal, Decimal, Decimal, Decimal, bool]:
    """``(I_0, running, licences, operations DKK, estimated)`` a year.

    Stated costs are used as given; a missing build cost is derived from development hours, a
    missing running cost as the running-cost share of the build cost; missing licences and
    operations hours count 0 and mark the costs as estimated.
    """
    costs = process.costs
    invest, estimated = _figure(costs.implementation_dkk)
    if invest is None:
        estimated = True
        hours = process.development_hours.value if process.development_hours is not None else Decimal(0)
        invest = hours * settings.developer_hourly_cost_dkk
    running, est = _figure(costs.running_dkk_per_year)
    estimated = estimated or est or running is None
    running = invest * settings.running_cost_share if running is None else running
    licence, est = _figure(costs.licence_dkk_per_year)
    estimated = estimated or est or licence is None
    ops_hours, est = _figure(costs.operations_hours_per_year)
    estimated = estimated or est or ops_hours is None
    operations = (ops_hours or Decimal(0)) * settings.hourly_cost_dkk
    return invest, running, licence or Decimal(0), operations, estimated


def compute(
    process: Process, inputs: BusinessCaseInputs, settings: GainsSettings, basis: Basis
) -> BusinessCase:
    """The business case for ``process`` from ``inputs`` (estimated or measured figures)."""
    with localcontext() as ctx:
        ctx.prec = 28
        h_manual = manual_hours(inputs.occurrences_per_year, inputs.minutes_per_occurrence)
        h_saved = (
            h_manual * inputs.automation_share
            if inputs.saved_hours_per_year is None
            else inputs.saved_hours_per_year
        )
        fte = h_saved / settings.net_hours_per_fte
        benefit = h_saved * settings.hourly_cost_dkk
        invest, running, licence, operations, estimated = costs_for(process, settings)
        yearly_costs = running + licence + operations
        net = benefit - yearly_costs
        ramp = Decimal(1) if process.one_off else settings.ramp_up_share
        first = benefit * ramp - yearly_costs
        years = 1 if process.one_off else settings.horizon_years
        nets = [first] + [net] * (years - 1)
        pb = payback_months(invest, first, net if years > 1 or not process.one_off else Decimal(0))
        return BusinessCase(
            process_key=process.key,
            basis=basis,
            unit=process.unit.label("da", 2),
            occurrences_per_year=inputs.occurrences_per_year,
            minutes_per_occurrence=inputs.minutes_per_occurrence,
            automation_share=inputs.automation_share,
            manual_hours_per_year=_q(h_manual),
            saved_hours_per_year=_q(h_saved),
            fte=_q(fte),
            benefit_dkk_per_year=_q(benefit),
            implementation_dkk=_q(invest),
            running_dkk_per_year=_q(running),
            licence_dkk_per_year=_q(licence),
            operations_dkk_per_year=_q(operations),
            costs_dkk_per_year=_q(yearly_costs),
            net_dkk_per_year=_q(net),
            net_dkk_first_year=_q(first),
            ramp_up_share=ramp,
            payback_months=None if pb is None else _q(pb, ONE),
            npv_dkk=_q(npv(invest, nets, settings.discount_rate)),
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
