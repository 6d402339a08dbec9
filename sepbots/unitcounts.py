"""Measurements the gains need besides the item ledger.

* counting units a run records itself (``BotContext.record_units``), in ``unit_counts``;
* minutes people spent reviewing or operating a process's robot (``sepbots items time``), in
  ``review_minutes``, subtracted from the process's saved hours.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import insert

from sepbots.audit import AuditEvent, AuditEventType
from sepbots.exceptions import InputError, RecipeError
from sepbots.store import Store
from sepbots.store.schema import review_minutes, unit_counts
from sepbots.workitems.handling import ReviewKind

if TYPE_CHECKING:
    from sepbots.environment import Environment


def record_unit_counts(
    store: Store, *, run_id: str, bot: str, process: str | None, done: int, handed_over: int, now: datetime
) -> None:
    """Insert one count row for ``run_id``.

    Raises:
        RecipeError: a negative count.
    """
    if done < 0 or handed_over < 0:
        raise RecipeError(f"bot {bot}: unit counts must not be negative (done={done}, handed_over={handed_over})")
    with store.begin() as conn:
        conn.execute(
            insert(unit_counts).values(
                run_id=run_id, bot=bot, process=process, done=done, handed_over=handed_over, recorded_at=now
            )
        )


def record_review_minutes(
    env: Environment, *, process: str, kind: ReviewKind, minutes: Decimal, day: date, actor: str, note: str
) -> None:
    """Store minutes spent reviewing or operating ``process``'s robot on ``day``, with an audit row.

    Raises:
        InputError: minutes outside 0–10,000.
    """
    if not Decimal(0) < minutes <= Decimal(10_000):
        raise InputError(f"--minutes must be above 0 and at most 10000 (got {minutes})")
    now = env.clock.now()
    text = env.redactor.redact(note)
    with env.store.begin() as conn:
        conn.execute(
            insert(review_minutes).values(process=process, kind=kind.value, minutes=minutes, day=day, actor=actor,
                                          note=text, recorded_at=now)
        )
        env.audit.append(conn, [AuditEvent(AuditEventType.OPERATOR_ACTION, actor, details={
            "action": "review_minutes", "process": process, "kind": kind.value, "minutes": str(minutes),
            "day": day.isoformat(), "note": note})], now)
