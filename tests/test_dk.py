"""Tests for sepbots.dk: CPR, CVR, EAN/GLN, Danish decimals and dates, sample-data generators."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, ValidationError

import sepbots.dk as dk
from sepbots.dk import (
    CPR,
    CPRNumber,
    CVRNumber,
    DanishFormatError,
    DecimalSeparator,
    EANNumber,
    Sex,
    cpr_birth_date,
    ean_check_digit,
    format_danish_date,
    format_danish_decimal,
    format_kroner,
    format_long_date_da,
    is_valid_cvr,
    is_valid_ean,
    parse_cpr,
    parse_cvr,
    parse_danish_date,
    parse_danish_decimal,
    parse_ean,
    parse_ore,
    random_cpr,
    random_cvr,
)


def test_public_api_is_exported() -> None:
    """Every name the redaction code and bots import is in sepbots.dk.__all__ and resolves."""
    expected = {
        "DanishFormatError", "cpr_birth_date", "CPR", "Sex", "parse_cpr", "CPRNumber",
        "parse_cvr", "is_valid_cvr", "CVRNumber", "parse_ean", "is_valid_ean", "EANNumber",
        "ean_check_digit", "parse_danish_decimal", "parse_ore", "format_danish_decimal",
        "format_kroner", "parse_danish_date", "format_danish_date", "format_long_date_da",
        "random_cpr", "random_cvr",
    }  # fmt: skip
    assert expected <= set(dk.__all__)
    assert all(hasattr(dk, name) for name in dk.__all__)


# --- CPR: century rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yy", "digit7", "year"),
    [
        ("00", "0", 1900), ("99", "3", 1999), ("36", "1", 1936),
        ("36", "4", 2036), ("37", "4", 1937), ("99", "4", 1999),
        ("36", "9", 2036), ("37", "9", 1937), ("00", "9", 2000),
        ("57", "5", 2057), ("58", "5", 1858), ("00", "6", 2000),
        ("57", "8", 2057), ("58", "8", 1858), ("99", "7", 1899),
    ],
)  # fmt: skip
def test_century_rule(yy: str, digit7: str, year: int) -> None:
    """Digit 7 with the two-digit year resolves the century at the 36/37 and 57/58 boundaries."""
    assert cpr_birth_date(f"0101{yy}{digit7}234") == date(year, 1, 1)


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("2902004234", date(2000, 2, 29)),  # 2000 is a leap year (divisible by 400)
        ("2902005234", date(2000, 2, 29)),  # digit 7 = 5, yy 00 → 2000
        ("2902000234", None),  # 1900 is not a leap year
        ("2902605234", date(1860, 2, 29)),  # 1860 is a leap year
        ("2902595234", None),  # 1859 is not
        ("2902961234", date(1996, 2, 29)),
        ("2902969234", date(1996, 2, 29)),
        ("2902971234", None),
        ("2802971234", date(1997, 2, 28)),
    ],
)
def test_feb_29_uses_resolved_century(digits: str, expected: date | None) -> None:
    """29 February is accepted only in leap years of the century digit 7 selects."""
    assert cpr_birth_date(digits) == expected


@pytest.mark.parametrize("digits", ["0001651234", "3201651234", "0100651234", "0113651234", "3104651234"])
def test_birth_date_none_for_impossible_day_or_month(digits: str) -> None:
    """Day 0, day 32, month 0, month 13 and 31 April give no birth date."""
    assert cpr_birth_date(digits) is None


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_birth_date_matches_calendar_oracle(digits: str) -> None:
    """For any 10 digits, cpr_birth_date agrees with datetime.date on the century-resolved year."""
    year = dk.cpr_century_year(int(digits[4:6]), int(digits[6]))
    try:
        expected: date | None = date(year, int(digits[2:4]), int(digits[0:2]))
    except ValueError:
        expected = None
    assert cpr_birth_date(digits) == expected


@pytest.mark.parametrize(
    "digits",
    ["010165123", "01016512345", "010165-123", "01016512a4", "０１０１６５１２３４", "", "0101651²34"],
)
def test_birth_date_none_for_non_ten_ascii_digits(digits: str) -> None:
    """cpr_birth_date answers None, never raises, for anything but exactly 10 ASCII digits."""
    assert cpr_birth_date(digits) is None


@pytest.mark.parametrize("digits", ["010165123", "01016512a4", "０１０１６５１２３４"])
def test_cpr_constructor_rejects_non_ten_ascii_digits(digits: str) -> None:
    """CPR(digits) refuses malformed digits with a message showing only their shape."""
    with pytest.raises(DanishFormatError, match="exactly 10 ASCII digits") as info:
        CPR(digits)
    assert "0165" not in str(info.value)


# --- CPR: parsing, sex, masking ----------------------------------------------------------------


def test_cpr_without_modulus11_is_accepted() -> None:
    """A 1 January 1965 number failing modulus 11 (weighted sum 91) parses and reports it."""
    cpr = parse_cpr("010165-1234")
    assert cpr.birth_date == date(1965, 1, 1)
    assert cpr.has_modulus11 is False


def test_cpr_with_modulus11_reports_it() -> None:
    """A number whose weighted sum is 88 (= 8 × 11) reports has_modulus11."""
    assert parse_cpr("0101651231").has_modulus11 is True


@pytest.mark.parametrize(
    "text",
    ["010165-1234", "0101651234", "  010165-1234\n", "010165\u20131234", "010165 1234", "010165\u22121234"],
)
def test_parse_cpr_accepts_layouts(text: str) -> None:
    """Dash, no dash, surrounding whitespace, Word's en dash, a space or a minus sign all parse."""
    cpr = parse_cpr(text)
    assert cpr.digits == "0101651234"
    assert cpr.formatted == "010165-1234"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("010165-123", "must be written DDMMYY-SSSS"),
        ("01016512345", "must be written DDMMYY-SSSS"),
        ("0101-651234", "must be written DDMMYY-SSSS"),
        ("010165--1234", "must be written DDMMYY-SSSS"),
        ("01016512a4", "only digits"),
        ("3102651234", "day (digits 1–2) does not exist"),
        ("0113651234", "month (digits 3–4) is not 01–12"),
        ("2902000234", "day (digits 1–2) does not exist"),
    ],
)
def test_parse_cpr_rejects_with_reason_and_never_echoes_digits(text: str, reason: str) -> None:
    """Bad CPR input raises DanishFormatError naming the reason, in both languages, without its digits."""
    with pytest.raises(DanishFormatError) as info:
        parse_cpr(text)
    message = str(info.value)
    assert reason in message
    assert info.value.reason_da and info.value.reason_da != message
    assert info.value.kind == "cpr"
    for leaked in (text[:4], text[-4:]):
        assert leaked not in message
        assert leaked not in info.value.reason_da


def test_parse_cpr_rejects_non_text() -> None:
    """An int (which would have lost a leading zero) is refused rather than converted."""
    with pytest.raises(DanishFormatError, match="must be text"):
        parse_cpr(101651234)  # type: ignore[arg-type]  # the test checks that a wrong type is refused


@pytest.mark.parametrize(("text", "sex"), [("0101651231", Sex.MALE), ("0101651234", Sex.FEMALE)])
def test_sex_from_last_digit(text: str, sex: Sex) -> None:
    """An odd last digit means male, an even one female."""
    assert parse_cpr(text).sex is sex


def test_masking_never_shows_serial() -> None:
    """str, repr, f-strings and containers show DDMMYY-XXXX and never the serial."""
    cpr = parse_cpr("150372-9876")
    shown = [str(cpr), repr(cpr), f"{cpr}", str([cpr]), str({"cpr": cpr}), cpr.masked]
    assert cpr.masked == "150372-XXXX"
    for text in shown:
        assert "9876" not in text
        assert "150372-XXXX" in text


def test_constructing_cpr_directly_validates() -> None:
    """CPR(digits) rejects a non-date just like parse_cpr."""
    with pytest.raises(DanishFormatError, match="no valid birth date"):
        CPR("3102651234")


def test_pydantic_cpr_types_normalise_and_hide_input() -> None:
    """CPRNumber and CPR fields normalise input; with hide_input_in_errors the number is never echoed."""

    class Claim(BaseModel):
        model_config = ConfigDict(hide_input_in_errors=True)
        cpr: CPRNumber
        person: CPR

    claim = Claim(cpr=" 0101651234 ", person="010165-1234")
    assert claim.cpr == "010165-1234"
    assert claim.person == parse_cpr("0101651234")
    assert Claim.model_validate_json(claim.model_dump_json()) == claim
    with pytest.raises(ValidationError) as info:
        Claim(cpr="3102651234", person="3102651234")
    assert "no valid birth date" in str(info.value)
    assert "3102651234" not in str(info.value)


# --- CVR ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("13748136", "13748136"),  # Erhvervsstyrelsen's worked example
        ("24256790", "24256790"),  # Novo Nordisk A/S: weighted sum 132 = 12 × 11
        ("DK22756214", "22756214"),  # A.P. Møller - Mærsk A/S: 121 = 11 × 11
        ("dk 61 05 64 16", "61056416"),  # Carlsberg A/S: 88 = 8 × 11
        ("  13-74-81-36 ", "13748136"),
    ],
)
def test_cvr_valid(text: str, digits: str) -> None:
    """Real CVR numbers pass modulus 11 with or without DK prefix and group separators."""
    assert parse_cvr(text) == digits
    assert is_valid_cvr(text)


@pytest.mark.parametrize(
    ("text", "reason_en", "reason_da"),
    [
        ("13748137", "wrong check digit", "forkert kontrolciffer"),
        ("24256791", "wrong check digit", "forkert kontrolciffer"),
        ("03748136", "cannot start with 0", "kan ikke starte med 0"),
        ("1374813", "must be 8 digits", "skal have 8 cifre"),
        ("1374813X", "must be 8 digits", "skal have 8 cifre"),
        ("", "must be 8 digits", "skal have 8 cifre"),
    ],
)
def test_cvr_invalid(text: str, reason_en: str, reason_da: str) -> None:
    """Invalid CVR numbers raise with an English message and a Danish reason_da."""
    with pytest.raises(DanishFormatError, match=reason_en) as info:
        parse_cvr(text)
    assert reason_da in info.value.reason_da
    assert not is_valid_cvr(text)


def test_cvr_pydantic_type() -> None:
    """CVRNumber normalises to 8 digits and rejects a wrong check digit."""

    class Supplier(BaseModel):
        cvr: CVRNumber

    assert Supplier(cvr="DK 24 25 67 90").cvr == "24256790"
    with pytest.raises(ValidationError, match="wrong check digit"):
        Supplier(cvr="24256791")


# --- EAN / GLN ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first12", "check"),
    [
        ("579000000000", 5),  # 5 + 7·3 + 9 = 35 → 5
        ("579800000000", 1),  # 5 + 21 + 9 + 8·3 = 59 → 1
        ("400638133393", 1),  # the EAN-13 textbook example 4006381333931
        ("590123412345", 7),  # GS1's example 5901234123457
        ("000000000000", 0),
    ],
)
def test_ean_check_digit(first12: str, check: int) -> None:
    """The GS1 check digit matches hand-computed values and completes a valid EAN."""
    assert ean_check_digit(first12) == check
    assert parse_ean(first12 + str(check)) == first12 + str(check)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("5790000000004", "wrong check digit"),
        ("579000000000", "must be 13 digits"),
        ("57900000000O5", "13 digits"),
    ],
)
def test_ean_invalid(text: str, reason: str) -> None:
    """A wrong check digit or length is rejected with the reason."""
    with pytest.raises(DanishFormatError, match=reason):
        parse_ean(text)
    assert not is_valid_ean(text)


def test_ean_pydantic_type_accepts_grouped_input() -> None:
    """EANNumber strips spaces between groups and keeps 13 digits."""

    class Recipient(BaseModel):
        ean: EANNumber

    assert Recipient(ean="5 798000 000001").ean == "5798000000001"
    assert is_valid_ean("5798000000001")


# --- Danish decimals and kroner ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,56", "1234.56"), ("1234,56", "1234.56"), ("-1.234,56", "-1234.56"), ("1234", "1234"),
        ("1 234,56", "1234.56"), ("1\u00a0234,56", "1234.56"), ("kr. 1.234,56", "1234.56"),
        ("1.234,56 kr.", "1234.56"), ("DKK 12,50", "12.50"), ("\u22125,5", "-5.5"), ("1.234", "1234"),
        ("1.234.567,891", "1234567.891"), ("100,-", "100"), ("kr. -12,00", "-12.00"), ("+3", "3"),
        ("-0,00", "0"), ("1,234", "1.234"), ("7,5", "7.5"), ("1.234,56-", "-1234.56"),
    ],
)  # fmt: skip
def test_parse_danish_decimal(text: str, value: str) -> None:
    """Danish grouping, currency markers, signs, ',-' and any number of decimals parse exactly."""
    assert parse_danish_decimal(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "value"), [("1234.56", "1234.56"), ("37.5", "37.5"), ("1,234.5", "1234.5"), ("1.234", "1.234")]
)
def test_parse_danish_decimal_with_a_period_file(text: str, value: str) -> None:
    """With DecimalSeparator.PERIOD the dot is the decimal mark and the comma groups thousands."""
    assert parse_danish_decimal(text, DecimalSeparator.PERIOD) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1,234.56", "ambiguous"),
        ("12.50", "only groups thousands in threes"),
        ("1234.56", "only groups thousands in threes"),
        ("1.234.56", "only groups thousands in threes"),
        ("12.345.67", "only groups thousands in threes"),
        ("1.23.4", "only groups thousands in threes"),
        ("1 234.567,5", "grouped in threes"),
        ("1234.567", "grouped in threes"),
        ("", "expected digits"),
        ("kr.", "expected digits"),
        ("1,", "expected digits"),
        (",5", "expected digits"),
        ("abc", "expected digits"),
        ("--5", "more than one sign"),
        ("-5-", "more than one sign"),
        ("kr. 5 kr.", "currency written twice"),
    ],
)
def test_parse_danish_decimal_errors(text: str, reason: str) -> None:
    """Malformed or ambiguous numbers raise DanishFormatError quoting the text and the reason."""
    with pytest.raises(DanishFormatError, match=reason) as info:
        parse_danish_decimal(text)
    assert repr(text) in str(info.value)
    assert info.value.reason_da and info.value.kind == "decimal"


# --- Amounts: parse_ore, the one amount parser -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ore"),
    [
        ("1.234,50", 123450), ("1234,5", 123450), ("0,01", 1), ("12", 1200), ("1.000.000,00", 100_000_000),
        ("1.234", 123400),  # a dot before three digits groups thousands
        ("1 234,56", 123456), ("1\u00a0234,56", 123456), ("1\u202f234,56", 123456), (" 1 234,56 ", 123456),
    ],
)  # fmt: skip
def test_amount_text_with_decimal_comma_and_grouped_thousands(text: str, ore: int) -> None:
    """Rule 1: the comma is the decimal mark; thousands are grouped in threes by '.' or a space kind."""
    assert parse_ore(text) == ore


@pytest.mark.parametrize(
    ("text", "ore"),
    [("12,50 kr.", 1250), ("kr. 12,50", 1250), ("12,50 kr", 1250), ("DKK 1.234,50", 123450), ("100,-", 10000),
     ("100,- kr.", 10000)],
)  # fmt: skip
def test_amount_text_with_currency_and_whole_kroner(text: str, ore: int) -> None:
    """Rule 2: 'kr.', 'kr' or 'DKK' before or after the number; ',-' means whole kroner."""
    assert parse_ore(text) == ore


@pytest.mark.parametrize(
    ("text", "ore"),
    [("-1.234,50", -123450), ("\u22121.234,50", -123450), ("+7,00", 700), ("kr. -12,50", -1250),
     ("-12,50 kr.", -1250), ("1.234,56-", -123456), ("12,50 - kr.", -1250), ("-0,00", 0)],
)  # fmt: skip
def test_amount_text_signs(text: str, ore: int) -> None:
    """Rule 3: one sign — leading '-', '+' or '−' (also after 'kr.'), or a bank's trailing '-'."""
    assert parse_ore(text) == ore


@pytest.mark.parametrize("text", ["12.50", "1234.5", "12.5 kr.", "-0.01"])
def test_a_dot_before_one_or_two_digits_is_refused_in_a_comma_file(text: str) -> None:
    """Rule 4: '12.50' in a comma file is not read as 12,50 nor as 1.250 — the error says what to do."""
    with pytest.raises(DanishFormatError, match=r"only groups thousands in threes.*read the file with '\.' as its decimal mark") as info:
        parse_ore(text)
    assert repr(text) in str(info.value) and info.value.kind == "amount"
    assert "læs filen med '.' som decimaltegn" in info.value.reason_da


def test_the_refusal_suggests_the_danish_spelling() -> None:
    """The '12.50' refusal names the Danish way to write it when there is one."""
    with pytest.raises(DanishFormatError, match="write '12,50'") as info:
        parse_ore("12.50")
    assert "skriv '12,50'" in info.value.reason_da


@pytest.mark.parametrize(("text", "ore"), [("12.50", 1250), ("1,234.56", 123456), ("-12.5", -1250), ("1,234", 123400),
                                           ("1 234.56 DKK", 123456), ("1234.56-", -123456)])  # fmt: skip
def test_period_decimal_only_when_the_caller_says_so(text: str, ore: int) -> None:
    """Rule 5: camt XML, English CSV and banks writing 1,234.56 are read with DecimalSeparator.PERIOD."""
    assert parse_ore(text, DecimalSeparator.PERIOD) == ore


@pytest.mark.parametrize(("text", "decimal"), [("12,50", DecimalSeparator.PERIOD), ("1.234,56", DecimalSeparator.PERIOD),
                                               ("100,-", DecimalSeparator.PERIOD)])  # fmt: skip
def test_a_period_file_refuses_danish_text(text: str, decimal: DecimalSeparator) -> None:
    """The rule is symmetric: a period file refuses a comma before one or two digits and ',-'."""
    with pytest.raises(DanishFormatError) as info:
        parse_ore(text, decimal)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize("text", ["1,000", "1,005", "1,234", "0,125"])
def test_amount_text_has_at_most_two_decimals(text: str) -> None:
    """Rule 6: three digits after the comma are refused — '1,000' may be an English thousand."""
    with pytest.raises(DanishFormatError, match="at most two decimals") as info:
        parse_ore(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("1,234.56", "ambiguous"), ("1.23,45", "grouped in threes"), ("1.234 567,00", "grouped in threes"),
     ("--5", "more than one sign"), ("-5-", "more than one sign"), ("kr. 5 kr.", "currency written twice"),
     ("", "expected digits"), ("ti kroner", "expected digits"), ("1e3", "expected digits")],
)  # fmt: skip
def test_malformed_amount_text_is_refused_naming_the_text(text: str, reason: str) -> None:
    """Rule 7: anything else raises DanishFormatError (kind 'amount') quoting the text and the reason in both languages."""
    with pytest.raises(DanishFormatError, match=reason) as info:
        parse_ore(text)
    assert repr(text) in str(info.value) and info.value.kind == "amount"
    assert str(info.value) == f"{info.value.reason_da} / {info.value.reason}"


def test_workbook_numbers_become_ore_and_finer_values_are_refused() -> None:
    """Rule 8: int, float and Decimal cells are kroner; no separator question; finer than øre is refused."""
    assert (parse_ore(7), parse_ore(1234.56), parse_ore(0.1 + 0.2), parse_ore(Decimal("12.30"))) == (700, 123456, 30, 1230)
    assert parse_ore(Decimal("1.000")) == 100 and parse_ore(-12.5) == -1250
    for bad in (12.345, Decimal("1.005")):
        with pytest.raises(DanishFormatError, match="finer than whole øre") as info:
            parse_ore(bad)
        assert str(bad) in str(info.value)
    not_kroner: tuple[object, ...] = (True, None, float("nan"), Decimal("Infinity"), [1])
    for value in not_kroner:
        with pytest.raises(DanishFormatError, match="expected kroner"):
            parse_ore(value)


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (Decimal("1234.56"), 2, "1.234,56"), (Decimal("-1234567.005"), 2, "-1.234.567,01"),
        (Decimal("0.125"), 2, "0,13"), (Decimal("-0.001"), 2, "0,00"), (1234, 0, "1.234"),
        (Decimal("999.5"), 0, "1.000"), (Decimal("5"), 3, "5,000"),
    ],
)  # fmt: skip
def test_format_danish_decimal(value: Decimal, decimals: int, text: str) -> None:
    """Formatting groups thousands with '.', uses ',' and rounds half up without a '-0'."""
    assert format_danish_decimal(value, decimals) == text


@pytest.mark.parametrize(("ore", "text"), [(123456, "1.234,56 kr."), (-5, "-0,05 kr."), (0, "0,00 kr.")])
def test_format_kroner(ore: int, text: str) -> None:
    """Øre are shown as kroner with two decimals and 'kr.'."""
    assert format_kroner(ore) == text


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_decimal_round_trip(value: Decimal) -> None:
    """Any two-decimal amount survives format_danish_decimal → parse_danish_decimal and øre/kroner."""
    assert parse_danish_decimal(format_danish_decimal(value)) == value
    ore = int(value * 100)
    assert parse_ore(format_kroner(ore)) == ore


@given(st.integers(min_value=0, max_value=6), st.integers(min_value=-(10**15), max_value=10**15))
def test_decimal_round_trip_any_precision(decimals: int, units: int) -> None:
    """Numbers with 0–6 decimals round-trip through the Danish text form."""
    value = Decimal(units).scaleb(-decimals)
    assert parse_danish_decimal(format_danish_decimal(value, decimals)) == value


# --- Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["05-02-2008", "05.02.2008", "05/02/2008", "5.2.2008", "5-2-2008", "2008-02-05", " 05-02-2008 "]
)
def test_parse_danish_date(text: str) -> None:
    """Danish layouts with -, . or / and ISO dates all give 5 February 2008."""
    assert parse_danish_date(text) == date(2008, 2, 5)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("05-02-08", "four digits"),
        ("5.2.08", "four digits"),
        ("31-04-2024", "no such day"),
        ("29-02-2023", "no such day"),
        ("05-02/2008", "expected dd-mm-yyyy"),
        ("2008/02/05", "expected dd-mm-yyyy"),
        ("5 feb 2008", "expected dd-mm-yyyy"),
        ("", "expected dd-mm-yyyy"),
    ],
)
def test_parse_danish_date_errors(text: str, reason: str) -> None:
    """Two-digit years, impossible days and unknown layouts are refused with a reason."""
    with pytest.raises(DanishFormatError, match=reason) as info:
        parse_danish_date(text)
    assert info.value.kind == "date"


def test_date_error_hides_a_pasted_cpr() -> None:
    """A CPR number pasted into a date field is not quoted in the error."""
    with pytest.raises(DanishFormatError) as info:
        parse_danish_date("010165-1234")
    assert "1234" not in str(info.value)
    assert "CPR-like number hidden" in str(info.value)


@pytest.mark.parametrize(
    ("d", "short", "long"),
    [
        (date(2008, 2, 5), "05-02-2008", "tirsdag den 5. februar 2008"),
        (date(2000, 1, 1), "01-01-2000", "lørdag den 1. januar 2000"),
        (date(2023, 12, 24), "24-12-2023", "søndag den 24. december 2023"),
    ],
)
def test_format_dates(d: date, short: str, long: str) -> None:
    """Short dates are dd-mm-yyyy and long dates follow CLDR da_DK."""
    assert format_danish_date(d) == short
    assert format_long_date_da(d) == long


@given(st.dates())
def test_date_round_trip(d: date) -> None:
    """Every date survives format_danish_date → parse_danish_date."""
    assert parse_danish_date(format_danish_date(d)) == d


# --- Sample-data generators --------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=2**32), st.sampled_from([None, True, False]))
def test_random_cpr_always_parses(seed: int, modulus11: bool | None) -> None:
    """random_cpr yields numbers that parse back, lie in the date range and honour modulus11."""
    cpr = random_cpr(random.Random(seed), modulus11=modulus11)
    assert parse_cpr(cpr.formatted) == cpr
    assert date(1930, 1, 1) <= cpr.birth_date <= date(2010, 12, 31)
    if modulus11 is not None:
        assert cpr.has_modulus11 is modulus11


@pytest.mark.parametrize(
    ("born_from", "born_to"),
    [
        (date(1858, 1, 1), date(1899, 12, 31)),
        (date(2037, 1, 1), date(2057, 12, 31)),
        (date(2000, 2, 29), date(2000, 2, 29)),
    ],
)
def test_random_cpr_covers_century_edges(born_from: date, born_to: date) -> None:
    """Births in the 1800s, 2037–2057 and on a leap day get a digit 7 that encodes the right century."""
    rng = random.Random(7)
    for _ in range(200):
        cpr = random_cpr(rng, born_from=born_from, born_to=born_to)
        assert born_from <= cpr.birth_date <= born_to


def test_random_cpr_rejects_unencodable_range() -> None:
    """A birth range outside 1858–2057 cannot be encoded and is refused."""
    with pytest.raises(ValueError, match="1858-01-01"):
        random_cpr(random.Random(1), born_from=date(1850, 1, 1))


@given(st.integers(min_value=0, max_value=2**32))
def test_random_cvr_is_valid(seed: int) -> None:
    """random_cvr yields 8-digit numbers that pass parse_cvr."""
    cvr = random_cvr(random.Random(seed))
    assert parse_cvr(cvr) == cvr
