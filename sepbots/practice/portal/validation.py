"""Server-side checks of the refund form, with the Danish messages a case worker would see.

The portal keeps its own parsers on purpose: it plays an outside system, so it must not share
code with the bots that are tested against it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sepbots.practice.data import Reason, is_valid_cvr

_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


class FieldError(ValueError):
    """A form field failed a check; ``str(error)`` is the Danish message."""


def check_cvr(raw: str) -> str:
    """The CVR number in ``raw`` (spaces allowed), or FieldError."""
    value = raw.replace(" ", "").strip()
    if not value:
        raise FieldError("Udfyld arbejdsgiverens CVR-nummer.")
    if len(value) != 8 or not value.isdigit():
        raise FieldError("CVR-nummeret skal være 8 cifre.")
    if not is_valid_cvr(value):
        raise FieldError("CVR-nummeret er ugyldigt (kontrolcifferet passer ikke).")
    return value


def check_cpr(raw: str) -> str:
    """The CPR number in ``raw`` as 10 digits, or FieldError.

    Only the birth date is checked: CPR numbers issued since 2007 need not pass modulus 11.
    """
    value = raw.replace(" ", "").strip()
    if not value:
        raise FieldError("Udfyld medarbejderens CPR-nummer.")
    if len(value) == 11 and value[6] == "-":
        value = value[:6] + value[7:]
    if len(value) != 10 or not value.isdigit():
        raise FieldError("CPR-nummeret skal skrives som DDMMÅÅ-XXXX.")
    day, month, year2, digit7 = int(value[:2]), int(value[2:4]), int(value[4:6]), int(value[6])
    if digit7 <= 3:
        century = 1900
    elif digit7 in (4, 9):
        century = 2000 if year2 <= 36 else 1900
    else:
        century = 2000 if year2 <= 57 else 1800
    try:
        date(century + year2, month, day)
    except ValueError:
        raise FieldError("CPR-nummeret indeholder ikke en gyldig fødselsdato.") from None
    return value


def check_date(raw: str, label: str) -> date:
    """A date written ``dd-mm-åååå``, ``dd.mm.åååå`` or ``åååå-mm-dd``, or FieldError."""
    value = raw.strip()
    if not value:
        raise FieldError(f"Udfyld {label}.")
    for pattern in ("%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise FieldError(f"{label.capitalize()} skal skrives som dd-mm-åååå.")


def check_decimal(raw: str, *, empty: str, bad: str, not_positive: str) -> Decimal:
    """A positive number with at most two decimals, Danish (``1.234,56``) or plain (``1234.56``)."""
    value = raw.replace(" ", "").replace("\u00a0", "").strip()
    if value.lower().endswith("kr."):
        value = value[:-3]
    if not value:
        raise FieldError(empty)
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(value):
        value = value.replace(".", "")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise FieldError(bad) from None
    if not number.is_finite() or number.as_tuple().exponent < -2:  # type: ignore[operator]  # a finite Decimal's exponent is an int
        raise FieldError(bad)
    if number <= 0:
        raise FieldError(not_positive)
    return number


def check_reason(raw: str) -> Reason:
    """The chosen reason, or FieldError."""
    try:
        return Reason(raw)
    except ValueError:
        raise FieldError("Vælg en årsag.") from None


def format_decimal(value: Decimal) -> str:
    """``value`` in Danish notation with two decimals: ``1.234,56``."""
    text = f"{value:,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")
