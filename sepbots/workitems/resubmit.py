"""Correct and resubmit: an operator fixes the payload of an item a person must handle and sends it back.

For a business exception caused by data (``NO_NAME``, ``BAD_CPR``, …) the fix belongs in the payload,
not in a retry of the same data. ``resubmit`` validates the new payload with the bot's own payload
model, stores it (encrypted like any payload), puts the item back to ``new`` with one more attempt,
and writes an ``item_resubmitted`` audit row in the same transaction: who, when, and which fields
changed — each old and new value as a keyed token (``[VAL:…]``), never the value itself.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import select, update

from sepbots.audit import AuditEvent, AuditEventType
from sepbots.exceptions import QueueError
from sepbots.store.schema import work_items
from sepbots.workitems.models import ItemState
from sepbots.workitems.queue import WorkQueues

RESUBMITTABLE = (ItemState.BUSINESS_EXCEPTION, ItemState.FAILED, ItemState.ABANDONED)


def changed_fields(before: BaseModel, after: BaseModel) -> list[str]:
    """The names of the payload fields whose values differ, in model order."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return [name for name in type(after).model_fields if old.get(name) != new.get(name)]


def resubmit(queues: WorkQueues, item_id: int, before: BaseModel, after: BaseModel, *, actor: str,
             note: str = "") -> list[str]:
    """Store ``after`` as the payload of item ``item_id`` and send the item back to its queue.

    Returns:
        the names of the fields that changed.

    Raises:
        QueueError: nothing changed, or the item no longer waits for a person (another operator acted).
    """
    fields = changed_fields(before, after)
    if not fields:
        raise QueueError("no field was changed; use 'send back for retry' to try the same data again")
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    redactor = queues.redactor
    details: dict[str, Any] = {
        "fields": {name: {"from": redactor.value_token(old.get(name)), "to": redactor.value_token(new.get(name))}
                   for name in fields},
        "note": note,
    }
    now = queues.clock.now()
    with queues.store.begin() as conn:
        row = conn.execute(
            update(work_items)
            .where(work_items.c.id == item_id, work_items.c.state.in_([s.value for s in RESUBMITTABLE]),
                   work_items.c.handled_at.is_(None))
            .values(payload=queues.codec.encode(after), encrypted=queues.codec.encrypts, state=ItemState.NEW.value,
                    next_attempt_at=now, updated_at=now, finished_at=None,
                    max_attempts=queues.greatest(work_items.c.max_attempts, work_items.c.attempts + 1))
            .returning(work_items.c.queue)
        ).first()
        if row is None:
            current = conn.execute(select(work_items.c.state).where(work_items.c.id == item_id)).scalar()
            raise QueueError(f"work item {item_id} does not wait for manual handling (state {current})")
        details["queue"] = row.queue
        queues.audit.append(conn, [AuditEvent(AuditEventType.ITEM_RESUBMITTED, actor, item_id=item_id,
                                              details=details)], now)
    return fields
