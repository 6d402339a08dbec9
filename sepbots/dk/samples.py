"""Random but valid Danish identifiers for tests and sample data (never real people's data by design).

All functions take a ``random.Random`` so callers control the seed and results are reproducible.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sepbots.dk.cpr import CPR, cpr_century_year
from sepbots.dk.cvr import cvr_check_digit

__all__ = ["random_cpr", "random_cvr"]

_FIRST_CPR_DAY = date(1858, 1, 1)
_LAST_CPR_DAY = date(2057, 12, 31)
_CPR_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2)


def _digit7_choices(year: int) -> list[int]:
    yy = year % 100
    return [d7 for d7 in range(10) if cpr_century_year(yy, d7) == year]


def random_cpr(
    rng: random.Random,
    *,
    modulus11: bool | None = None,
    born_from: date = date(1930, 1, 1),
    born_to: date = date(2010, 12, 31),
) -> CPR:
    """Draw a CPR number with a real birth date and a digit 7 that encodes the right century.

    Args:
        rng: Source of randomness.
        modulus11: ``True`` for a number passing modulus 11, ``False`` for one failing it (as issued
            since 2007), ``None`` for either.
        born_from: Earliest birth date (not before 1858-01-01).
        born_to: Latest birth date (not after 2057-12-31).

    Returns:
        The CPR number.

    Raises:
        ValueError: The date range is empty or outside what CPR numbers can encode.
    """
    if not _FIRST_CPR_DAY <= born_from <= born_to <= _LAST_CPR_DAY:
        raise ValueError("random_cpr needs 1858-01-01 <= born_from <= born_to <= 2057-12-31")
    born = born_from + timedelta(days=rng.randrange((born_to - born_from).days + 1))
    head = f"{born.day:02d}{born.month:02d}{born.year % 100:02d}"
    choices = _digit7_choices(born.year)
    while True:
        first9 = head + str(rng.choice(choices)) + f"{rng.randrange(100):02d}"
        partial = sum(int(c) * w for c, w in zip(first9, _CPR_WEIGHTS, strict=True))
        if modulus11 is None:
            return CPR(first9 + str(rng.randrange(10)))
        if modulus11:
            last = -partial % 11
            if last <= 9:
                return CPR(first9 + str(last))
            continue  # no digit completes this prefix; draw again
        last = rng.randrange(10)
        if (partial + last) % 11 == 0:
            last = (last + 1) % 10  # shifts the sum by +1 or -9, neither a multiple of 11
        return CPR(first9 + str(last))


def random_cvr(rng: random.Random) -> str:
    """Draw an 8-digit CVR number that passes modulus 11 and does not start with 0."""
    while True:
        first7 = str(rng.randrange(1_000_000, 10_000_000))
        check = cvr_check_digit(first7)
        if check is not None:
            return first7 + str(check)
