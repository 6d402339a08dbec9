"""What one run did to its items, read from the ledger: the one source for the CLI and the dashboard.

An item belongs to a run when the run produced it (``work_items.created_run_id``) or made an attempt
at it (``item_attempts.run_id``). ``work_items.run_id`` is *not* used: it names the last run that
processed the item, so a retry in a later run would take the item off the earlier run's page.

An item's outcome *in a run* is the outcome of that run's last attempt at it (``done``,
``business_exception``, ``failed``, ``abandoned``, or ``retry`` when it was left for a later
attempt), or ``queued`` when the run produced it but never attempted it (another runner did, or the
run stopped first). The counts per outcome therefore agree with the run's own counters
(``runs.done``, ``runs.business``, ``runs.failed + runs.abandoned``) wherever they are shown.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, exists, func, literal, select, union_all

from sepbots.store.schema import item_attempts, work_items


class RunOutcome(enum.StrEnum):
    """What a run's last attempt at an item ended in."""

    DONE = "done"
    BUSINESS_EXCEPTION = "business_exception"
    FAILED = "failed"
    ABANDONED = "abandoned"
    RETRY = "retry"      # a later attempt (in this or another run) was planned
    QUEUED = "queued"    # produced by this run, not attempted by it


@dataclass(frozen=True)
class RunItem:
    """One item as a run saw it: its outcome in the run, its current state and the run's attempts."""

    id: int
    reference: str
    outcome: RunOutcome
    state: str
    attempts: int
    duration_ms: int
    error_code: str | None
    error_message: str | None
    handled_at: Any
    run_attempts: tuple[Any, ...] = ()


def _touched(run_id: str) -> Any:
    """(item_id, outcome) for every item of the run, as a subquery."""
    last = (
        select(item_attempts.c.item_id, func.max(item_attempts.c.id).label("last_id"))
        .where(item_attempts.c.run_id == run_id)
        .group_by(item_attempts.c.item_id)
        .subquery()
    )
    attempted = select(last.c.item_id.label("item_id"), item_attempts.c.outcome.label("outcome")).select_from(
        last.join(item_attempts, item_attempts.c.id == last.c.last_id)
    )
    queued = select(work_items.c.id.label("item_id"), literal(RunOutcome.QUEUED.value).label("outcome")).where(
        work_items.c.created_run_id == run_id,
        ~exists().where(and_(item_attempts.c.item_id == work_items.c.id, item_attempts.c.run_id == run_id)),
    )
    return union_all(attempted, queued).subquery()


def run_outcome_counts(conn: Connection, run_id: str) -> dict[RunOutcome, int]:
    """How many of the run's items ended in each outcome (outcomes with no item are left out)."""
    touched = _touched(run_id)
    rows = conn.execute(select(touched.c.outcome, func.count()).group_by(touched.c.outcome)).all()
    return {RunOutcome(outcome): int(n) for outcome, n in rows if n}


def run_items(
    conn: Connection, run_id: str, *, outcome: RunOutcome | None = None, limit: int = 100, offset: int = 0
) -> list[RunItem]:
    """One page of the run's items (by id), each with every attempt the run made at it."""
    touched = _touched(run_id)
    query = (
        select(
            touched.c.outcome, work_items.c.id, work_items.c.reference, work_items.c.state, work_items.c.attempts,
            work_items.c.duration_ms, work_items.c.error_code, work_items.c.error_message, work_items.c.handled_at,
        )
        .select_from(touched.join(work_items, work_items.c.id == touched.c.item_id))
        .order_by(work_items.c.id)
        .limit(limit)
        .offset(offset)
    )
    if outcome is not None:
        query = query.where(touched.c.outcome == outcome.value)
    rows = conn.execute(query).all()
    attempts = run_attempts(conn, run_id, [r.id for r in rows])
    return [
        RunItem(id=r.id, reference=r.reference, outcome=RunOutcome(r.outcome), state=r.state, attempts=r.attempts,
                duration_ms=r.duration_ms, error_code=r.error_code, error_message=r.error_message,
                handled_at=r.handled_at, run_attempts=tuple(attempts.get(r.id, ())))
        for r in rows
    ]


def run_attempts(conn: Connection, run_id: str, item_ids: Sequence[int]) -> dict[int, list[Any]]:
    """The run's attempts at each of ``item_ids``, in order."""
    out: dict[int, list[Any]] = {}
    if not item_ids:
        return out
    rows = conn.execute(
        select(item_attempts)
        .where(item_attempts.c.run_id == run_id, item_attempts.c.item_id.in_(list(item_ids)))
        .order_by(item_attempts.c.id)
    )
    for row in rows:
        out.setdefault(row.item_id, []).append(row)
    return out
