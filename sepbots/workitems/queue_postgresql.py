"""The work queues on PostgreSQL: many runners at once.

A claim locks the rows it picks with ``FOR UPDATE SKIP LOCKED`` (other runners skip them instead of
waiting) and a batch of releases is two statements over bound arrays whatever its size.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Connection,
    DateTime,
    Integer,
    Select,
    Text,
    any_,
    bindparam,
    case,
    cast,
    column,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY

from sepbots.store.schema import item_attempts, work_items
from sepbots.workitems.models import Finished, ItemState
from sepbots.workitems.queue import WorkQueues

_INSERT_IGNORE = (
    postgresql.insert(work_items)
    .on_conflict_do_nothing(index_elements=["queue", "reference"])
    .returning(work_items.c.id, work_items.c.reference)
)


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


class PostgresqlQueues(WorkQueues):
    """``WorkQueues`` on a PostgreSQL database shared by a fleet of runners."""

    dialect = "postgresql"
    insert_ignore = _INSERT_IGNORE
    greatest_function = "greatest"

    def _picked(self, due: Select[Any], limit: int) -> Any:
        due = due.with_for_update(skip_locked=True)
        if limit == 1:
            return work_items.c.id == due.scalar_subquery()  # evaluated once (an InitPlan)
        # ``id = ANY(ARRAY(SELECT …))``: the sub-select runs exactly once (an InitPlan; an ``IN``
        # subquery may be re-run per row, and with SKIP LOCKED each run picks other rows), and the
        # update then finds its rows through the primary key. (A CTE joined back to the table ran
        # once too, but the planner hashed it against a scan of every new item: O(backlog) per claim.)
        return work_items.c.id == any_(func.array(due.scalar_subquery()))

    def _write_releases(self, conn: Connection, finished: Sequence[Finished], run_id: str) -> set[int]:
        """Write the releases as two statements whatever the batch size: one ``UPDATE … FROM unnest(arrays)``
        (which also checks the lease, returning the ids that landed) and one ``INSERT … SELECT FROM unnest``
        for their ``item_attempts`` rows. (Row-by-row ``executemany`` spent most of a runner's CPU in
        per-row parameter handling; see docs/benchmarks.md, "Fleet".)
        """
        releases: list[dict[str, Any]] = []
        attempts: dict[int, dict[str, Any]] = {}
        for f in finished:
            values = self.release_values(f.outcome, f.ended_at)  # when it ended, not when written
            releases.append({
                **values, "id": f.item.id, "ms": f.duration_ms,
                "has_output": "output" in values, "output": _json(values.get("output")),
                "has_artifacts": "artifacts" in values, "artifacts": _json(values.get("artifacts")),
            })
            row = self.attempt_row(f.item, f.outcome, values, run_id, f.duration_ms, f.ended_at)
            attempts[f.item.id] = {**row, "artifacts": _json(row["artifacts"])}
        landed = set(conn.execute(_RELEASE, {**_array_params(_RELEASE_COLUMNS, releases), "owner": self.owner})
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
