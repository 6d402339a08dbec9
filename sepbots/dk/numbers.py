"""Danish decimal numbers and kroner amounts: ``1.234,56``, ``kr. 1.234,56``, ``100,-``.

One grammar reads every number and amount text (:func:`parse_ore` for amounts in øre,
:func:`parse_danish_decimal` for other decimals such as hours); the caller names the decimal mark
with :class:`DecimalSeparator`, comma by default:

* **The decimal mark is fixed per file, never guessed per value.** With ``COMMA`` (Danish files,
  MT940) the comma is the decimal mark and a dot only groups thousands; with ``PERIOD`` (camt XML,
  English CSV, banks writing ``1,234.56``) the roles swap.
* Thousands are grouped in threes by the group mark (``.`` with ``COMMA``, ``,`` with ``PERIOD``),
  a space, a no-break space or a narrow no-break space — one kind per number (``1.234.567,89``,
  ``1 234,56``). ``1.234`` with ``COMMA`` is therefore one thousand two hundred and thirty-four.
* **``12.50`` with ``COMMA`` is refused**, as is ``12,50`` with ``PERIOD``. A dot followed by one
  or two digits is not a thousands group, so the text is not Danish; reading it as 12,50 would make
  the dot mean "decimal" before two digits and "thousands" before three in the same column — and
  the same English file's ``1,250`` would silently become 1,25 kr. instead of 1.250 kr. The error
  quotes the text and says to write ``12,50`` or to read the file with ``.`` as its decimal mark
  (``DecimalSeparator.PERIOD``).
  A number with both marks in the wrong order (``1,234.56`` with ``COMMA``) is refused as ambiguous.
* A currency ``kr.``, ``kr`` or ``DKK`` may stand before or after the number (not both); ``,-``
  means whole kroner (``100,-``, comma files only); one sign: a leading ``-``, ``+`` or ``−``
  (U+2212), or a trailing ``-``/``−`` as some banks write (``1.234,56-``).
* An **amount** text has at most two decimals (``1,5`` and ``1,50`` are fine, ``1,000`` is not:
  three digits after the mark are what an English thousands group looks like, so they are refused
  rather than read as 1 kr.). :func:`parse_danish_decimal` takes any number of decimals.

:func:`parse_ore` also takes the numbers a workbook stores (``int``, ``float``, ``Decimal``, in
kroner): no separator question arises, and a value finer than whole øre is refused, not rounded.
Text is read with one regular-expression full match and integer arithmetic, so money never passes
through a binary float unless the workbook stored it as one (a reconciliation parses hundreds of
thousands of cells); the reasons for a refusal are worked out only when the match fails. Every
error is a :class:`DanishFormatError` quoting the offending text.

Formatting uses commercial rounding (half up), ``.`` for thousands and ``,`` for decimals.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sepbots.dk.errors import DanishFormatError, not_text, safe_text, value_error

__all__ = [
    "DecimalSeparator",
    "format_danish_decimal",
    "format_kroner",
    "format_ore",
    "parse_danish_decimal",
    "parse_ore",
]


class DecimalSeparator(StrEnum):
    """Which character separates the whole part from the decimals in a file's number texts."""

    COMMA = ","  # Danish: 1.234,56
    PERIOD = "."  # international: 1,234.56


_SPACE_GROUPS = " \u00a0\u202f"
_SIGN, _CURRENCY = r"[-+\u2212]", r"kr\.?|dkk"


def _grammar(decimal: DecimalSeparator) -> re.Pattern[str]:
    mark = re.escape(decimal.value)
    group = re.escape("." if decimal is DecimalSeparator.COMMA else ",")
    whole_kroner = ",-" if decimal is DecimalSeparator.COMMA else "(?!)"  # ",-" = whole kroner; never in PERIOD files
    return re.compile(
        rf"(?P<s1>{_SIGN})?\s*(?:(?P<pre>{_CURRENCY})\s*)?(?P<s2>{_SIGN})?\s*"
        rf"(?P<int>[0-9]{{1,3}}(?:(?P<sep>[{group}{_SPACE_GROUPS}])[0-9]{{3}}(?:(?P=sep)[0-9]{{3}})*)?|[0-9]+)"
        rf"(?:{mark}(?P<frac>[0-9]+)|(?P<dash>{whole_kroner}))?"
        rf"\s*(?P<s3>[-\u2212])?\s*(?P<post>{_CURRENCY})?",
        re.IGNORECASE,
    )


_GRAMMAR = {sep: _grammar(sep) for sep in DecimalSeparator}
_LOOSE = re.compile(
    rf"(?P<before>[-+\u2212\s]*(?:(?:{_CURRENCY})[-+\u2212\s]*)?)"
    rf"(?P<body>[0-9](?:[0-9.,{_SPACE_GROUPS}]*[0-9])?(?:,-)?)"
    rf"(?P<after>[-\u2212\s]*(?:{_CURRENCY})?)",
    re.IGNORECASE,
)
_GROUPING = str.maketrans("", "", "., " + _SPACE_GROUPS)
_NUMBER = ("a number", "et tal")
_AMOUNT = ("an amount", "et beløb")


def _refusal(text: str, decimal: DecimalSeparator, kind: str, what: tuple[str, str]) -> DanishFormatError:
    """Why ``text`` does not match the grammar (only called when it does not)."""
    comma = decimal is DecimalSeparator.COMMA
    mark, group = decimal.value, "." if comma else ","
    example, foreign = ("1.234,56", "1,234.56") if comma else ("1,234.56", "1.234,56")
    loose = _LOOSE.fullmatch(text.strip())
    if loose is None:
        why = (f"expected digits like {example}", f"forventede cifre som {example}")
    elif sum(loose[part].count(c) for part in ("before", "after") for c in "-+\u2212") > 1:
        why = ("more than one sign", "mere end ét fortegn")
    elif len(re.findall(_CURRENCY, loose["before"] + " " + loose["after"], re.IGNORECASE)) > 1:
        why = ("currency written twice", "valuta skrevet to gange")
    else:
        body = loose["body"].removesuffix(",-")
        last_mark, last_group = body.rfind(mark), body.rfind(group)
        if last_mark >= 0 and last_group > last_mark:
            why = (f"ambiguous: written like {foreign}; write {example}, or read the file with {group!r} as its decimal mark",
                   f"tvetydigt: skrevet som {foreign}; skriv {example}, eller læs filen med {group!r} som decimaltegn")
        elif last_mark < 0 and last_group >= 0 and 1 <= len(body) - last_group - 1 <= 2:  # "12.50" with COMMA
            fixed = body[:last_group] + mark + body[last_group + 1 :]
            valid = _GRAMMAR[decimal].fullmatch(fixed) is not None
            why = (f"the decimal mark is {mark!r} and {group!r} only groups thousands in threes: "
                   + (f"write {safe_text(fixed)}, or " if valid else "") + f"read the file with {group!r} as its decimal mark",
                   f"decimaltegnet er {mark!r}, og {group!r} grupperer kun tusinder tre og tre: "
                   + (f"skriv {safe_text(fixed)}, eller " if valid else "") + f"læs filen med {group!r} som decimaltegn")
        else:
            why = (f"thousands must be grouped in threes and the decimal mark is {mark!r}",
                   f"tusinder skal grupperes tre og tre, og decimaltegnet er {mark!r}")
    return value_error(kind, text, what, why)


def _scan(text: str, decimal: DecimalSeparator, kind: str, what: tuple[str, str]) -> tuple[bool, str, str]:
    """``text`` read by the grammar: (negative, whole digits, decimal digits)."""
    match = _GRAMMAR[decimal].fullmatch(text.strip())
    if match is None:
        raise _refusal(text, decimal, kind, what)
    s1, pre, s2, whole, sep, frac, dash, s3, post = match.groups()
    if (pre and post) or (dash and s3) or (s1 and (s2 or s3)) or (s2 and s3):
        raise _refusal(text, decimal, kind, what)
    if sep:
        whole = whole.translate(_GROUPING)
    return (s1 or s2 or s3 or "+") != "+", whole, frac or ""


def parse_danish_decimal(text: str, decimal: DecimalSeparator = DecimalSeparator.COMMA) -> Decimal:
    """Parse a number or kroner amount written the Danish way into a ``Decimal`` (rules in the module doc).

    Args:
        text: e.g. ``"1.234,56"``, ``"kr. 1.234,56"``, ``"-12,50 DKK"``, ``"100,-"``, ``"7,5"``.
        decimal: the file's decimal mark; ``PERIOD`` reads ``"1,234.56"`` and ``"37.5"``.

    Returns:
        The exact value, with as many decimals as written; ``-0`` is returned as ``0``.

    Raises:
        DanishFormatError: The text is empty, malformed or ambiguous (the message quotes it).
    """
    if not isinstance(text, str):
        raise not_text("decimal", text, _NUMBER)
    negative, whole, frac = _scan(text, decimal, "decimal", _NUMBER)
    value = Decimal(f"{whole}.{frac}" if frac else whole)
    return -value if negative and value else value


def parse_ore(value: Any, decimal: DecimalSeparator = DecimalSeparator.COMMA) -> int:
    """Parse an amount in kroner — a cell or a text — into whole øre (rules in the module doc).

    The one amount parser: bots, the sheets toolkit's ``Ore`` cells and the bank readers all use it.

    Args:
        value: an ``int``/``float``/``Decimal`` in kroner as a workbook stores it, or text such as
            ``"1.234,50"``, ``"-1.234,50"``, ``"1234,5"``, ``"12,50 kr."``, ``"kr. 12,50"``,
            ``"1 234,56"``, ``"100,-"`` or ``"1.234,56-"`` (trailing minus, as some banks write).
        decimal: the decimal mark of the text; ``PERIOD`` only where the file says so (camt XML,
            English CSV, banks writing ``1,234.56``). ``"12.50"`` with ``COMMA`` is refused.

    Returns:
        The amount in øre (``"1.234,56"`` → ``123456``).

    Raises:
        DanishFormatError: ``kind="amount"``, quoting the value: empty, not an amount, ambiguous,
            more than two decimals in text, or finer than whole øre.
    """
    if isinstance(value, str):
        negative, whole, frac = _scan(value, decimal, "amount", _AMOUNT)
        if len(frac) > 2:
            raise value_error("amount", value, _AMOUNT, _AT_MOST_TWO)
        ore = int(whole) * 100 + (int(frac.ljust(2, "0")) if frac else 0)
        return -ore if negative else ore
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
            raise value_error("amount", str(value), _AMOUNT, _WHOLE_ORE)
        return int(ore)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _not_amount(value)
        scaled_d = value * 100
        if scaled_d != scaled_d.to_integral_value():
            raise value_error("amount", str(value), _AMOUNT, _WHOLE_ORE)
        return int(scaled_d)
    raise _not_amount(value)


_MAX_FLOAT_ERROR = 1e-6
_AT_MOST_TWO = ("an amount has at most two decimals (whole øre)", "et beløb har højst to decimaler (hele øre)")
_WHOLE_ORE = ("finer than whole øre", "finere end hele øre")


def _not_amount(value: object) -> DanishFormatError:
    return value_error("amount", str(value), _AMOUNT, ("expected kroner as a number or text like 1.234,56",
                                                       "forventede kroner som et tal eller en tekst som 1.234,56"))


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


def format_ore(ore: int) -> str:
    """Format øre as a Danish amount text, e.g. ``-123456`` → ``"-1.234,56"``."""
    sign = "-" if ore < 0 else ""
    kroner, rest = divmod(abs(ore), 100)
    return f"{sign}{kroner:,}".replace(",", ".") + f",{rest:02d}"
