"""The items ledger: the one reader of ``work_items`` and ``item_attempts`` for everyone but the queue.

Lists, single items, items by reference, counts, an item's attempts (its history), the typed
``WorkItem`` a bot gets from a stored row, what one run did to its items (below), the aggregates the
gains read, and the searches of an access request. The queue (``sepbots.workitems.queue``) owns every
change of state; the only writes here are retention's erasures of the content of ended items
(payload, messages, evidence links), which never change a state, time or duration.

What one run did to its items — the one source for the CLI and the dashboard: an item belongs to a
run when the run produced it (``work_items.created_run_id``) or made an attempt
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
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, Select, Text, and_, cast, exists, func, literal, null, or_, select, union_all, update

from sepbots.store.schema import item_attempts, runs, work_items
from sepbots.workitems.models import Claimed, ItemState, WorkItem

_BATCH = 500
W = TypeVar("W", bound=WorkItem[Any])


# -- items ---------------------------------------------------------------------------------------


def get(conn: Connection, item_id: int, *, payload: bool = True) -> Any:
    """The stored row of item ``item_id`` (payload still encoded; left out with ``payload=False``), or None."""
    cols = [c for c in work_items.c if payload or c.name != "payload"]
    return conn.execute(select(*cols).where(work_items.c.id == item_id)).first()


def listing(
    conn: Connection,
    *,
    queue: str | None = None,
    states: Collection[str] | None = None,
    unhandled: bool = False,
    fields: Sequence[str] | None = None,
    newest_first: bool = True,
    limit: int | None = None,
) -> list[Any]:
    """Items (all columns, or only ``fields``), optionally of one queue, some states and (``unhandled``)
    not yet handled by a person, by id."""
    cols = [work_items.c[f] for f in fields] if fields else [work_items]
    q = select(*cols).order_by(work_items.c.id.desc() if newest_first else work_items.c.id)
    if queue is not None:
        q = q.where(work_items.c.queue == queue)
    if states is not None:
        q = q.where(work_items.c.state.in_(list(states)))
    if unhandled:
        q = q.where(work_items.c.handled_at.is_(None))
    if limit is not None:
        q = q.limit(limit)
    return list(conn.execute(q).all())


def by_reference(conn: Connection, queue: str, references: Sequence[str]) -> dict[str, Any]:
    """Stored rows of ``queue`` keyed by reference."""
    out: dict[str, Any] = {}
    for i in range(0, len(references), _BATCH):
        chunk = list(references[i : i + _BATCH])
        for row in conn.execute(select(work_items).where(work_items.c.queue == queue, work_items.c.reference.in_(chunk))):
            out[row.reference] = row
    return out


def by_id(conn: Connection, ids: Sequence[int], *, fields: Sequence[str] | None = None) -> dict[int, Any]:
    """Stored rows (all columns, or ``id`` and ``fields``) keyed by id."""
    cols = [work_items.c.id, *(work_items.c[f] for f in fields if f != "id")] if fields else [work_items]
    out: dict[int, Any] = {}
    for i in range(0, len(ids), _BATCH):
        for row in conn.execute(select(*cols).where(work_items.c.id.in_(list(ids[i : i + _BATCH])))):
            out[row.id] = row
    return out


def runs_of(conn: Connection, ids: Sequence[int]) -> dict[int, set[str]]:
    """Every run that touched each item of ``ids``: the runs of its attempts, the last run, the producing run."""
    out: dict[int, set[str]] = {}
    for i in range(0, len(ids), _BATCH):
        chunk = list(ids[i : i + _BATCH])
        attempts = select(item_attempts.c.item_id, item_attempts.c.run_id).where(item_attempts.c.item_id.in_(chunk))
        last = select(work_items.c.id, work_items.c.run_id).where(work_items.c.id.in_(chunk))
        produced = select(work_items.c.id, work_items.c.created_run_id).where(work_items.c.id.in_(chunk))
        for query in (attempts, last, produced):
            for item_id, run_id in conn.execute(query):
                if run_id:
                    out.setdefault(item_id, set()).add(run_id)
    return out


def containing(conn: Connection, pattern: str) -> dict[str, list[int]]:
    """Ids of the items whose stored texts match the LIKE ``pattern``, by where: ``reference``, ``message``
    (the item's or an attempt's error message, or the handling note) and ``output``."""

    def ids(query: Any) -> list[int]:
        return [row[0] for row in conn.execute(query)]

    wi = work_items.c
    return {
        "reference": ids(select(wi.id).where(wi.reference.like(pattern))),
        "message": ids(select(wi.id).where(or_(wi.error_message.like(pattern), wi.handled_note.like(pattern))))
        + ids(select(item_attempts.c.item_id).where(item_attempts.c.error_message.like(pattern))),
        "output": ids(select(wi.id).where(cast(wi.output, Text).like(pattern))),
    }


def count(conn: Connection, queue: str, state: ItemState, *, due_by: datetime | None = None) -> int:
    """How many items of ``queue`` are in ``state`` (and, with ``due_by``, due by then)."""
    q = select(func.count()).select_from(work_items).where(work_items.c.queue == queue,
                                                           work_items.c.state == state.value)
    if due_by is not None:
        q = q.where(work_items.c.next_attempt_at <= due_by)
    return int(conn.execute(q).scalar_one())


def any_in(conn: Connection, queue: str, state: ItemState) -> bool:
    """Whether some item of ``queue`` is in ``state``."""
    return conn.execute(select(work_items.c.id).where(work_items.c.queue == queue,
                                                      work_items.c.state == state.value).limit(1)).first() is not None


@dataclass(frozen=True)
class Waiting:
    """Which items waiting for a person to select: states (each not yet handled), and optional filters on
    the item's state, the bot and process of its last run, its error code, and finished at or before."""

    states: tuple[ItemState, ...]
    state: str | None = None
    bot: str | None = None
    process: str | None = None
    code: str | None = None
    finished_by: datetime | None = None

    def where(self) -> Any:
        where = and_(work_items.c.state.in_([s.value for s in self.states]), work_items.c.handled_at.is_(None))
        for column, value in ((work_items.c.state, self.state), (runs.c.bot, self.bot),
                              (runs.c.process, self.process), (work_items.c.error_code, self.code)):
            if value:
                where = and_(where, column == value)
        if self.finished_by is not None:
            where = and_(where, work_items.c.finished_at <= self.finished_by)
        return where


_WITH_RUN = work_items.outerjoin(runs, runs.c.id == work_items.c.run_id)


def count_waiting(conn: Connection, waiting: Waiting) -> int:
    """How many items ``waiting`` selects."""
    return int(conn.execute(select(func.count()).select_from(_WITH_RUN).where(waiting.where())).scalar_one())


def waiting_page(conn: Connection, waiting: Waiting, *, limit: int, offset: int = 0) -> list[Any]:
    """One page of the items ``waiting`` selects (without payload, with their run's bot and process),
    most recently finished first."""
    return list(conn.execute(
        select(
            work_items.c.id, work_items.c.queue, work_items.c.reference, work_items.c.state,
            work_items.c.attempts, work_items.c.error_code, work_items.c.error_message,
            work_items.c.finished_at, work_items.c.run_id, runs.c.bot, runs.c.process,
        )
        .select_from(_WITH_RUN)
        .where(waiting.where())
        .order_by(work_items.c.finished_at.desc(), work_items.c.id.desc())
        .limit(limit)
        .offset(offset)
    ).all())


def waiting_choices(conn: Connection, waiting: Waiting, *, limit: int = 500) -> list[Any]:
    """Distinct (bot, process, error_code) among the items ``waiting`` selects (at most ``limit``)."""
    return list(conn.execute(
        select(runs.c.bot, runs.c.process, work_items.c.error_code).select_from(_WITH_RUN)
        .where(waiting.where()).distinct().limit(limit)
    ).all())


def waiting_for_people(conn: Connection) -> list[tuple[str, int, datetime | None]]:
    """(queue, number, oldest finish) of the business exceptions no person has handled yet, by queue."""
    return [(q, int(n), oldest) for q, n, oldest in conn.execute(
        select(work_items.c.queue, func.count(), func.min(work_items.c.finished_at))
        .where(work_items.c.state == ItemState.BUSINESS_EXCEPTION.value, work_items.c.handled_at.is_(None))
        .group_by(work_items.c.queue).order_by(work_items.c.queue)
    ).all()]


def leases_by_owner(conn: Connection) -> list[tuple[str | None, int, datetime | None]]:
    """(lease owner, items in progress, earliest lease expiry) per runner holding items."""
    return [(owner, int(n), first) for owner, n, first in conn.execute(
        select(work_items.c.lease_owner, func.count(), func.min(work_items.c.lease_expires_at))
        .where(work_items.c.state == ItemState.IN_PROGRESS.value)
        .group_by(work_items.c.lease_owner).order_by(work_items.c.lease_owner)
    ).all()]


def count_ended_badly_since(conn: Connection, since: datetime) -> int:
    """How many items failed or were abandoned since ``since``."""
    return int(conn.execute(select(func.count()).select_from(work_items).where(
        work_items.c.finished_at >= since,
        work_items.c.state.in_([ItemState.FAILED.value, ItemState.ABANDONED.value]))).scalar_one())


def ended_badly_since(conn: Connection, since: datetime) -> list[Any]:
    """(id, queue, reference, attempts, error_code, error_message, finished_at) of the items that
    failed or were abandoned since ``since``, by id."""
    return list(conn.execute(
        select(work_items.c.id, work_items.c.queue, work_items.c.reference, work_items.c.attempts,
               work_items.c.error_code, work_items.c.error_message, work_items.c.finished_at)
        .where(work_items.c.state.in_([ItemState.FAILED.value, ItemState.ABANDONED.value]),
               work_items.c.finished_at >= since)
        .order_by(work_items.c.id)
    ).all())


def history(conn: Connection, item_id: int) -> list[Any]:
    """Every attempt at item ``item_id`` (``item_attempts`` rows), in order."""
    return list(conn.execute(
        select(item_attempts).where(item_attempts.c.item_id == item_id)
        .order_by(item_attempts.c.attempt, item_attempts.c.id)
    ).all())


def evidence_owner(conn: Connection, run_id: str, relative: str) -> tuple[int, str] | None:
    """(item id, queue) of the item whose record in run ``run_id`` (an attempt's, else the item's own)
    lists ``relative`` as evidence, or None."""
    attempts = select(item_attempts.c.item_id, item_attempts.c.artifacts).where(item_attempts.c.run_id == run_id)
    items = select(work_items.c.id, work_items.c.artifacts).where(work_items.c.run_id == run_id)
    for query in (attempts, items):
        for row in conn.execute(query):
            if relative in (row[1] or ()):
                queue = conn.execute(select(work_items.c.queue).where(work_items.c.id == row[0])).scalar()
                return int(row[0]), str(queue or "")
    return None


def work_item(item_type: type[W], row: Any, payload: BaseModel) -> W:
    """The typed item a bot's ``finish`` step gets for a stored row (its payload decoded)."""
    return item_type(
        id=row.id, queue=row.queue, reference=row.reference, state=ItemState(row.state), payload=payload,
        attempts=row.attempts, max_attempts=row.max_attempts, priority=row.priority,
        next_attempt_at=row.next_attempt_at, error_kind=row.error_kind, error_code=row.error_code,
        error_message=row.error_message, output=row.output, artifacts=row.artifacts or [],
        duration_ms=row.duration_ms, created_at=row.created_at, started_at=row.started_at,
        finished_at=row.finished_at, run_id=row.run_id,
    )


def claimed_item(item_type: type[W], claimed: Claimed, payload: BaseModel, run_id: str) -> W:
    """The typed item a bot processes for a claimed one (in progress in ``run_id``)."""
    return item_type(
        id=claimed.id, queue=claimed.queue, reference=claimed.reference, state=ItemState.IN_PROGRESS,
        payload=payload, attempts=claimed.attempts, max_attempts=claimed.max_attempts, priority=claimed.priority,
        created_at=claimed.created_at, started_at=claimed.started_at, run_id=run_id,
        duration_ms=claimed.duration_ms,
    )


# -- what one run did to its items ---------------------------------------------------------------


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


# -- for the gains: aggregates over ended items and attempts ------------------------------------

_ENDED = [s.value for s in ItemState if s.final]


def ended_by_hour(conn: Connection, lo: datetime, hi: datetime, *, states: Collection[str],
                  hour: Callable[[Any], Any], include_test_runs: bool) -> list[Any]:
    """(process, bot, state, hour, items, measured items, measured minutes) of the items in ``states`` that
    ended in [``lo``, ``hi``), grouped by their last run's process and bot and by ``hour(finished_at)``
    (runs without a process, and test runs unless ``include_test_runs``, left out)."""
    bucket = hour(work_items.c.finished_at).label("hour")
    tests = [] if include_test_runs else [runs.c.test_mode.is_(False)]
    query: Select[*tuple[Any, ...]] = (
        select(
            runs.c.process, runs.c.bot, work_items.c.state, bucket, func.count(),
            func.count(work_items.c.handling_minutes), func.sum(work_items.c.handling_minutes),
        )
        .join(runs, runs.c.id == work_items.c.run_id)
        .where(work_items.c.finished_at >= lo, work_items.c.finished_at < hi,
               work_items.c.state.in_(list(states)), runs.c.process.is_not(None), *tests)
        .group_by(runs.c.process, runs.c.bot, work_items.c.state, bucket)
    )
    return list(conn.execute(query).all())


def robot_ms_by_process(conn: Connection, lo: datetime, hi: datetime, *, include_test_runs: bool) -> list[Any]:
    """(process, robot milliseconds) summed over the attempts that ended in [``lo``, ``hi``), by their run's process."""
    tests = [] if include_test_runs else [runs.c.test_mode.is_(False)]
    query: Select[*tuple[Any, ...]] = (
        select(runs.c.process, func.coalesce(func.sum(item_attempts.c.duration_ms), 0))
        .join(runs, runs.c.id == item_attempts.c.run_id)
        .where(item_attempts.c.ended_at >= lo, item_attempts.c.ended_at < hi, runs.c.process.is_not(None), *tests)
        .group_by(runs.c.process)
    )
    return list(conn.execute(query).all())


# -- for retention: erasing the content of ended items (never their state, times or durations) -----


def ended_before(queues: Collection[str], cutoff: datetime) -> Select[int]:
    """The query of the ids of the items of ``queues`` in a final state that ended before ``cutoff``."""
    return select(work_items.c.id).where(
        work_items.c.queue.in_(list(queues)), work_items.c.state.in_(_ENDED), work_items.c.finished_at < cutoff
    )


def empty_payloads(conn: Connection, queues: Collection[str], cutoff: datetime, *, dry_run: bool) -> int:
    """Empty the payloads of the items ``ended_before`` selects; how many had one (a dry run only counts)."""
    cond = [work_items.c.id.in_(ended_before(queues, cutoff)), func.length(work_items.c.payload) > 0]
    n = conn.execute(select(func.count()).select_from(work_items).where(*cond)).scalar() or 0
    if n and not dry_run:
        conn.execute(update(work_items).where(*cond).values(payload=b"", encrypted=False))
    return int(n)


def clear_messages(conn: Connection, queues: Collection[str], cutoff: datetime, *, dry_run: bool) -> int:
    """Clear error messages, outputs and handling notes of the items ``ended_before`` selects and the error
    messages of their attempts; how many items had one (a dry run only counts)."""
    old = ended_before(queues, cutoff)
    cond = [
        work_items.c.id.in_(old),
        work_items.c.error_message.is_not(None) | work_items.c.output.is_not(None)
        | work_items.c.handled_note.is_not(None),
    ]
    n = conn.execute(select(func.count()).select_from(work_items).where(*cond)).scalar() or 0
    if not dry_run:
        if n:
            conn.execute(update(work_items).where(*cond).values(error_message=None, output=null(), handled_note=None))
        conn.execute(update(item_attempts).where(item_attempts.c.item_id.in_(old),
                                                 item_attempts.c.error_message.is_not(None)).values(error_message=None))
    return int(n)


def clear_artifacts(conn: Connection, run_ids: Select[str]) -> None:
    """Clear the evidence links of the ended items last processed in, and of the attempts made in, the runs
    ``run_ids`` selects."""
    conn.execute(update(work_items).where(work_items.c.run_id.in_(run_ids), work_items.c.state.in_(_ENDED),
                                          work_items.c.artifacts.is_not(None)).values(artifacts=null()))
    conn.execute(update(item_attempts).where(item_attempts.c.run_id.in_(run_ids),
                                             item_attempts.c.artifacts.is_not(None)).values(artifacts=null()))
