"""Danish-first texts for people, with English beside them: one language enum, one catalogue API, one set of formats.

* ``Language`` — the languages sepbots speaks (Danish is the default everywhere; English with
  ``language = "en"`` or ``--lang en``).
* ``Catalog`` — messages by key as ``(danish, english)`` pairs of ``str.format`` templates; each
  module keeps its own (``T = Catalog({...})``) and formats one with ``T(lang, key, **values)``.
* ``LABELS`` / ``label`` — the words for work-item states, run statuses, triggers and run-request
  states, the one place they live (the dashboard's messages extend this catalogue).
* ``LabelledEnum`` — a string enum whose members carry their Danish and English labels.
* ``formats`` — numbers, kroner, percentages, dates, times and durations (``sepbots.i18n.formats``).
* ``validation`` — why pydantic refused a value, as ``"dansk / english"`` (``sepbots.i18n.validation.validation_reason``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Self, overload

from sepbots.i18n import formats
from sepbots.i18n.formats import number

__all__ = ["LABELS", "LANGUAGES", "Catalog", "LabelledEnum", "Language", "formats", "label", "moment", "number"]


class Language(enum.StrEnum):
    """The languages sepbots speaks; a member compares equal to its code (``Language.DA == "da"``)."""

    DA = "da"
    EN = "en"

    @classmethod
    def parse(cls, value: str | None, default: Language) -> Language:
        """``value`` as a language, or ``default`` when it is not one we speak."""
        try:
            return cls(value) if value else default
        except ValueError:
            return default


LANGUAGES = tuple(language.value for language in Language)


class Catalog:
    """Messages by key, each a ``(danish, english)`` pair of ``str.format`` templates."""

    def __init__(self, messages: Mapping[str, tuple[str, str]]) -> None:
        self._messages = dict(messages)

    def __call__(self, lang: str, key: str, /, **values: object) -> str:
        """The message ``key`` in ``lang`` (English for ``"en"``, else Danish); an unknown key raises ``KeyError``."""
        da, en = self._messages[key]
        return (en if lang == "en" else da).format(**values)

    def text(self, lang: str, key: str, default: str | None = None, /, **values: object) -> str:
        """Like calling the catalogue, but an unknown key gives ``default`` (else the key itself): for pages,
        where a missing text should show rather than crash the page."""
        if key not in self._messages:
            return default if default is not None else key
        return self(lang, key, **values)

    def __contains__(self, key: object) -> bool:
        return key in self._messages

    def extended(self, messages: Mapping[str, tuple[str, str]]) -> Catalog:
        """A new catalogue with these messages added; a key already here is a mistake and raises ``ValueError``."""
        repeated = sorted(set(messages) & set(self._messages))
        if repeated:
            raise ValueError(f"messages defined twice: {', '.join(repeated)}")
        return Catalog({**self._messages, **messages})


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry the words people read: ``IDEA = "ide", "Idé", "Idea"``.

    The value stays the first string (``Phase("ide") is Phase.IDEA``); ``label(lang)`` gives the Danish
    or English word.
    """

    _labels: tuple[str, str]

    # Two signatures for type checkers: a member's definition (value and both words) and a lookup by
    # value (``Phase("ide")``, which ``enum`` answers without calling this method).
    @overload
    def __new__(cls, value: str, /) -> Self: ...

    @overload
    def __new__(cls, value: str, da: str, en: str, /) -> Self: ...

    def __new__(cls, value: str, /, *labels: str) -> Self:
        da, en = labels  # a member defined without both words fails when its class is created
        member = str.__new__(cls, value)
        member._value_ = value
        member._labels = (da, en)
        return member

    def label(self, lang: str = "da") -> str:
        """The member as a person reads it."""
        return self._labels[1] if lang == "en" else self._labels[0]


def moment(value: datetime | None, lang: str = "da") -> str:
    """A time to the second for command-line listings: ``28.11.2026 14:05:09`` (``2026-11-28 14:05:09``)."""
    return formats.datetime(value, lang, seconds=True)


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
    "state.lease_expired": ("robotten stoppede", "runner lost"),
    # run statuses
    "status.running": ("kører", "running"),
    "status.completed": ("gennemført", "completed"),
    "status.failed": ("fejlet", "failed"),
    "status.stopped": ("stoppet", "stopped"),
    "status.refused": ("afvist", "refused"),
    # what started a run
    "trigger.manual": ("manuel", "manual"),
    "trigger.cli": ("kommandolinje", "command line"),
    "trigger.schedule": ("plan", "schedule"),
    "trigger.queue": ("kø", "queue"),
    "trigger.test": ("test", "test"),
    "trigger.dashboard": ("driftsoverblik", "dashboard"),
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
    return LABELS.text(lang, f"{kind}.{raw}", raw)
