"""Opening the work queues of a store: the implementation of the queue port for its database.

``open_queues`` is the one place that knows both implementations (``queue_sqlite``,
``queue_postgresql``); each of them builds on the port, ``sepbots.workitems.queue.WorkQueues``.
"""

from __future__ import annotations

from datetime import timedelta

from sepbots.audit import AuditTrail
from sepbots.clock import Clock
from sepbots.exceptions import QueueError
from sepbots.redaction import Redactor
from sepbots.store import Store
from sepbots.workitems.codec import PayloadCodec
from sepbots.workitems.queue import WorkQueues
from sepbots.workitems.queue_postgresql import PostgresqlQueues
from sepbots.workitems.queue_sqlite import SqliteQueues

__all__ = ["open_queues"]


def open_queues(
    store: Store,
    codec: PayloadCodec,
    redactor: Redactor,
    audit: AuditTrail,
    clock: Clock,
    *,
    owner: str,
    lease: timedelta = timedelta(seconds=60),
) -> WorkQueues:
    """The work queues of ``store``, as the implementation for its database (SQLite or PostgreSQL)."""
    for impl in (SqliteQueues, PostgresqlQueues):
        if impl.dialect == store.dialect:
            return impl(store=store, codec=codec, redactor=redactor, audit=audit, clock=clock, owner=owner, lease=lease)
    raise QueueError(f"ingen arbejdskø til databasen / no work queue implementation for the database: {store.dialect}")
