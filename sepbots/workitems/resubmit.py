"""Correct and resubmit: an operator fixes the payload of an item a person must handle and sends it back.

For a business exception caused by data (``NO_NAME``, ``BAD_CPR``, …) the fix belongs in the payload,
not in a retry of the same data. ``resubmit`` validates the new payload with the bot's own payload
model, and has the queue (``WorkQueues.resubmit``) store it (encrypted like any payload), put the item
back to ``new`` with one more attempt, and write an ``item_resubmitted`` audit row in the same
transaction: who, when, and which fields changed — each old and new value as a keyed token
(``[VAL:…]``), never the value itself.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from sepbots.exceptions import QueueError
from sepbots.workitems.queue import WorkQueues


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
        raise QueueError("intet felt er ændret; brug 'send tilbage til nyt forsøg' for at prøve de samme data igen / "
                         "no field was changed; use 'send back for retry' to try the same data again")
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    redactor = queues.redactor
    details: dict[str, Any] = {
        "fields": {name: {"from": redactor.value_token(old.get(name)), "to": redactor.value_token(new.get(name))}
                   for name in fields},
        "note": note,
    }
    queues.resubmit(item_id, after, actor=actor, details=details)
    return fields
