"""Operator actions on work items, done through the core's queue API (which writes the audit row
in the same transaction as the change).

Decisions (see docs/dashboard.md):

* **Mark handled** keeps the item's state (``business_exception``, ``failed`` or ``abandoned``:
  what the robot concluded) and records the person's decision in ``handled_by``, ``handled_at``
  and ``handled_note`` (CPR numbers in the note become correlation tokens). The item leaves the
  manual-handling queue. Audit event ``item_handled``.
* **Send back for retry** puts the item back to ``new`` with ``next_attempt_at`` = now, keeps
  ``attempts`` (the history stays in ``item_attempts``) and raises ``max_attempts`` to at least
  ``attempts + 1``: one more automatic try; if that fails too the item comes back here. Audit
  event ``item_retry_requested``.

The dashboard offers both only for items that still wait for a person (a final error state, not
yet handled); the queue re-checks the state in its conditional UPDATE, so two operators clicking
at once cannot both succeed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sepbots.environment import Environment
from sepbots.exceptions import QueueError, SepbotsError
from sepbots.workitems import ItemState, items
from sepbots.workitems.handling import parse_minutes

WAITING_STATES = (ItemState.BUSINESS_EXCEPTION, ItemState.FAILED, ItemState.ABANDONED)
MAX_NOTE = 2000


class ActionError(SepbotsError):
    """An operator action cannot be done (the item is gone or no longer waits for a person)."""


@dataclass(frozen=True)
class ActionResult:
    """What an action changed, for the confirmation message."""

    item_id: int
    reference: str


def waiting_item(env: Environment, item_id: int) -> Any:
    """The work item's row, when it waits for manual handling; an ``ActionError`` otherwise."""
    with env.store.engine.connect() as conn:
        row = items.get(conn, item_id)
        conn.rollback()
    if row is None:
        raise ActionError(f"arbejdsemne {item_id} findes ikke / work item {item_id} does not exist")
    if row.state not in {s.value for s in WAITING_STATES} or row.handled_at is not None:
        raise ActionError(f"arbejdsemne {item_id} venter ikke på manuel behandling / work item {item_id} does not wait for manual handling "
                          f"(tilstand/state {row.state})")
    return row


def _waiting_reference(env: Environment, item_id: int) -> str:
    return str(waiting_item(env, item_id).reference)


def _minutes(text: str) -> Decimal | None:
    try:
        return parse_minutes(text)
    except QueueError as exc:
        raise ActionError(str(exc)) from None


def mark_handled(env: Environment, item_id: int, user: str, note: str, minutes: str = "") -> ActionResult:
    """Record that ``user`` handled item ``item_id`` by hand, with a note and the minutes it took.

    ``minutes`` entered by the person win; left empty, the time from the item's first opening to now
    is recorded when believable (``sepbots.workitems.handling``).

    Raises:
        ActionError: the note is empty, the minutes are not a number from 0 to 480, or the item does
            not wait for manual handling.
    """
    text = note.strip()[:MAX_NOTE]
    if not text:
        raise ActionError("skriv en note / a note is required")
    spent = _minutes(minutes)
    reference = _waiting_reference(env, item_id)
    try:
        env.queues.mark_handled(item_id, actor=user, note=text, minutes=spent)
    except QueueError as exc:
        raise ActionError(str(exc)) from exc
    return ActionResult(item_id=item_id, reference=reference)


def send_back_for_retry(env: Environment, item_id: int, user: str) -> ActionResult:
    """Put item ``item_id`` back in its queue for one more automatic attempt, now.

    Raises:
        ActionError: the item does not wait for manual handling.
    """
    reference = _waiting_reference(env, item_id)
    try:
        env.queues.retry(item_id, actor=user)
    except QueueError as exc:
        raise ActionError(str(exc)) from exc
    return ActionResult(item_id=item_id, reference=reference)


def bulk(env: Environment, item_ids: list[int], user: str, action: str, note: str) -> int:
    """Retry (``action="retry"``) or mark handled every item of ``item_ids`` that still waits; returns how many.

    Each item is its own change with its own audit row; an item another operator took meanwhile is skipped.
    """
    done = 0
    for item_id in item_ids:
        try:
            if action == "retry":
                send_back_for_retry(env, item_id, user)
            else:
                mark_handled(env, item_id, user, note)
        except ActionError:
            continue
        done += 1
    return done
