"""Business-case formulas against worked examples (docs/catalogue.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sepbots.catalogue.business_case import (
    Basis,
    BusinessCaseInputs,
    compute,
    estimate,
    manual_hours,
    npv,
    payback_months,
)
from sepbots.catalogue.settings import GainsSettings

from .conftest import make_process

D = Decimal


@pytest.mark.parametrize(
    ("n", "minutes", "share", "hours", "fte", "dkk"),
    [
        # Horsens: 200,000 invoices × 5 min = 16,667 hours ≈ 10.24 net FTE ≈ 6.67 mio. DKK at 400 DKK/h
        (200_000, 5, 1, "16666.67", "10.24", "6666666.67"),
        (200_000, 5, "0.6", "10000.00", "6.14", "4000000.00"),
        (1_500, 5, "0.8", "100.00", "0.06", "40000.00"),
        (2_640, "204.5", "0.7", "6298.60", "3.87", "2519440.00"),
        (0, 5, 1, "0.00", "0.00", "0.00"),
    ],
)
def test_hours_fte_and_money(n: int, minutes: object, share: object, hours: str, fte: str, dkk: str) -> None:
    """Saved hours = N × min / 60 × share, FTE = hours / 1,628, benefit = hours × 400 DKK, rounded half-up."""
    process = make_process(
        occurrences_per_year={"value": n, "estimate": True},
        minutes_per_occurrence={"value": minutes, "estimate": True},
        automation_share={"value": share, "estimate": True},
    )
    case = estimate(process, GainsSettings())
    assert case.saved_hours_per_year == D(hours)
    assert case.fte == D(fte)
    assert case.benefit_dkk_per_year == D(dkk)


def test_horsens_manual_hours_round_to_16667() -> None:
    """The research's check: 200,000 invoices × 5 minutes is 16,667 hours when rounded to whole hours."""
    assert round(manual_hours(D(200_000), D(5))) == 16_667


@pytest.mark.parametrize(
    ("invest", "net", "rate", "years", "expected"),
    [
        (200_000, 100_000, "0.035", 5, "251505.24"),  # annuity factor 4.5150524
        (50_000, 20_000, "0.035", 3, "6032.74"),
        (50_000, 20_000, "0.04", 3, "5501.82"),  # the pre-2021 rate
        (0, 1_000, "0", 4, "4000.00"),
        (10_000, 0, "0.035", 5, "-10000.00"),
    ],
)
def test_npv_worked_examples(invest: int, net: int, rate: str, years: int, expected: str) -> None:
    """NPV = −I0 + Σ Net/(1+r)^t matches hand-computed values to the øre."""
    assert npv(D(invest), [D(net)] * years, D(rate)).quantize(D("0.01")) == D(expected)


@pytest.mark.parametrize(
    ("invest", "first", "net", "expected"),
    [
        (200_000, 100_000, 100_000, "24"),
        (200_000, 3_965_000, 3_965_000, "0.605296"),
        (0, 5_000, 5_000, "0"),
        (10_000, 0, 0, None),
        (10_000, -5, -5, None),
        (100_000, 50_000, 100_000, "18"),  # ramp-up: year 1 pays 50,000, the rest takes half of year 2
        (100_000, 150_000, 300_000, "8"),  # paid back inside year 1 at year 1's rate
    ],
)
def test_payback_months(invest: int, first: int, net: int, expected: str | None) -> None:
    """Payback = months until the cumulative net (year 1 at its ramp-up rate) reaches I0; never if it cannot."""
    result = payback_months(D(invest), D(first), D(net))
    if expected is None:
        assert result is None
    else:
        assert result is not None
        assert result.quantize(D("0.000001")) == D(expected)


def test_full_case_with_costs_and_settings() -> None:
    """A whole case: 1,000 × 15 min at 400 DKK/h = 100,000 DKK/yr; 200,000 build, 0 running → NPV 251,505.24."""
    process = make_process(
        costs={
            "implementation_dkk": {"value": 200_000, "estimate": True},
            "running_dkk_per_year": {"value": 0, "estimate": True},
        }
    )
    case = estimate(process, GainsSettings(ramp_up_share=D(1)))
    assert case.benefit_dkk_per_year == D("100000.00")
    assert case.net_dkk_per_year == D("100000.00")
    assert case.payback_months == D("24.0")
    assert case.npv_dkk == D("251505.24")
    assert case.basis is Basis.ESTIMATE


def test_ramp_up_licences_and_operations() -> None:
    """Benefit 100,000; costs 1,000 running + 5,000 licences + 10 h × 400 operations = 10,000 a year;
    year 1 at 50 %: net 40,000, later 90,000; payback 12 + 160,000 / 90,000 × 12 = 33.3 months;
    NPV = −200,000 + 40,000/1.035 + Σ_{t=2..5} 90,000/1.035^t = 158,045.54."""
    process = make_process(costs={
        "implementation_dkk": {"value": 200_000, "estimate": True},
        "running_dkk_per_year": {"value": 1_000, "estimate": True},
        "licence_dkk_per_year": {"value": 5_000, "estimate": True},
        "operations_hours_per_year": {"value": 10, "estimate": True},
    })
    case = estimate(process, GainsSettings())
    assert (case.licence_dkk_per_year, case.operations_dkk_per_year) == (D("5000.00"), D("4000.00"))
    assert case.costs_dkk_per_year == D("10000.00")
    assert (case.net_dkk_first_year, case.net_dkk_per_year) == (D("40000.00"), D("90000.00"))
    assert case.payback_months == D("33.3")
    assert case.npv_dkk == D("158045.54")
    assert case.unit == "sager"  # the default counting unit, plural


def test_settings_change_the_case() -> None:
    """Hourly cost, net hours per FTE, discount rate and horizon are all taken from the settings."""
    process = make_process(
        costs={
            "implementation_dkk": {"value": 50_000, "estimate": True},
            "running_dkk_per_year": {"value": 0, "estimate": True},
        },
        occurrences_per_year={"value": 1000, "estimate": True},
        minutes_per_occurrence={"value": 3, "estimate": True},
    )
    settings = GainsSettings(
        hourly_cost_dkk=D(400), net_hours_per_fte=D(1600), discount_rate=D("0.04"), horizon_years=3,
        ramp_up_share=D(1),
    )
    case = estimate(process, settings)
    assert case.saved_hours_per_year == D("50.00")
    assert case.fte == D("0.03")
    assert case.net_dkk_per_year == D("20000.00")
    assert case.npv_dkk == D("5501.82")


def test_costs_derived_from_development_hours() -> None:
    """Without stated costs, I0 = development hours × developer rate and running = 15 % of I0 per year."""
    process = make_process(development_hours={"value": 100, "estimate": True})
    case = estimate(process, GainsSettings())
    assert case.implementation_dkk == D("40000.00")
    assert case.running_dkk_per_year == D("6000.00")
    assert case.costs_estimated is True


def test_measured_case_uses_the_measured_run_rate() -> None:
    """A measured case takes measured volume and share and the measured saved hours (credited − handling − review)."""
    process = make_process()
    inputs = BusinessCaseInputs(
        occurrences_per_year=D(1200),
        minutes_per_occurrence=D(15),
        automation_share=D("0.75"),
        saved_hours_per_year=D(200),
    )
    case = compute(process, inputs, GainsSettings(), Basis.MEASURED)
    assert case.manual_hours_per_year == D("300.00")
    assert case.saved_hours_per_year == D("200.00")
    assert case.benefit_dkk_per_year == D("80000.00")
    assert case.basis is Basis.MEASURED


def test_money_is_decimal() -> None:
    """Every money and hour figure of a case is a Decimal, never a float."""
    case = estimate(make_process(), GainsSettings())
    for name in ("saved_hours_per_year", "benefit_dkk_per_year", "npv_dkk", "net_dkk_per_year", "fte"):
        assert isinstance(getattr(case, name), Decimal)


def test_one_off_process_counts_its_benefit_once() -> None:
    """A one-off task (a migration) has a one-year NPV horizon: −200,000 + 100,000 / 1.035 = −103,381.64."""
    process = make_process(one_off=True, costs={"implementation_dkk": {"value": 200_000, "estimate": True},
                                                 "running_dkk_per_year": {"value": 0, "estimate": True}})
    case = estimate(process, GainsSettings())  # no ramp-up for a one-off
    assert case.horizon_years == 1
    assert case.npv_dkk == D("-103381.64")


def test_kroner_per_hour_follow_from_the_fte_cost() -> None:
    """kr/h = FTE cost / net hours (600,000 / 1,500 = 400); one given fills the other; two that disagree are refused."""
    import pydantic

    assert GainsSettings(fte_cost_dkk=D(600_000), net_hours_per_fte=D(1500)).hourly_cost_dkk == D(400)
    assert GainsSettings(hourly_cost_dkk=D(350)).fte_cost_dkk == D(569_800)
    assert GainsSettings().hourly_cost_dkk == D(400) and GainsSettings().fte_cost_dkk == D(651_200)
    with pytest.raises(pydantic.ValidationError, match="disagree"):
        GainsSettings(fte_cost_dkk=D(600_000), hourly_cost_dkk=D(400))
