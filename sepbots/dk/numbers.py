"""Danish decimal numbers and kroner amounts: ``1.234,56``, ``kr. 1.234,56``, ``100,-``.

Parsing rules of :func:`parse_danish_decimal`:

* The comma is **always** the decimal mark. Thousands are grouped in threes by ``.``, a space, a
  no-break space or a narrow no-break space — one kind per number (``1.234.567,89``, ``1 234,56``).
  ``1.234`` is therefore one thousand two hundred and thirty-four.
* Plain ISO/English ``1234.56`` is accepted only when it cannot be read the Danish way: exactly
  one dot, followed by one or two digits, no comma, no grouping (``12.5``, ``1234.56``).
* A number with both marks where the dot comes last (``1,234.56``) is English and rejected as
  ambiguous rather than guessed.
* A currency ``kr.``, ``kr`` or ``DKK`` may stand before or after the number (not both);
  ``,-`` means whole kroner (``100,-``); a leading ``-``, ``+`` or ``−`` (U+2212) gives the sign.

Formatting uses commercial rounding (half up), ``.`` for thousands and ``,`` for decimals.

:func:`parse_ore` is the fast path for spreadsheet and bank-export cells (a reconciliation parses
hundreds of thousands): numbers as the workbook stores them, or text with one fixed decimal
separator (comma by default; :class:`DecimalSeparator` ``PERIOD`` for banks writing ``1,234.56``),
spaces anywhere and a trailing minus (``1.234,56-``); a regular-expression full match plus integer
arithmetic, so money never passes through a binary float unless the workbook stored it as one.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sepbots.dk.errors import DanishFormatError, not_text, value_error

__all__ = [
    "DecimalSeparator",
    "format_danish_decimal",
    "format_kroner",
    "format_ore",
    "parse_amount_ore",
    "parse_danish_decimal",
    "parse_ore",
]

_AMOUNT = re.compile(
    r"""
    (?P<sign>[-+\u2212])?\s*
    (?:(?P<pre>kr\.?|dkk)\s*)?
    (?P<sign2>[-+\u2212])?\s*
    (?P<body>[0-9](?:[0-9.,\u00a0\u202f ]*[0-9])?(?:,-)?)
    \s*(?P<post>kr\.?|dkk)?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_DANISH_BODY = re.compile(
    r"(?P<int>[0-9]{1,3}(?:(?P<sep>[. \u00a0\u202f])[0-9]{3}(?:(?P=sep)[0-9]{3})*)?|[0-9]+)"
    r"(?:,(?P<frac>[0-9]+|-))?"
)
_ISO_BODY = re.compile(r"(?P<int>[0-9]+)\.(?P<frac>[0-9]{1,2})")
_GROUPING = str.maketrans("", "", ". \u00a0\u202f")


_WHAT = ("a Danish number", "et dansk tal")


def _error(text: str, en: str, da: str) -> DanishFormatError:
    return value_error("decimal", text, _WHAT, (en, da))


def parse_danish_decimal(text: str) -> Decimal:
    """Parse a Danish-formatted number or kroner amount into a ``Decimal`` (rules in the module doc).

    Args:
        text: e.g. ``"1.234,56"``, ``"kr. 1.234,56"``, ``"-12,50 DKK"``, ``"100,-"``, ``"1234.56"``.

    Returns:
        The exact value; ``-0`` is returned as ``0``.

    Raises:
        DanishFormatError: The text is empty, malformed or ambiguous (the message quotes it).
    """
    if not isinstance(text, str):
        raise not_text("decimal", text, _WHAT)
    match = _AMOUNT.fullmatch(text.strip())
    if match is None:
        raise _error(text, "expected digits like 1.234,56", "forventede cifre som 1.234,56")
    if match["sign"] and match["sign2"]:
        raise _error(text, "more than one sign", "mere end ét fortegn")
    if match["pre"] and match["post"]:
        raise _error(text, "currency written twice", "valuta skrevet to gange")
    body = match["body"]
    if "," in body and "." in body and body.rfind(".") > body.rfind(","):
        raise _error(
            text,
            "ambiguous: looks like English format (1,234.56); write 1.234,56",
            "tvetydigt: ligner engelsk format (1,234.56); skriv 1.234,56",
        )
    parts = _DANISH_BODY.fullmatch(body) or _ISO_BODY.fullmatch(body)
    if parts is None:
        raise _error(
            text,
            "thousands must be grouped in threes and the decimal mark is a comma",
            "tusinder skal grupperes tre og tre, og decimaltegnet er komma",
        )
    integer = parts["int"].translate(_GROUPING)
    frac = parts["frac"]
    value = Decimal(integer if frac in (None, "-") else f"{integer}.{frac}")
    if (match["sign"] or match["sign2"] or "+") in "-\u2212" and value:
        value = -value
    return value


def parse_amount_ore(text: str) -> int:
    """Parse a kroner amount into whole øre (``"1.234,56"`` → ``123456``).

    Args:
        text: Anything :func:`parse_danish_decimal` accepts.

    Returns:
        The amount in øre.

    Raises:
        DanishFormatError: Unparseable, or finer than whole øre (``"1,005"``; ``"1,000"`` is fine).
    """
    ore = parse_danish_decimal(text) * 100
    if ore != ore.to_integral_value():
        raise _error(
            text,
            "an amount may have at most 2 decimals (whole øre)",
            "et beløb må højst have 2 decimaler (hele øre)",
        )
    return int(ore)


def format_danish_decimal(value: Decimal | int, decimals: int = 2) -> str:
    """Format a number the Danish way, ``Decimal("1234.5")`` → ``"1.234,50"``.

    Args:
        value: The number (rounded half up to ``decimals``).
        decimals: Digits after the comma; 0 gives no comma.

    Returns:
        The text, with ``-`` for negatives (never ``-0``).

    Raises:
        ValueError: ``value`` is NaN or infinite, or ``decimals`` is negative.
    """
    value = Decimal(value)
    if not value.is_finite() or decimals < 0:
        raise ValueError("format_danish_decimal needs a finite value and decimals >= 0")
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    integer, _, frac = f"{abs(rounded):f}".partition(".")
    grouped = f"{int(integer):,}".replace(",", ".")
    sign = "-" if rounded < 0 else ""
    return f"{sign}{grouped},{frac}" if decimals else f"{sign}{grouped}"


def format_kroner(ore: int) -> str:
    """Format an amount in øre as kroner, ``123456`` → ``"1.234,56 kr."``."""
    if isinstance(ore, bool) or not isinstance(ore, int):
        raise TypeError(f"format_kroner needs whole øre as int, got {type(ore).__name__}")
    return f"{format_danish_decimal(Decimal(ore).scaleb(-2))} kr."


class DecimalSeparator(StrEnum):
    """Which character separates kroner from øre in text amounts (for :func:`parse_ore`)."""

    COMMA = ","  # Danish: 1.234,56
    PERIOD = "."  # international: 1,234.56


_SPACES = str.maketrans("", "", " \u00a0\u202f\t")
_CELL_AMOUNT = {
    DecimalSeparator.COMMA: re.compile(r"([+-]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?(-?)"),
    DecimalSeparator.PERIOD: re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(-?)"),
}
_MAX_FLOAT_ERROR = 1e-6
_AN_AMOUNT = ("an amount", "et beløb")


def _not_amount(value: Any) -> DanishFormatError:
    return value_error("amount", value if isinstance(value, str) else str(value), _AN_AMOUNT,
                       ("expected e.g. 1.234,56", "forventede fx 1.234,56"))


def _too_precise(value: Any) -> DanishFormatError:
    return value_error("amount", str(value), _AN_AMOUNT, ("more than two decimals", "mere end to decimaler"))


def parse_ore(value: Any, decimal: DecimalSeparator = DecimalSeparator.COMMA) -> int:
    """Parse an amount cell in kroner into integer øre.

    Args:
        value: an ``int``/``float``/``Decimal`` in kroner, or text such as ``"-1.234,56"``,
            ``"1234,5"``, ``"1 234,56"`` or ``"1.234,56-"`` (trailing minus, as some banks write).
        decimal: the decimal separator text amounts use.

    Returns:
        The amount in øre.

    Raises:
        DanishFormatError: the value is empty, not an amount, or has more than two decimals.
    """
    if isinstance(value, bool):
        raise _not_amount(value)
    if isinstance(value, int):
        return value * 100
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _not_amount(value)
        scaled = value * 100
        ore = round(scaled)
        if abs(scaled - ore) > _MAX_FLOAT_ERROR * max(1.0, abs(scaled)):
            raise _too_precise(value)
        return int(ore)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _not_amount(value)
        scaled_d = value * 100
        if scaled_d != scaled_d.to_integral_value():
            raise _too_precise(value)
        return int(scaled_d)
    if not isinstance(value, str):
        raise _not_amount(value)
    match = _CELL_AMOUNT[decimal].fullmatch(value.translate(_SPACES))
    if match is None:
        raise _not_amount(value)
    lead, whole, frac, trail = match.groups()
    if lead and trail:
        raise _not_amount(value)
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
