"""Measurements the gains need besides the item ledger.

* counting units a run records itself (``BotContext.record_units``), in ``unit_counts``;
* minutes people spent reviewing or operating a process's robot (``sepbots items time``), in
  ``review_minutes``, subtracted from the process's saved hours.

This module owns both tables: it writes them and the gains read them through ``counted_by_hour`` and
``review_by_process``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import Connection, Select, func, insert, select

from sepbots.audit import AuditEvent, AuditEventType, AuditTrail
from sepbots.clock import Clock
from sepbots.exceptions import InputError, RecipeError
from sepbots.redaction import Redactor
from sepbots.store import Store
from sepbots.store.schema import review_minutes, runs, unit_counts
from sepbots.workitems.handling import ReviewKind


class Installation(Protocol):
    """What recording review minutes needs of an opened installation; ``sepbots.environment.Environment``
    has it. Typed here, so this ledger does not import the runtime layer above it."""

    @property
    def store(self) -> Store: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def redactor(self) -> Redactor: ...

    @property
    def audit(self) -> AuditTrail: ...


def record_unit_counts(
    store: Store, *, run_id: str, bot: str, process: str | None, done: int, handed_over: int, now: datetime
) -> None:
    """Insert one count row for ``run_id``.

    Raises:
        RecipeError: a negative count.
    """
    if done < 0 or handed_over < 0:
        raise RecipeError(f"bot {bot}: antal enheder må ikke være negativt / unit counts must not be negative "
                          f"(done={done}, handed_over={handed_over})")
    with store.begin() as conn:
        conn.execute(
            insert(unit_counts).values(
                run_id=run_id, bot=bot, process=process, done=done, handed_over=handed_over, recorded_at=now
            )
        )


def record_review_minutes(
    env: Installation, *, process: str, kind: ReviewKind, minutes: Decimal, day: date, actor: str, note: str
) -> None:
    """Store minutes spent reviewing or operating ``process``'s robot on ``day``, with an audit row.

    Raises:
        InputError: minutes outside 0–10,000.
    """
    if not Decimal(0) < minutes <= Decimal(10_000):
        raise InputError(f"--minutes skal være over 0 og højst 10000 / must be above 0 and at most 10000: {minutes}")
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


def counted_by_hour(conn: Connection, lo: datetime, hi: datetime, *, hour: Callable[[Any], Any],
                    include_test_runs: bool) -> list[Any]:
    """(process, bot, hour, done, handed over) summed over the counts recorded in [``lo``, ``hi``), by the
    run's process and bot and ``hour(recorded_at)`` (runs without a process, and test runs unless
    ``include_test_runs``, left out)."""
    bucket = hour(unit_counts.c.recorded_at).label("hour")
    tests = [] if include_test_runs else [runs.c.test_mode.is_(False)]
    query: Select[*tuple[Any, ...]] = (
        select(runs.c.process, runs.c.bot, bucket, func.sum(unit_counts.c.done), func.sum(unit_counts.c.handed_over))
        .join(runs, runs.c.id == unit_counts.c.run_id)
        .where(unit_counts.c.recorded_at >= lo, unit_counts.c.recorded_at < hi, runs.c.process.is_not(None), *tests)
        .group_by(runs.c.process, runs.c.bot, bucket)
    )
    return list(conn.execute(query).all())


def review_by_process(conn: Connection, start: date, end: date) -> list[Any]:
    """(process, minutes) summed over the review minutes entered for the days ``start`` to ``end``."""
    return list(conn.execute(
        select(review_minutes.c.process, func.sum(review_minutes.c.minutes))
        .where(review_minutes.c.day >= start, review_minutes.c.day <= end)
        .group_by(review_minutes.c.process)
    ).all())
