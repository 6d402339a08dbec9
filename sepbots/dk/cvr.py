"""Danish CVR numbers (company registration numbers, also SE numbers for single-SE firms).

Eight digits; the first seven are a running number and the eighth a modulus-11 check digit with
weights 2, 7, 6, 5, 4, 3, 2, 1: a number is valid when the weighted sum of all eight digits is
divisible by 11 (erhvervsstyrelsen.dk/modulus_11). A first digit of 0 is never issued.
Input may carry a ``DK`` VAT prefix and spaces or hyphens between digit groups (``DK 13 74 81 36``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from sepbots.dk.errors import DanishFormatError, not_text, safe_text

__all__ = ["CVRNumber", "cvr_check_digit", "is_valid_cvr", "parse_cvr"]

_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
_GROUP_SEPARATORS = str.maketrans("", "", " \u00a0\u202f-")


def cvr_check_digit(first7: str) -> int | None:
    """Return the check digit for seven CVR digits, or ``None`` if no eighth digit can make them valid.

    Args:
        first7: The first seven digits.

    Returns:
        0–9, or ``None`` when the remainder is 1 (such numbers are never issued).
    """
    if len(first7) != 7 or not (first7.isdigit() and first7.isascii()):
        raise DanishFormatError(
            f"cvr_check_digit needs exactly 7 digits; got {safe_text(first7)}",
            reason_da=f"Der skal bruges præcis 7 cifre; fik {safe_text(first7)}",
            kind="cvr",
        )
    check = -sum(int(c) * w for c, w in zip(first7, _WEIGHTS, strict=False)) % 11
    return None if check == 10 else check


def parse_cvr(text: str) -> str:
    """Parse and check a CVR number; return its 8 digits.

    Args:
        text: e.g. ``"13748136"``, ``"DK13748136"``, ``"DK 13 74 81 36"``.

    Returns:
        The eight digits, no prefix or spaces.

    Raises:
        DanishFormatError: Not 8 digits, first digit 0, or a wrong check digit.
    """
    if not isinstance(text, str):
        raise not_text("cvr", text, ("CVR number", "CVR-nummeret"))
    s = text.strip()
    if s[:2].upper() == "DK":
        s = s[2:].lstrip(" -")
    digits = s.translate(_GROUP_SEPARATORS)
    if len(digits) != 8 or not (digits.isdigit() and digits.isascii()):
        raise DanishFormatError(
            f"CVR number must be 8 digits (optionally with a DK prefix); got {safe_text(text)}",
            reason_da=f"CVR-nummeret skal have 8 cifre (evt. med DK foran); fik {safe_text(text)}",
            kind="cvr",
        )
    if digits[0] == "0":
        raise DanishFormatError(
            f"CVR number cannot start with 0; got {safe_text(text)}",
            reason_da=f"CVR-nummeret kan ikke starte med 0; fik {safe_text(text)}",
            kind="cvr",
        )
    if sum(int(c) * w for c, w in zip(digits, _WEIGHTS, strict=True)) % 11:
        raise DanishFormatError(
            f"CVR number {digits} has a wrong check digit (fails modulus 11)",
            reason_da=f"CVR-nummeret {digits} har forkert kontrolciffer (modulus 11)",
            kind="cvr",
        )
    return digits


def is_valid_cvr(text: str) -> bool:
    """Return whether :func:`parse_cvr` accepts ``text``."""
    try:
        parse_cvr(text)
    except DanishFormatError:
        return False
    return True


CVRNumber = Annotated[str, AfterValidator(parse_cvr)]
"""A pydantic field type: a checked CVR number, normalised to its 8 digits."""
