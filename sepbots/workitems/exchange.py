"""Batched queue traffic for fast bots: release finished items and claim the next ones in one transaction.

``WorkQueues.claim`` + ``WorkQueues.release`` cost two transactions (and two audit appends) per
item. ``exchange`` does the same work for a whole batch in one: it writes the releases of the
items whose lease this runner still holds with their ``item_attempts`` rows (on PostgreSQL as two
statements over arrays, on SQLite row by row), claims up to ``limit`` new items, and appends the
audit events in one go. The semantics are those of the single-item calls: a release only lands
while the lease is held, each claim counts an attempt, and the audit trail records every claim and
every release — those of a batch as one ``items_claimed`` and one ``items_released`` row listing
the items, so the chain (whose head row serialises every writer of the fleet) grows by two rows per
batch, not two per item.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Connection,
    DateTime,
    Integer,
    Text,
    bindparam,
    case,
    cast,
    column,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from sepbots.audit import AuditEvent, AuditEventType
from sepbots.store.schema import item_attempts, work_items
from sepbots.workitems.models import ItemState
from sepbots.workitems.queue import Claimed, Release, WorkQueues


@dataclass(frozen=True)
class Finished:
    """An attempt that ended, waiting to be written."""

    item: Claimed
    outcome: Release
    duration_ms: int
    ended_at: datetime


def exchange(
    queues: WorkQueues,
    finished: Sequence[Finished],
    queue: str,
    *,
    limit: int,
    run_id: str,
    bot: str,
) -> tuple[list[bool], list[Claimed]]:
    """Write ``finished`` and claim up to ``limit`` items of ``queue``, in one transaction.

    Returns:
        (for each finished item: whether its release landed — False when the lease was lost,
        the newly claimed items in claim order).
    """
    now = queues.clock.now()
    events: list[AuditEvent] = []
    landed: list[bool] = [False] * len(finished)
    with queues.store.begin() as conn:
        if finished:
            write = _release_postgresql if queues.store.dialect == "postgresql" else _release_rowwise
            released = write(conn, queues, finished, run_id)
            landed = [f.item.id in released for f in finished]
            events.extend(queues.released_events(
                [(f.item, f.outcome, f.duration_ms) for f in finished if f.item.id in released], run_id, bot))
        rows = list(conn.execute(queues.claim_statement(queue, run_id, now, limit)).all()) if limit > 0 else []
        rows.sort(key=lambda r: (-r.priority, r.id))
        events.extend(queues.claimed_events(rows, run_id, bot))
        queues.audit.append(conn, events, now)
    return landed, [queues.to_claimed(r) for r in rows]


def give_back(queues: WorkQueues, items: Sequence[Claimed], *, run_id: str, bot: str) -> int:
    """Return claimed items this runner never started to the queue, undoing the attempt their claim counted."""
    if not items:
        return 0
    now = queues.clock.now()
    with queues.store.begin() as conn:
        ids = conn.execute(
            update(work_items)
            .where(work_items.c.id.in_([i.id for i in items]), work_items.c.lease_owner == queues.owner,
                   work_items.c.state == ItemState.IN_PROGRESS.value)
            .values(state=ItemState.NEW.value, attempts=work_items.c.attempts - 1, lease_owner=None,
                    lease_expires_at=None, updated_at=now, next_attempt_at=now)
            .returning(work_items.c.id)
        ).scalars().all()
        queues.audit.append(
            conn,
            [AuditEvent(AuditEventType.ITEM_GIVEN_BACK, queues.owner, bot=bot, run_id=run_id, item_id=i,
                        details={"reason": "claimed ahead, not started"}) for i in ids],
            now,
        )
    return len(ids)


def _release_rowwise(conn: Connection, queues: WorkQueues, finished: Sequence[Finished], run_id: str) -> set[int]:
    """Write the releases one row at a time (``executemany``; SQLite, where a statement is a function call).

    Returns the ids whose release landed: those whose lease this runner still held.
    """
    held = set(conn.execute(
        select(work_items.c.id).where(work_items.c.id.in_([f.item.id for f in finished]),
                                      work_items.c.lease_owner == queues.owner,
                                      work_items.c.state == ItemState.IN_PROGRESS.value)
    ).scalars().all())
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    attempts: list[dict[str, Any]] = []
    for f in finished:
        if f.item.id not in held:
            continue
        values = queues.release_values(f.outcome, f.ended_at)  # when it ended, not when written
        groups.setdefault(tuple(sorted(values)), []).append(
            {**{f"v_{k}": v for k, v in values.items()}, "v_id": f.item.id, "v_ms": f.duration_ms})
        attempts.append(queues.attempt_row(f.item, f.outcome, values, run_id, f.duration_ms, f.ended_at))
    for keys, params in groups.items():
        stmt = (
            update(work_items)
            .where(work_items.c.id == bindparam("v_id"))
            .values({**{k: bindparam(f"v_{k}", type_=work_items.c[k].type) for k in keys},
                     "duration_ms": work_items.c.duration_ms + bindparam("v_ms")})
        )
        conn.execute(stmt, params)
    if attempts:
        conn.execute(insert(item_attempts), attempts)
    return held


def _arrays(names_types: Sequence[tuple[str, Any]]) -> Any:
    """``unnest(CAST(:a_name AS type[]), …) AS v(name, …)``: one bound array per column, one row per element."""
    args = [cast(bindparam(f"a_{name}", type_=ARRAY(t)), ARRAY(t)) for name, t in names_types]
    return func.unnest(*args).table_valued(*[column(name, t) for name, t in names_types]).render_derived("v")


_TS = DateTime(timezone=True)
_RELEASE_COLUMNS = [
    ("id", BigInteger()), ("state", Text()), ("updated_at", _TS), ("error_kind", Text()), ("error_code", Text()),
    ("error_message", Text()), ("finished_at", _TS), ("has_output", Boolean()), ("output", Text()),
    ("has_artifacts", Boolean()), ("artifacts", Text()), ("next_attempt_at", _TS), ("ms", BigInteger()),
]
_RELEASE_ROWS = _arrays(_RELEASE_COLUMNS)
_RELEASE = (
    update(work_items)
    .where(work_items.c.id == _RELEASE_ROWS.c.id, work_items.c.lease_owner == bindparam("owner"),
           work_items.c.state == ItemState.IN_PROGRESS.value)
    .values(
        state=_RELEASE_ROWS.c.state, lease_owner=None, lease_expires_at=None, updated_at=_RELEASE_ROWS.c.updated_at,
        error_kind=_RELEASE_ROWS.c.error_kind, error_code=_RELEASE_ROWS.c.error_code,
        error_message=_RELEASE_ROWS.c.error_message, finished_at=_RELEASE_ROWS.c.finished_at,
        output=case((_RELEASE_ROWS.c.has_output, cast(_RELEASE_ROWS.c.output, JSON)), else_=work_items.c.output),
        artifacts=case((_RELEASE_ROWS.c.has_artifacts, cast(_RELEASE_ROWS.c.artifacts, JSON)),
                       else_=work_items.c.artifacts),
        next_attempt_at=func.coalesce(_RELEASE_ROWS.c.next_attempt_at, work_items.c.next_attempt_at),
        duration_ms=work_items.c.duration_ms + _RELEASE_ROWS.c.ms,
    )
    .returning(work_items.c.id)
)
_ATTEMPT_COLUMNS = [
    ("item_id", BigInteger()), ("run_id", Text()), ("attempt", Integer()), ("outcome", Text()),
    ("error_kind", Text()), ("error_code", Text()), ("error_message", Text()), ("started_at", _TS),
    ("ended_at", _TS), ("duration_ms", BigInteger()), ("artifacts", Text()),
]
_ATTEMPT_ROWS = _arrays(_ATTEMPT_COLUMNS)
_INSERT_ATTEMPTS = insert(item_attempts).from_select(
    [name for name, _ in _ATTEMPT_COLUMNS],
    select(*[cast(_ATTEMPT_ROWS.c.artifacts, JSON) if name == "artifacts" else _ATTEMPT_ROWS.c[name]
             for name, _ in _ATTEMPT_COLUMNS]),
)


def _release_postgresql(conn: Connection, queues: WorkQueues, finished: Sequence[Finished], run_id: str) -> set[int]:
    """Write the releases as two statements whatever the batch size: one ``UPDATE … FROM unnest(arrays)``
    (which also checks the lease, returning the ids that landed) and one ``INSERT … SELECT FROM unnest``
    for their ``item_attempts`` rows. (Row-by-row ``executemany`` spent most of a runner's CPU in
    per-row parameter handling; see docs/benchmarks.md, "Fleet".)
    """
    releases: list[dict[str, Any]] = []
    attempts: dict[int, dict[str, Any]] = {}
    for f in finished:
        values = queues.release_values(f.outcome, f.ended_at)  # when it ended, not when written
        releases.append({
            **values, "id": f.item.id, "ms": f.duration_ms,
            "has_output": "output" in values, "output": _json(values.get("output")),
            "has_artifacts": "artifacts" in values, "artifacts": _json(values.get("artifacts")),
        })
        row = queues.attempt_row(f.item, f.outcome, values, run_id, f.duration_ms, f.ended_at)
        attempts[f.item.id] = {**row, "artifacts": _json(row["artifacts"])}
    landed = set(conn.execute(_RELEASE, {**_array_params(_RELEASE_COLUMNS, releases), "owner": queues.owner})
                 .scalars().all())
    if landed:
        kept = [row for item_id, row in attempts.items() if item_id in landed]
        conn.execute(_INSERT_ATTEMPTS, _array_params(_ATTEMPT_COLUMNS, kept))
    return landed


def _array_params(columns: Sequence[tuple[str, Any]], rows: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """The bound arrays of ``_arrays(columns)`` for ``rows`` (a missing key is NULL)."""
    return {f"a_{name}": [r.get(name) for r in rows] for name, _ in columns}


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)
