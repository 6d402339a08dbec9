"""Operator actions on work items, each written to the audit trail in the same transaction.

Decisions (documented in docs/dashboard.md):

* **Mark handled** keeps the item's state (``business_exception``, ``failed`` or ``abandoned``:
  what the robot concluded) and records the person's decision in ``handled_by``, ``handled_at``
  and ``handled_note``. The item leaves the manual-handling queue.
* **Send back for retry** puts the item back to ``new`` with ``next_attempt_at`` = now, keeps
  ``attempts`` (the history stays in ``item_attempts``) and sets ``max_attempts`` to
  ``attempts + 1``: exactly one more automatic try; if that fails too the item comes back here.

Both only act on items that still wait for a person (a final error state, not yet handled), with
a conditional UPDATE, so two operators clicking at once cannot both succeed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select, update

from sepbots.clock import Clock
from sepbots.dashboard import trail
from sepbots.dashboard.artifacts import mask_cpr
from sepbots.exceptions import SepbotsError
from sepbots.store.schema import runs, work_items
from sepbots.workitems import ItemState

WAITING_STATES = (ItemState.BUSINESS_EXCEPTION, ItemState.FAILED, ItemState.ABANDONED)
MAX_NOTE = 2000


class ActionError(SepbotsError):
    """An operator action cannot be done (the item is gone or no longer waits for a person)."""


@dataclass(frozen=True)
class ActionResult:
    """What an action changed, for the confirmation message."""

    item_id: int
    reference: str
    audit_seq: int


def _waiting(item_id: int):  # type: ignore[no-untyped-def]
    return (
        (work_items.c.id == item_id)
        & work_items.c.state.in_([s.value for s in WAITING_STATES])
        & work_items.c.handled_at.is_(None)
    )


def _context(conn: Connection, item_id: int) -> tuple[str, str | None, str | None, str, int]:
    row = conn.execute(
        select(work_items.c.reference, work_items.c.run_id, runs.c.bot, work_items.c.state, work_items.c.attempts)
        .select_from(work_items.outerjoin(runs, runs.c.id == work_items.c.run_id))
        .where(work_items.c.id == item_id)
    ).first()
    if row is None:
        raise ActionError(f"work item {item_id} does not exist")
    return row.reference, row.run_id, row.bot, row.state, row.attempts


def mark_handled(conn: Connection, clock: Clock, item_id: int, user: str, note: str) -> ActionResult:
    """Record that ``user`` handled item ``item_id`` by hand, with a note (CPR-shaped numbers masked).

    Raises:
        ActionError: the note is empty, or the item does not wait for manual handling.
    """
    text = mask_cpr(note.strip()) or ""
    if not text:
        raise ActionError("a note is required")
    text = text[:MAX_NOTE]
    reference, run_id, bot, state, _ = _context(conn, item_id)
    now = clock.now()
    changed = conn.execute(
        update(work_items)
        .where(_waiting(item_id))
        .values(handled_by=user, handled_note=text, handled_at=now, updated_at=now)
    ).rowcount
    if changed != 1:
        raise ActionError(f"work item {item_id} does not wait for manual handling (state {state})")
    seq = trail.append(
        conn, clock, event="item_handled", actor=user, bot=bot, run_id=run_id, item_id=item_id,
        details={"reference": reference, "state": state, "note": text},
    )
    return ActionResult(item_id=item_id, reference=reference, audit_seq=seq)


def send_back_for_retry(conn: Connection, clock: Clock, item_id: int, user: str) -> ActionResult:
    """Put item ``item_id`` back in its queue for one more automatic attempt, now.

    Raises:
        ActionError: the item does not wait for manual handling.
    """
    reference, run_id, bot, state, attempts = _context(conn, item_id)
    now = clock.now()
    changed = conn.execute(
        update(work_items)
        .where(_waiting(item_id))
        .values(
            state=ItemState.NEW.value, next_attempt_at=now, max_attempts=attempts + 1,
            lease_owner=None, lease_expires_at=None, finished_at=None, updated_at=now,
        )
    ).rowcount
    if changed != 1:
        raise ActionError(f"work item {item_id} does not wait for manual handling (state {state})")
    seq = trail.append(
        conn, clock, event="item_retry_requested", actor=user, bot=bot, run_id=run_id, item_id=item_id,
        details={"reference": reference, "previous_state": state, "attempts": attempts},
    )
    return ActionResult(item_id=item_id, reference=reference, audit_seq=seq)
