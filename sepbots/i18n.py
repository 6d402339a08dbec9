"""Danish-first texts for people, with English beside them.

Each module keeps its own small ``Catalog`` of messages; ``catalog(lang, key, **values)`` formats
one. Danish is the default everywhere; English is chosen with ``language = "en"`` or ``--lang en``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from sepbots.clock import local

LANGUAGES = ("da", "en")


class Catalog:
    """Messages by key, each a ``(danish, english)`` pair of ``str.format`` templates."""

    def __init__(self, messages: Mapping[str, tuple[str, str]]) -> None:
        self._messages = dict(messages)

    def __call__(self, lang: str, key: str, /, **values: object) -> str:
        da, en = self._messages[key]
        return (en if lang == "en" else da).format(**values)


def number(value: float | int | Decimal, lang: str = "da", decimals: int = 0) -> str:
    """``1.234,5`` in Danish, ``1,234.5`` in English."""
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def moment(value: datetime | None, lang: str = "da") -> str:
    """A time for people, in Danish local time: ``28-11-2026 14:05`` (``2026-11-28 14:05`` in English)."""
    if value is None:
        return "–"
    t = local(value)
    return t.strftime("%d-%m-%Y %H:%M:%S") if lang == "da" else t.strftime("%Y-%m-%d %H:%M:%S")


LABELS = Catalog({
    # work-item states, and an item's outcome in one run (sepbots.workitems.items.RunOutcome)
    "state.new": ("ny", "new"),
    "state.in_progress": ("i gang", "in progress"),
    "state.done": ("udført", "done"),
    "state.business_exception": ("manuel behandling", "manual handling"),
    "state.failed": ("fejlet", "failed"),
    "state.abandoned": ("opgivet", "abandoned"),
    "state.retry": ("forsøges igen", "retried"),
    "state.queued": ("ikke behandlet i kørslen", "not processed in this run"),
    # run statuses
    "status.running": ("kører", "running"),
    "status.completed": ("gennemført", "completed"),
    "status.failed": ("fejlet", "failed"),
    "status.stopped": ("stoppet", "stopped"),
    "status.refused": ("afvist", "refused"),
    # what started a run
    "trigger.manual": ("manuel", "manual"),
    "trigger.schedule": ("plan", "schedule"),
    "trigger.queue": ("kø", "queue"),
    # run requests
    "request.pending": ("venter", "pending"),
    "request.running": ("kører", "running"),
    "request.done": ("udført", "done"),
    "request.failed": ("fejlet", "failed"),
    "request.cancelled": ("annulleret", "cancelled"),
    "request.refused": ("afvist", "refused"),
})


def label(lang: str, kind: str, value: object) -> str:
    """The Danish (or English) word for a state, status, trigger or request state; the raw value if unknown.

    ``kind`` is ``state``, ``status``, ``trigger`` or ``request``; enums and plain strings both work.
    """
    raw = str(getattr(value, "value", value))
    try:
        return LABELS(lang, f"{kind}.{raw}")
    except KeyError:
        return raw
