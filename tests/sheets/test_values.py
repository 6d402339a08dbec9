"""Danish amounts and dates: the fast parsers the sheets toolkit and the bank readers share."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sepbots.sheets import DecimalSeparator, ValueFormatError, format_ore, parse_date, parse_ore


@pytest.mark.parametrize(
    ("text", "ore"),
    [
        ("1.234,56", 123456),
        ("-1.234,56", -123456),
        ("1234,5", 123450),
        ("0,01", 1),
        ("12", 1200),
        (" 1 234,56 ", 123456),
        ("1.234,56-", -123456),
        ("+7,00", 700),
        ("1.000.000,00", 100_000_000),
    ],
)
def test_danish_amount_text_becomes_ore(text: str, ore: int) -> None:
    """Danish amount text (thousands dots, decimal comma, signs, spaces) parses to exact øre."""
    assert parse_ore(text) == ore


@pytest.mark.parametrize("text", ["12.50", "1,234.56", "abc", "", "1.23,45", "1,234", "--5", "-5-", "1e3"])
def test_malformed_danish_amounts_are_refused(text: str) -> None:
    """Text that is not a Danish amount (or is ambiguous) raises instead of guessing."""
    with pytest.raises(ValueFormatError):
        parse_ore(text)


def test_period_decimal_amounts_parse_when_configured() -> None:
    """Banks that write ``1,234.56`` (Nykredit) are read with the period separator."""
    assert parse_ore("1,234.56", DecimalSeparator.PERIOD) == 123456
    assert parse_ore("-12.5", DecimalSeparator.PERIOD) == -1250


def test_numbers_from_workbooks_become_ore_and_extra_decimals_are_refused() -> None:
    """Float and Decimal cells round to øre; a third decimal is an error, not a silent rounding."""
    assert parse_ore(1234.56) == 123456
    assert parse_ore(0.1 + 0.2) == 30
    assert parse_ore(Decimal("12.30")) == 1230
    assert parse_ore(7) == 700
    for bad in (12.345, Decimal("1.005"), True, None, float("nan")):
        with pytest.raises(ValueFormatError):
            parse_ore(bad)


@given(st.integers(min_value=-(10**13), max_value=10**13))
def test_format_and_parse_round_trip(ore: int) -> None:
    """Every øre amount survives formatting as Danish text and parsing back."""
    assert parse_ore(format_ore(ore)) == ore


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("05.01.2024", date(2024, 1, 5)),
        ("5-1-2024", date(2024, 1, 5)),
        ("05/01/2024", date(2024, 1, 5)),
        ("2024-01-05", date(2024, 1, 5)),
        ("2024-01-05T10:00:00", date(2024, 1, 5)),
        ("29.02.2024", date(2024, 2, 29)),
        ("2024/01/05", date(2024, 1, 5)),
        ("2024/1/5", date(2024, 1, 5)),
    ],
)
def test_danish_and_iso_dates_parse(text: str, day: date) -> None:
    """dd.mm.yyyy, dd-mm-yyyy, dd/mm/yyyy, ISO and Nordea's yyyy/mm/dd dates all parse."""
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["31.02.2024", "2024.01.05", "2024/02/30", "05.01.24", "i går", "", "05.01.2024x"])
def test_impossible_or_malformed_dates_are_refused(text: str) -> None:
    """Impossible days and two-digit years raise rather than guess."""
    with pytest.raises(ValueFormatError):
        parse_date(text)


def test_date_cells_pass_through() -> None:
    """Workbook date and datetime cells become plain dates."""
    assert parse_date(datetime(2024, 1, 5, 13, 0)) == date(2024, 1, 5)
    assert parse_date(date(2024, 1, 5)) == date(2024, 1, 5)
    with pytest.raises(ValueFormatError):
        parse_date(45000)


def test_one_parser_and_one_error_type_with_sepbots_dk() -> None:
    """The sheets parsers are sepbots.dk's: the same functions, DanishFormatError with both languages."""
    from sepbots import dk

    assert parse_ore is dk.parse_ore and parse_date is dk.parse_date_cell and ValueFormatError is dk.DanishFormatError
    with pytest.raises(dk.DanishFormatError) as err:
        parse_ore("ti kroner")
    assert err.value.kind == "amount" and "er ikke" not in err.value.reason
    assert str(err.value) == f"{err.value.reason_da} / {err.value.reason}"
    assert parse_date(" 05.01.2024 ") == dk.parse_danish_date("05.01.2024") == date(2024, 1, 5)
    with pytest.raises(dk.DanishFormatError, match="four digits"):
        parse_date("05.01.24")
