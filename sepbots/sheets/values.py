"""Fast parsers for the cell values Danish spreadsheets and bank exports carry.

Amounts become integer øre (``"1.234,56"`` → ``123456``) and dates become :class:`datetime.date`
(``"05.01.2024"``, ``"05-01-2024"``, ``"05/01/2024"``, ISO ``"2024-01-05"`` or year first with
slashes, ``"2024/01/05"``, as Nordea writes). The parsers are
tight and specialised on purpose: a bank reconciliation parses hundreds of thousands of cells,
so a regular-expression full match plus integer arithmetic beats a general decimal parser.
Money never passes through a binary float except when a workbook stores it as one, and then it
is rounded to øre and refused when it carries more than two decimals.

The ``Ore`` and ``DanishDate`` annotated types plug these parsers into pydantic row models.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

__all__ = [
    "DanishDate",
    "DecimalSeparator",
    "Ore",
    "ValueFormatError",
    "format_ore",
    "parse_date",
    "parse_ore",
]


class ValueFormatError(ValueError):
    """A cell value that is not the amount or date it should be."""


class DecimalSeparator(StrEnum):
    """Which character separates kroner from øre in text amounts."""

    COMMA = ","  # Danish: 1.234,56
    PERIOD = "."  # international: 1,234.56


_SPACES = str.maketrans("", "", " \u00a0\u202f\t")
_AMOUNT_RE = {
    DecimalSeparator.COMMA: re.compile(r"([+-]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?(-?)"),
    DecimalSeparator.PERIOD: re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(-?)"),
}
_MAX_FLOAT_ERROR = 1e-6


def parse_ore(value: Any, decimal: DecimalSeparator = DecimalSeparator.COMMA) -> int:
    """Parse an amount in kroner into integer øre.

    Args:
        value: an ``int``/``float``/``Decimal`` in kroner, or text such as ``"-1.234,56"``,
            ``"1234,5"``, ``"1 234,56"`` or ``"1.234,56-"`` (trailing minus, as some banks write).
        decimal: the decimal separator text amounts use.

    Returns:
        The amount in øre.

    Raises:
        ValueFormatError: the value is empty, not an amount, or has more than two decimals.
    """
    if isinstance(value, bool):
        raise ValueFormatError(f"{value!r} er ikke et beløb / is not an amount")
    if isinstance(value, int):
        return value * 100
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueFormatError(f"{value!r} er ikke et beløb / is not an amount")
        scaled = value * 100
        ore = round(scaled)
        if abs(scaled - ore) > _MAX_FLOAT_ERROR * max(1.0, abs(scaled)):
            raise ValueFormatError(f"{value!r} har mere end to decimaler / has more than two decimals")
        return int(ore)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueFormatError(f"{value!r} er ikke et beløb / is not an amount")
        scaled_d = value * 100
        if scaled_d != scaled_d.to_integral_value():
            raise ValueFormatError(f"{value} har mere end to decimaler / has more than two decimals")
        return int(scaled_d)
    if not isinstance(value, str):
        raise ValueFormatError(f"{value!r} er ikke et beløb / is not an amount")
    match = _AMOUNT_RE[decimal].fullmatch(value.translate(_SPACES))
    if match is None:
        raise ValueFormatError(f"{value!r} er ikke et beløb / is not an amount")
    lead, whole, frac, trail = match.groups()
    if lead and trail:
        raise ValueFormatError(f"{value!r} er ikke et beløb / is not an amount")
    thousands = "." if decimal is DecimalSeparator.COMMA else ","
    ore = int(whole.replace(thousands, "")) * 100
    if frac:
        ore += int(frac) * (10 if len(frac) == 1 else 1)
    return -ore if (lead == "-" or trail == "-") else ore


def format_ore(ore: int) -> str:
    """Format øre as a Danish amount text, e.g. ``-123456`` → ``"-1.234,56"``."""
    sign = "-" if ore < 0 else ""
    kroner, rest = divmod(abs(ore), 100)
    return f"{sign}{kroner:,}".replace(",", ".") + f",{rest:02d}"


_DATE_CACHE: dict[str, date] = {}
_DATE_CACHE_LIMIT = 20_000


def parse_date(value: Any) -> date:
    """Parse a Danish or ISO date.

    Args:
        value: a ``date``/``datetime`` (the time is dropped) or text ``dd.mm.yyyy``,
            ``dd-mm-yyyy``, ``dd/mm/yyyy`` (day and month may have one digit), ``yyyy-mm-dd``
            or ``yyyy/mm/dd``.

    Returns:
        The date.

    Raises:
        ValueFormatError: the value is not such a date or not a real calendar day.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueFormatError(f"{value!r} er ikke en dato / is not a date")
    cached = _DATE_CACHE.get(value)
    if cached is not None:
        return cached
    parsed = _parse_date_text(value.strip())
    if len(_DATE_CACHE) < _DATE_CACHE_LIMIT:
        _DATE_CACHE[value] = parsed
    return parsed


def _parse_date_text(text: str) -> date:
    bad = ValueFormatError(f"{text!r} er ikke en dato (dd.mm.åååå) / is not a date (dd.mm.yyyy)")
    if len(text) >= 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
        parts = (text[8:10], text[5:7], text[:4])
        rest = text[10:]
        if rest and not rest.startswith(("T", " ")):
            raise bad
    else:
        for sep in ".-/":
            if sep in text:
                parts_list = text.split(sep)
                break
        else:
            raise bad
        if len(parts_list) == 3 and len(parts_list[0]) == 4 and 1 <= len(parts_list[2]) <= 2 and sep == "/":
            parts_list.reverse()  # yyyy/mm/dd (Nordea)
        if len(parts_list) != 3 or len(parts_list[2]) != 4 or not 1 <= len(parts_list[0]) <= 2:
            raise bad
        parts = (parts_list[0], parts_list[1], parts_list[2])
    if not all(p.isdigit() and p.isascii() for p in parts):
        raise bad
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        raise bad from None


def _to_ore(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value * 100
    return parse_ore(value)


def _decimal_from_ore(ore: int) -> Decimal:
    try:
        return Decimal(ore).scaleb(-2)
    except InvalidOperation:  # pragma: no cover - ints always convert
        raise ValueFormatError(repr(ore)) from None


Ore = Annotated[int, BeforeValidator(_to_ore), PlainSerializer(_decimal_from_ore, return_type=Decimal)]
"""An amount in øre read from a kroner cell (number or Danish text)."""

DanishDate = Annotated[date, BeforeValidator(parse_date)]
"""A date read from a date cell or Danish/ISO date text."""
