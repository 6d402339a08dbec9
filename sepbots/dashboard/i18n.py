"""Danish (default) and English texts and number/date formats for the dashboard.

Texts live in ``messages.py`` as ``key → (da, en)``. Numbers are ``1.234,5`` in Danish and
``1,234.5`` in English; times are shown in Europe/Copenhagen as ``dd-mm-yyyy HH:MM`` (Danish) or
``yyyy-mm-dd HH:MM`` (English).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sepbots.clock import local
from sepbots.dashboard.messages import MESSAGES


class Lang(enum.StrEnum):
    """The languages the dashboard speaks."""

    DA = "da"
    EN = "en"

    @classmethod
    def parse(cls, value: str | None, default: Lang) -> Lang:
        """``value`` as a language, or ``default`` when it is not one we speak."""
        try:
            return cls(value) if value else default
        except ValueError:
            return default


def translate(lang: Lang, key: str, default: str | None = None, **values: object) -> str:
    """The text for ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``.

    An unknown key gives ``default`` or, without one, the key itself, so a missing text shows
    up on the page rather than crashing it.
    """
    pair = MESSAGES.get(key)
    if pair is None:
        return default if default is not None else key
    text = pair[0] if lang is Lang.DA else pair[1]
    return text.format(**values) if values else text


def fmt_number(value: float | int | Decimal | None, lang: Lang, decimals: int = 0) -> str:
    """``1234.5`` as ``1.234,5`` (da) or ``1,234.5`` (en); ``None`` as an en dash."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang is Lang.DA:
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def fmt_datetime(moment: datetime | None, lang: Lang, seconds: bool = False) -> str:
    """An aware UTC datetime in Danish local time."""
    if moment is None:
        return "–"
    loc = local(moment)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    return loc.strftime(f"%d-%m-%Y {clock}" if lang is Lang.DA else f"%Y-%m-%d {clock}")


def fmt_date(day: date | None, lang: Lang) -> str:
    """A calendar date as ``dd-mm-yyyy`` (da) or ``yyyy-mm-dd`` (en)."""
    if day is None:
        return "–"
    return day.strftime("%d-%m-%Y" if lang is Lang.DA else "%Y-%m-%d")


def fmt_duration(ms: int | float | None, lang: Lang) -> str:
    """A duration in milliseconds as ``812 ms``, ``4,2 s``, ``3 min 4 s`` or ``2 t 5 min``."""
    if ms is None:
        return "–"
    if ms < 1000:
        return f"{fmt_number(ms, lang)} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{fmt_number(seconds, lang, 1)} s"
    minutes, sec = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {sec} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} {'t' if lang is Lang.DA else 'h'} {minutes} min"
