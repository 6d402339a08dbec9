"""The runs ledger: the one owner of the ``runs`` table (start, refuse, counts, end, dead runs, reading).

Every run writes its record here: ``start`` (status ``running``) or ``refuse`` (``refused``, with the
reason), counters flushed while it works, and ``end`` with its final status; each start, refusal and
end writes its audit row in the same transaction. ``fail_dead`` marks the runs of a runner that
stopped answering as failed (called by the queue in the transaction that reclaims their items).
Readers (CLI, dashboard, alerts, gains, access requests, retention) list, count and search runs
through the functions at the end; the two listings ``sepbots runs list`` needs before SQLAlchemy is
loaded are in :mod:`sepbots.workitems.run_listing`.
"""

from __future__ import annotations

import enum
import socket
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Select, Text, and_, cast, func, insert, or_, select, true, update

from sepbots.audit import AuditEvent, AuditEventType, AuditTrail
from sepbots.store import Store
from sepbots.store.schema import runs


class RunStatus(enum.StrEnum):
    """How a run ended (or that it is still going)."""

    RUNNING = "running"
    COMPLETED = "completed"   # every item reached an end state other than failed/abandoned
    FAILED = "failed"         # the producer or finish step failed, or items failed after all retries
    STOPPED = "stopped"       # a stop or pause was requested; unfinished items stay queued
    REFUSED = "refused"       # refused before it started (the legal gate); ``error`` holds the reason


DEAD_RUN_ERROR = "the runner stopped answering (lease expired)"


class RunCounts(Protocol):
    """The counters of a run the ledger stores (``sepbots.runtime.RunCounts`` has them)."""

    produced: int
    done: int
    business: int
    retried: int
    failed: int
    abandoned: int
    work_ms: int


def count_values(c: RunCounts) -> dict[str, int]:
    """The ``runs`` counter columns of ``c``."""
    return {"produced": c.produced, "done": c.done, "business": c.business, "retried": c.retried,
            "failed": c.failed, "abandoned": c.abandoned, "work_ms": c.work_ms}


_ZERO = {"produced": 0, "done": 0, "business": 0, "retried": 0, "failed": 0, "abandoned": 0, "work_ms": 0}


class RunLedger:
    """Writes the run records of one runner.

    Args:
        store: the database.
        audit: the audit trail.
        runner_id: this runner (recorded on each run and as the actor of its audit rows).
    """

    def __init__(self, store: Store, audit: AuditTrail, runner_id: str) -> None:
        self.store = store
        self.audit = audit
        self.runner_id = runner_id

    def start(self, run_id: str, *, bot: str, process: str | None, queue: str, trigger: str, test_mode: bool,
              params: dict[str, Any], now: datetime) -> None:
        """Record a run that starts now (status ``running``) and its ``run_started`` audit row."""
        self._insert(run_id, RunStatus.RUNNING, AuditEventType.RUN_STARTED, bot=bot, process=process, queue=queue,
                     trigger=trigger, test_mode=test_mode, params=params, now=now)

    def refuse(self, run_id: str, *, bot: str, process: str | None, queue: str, trigger: str, test_mode: bool,
               params: dict[str, Any], reason: str, now: datetime) -> None:
        """Record a refused run (no items, no artifacts) and its ``run_refused`` audit row."""
        self._insert(run_id, RunStatus.REFUSED, AuditEventType.RUN_REFUSED, bot=bot, process=process, queue=queue,
                     trigger=trigger, test_mode=test_mode, params=params, now=now, reason=reason)

    def _insert(self, run_id: str, status: RunStatus, event: AuditEventType, *, bot: str, process: str | None,
                queue: str, trigger: str, test_mode: bool, params: dict[str, Any], now: datetime,
                reason: str | None = None) -> None:
        details: dict[str, Any] = {"trigger": trigger, "test_mode": test_mode}
        ended: dict[str, Any] = {}
        if reason is not None:
            details["reason"] = reason
            ended = {"ended_at": now, "error": reason}
        with self.store.begin() as conn:
            conn.execute(insert(runs).values(
                id=run_id, bot=bot, process=process, queue=queue, trigger=trigger, status=status.value,
                test_mode=test_mode, started_at=now, host=socket.gethostname(), runner_id=self.runner_id,
                params=params, **ended, **_ZERO,
            ))
            self.audit.append(conn, [AuditEvent(event, self.runner_id, bot=bot, run_id=run_id, details=details)], now)

    def flush_counts(self, run_id: str, counts: RunCounts) -> None:
        """Store the run's counters so far (readers see a running run progress)."""
        with self.store.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(**count_values(counts)))

    def end(self, run_id: str, *, bot: str, status: RunStatus, counts: RunCounts, error: str | None,
            now: datetime) -> None:
        """Record how the run ended, with its final counters, and its ``run_ended`` audit row."""
        with self.store.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(
                status=status.value, ended_at=now, error=error, **count_values(counts)))
            self.audit.append(conn, [AuditEvent(AuditEventType.RUN_ENDED, self.runner_id, bot=bot, run_id=run_id,
                                                details={"status": status.value, **count_values(counts)})], now)


def fail_dead(conn: Connection, run_ids: Sequence[str], now: datetime) -> None:
    """Mark the still-running runs ``run_ids`` failed: their runner stopped answering.

    (A runner that was only slow and comes back records its own end over this.)
    """
    if run_ids:
        conn.execute(
            update(runs).where(runs.c.id.in_(list(run_ids)), runs.c.status == RunStatus.RUNNING.value)
            .values(status=RunStatus.FAILED.value, ended_at=now, error=DEAD_RUN_ERROR)
        )


# -- reading -------------------------------------------------------------------------------------


def started_since(conn: Connection, since: datetime, *, limit: int) -> list[Any]:
    """The newest ``limit`` runs started since ``since``, newest first."""
    return list(conn.execute(
        select(runs).where(runs.c.started_at >= since).order_by(runs.c.started_at.desc()).limit(limit)).all())


def totals_since(conn: Connection, since: datetime) -> tuple[int, int]:
    """(items done, work ms) summed over the runs started since ``since``."""
    done, work_ms = conn.execute(
        select(func.coalesce(func.sum(runs.c.done), 0), func.coalesce(func.sum(runs.c.work_ms), 0))
        .where(runs.c.started_at >= since)
    ).one()
    return int(done), int(work_ms)


def _matching(bot: str | None, status: str | None, since: datetime | None, until: datetime | None) -> Any:
    cond = []
    if bot:
        cond.append(runs.c.bot == bot)
    if status:
        cond.append(runs.c.status == status)
    if since is not None:
        cond.append(runs.c.started_at >= since)
    if until is not None:
        cond.append(runs.c.started_at < until)
    return and_(true(), *cond)


def count_matching(conn: Connection, *, bot: str | None = None, status: str | None = None,
                   since: datetime | None = None, until: datetime | None = None) -> int:
    """How many runs are of ``bot``, have ``status`` and started in [``since``, ``until``) (each optional)."""
    where = _matching(bot, status, since, until)
    return int(conn.execute(select(func.count()).select_from(runs).where(where)).scalar_one())


def matching(conn: Connection, *, bot: str | None = None, status: str | None = None, since: datetime | None = None,
             until: datetime | None = None, limit: int, offset: int = 0) -> list[Any]:
    """One page of the runs ``count_matching`` counts, newest first."""
    where = _matching(bot, status, since, until)
    return list(conn.execute(
        select(runs).where(where).order_by(runs.c.started_at.desc()).limit(limit).offset(offset)).all())


def bots(conn: Connection) -> list[str]:
    """Every bot that has a run, by name."""
    return [r[0] for r in conn.execute(select(runs.c.bot).distinct().order_by(runs.c.bot))]


def by_id_prefix(conn: Connection, prefix: str, *, limit: int = 2) -> list[Any]:
    """Runs whose id starts with ``prefix`` (at most ``limit``)."""
    return list(conn.execute(select(runs).where(runs.c.id.startswith(prefix)).limit(limit)).all())


def get(conn: Connection, run_id: str) -> Any:
    """The run ``run_id``, or None."""
    return conn.execute(select(runs).where(runs.c.id == run_id)).first()


def by_ids(conn: Connection, run_ids: Sequence[str], *, fields: Sequence[str]) -> list[Any]:
    """``id`` and ``fields`` of the runs ``run_ids``, oldest start first."""
    cols = [runs.c.id, *(runs.c[f] for f in fields if f != "id")]
    return list(conn.execute(select(*cols).where(runs.c.id.in_(list(run_ids))).order_by(runs.c.started_at)).all())


def containing(conn: Connection, pattern: str) -> list[str]:
    """The ids of the runs whose parameters or error match the LIKE ``pattern``."""
    return list(conn.execute(select(runs.c.id).where(
        or_(cast(runs.c.params, Text).like(pattern), runs.c.error.like(pattern)))).scalars())


def queues_by_process(conn: Connection) -> dict[str, list[str]]:
    """The queues each process's runs worked on (runs without a process left out)."""
    out: dict[str, list[str]] = {}
    for process, queue in conn.execute(select(runs.c.process, runs.c.queue).distinct().where(runs.c.process.is_not(None))):
        out.setdefault(process, []).append(queue)
    return out


def ended_before(process: str, cutoff: datetime) -> Select[str]:
    """The query of the ids of ``process``'s runs that ended before ``cutoff``."""
    return select(runs.c.id).where(runs.c.process == process, runs.c.ended_at < cutoff)


def failed_since(conn: Connection, since: datetime) -> list[Any]:
    """(id, bot, ended_at, error) of the runs that failed since ``since``, oldest first."""
    return list(conn.execute(
        select(runs.c.id, runs.c.bot, runs.c.ended_at, runs.c.error)
        .where(runs.c.status == RunStatus.FAILED.value, runs.c.ended_at >= since)
        .order_by(runs.c.ended_at)
    ).all())


def status_counts_since(conn: Connection, since: datetime) -> list[tuple[str, int]]:
    """(status, number of runs) of the runs started since ``since``, by status."""
    return [(s, int(n)) for s, n in conn.execute(
        select(runs.c.status, func.count()).where(runs.c.started_at >= since)
        .group_by(runs.c.status).order_by(runs.c.status)
    ).all()]
