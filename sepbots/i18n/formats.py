"""Numbers, kroner, percentages, dates, times and durations as people read them.

One set of formats for everything a person reads (dashboard, reports, command-line summaries, item
logs); times are shown in Danish local time (Europe/Copenhagen).

========  ==================  ==================
what      Danish              English
========  ==================  ==================
number    ``1.234,5``         ``1,234.5``
kroner    ``1.234,50 kr.``    ``1,234.50 DKK``
percent   ``85,3 %``          ``85.3%``
date      ``31.12.2026``      ``2026-12-31``
time      ``14:05``           ``14:05``
datetime  ``31.12.2026 14:05``  ``2026-12-31 14:05``
duration  ``4,2 s``, ``2 t 5 min``  ``4.2 s``, ``2 h 5 min``
========  ==================  ==================

A missing value (``None``) is an en dash; a negative number has a real minus sign (``−2.500``).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from sepbots.clock import local

NONE = "–"


def number(value: Decimal | float | int | None, lang: str = "da", decimals: int = 0) -> str:
    """``1234.5`` → ``1.234,5`` (da) or ``1,234.5`` (en), rounded half up to ``decimals``."""
    if value is None:
        return NONE
    q = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{q:,.{decimals}f}"
    if lang != "en":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", "−")


def kroner(value: Decimal | float | int | None, lang: str = "da", decimals: int = 2) -> str:
    """``1234.5`` → ``1.234,50 kr.`` (da) or ``1,234.50 DKK`` (en)."""
    if value is None:
        return NONE
    return f"{number(value, lang, decimals)} {'DKK' if lang == 'en' else 'kr.'}"


def percent(share: Decimal | float | None, lang: str = "da", decimals: int = 1) -> str:
    """A share ``0.853`` → ``85,3 %`` (da) or ``85.3%`` (en)."""
    if share is None:
        return NONE
    text = number(Decimal(str(share)) * 100, lang, decimals)
    return f"{text}%" if lang == "en" else f"{text} %"


def date(day: dt.date | None, lang: str = "da") -> str:
    """``31.12.2026`` (da) or ``2026-12-31`` (en)."""
    if day is None:
        return NONE
    return day.isoformat() if lang == "en" else day.strftime("%d.%m.%Y")


def day_month(day: dt.date, lang: str = "da") -> str:
    """A chart's day label: ``31.12`` (da) or ``12-31`` (en)."""
    return day.isoformat()[5:] if lang == "en" else day.strftime("%d.%m")


def time(moment: dt.datetime | None, lang: str = "da", seconds: bool = False) -> str:
    """The local clock time of an aware datetime: ``14:05`` (``14:05:09`` with seconds) in both languages."""
    if moment is None:
        return NONE
    return local(moment).strftime("%H:%M:%S" if seconds else "%H:%M")


def datetime(moment: dt.datetime | None, lang: str = "da", seconds: bool = False) -> str:
    """An aware datetime in Danish local time: ``31.12.2026 14:05`` (da) or ``2026-12-31 14:05`` (en)."""
    if moment is None:
        return NONE
    return f"{date(local(moment).date(), lang)} {time(moment, lang, seconds)}"


def duration(ms: int | float | None, lang: str = "da") -> str:
    """A duration in milliseconds as ``812 ms``, ``4,2 s``, ``3 min 4 s`` or ``2 t 5 min`` (``2 h 5 min``)."""
    if ms is None:
        return NONE
    if ms < 1000:
        return f"{number(ms, lang)} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{number(seconds, lang, 1)} s"
    minutes, sec = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {sec} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} {'h' if lang == 'en' else 't'} {minutes} min"
