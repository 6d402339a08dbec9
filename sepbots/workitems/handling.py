"""Measured handling time of a manual-handling item: entered by the person, or opened → handled.

The gains (``sepbots.gains``) credit a handed-over item ``baseline − measured minutes``; an item
without a measured time is neutral. So a time is recorded only when it is believable:

* minutes the person entered (dashboard form or ``sepbots items handle ID --minutes N``), 0–480;
* else the time from the item's first opening in the dashboard to "mark handled", when that is at
  most ``MAX_OPEN_MINUTES`` (a page left open over lunch is not handling time);
* else nothing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sepbots.exceptions import QueueError
from sepbots.workitems.models import HandlingSource


class ReviewKind(enum.StrEnum):
    """What the minutes a person spent on a process's robot were for."""

    REVIEW = "review"  # checking the robot's output
    OPERATIONS = "operations"  # watching, restarting, fixing the robot

MAX_OPEN_MINUTES = Decimal(120)
MAX_ENTERED_MINUTES = Decimal(480)
_TWO = Decimal("0.01")


@dataclass(frozen=True)
class HandlingTime:
    """The minutes recorded for one handled item and how they were measured (both ``None``: not measured)."""

    minutes: Decimal | None
    source: HandlingSource | None

    @property
    def source_value(self) -> str | None:
        return None if self.source is None else self.source.value

    def audit_details(self) -> dict[str, str | None]:
        return {"minutes": None if self.minutes is None else str(self.minutes), "measured": self.source_value}


def parse_minutes(text: str | None) -> Decimal | None:
    """Minutes a person typed (``4``, ``4,5`` or ``4.5``); ``None`` for nothing typed.

    Raises:
        QueueError: the text is not a number.
    """
    if text is None or not text.strip():
        return None
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise QueueError(f"minutter/minutes: {text!r} er ikke et tal / is not a number")
    return value


def handling_minutes(*, entered: Decimal | None, opened_at: datetime | None, now: datetime) -> HandlingTime:
    """The handling time to record (see the module docstring).

    Raises:
        QueueError: entered minutes outside 0–480.
    """
    if entered is not None:
        if not Decimal(0) <= entered <= MAX_ENTERED_MINUTES:
            raise QueueError(f"minutterne skal være mellem 0 og {MAX_ENTERED_MINUTES} / "
                             f"handling minutes must be between 0 and {MAX_ENTERED_MINUTES}: {entered}")
        return HandlingTime(entered.quantize(_TWO, ROUND_HALF_UP), HandlingSource.ENTERED)
    if opened_at is not None:
        elapsed = Decimal(str((now - opened_at).total_seconds())) / 60
        if Decimal(0) <= elapsed <= MAX_OPEN_MINUTES:
            return HandlingTime(elapsed.quantize(_TWO, ROUND_HALF_UP), HandlingSource.OPENED)
    return HandlingTime(None, None)
