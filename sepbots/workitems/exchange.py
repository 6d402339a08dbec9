"""Batched queue traffic for fast bots: release finished items and claim the next ones in one transaction.

``WorkQueues.claim`` + ``WorkQueues.release`` cost two transactions (and two audit appends) per
item. ``exchange`` does the same work for a whole batch in one: it locks the items being released
(those whose lease this runner still holds), writes each release, its ``item_attempts`` row and its
audit event, claims up to ``limit`` new items, and appends every audit event in one go. The
semantics are those of the single-item calls: a release only lands while the lease is held, each
claim counts an attempt, and the audit trail records every claim and every release — those of a
batch as one ``items_claimed`` and one ``items_released`` row listing the items, so the chain (whose
head row serialises every writer of the fleet) grows by two rows per batch, not two per item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update

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
            held = _still_held(conn, queues, [f.item.id for f in finished])
            groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            attempts: list[dict[str, Any]] = []
            released: list[tuple[Claimed, Release, int]] = []
            for i, f in enumerate(finished):
                if f.item.id not in held:
                    continue
                landed[i] = True
                values = queues.release_values(f.outcome, f.ended_at)  # when it ended, not when written
                groups.setdefault(tuple(sorted(values)), []).append(
                    {**{f"v_{k}": v for k, v in values.items()}, "v_id": f.item.id, "v_ms": f.duration_ms})
                attempts.append(queues.attempt_row(f.item, f.outcome, values, run_id, f.duration_ms, f.ended_at))
                released.append((f.item, f.outcome, f.duration_ms))
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
            events.extend(queues.released_events(released, run_id, bot))
        rows = conn.execute(queues.claim_statement(queue, run_id, now, limit)).all() if limit > 0 else []
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


def _still_held(conn: Any, queues: WorkQueues, ids: list[int]) -> set[int]:
    """Ids among ``ids`` this runner still leases, locked until the transaction ends."""
    stmt = select(work_items.c.id).where(
        work_items.c.id.in_(ids), work_items.c.lease_owner == queues.owner,
        work_items.c.state == ItemState.IN_PROGRESS.value,
    )
    if queues.store.dialect == "postgresql":
        stmt = stmt.with_for_update()
    return set(conn.execute(stmt).scalars().all())
