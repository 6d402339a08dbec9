"""The work queues on SQLite: one writer at a time, so a claim needs no row locks and a release
batch is written row by row (``executemany``; on SQLite a statement is a function call)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Select, bindparam, insert, select, update
from sqlalchemy.dialects import sqlite

from sepbots.store.schema import item_attempts, work_items
from sepbots.workitems.models import Finished
from sepbots.workitems.queue import WorkQueues

_INSERT_IGNORE = (
    sqlite.insert(work_items)
    .on_conflict_do_nothing(index_elements=["queue", "reference"])
    .returning(work_items.c.id, work_items.c.reference)
)


class SqliteQueues(WorkQueues):
    """``WorkQueues`` on an SQLite file."""

    dialect = "sqlite"
    insert_ignore = _INSERT_IGNORE
    greatest_function = "max"

    def _picked(self, due: Select[Any], limit: int) -> Any:
        if limit == 1:
            return work_items.c.id == due.scalar_subquery()
        return work_items.c.id.in_(due.scalar_subquery())  # one writer: evaluated once

    def _write_releases(self, conn: Connection, finished: Sequence[Finished], run_id: str) -> set[int]:
        held = set(conn.execute(
            select(work_items.c.id).where(self.held([f.item.id for f in finished]))).scalars().all())
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        attempts: list[dict[str, Any]] = []
        for f in finished:
            if f.item.id not in held:
                continue
            values = self.release_values(f.outcome, f.ended_at)  # when it ended, not when written
            groups.setdefault(tuple(sorted(values)), []).append(
                {**{f"v_{k}": v for k, v in values.items()}, "v_id": f.item.id, "v_ms": f.duration_ms})
            attempts.append(self.attempt_row(f.item, f.outcome, values, run_id, f.duration_ms, f.ended_at))
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
