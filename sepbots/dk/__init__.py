"""Danish data helpers: CPR, CVR, EAN/GLN, Danish decimals and kroner, Danish dates, sample data.

The one owner of Danish value parsing: :func:`parse_ore` is the one amount parser (bots and the
sheets toolkit's cells use it), :func:`parse_danish_decimal` reads other numbers by the same
grammar, and :mod:`sepbots.sheets` reads date cells with :func:`parse_date_cell`. Every parser
raises :class:`DanishFormatError` (a ``ValueError``) with an English ``reason`` and a Danish
``reason_da`` (its text carries both); no message ever contains a full CPR number.
``CPRNumber``, ``CVRNumber`` and ``EANNumber`` are pydantic field types; :class:`CPR` can be used
as a field type too. Import from ``sepbots.dk``; its modules are internal.
"""

from __future__ import annotations

from sepbots.dk.cpr import CPR, CPRNumber, Sex, cpr_birth_date, cpr_century_year, parse_cpr
from sepbots.dk.cvr import CVRNumber, cvr_check_digit, is_valid_cvr, parse_cvr
from sepbots.dk.dates import format_danish_date, format_long_date_da, parse_danish_date, parse_date_cell
from sepbots.dk.ean import EANNumber, ean_check_digit, is_valid_ean, parse_ean
from sepbots.dk.errors import DanishFormatError, safe_text
from sepbots.dk.numbers import (
    DecimalSeparator,
    format_danish_decimal,
    format_kroner,
    format_ore,
    parse_danish_decimal,
    parse_ore,
)
from sepbots.dk.samples import random_cpr, random_cvr

__all__ = [
    "CPR",
    "CPRNumber",
    "CVRNumber",
    "DanishFormatError",
    "DecimalSeparator",
    "EANNumber",
    "Sex",
    "cpr_birth_date",
    "cpr_century_year",
    "cvr_check_digit",
    "ean_check_digit",
    "format_danish_date",
    "format_danish_decimal",
    "format_kroner",
    "format_long_date_da",
    "format_ore",
    "is_valid_cvr",
    "is_valid_ean",
    "parse_cpr",
    "parse_cvr",
    "parse_danish_date",
    "parse_danish_decimal",
    "parse_date_cell",
    "parse_ean",
    "parse_ore",
    "random_cpr",
    "random_cvr",
    "safe_text",
]
