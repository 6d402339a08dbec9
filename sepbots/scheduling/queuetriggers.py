"""Queue triggers: start a run of a bot when at least ``min_items`` items wait in its queue.

Evaluated on every worker tick (a quarter second by default) with one cheap ``COUNT`` per trigger
over the claim index of ``work_items`` (``state = 'new' AND next_attempt_at <= now``). A request
is added only when the bot has no pending or running request, is not paused, and its last
queue-triggered run was not refused and did not fail within ``cooldown_after_failure_s`` (so a broken bot is not
restarted four times a second). Check and insert share one write transaction, so two runners
evaluating the same trigger at once add one request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from sqlalchemy import and_, func, select, text

from sepbots.clock import Clock
from sepbots.scheduling.config import QueueTrigger
from sepbots.store import Store
from sepbots.trigger import Trigger
from sepbots.worker.requests import PG_CLAIM_LOCK, RequestState, RunRequest, row_to_request
from sepbots.worker.tables import bot_state, run_requests
from sepbots.workitems import items
from sepbots.workitems.models import ItemState

_ACTIVE = (RequestState.PENDING.value, RequestState.RUNNING.value)


class QueueTriggers:
    """Turns waiting work items into run requests.

    Args:
        store: the project database.
        clock: where the time comes from.
        triggers: the ``[[queue_trigger]]`` entries.
        queues: each bot's queue name (from the bot registry).
        max_concurrent: each bot's concurrency limit for the requests made here.
    """

    def __init__(
        self,
        store: Store,
        clock: Clock,
        triggers: Sequence[QueueTrigger],
        queues: Mapping[str, str],
        max_concurrent: Mapping[str, int] | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.triggers = [t for t in triggers if t.enabled]
        self.queues = dict(queues)
        self.max_concurrent = dict(max_concurrent or {})

    def waiting(self, queue: str) -> int:
        """How many items of ``queue`` are ready to be claimed now."""
        now = self.clock.now()
        with self.store.engine.connect() as conn:
            return items.count(conn, queue, ItemState.NEW, due_by=now)

    def evaluate(self) -> list[RunRequest]:
        """Check every trigger once; returns the requests added."""
        added = []
        for trig in self.triggers:
            waiting = self.waiting(self.queues[trig.bot])
            if waiting >= trig.min_items:
                req = self._request(trig, waiting)
                if req is not None:
                    added.append(req)
        return added

    def _request(self, trig: QueueTrigger, waiting: int) -> RunRequest | None:
        now = self.clock.now()
        with self.store.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_CLAIM_LOCK})
            active = conn.execute(
                select(func.count())
                .select_from(run_requests)
                .where(and_(run_requests.c.bot == trig.bot, run_requests.c.state.in_(_ACTIVE)))
            ).scalar_one()
            if active:
                return None
            if conn.execute(
                select(bot_state.c.paused).where(bot_state.c.bot == trig.bot)
            ).scalar_one_or_none():
                return None
            last_failed = conn.execute(
                select(run_requests.c.ended_at)
                .where(
                    and_(
                        run_requests.c.bot == trig.bot,
                        run_requests.c.trigger == Trigger.QUEUE.value,
                        run_requests.c.state.in_([RequestState.FAILED.value, RequestState.REFUSED.value]),
                    )
                )
                .order_by(run_requests.c.ended_at.desc())
                .limit(1)
            ).scalar_one_or_none()
            if last_failed is not None and now - last_failed < timedelta(
                seconds=trig.cooldown_after_failure_s
            ):
                return None
            key = f"queue:{trig.bot}:{now.isoformat()}"
            conn.execute(
                run_requests.insert().values(
                    key=key,
                    bot=trig.bot,
                    params=dict(trig.params),
                    trigger=Trigger.QUEUE.value,
                    scheduled_for=now,
                    priority=trig.priority,
                    max_concurrent=self.max_concurrent.get(trig.bot, 1),
                    state=RequestState.PENDING.value,
                    attempts=0,
                    created_at=now,
                    requested_by=f"queue_trigger:{waiting}",
                    test_mode=trig.test_mode,
                )
            )
            return row_to_request(conn.execute(select(run_requests).where(run_requests.c.key == key)).one())
