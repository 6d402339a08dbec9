"""Danish dates: ``dd-mm-yyyy``, ``dd.mm.yyyy``, ``dd/mm/yyyy``, ``d.m.yyyy`` and ISO ``yyyy-mm-dd``.

Two-digit years are refused: ``01-02-30`` could be 1930 or 2030, and a robot must not guess.
The long form follows CLDR da_DK: ``tirsdag den 5. februar 2008``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sepbots.dk.errors import not_text, value_error

__all__ = ["format_danish_date", "format_long_date_da", "parse_date_cell", "parse_danish_date"]

_WEEKDAYS_DA = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
_MONTHS_DA = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip
_WHAT = ("a date", "en dato")
_LAYOUTS = ("expected dd-mm-yyyy, dd.mm.yyyy, dd/mm/yyyy or yyyy-mm-dd", "forventede dd-mm-åååå, dd.mm.åååå, dd/mm/åååå eller åååå-mm-dd")


def parse_danish_date(text: str) -> date:
    """Parse a Danish or ISO date.

    Args:
        text: e.g. ``"05-02-2008"``, ``"5.2.2008"``, ``"05/02/2008"``, ``"2008-02-05"``.

    Returns:
        The date.

    Raises:
        DanishFormatError: Unknown layout, a two-digit year, or a day/month that does not exist.
    """
    if not isinstance(text, str):
        raise not_text("date", text, _WHAT)
    return _parse(text, False)


def parse_date_cell(value: Any) -> date:
    """Parse a date cell of a workbook or bank export: what :func:`parse_danish_date` reads, and more.

    Besides the Danish and ISO layouts it takes ``date``/``datetime`` cells (the time is dropped),
    ISO with a time of day (``2024-01-05T10:00:00``) and year-first slashes (``2024/01/05``, as
    Nordea writes). Texts are parsed once per distinct value (a bounded cache): a bank
    reconciliation reads the same few hundred dates hundreds of thousands of times.

    Raises:
        DanishFormatError: not such a date, or not a real calendar day.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise not_text("date", value, _WHAT)
    return _parse(value, True)


@lru_cache(maxsize=20_000)
def _parse(text: str, cell_layouts: bool) -> date:
    """The one date parser (pure, so its cache is safe to share; failures are not cached)."""
    s = text.strip()
    if len(s) >= 10 and s[4] == "-" and s[7] == "-" and s[:4].isdigit():
        day, month, year, rest = s[8:10], s[5:7], s[:4], s[10:]
        if rest and not (cell_layouts and rest[0] in "T "):
            raise value_error("date", text, _WHAT, _LAYOUTS)
    else:
        sep = next((c for c in ".-/" if c in s), None)
        parts = s.split(sep) if sep else []
        if cell_layouts and sep == "/" and len(parts) == 3 and len(parts[0]) == 4 and 1 <= len(parts[2]) <= 2:
            parts.reverse()  # yyyy/mm/dd (Nordea)
        if len(parts) != 3 or not (1 <= len(parts[0]) <= 2 and 1 <= len(parts[1]) <= 2 and parts[2]):
            raise value_error("date", text, _WHAT, _LAYOUTS)
        day, month, year = parts
    if not all(p.isdigit() and p.isascii() for p in (day, month, year)):
        raise value_error("date", text, _WHAT, _LAYOUTS)
    if len(year) != 4:
        raise value_error("date", text, _WHAT, ("the year must have four digits (a two-digit year is ambiguous)",
                                                "året skal have fire cifre (et tocifret år er tvetydigt)"))
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise value_error("date", text, _WHAT, ("no such day in the calendar", "den dag findes ikke i kalenderen")) from None


def format_danish_date(d: date) -> str:
    """Format as ``dd-mm-yyyy`` (the da_DK short date)."""
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def format_long_date_da(d: date) -> str:
    """Format as in a Danish letter: ``tirsdag den 5. februar 2008``."""
    return f"{_WEEKDAYS_DA[d.weekday()]} den {d.day}. {_MONTHS_DA[d.month - 1]} {d.year}"
