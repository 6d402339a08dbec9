"""EAN-13 / GLN location numbers, on which public bodies receive invoices via NemHandel.

Thirteen digits; the last is the GS1 modulus-10 check digit: weight the first twelve digits
1, 3, 1, 3, … from the left, and the check digit brings the sum up to a multiple of 10.
Spaces and hyphens between digit groups are ignored.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from sepbots.dk.errors import DanishFormatError, not_text, safe_text

__all__ = ["EANNumber", "ean_check_digit", "is_valid_ean", "parse_ean"]

_GROUP_SEPARATORS = str.maketrans("", "", " \u00a0\u202f-")


def _is_digits(s: str) -> bool:
    return s.isdigit() and s.isascii()


def ean_check_digit(first12: str) -> int:
    """Return the GS1 check digit for the first twelve digits of an EAN-13/GLN.

    Args:
        first12: Exactly twelve digits.

    Returns:
        The check digit 0–9.

    Raises:
        DanishFormatError: ``first12`` is not twelve digits.
    """
    if len(first12) != 12 or not _is_digits(first12):
        raise DanishFormatError(
            f"ean_check_digit needs exactly 12 digits; got {safe_text(first12)}",
            reason_da=f"Der skal bruges præcis 12 cifre; fik {safe_text(first12)}",
            kind="ean",
        )
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
    return -total % 10


def parse_ean(text: str) -> str:
    """Parse and check an EAN-13/GLN number; return its 13 digits.

    Args:
        text: e.g. ``"5790000000005"`` or ``"57 9000 0000 0005"``.

    Returns:
        The thirteen digits.

    Raises:
        DanishFormatError: Not 13 digits, or a wrong check digit.
    """
    if not isinstance(text, str):
        raise not_text("ean", text, ("EAN number", "EAN-nummeret"))
    digits = text.strip().translate(_GROUP_SEPARATORS)
    if len(digits) != 13 or not _is_digits(digits):
        raise DanishFormatError(
            f"EAN/GLN number must be 13 digits; got {safe_text(text)}",
            reason_da=f"EAN-nummeret skal have 13 cifre; fik {safe_text(text)}",
            kind="ean",
        )
    expected = ean_check_digit(digits[:12])
    if int(digits[12]) != expected:
        raise DanishFormatError(
            f"EAN/GLN number {digits} has a wrong check digit (expected {expected})",
            reason_da=f"EAN-nummeret {digits} har forkert kontrolciffer (forventet {expected})",
            kind="ean",
        )
    return digits


def is_valid_ean(text: str) -> bool:
    """Return whether :func:`parse_ean` accepts ``text``."""
    try:
        parse_ean(text)
    except DanishFormatError:
        return False
    return True


EANNumber = Annotated[str, AfterValidator(parse_ean)]
"""A pydantic field type: a checked EAN-13/GLN number, normalised to its 13 digits."""
