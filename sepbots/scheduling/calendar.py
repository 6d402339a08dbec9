"""Danish public holidays and business days, for schedules that skip closed days.

Holidays come from the ``holidays`` package (``holidays.Denmark``). Since 2024 Store Bededag is
no longer a public holiday (Act no. 214 of 6 March 2023); the package knows this, so 2023 has it
and 2024 onwards do not. The package's *optional* category adds days many municipalities close
or half-close: 1. maj, Grundlovsdag, juleaftensdag and nytårsaftensdag; a schedules file opts in
with ``[calendar] optional_holidays = true`` and can name further closed days (``closed_days``),
for example the Friday after Kristi himmelfartsdag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import holidays

Language = Literal["da", "en"]
_MAX_SCAN_DAYS = 400


@dataclass(frozen=True)
class DanishCalendar:
    """Which days are closed: weekends, Danish public holidays and configured extra days.

    Args:
        optional_holidays: also treat the package's optional Danish days as holidays.
        closed_days: extra closed days of this installation.
    """

    optional_holidays: bool = False
    closed_days: tuple[date, ...] = ()
    _cache: dict[tuple[int, str], holidays.HolidayBase] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def _year(self, year: int, language: Language = "da") -> holidays.HolidayBase:
        key = (year, language)
        if key not in self._cache:
            categories = ("public", "optional") if self.optional_holidays else ("public",)
            lang = "da" if language == "da" else "en_US"
            self._cache[key] = holidays.country_holidays("DK", years=year, categories=categories, language=lang)
        return self._cache[key]

    def holiday_name(self, day: date, language: Language = "da") -> str | None:
        """The name of the holiday on ``day`` in Danish or English, or ``None`` on an ordinary day."""
        name = self._year(day.year, language).get(day)
        if name is not None:
            return str(name)
        if day in self.closed_days:
            return "lukkedag" if language == "da" else "closing day"
        return None

    def is_holiday(self, day: date) -> bool:
        """Whether ``day`` is a Danish public holiday (or a configured closed day)."""
        return day in self.closed_days or day in self._year(day.year)

    def is_business_day(self, day: date) -> bool:
        """Monday to Friday and not a holiday."""
        return day.weekday() < 5 and not self.is_holiday(day)

    def allows(self, day: date, *, skip_holidays: bool, business_days_only: bool) -> bool:
        """Whether a schedule with these options may fire on ``day``."""
        if business_days_only:
            return self.is_business_day(day)
        if skip_holidays:
            return not self.is_holiday(day)
        return True

    def next_allowed(self, after: date, *, skip_holidays: bool, business_days_only: bool) -> date | None:
        """The first day after ``after`` on which such a schedule may fire (``None`` past a year)."""
        day = after
        for _ in range(_MAX_SCAN_DAYS):
            day += timedelta(days=1)
            if self.allows(day, skip_holidays=skip_holidays, business_days_only=business_days_only):
                return day
        return None
