"""Danish data helpers: CPR, CVR, EAN/GLN, Danish decimals and kroner, Danish dates, sample data.

Every parser raises :class:`DanishFormatError` (a ``ValueError``) with an English message and a
Danish ``reason_da``; no message ever contains a full CPR number. ``CPRNumber``, ``CVRNumber`` and
``EANNumber`` are pydantic field types; :class:`CPR` can be used as a field type too.
"""

from __future__ import annotations

from sepbots.dk.cpr import CPR, CPRNumber, Sex, cpr_birth_date, cpr_century_year, parse_cpr
from sepbots.dk.cvr import CVRNumber, cvr_check_digit, is_valid_cvr, parse_cvr
from sepbots.dk.dates import format_danish_date, format_long_date_da, parse_danish_date
from sepbots.dk.ean import EANNumber, ean_check_digit, is_valid_ean, parse_ean
from sepbots.dk.errors import DanishFormatError, safe_text
from sepbots.dk.numbers import format_danish_decimal, format_kroner, parse_amount_ore, parse_danish_decimal
from sepbots.dk.samples import random_cpr, random_cvr

__all__ = [
    "CPR",
    "CPRNumber",
    "CVRNumber",
    "DanishFormatError",
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
    "is_valid_cvr",
    "is_valid_ean",
    "parse_amount_ore",
    "parse_cpr",
    "parse_cvr",
    "parse_danish_date",
    "parse_danish_decimal",
    "parse_ean",
    "random_cpr",
    "random_cvr",
    "safe_text",
]
