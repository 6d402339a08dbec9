"""Cell value types for row models: Danish amounts and dates, parsed by :mod:`sepbots.dk`.

Amounts become integer øre (``"1.234,56"`` → ``123456``) and dates :class:`datetime.date`
(``"05.01.2024"``, ``"05-01-2024"``, ``"05/01/2024"``, ISO ``"2024-01-05"`` or year first with
slashes, ``"2024/01/05"``, as Nordea writes). The parsing itself is :mod:`sepbots.dk`'s — one parser
and one error type for every Danish value: :func:`parse_ore` and :func:`parse_date` here are
:func:`sepbots.dk.parse_ore` and :func:`sepbots.dk.parse_date_cell`, and :class:`ValueFormatError`
is :class:`sepbots.dk.DanishFormatError` under the name the sheets toolkit has always used.

The ``Ore`` and ``DanishDate`` annotated types plug the parsers into pydantic row models.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

from sepbots.dk.dates import parse_date_cell as parse_date
from sepbots.dk.errors import DanishFormatError as ValueFormatError
from sepbots.dk.numbers import DecimalSeparator, format_ore, parse_ore

__all__ = [
    "DanishDate",
    "DecimalSeparator",
    "Ore",
    "ValueFormatError",
    "format_ore",
    "parse_date",
    "parse_ore",
]


def _to_ore(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value * 100
    return parse_ore(value)


def _decimal_from_ore(ore: int) -> Decimal:
    return Decimal(ore).scaleb(-2)


Ore = Annotated[int, BeforeValidator(_to_ore), PlainSerializer(_decimal_from_ore, return_type=Decimal)]
"""An amount in øre read from a kroner cell (number or Danish text)."""

DanishDate = Annotated[date, BeforeValidator(parse_date)]
"""A date read from a date cell or Danish/ISO date text."""
