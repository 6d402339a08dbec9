"""Danish dates: ``dd-mm-yyyy``, ``dd.mm.yyyy``, ``dd/mm/yyyy``, ``d.m.yyyy`` and ISO ``yyyy-mm-dd``.

Two-digit years are refused: ``01-02-30`` could be 1930 or 2030, and a robot must not guess.
The long form follows CLDR da_DK: ``tirsdag den 5. februar 2008``.
"""

from __future__ import annotations

import re
from datetime import date

from sepbots.dk.errors import DanishFormatError, safe_text

__all__ = ["format_danish_date", "format_long_date_da", "parse_danish_date"]

_DANISH = re.compile(r"(?P<d>[0-9]{1,2})(?P<sep>[-./])(?P<m>[0-9]{1,2})(?P=sep)(?P<y>[0-9]+)")
_ISO = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})")
_WEEKDAYS_DA = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
_MONTHS_DA = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip


def _error(text: str, en: str, da: str) -> DanishFormatError:
    return DanishFormatError(
        f"not a date {safe_text(text)}: {en}",
        reason_da=f"ikke en dato {safe_text(text)}: {da}",
        kind="date",
    )


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
        raise DanishFormatError(
            f"a date must be text, got {type(text).__name__}",
            reason_da=f"en dato skal være tekst, fik {type(text).__name__}",
            kind="date",
        )
    s = text.strip()
    match = _ISO.fullmatch(s) or _DANISH.fullmatch(s)
    if match is None:
        raise _error(
            text,
            "expected dd-mm-yyyy, dd.mm.yyyy, dd/mm/yyyy or yyyy-mm-dd",
            "forventede dd-mm-åååå, dd.mm.åååå, dd/mm/åååå eller åååå-mm-dd",
        )
    if len(match["y"]) != 4:
        raise _error(
            text,
            "the year must have four digits (a two-digit year is ambiguous)",
            "året skal have fire cifre (et tocifret år er tvetydigt)",
        )
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        raise _error(text, "no such day in the calendar", "den dag findes ikke i kalenderen") from None


def format_danish_date(d: date) -> str:
    """Format as ``dd-mm-yyyy`` (the da_DK short date)."""
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def format_long_date_da(d: date) -> str:
    """Format as in a Danish letter: ``tirsdag den 5. februar 2008``."""
    return f"{_WEEKDAYS_DA[d.weekday()]} den {d.day}. {_MONTHS_DA[d.month - 1]} {d.year}"
