"""Queue triggers: a run request when enough items wait, never two at once, a pause after failure."""

from __future__ import annotations

import threading
from datetime import timedelta

from sepbots.clock import Clock, SystemClock
from sepbots.scheduling.config import QueueTrigger
from sepbots.scheduling.queuetriggers import QueueTriggers
from sepbots.store import Store
from sepbots.store.schema import work_items
from sepbots.testing import ManualClock
from sepbots.trigger import Trigger
from sepbots.worker.requests import RequestState, RunRequests
from sepbots.worker.state import BotStates

LEASE = timedelta(seconds=30)


def add_items(
    store: Store, clock: Clock, queue: str, count: int, *, state: str = "new", delay_s: float = 0, start: int = 0
) -> None:
    now = clock.now()
    with store.begin() as conn:
        for i in range(start, start + count):
            conn.execute(
                work_items.insert().values(
                    queue=queue,
                    reference=f"ref-{i}",
                    state=state,
                    priority=0,
                    payload=b"{}",
                    encrypted=False,
                    attempts=0,
                    max_attempts=3,
                    next_attempt_at=now + timedelta(seconds=delay_s),
                    duration_ms=0,
                    created_at=now,
                    updated_at=now,
                )
            )


def triggers(store: Store, clock: Clock, min_items: int = 3, cooldown: float = 60) -> QueueTriggers:
    trig = QueueTrigger(bot="refusion", min_items=min_items, priority=4, cooldown_after_failure_s=cooldown)
    return QueueTriggers(store, clock, [trig], {"refusion": "refusion-q"}, {"refusion": 1})


def test_fires_only_at_min_items_counting_ready_items(store: Store, clock: ManualClock) -> None:
    """Only items that are new and due count; the trigger fires once min_items are ready."""
    qt = triggers(store, clock)
    add_items(store, clock, "refusion-q", 2)
    add_items(store, clock, "refusion-q", 5, delay_s=60, start=10)  # retries not yet due
    add_items(store, clock, "refusion-q", 5, state="done", start=20)
    add_items(store, clock, "other-q", 5, start=30)
    assert qt.waiting("refusion-q") == 2 and qt.evaluate() == []
    add_items(store, clock, "refusion-q", 1, start=40)
    [req] = qt.evaluate()
    assert req.bot == "refusion" and req.trigger is Trigger.QUEUE and req.priority == 4
    assert req.requested_by == "queue_trigger:3"


def test_no_second_request_while_one_is_active(store: Store, clock: ManualClock) -> None:
    """While the bot has a pending or running request, waiting items do not add another."""
    qt, requests = triggers(store, clock), RunRequests(store, clock)
    add_items(store, clock, "refusion-q", 3)
    [req] = qt.evaluate()
    clock.advance(1)
    assert qt.evaluate() == []
    requests.claim("w", LEASE)
    clock.advance(1)
    assert qt.evaluate() == []
    requests.finish(req.id, "w", RequestState.DONE)
    clock.advance(1)
    assert len(qt.evaluate()) == 1


def test_failed_run_pauses_trigger_for_cooldown_only(store: Store, clock: ManualClock) -> None:
    """After a failed queue-triggered run the trigger waits its cooldown, then fires again."""
    qt, requests = triggers(store, clock, cooldown=60), RunRequests(store, clock)
    add_items(store, clock, "refusion-q", 3)
    [req] = qt.evaluate()
    requests.claim("w", LEASE)
    requests.finish(req.id, "w", RequestState.FAILED, error="boom")
    clock.advance(30)
    assert qt.evaluate() == []
    clock.advance(31)
    assert len(qt.evaluate()) == 1


def test_paused_bot_is_not_triggered(store: Store, clock: ManualClock) -> None:
    """A paused bot's queue does not start runs."""
    qt = triggers(store, clock)
    add_items(store, clock, "refusion-q", 3)
    BotStates(store, clock).pause("refusion")
    assert qt.evaluate() == []
    BotStates(store, clock).resume("refusion")
    assert len(qt.evaluate()) == 1


def test_two_evaluators_at_once_add_one_request(store: Store) -> None:
    """Two runners evaluating the same trigger at the same moment add a single request."""
    clock = SystemClock()
    add_items(store, clock, "refusion-q", 3)
    barrier = threading.Barrier(4)
    added: list[int] = []

    def evaluate() -> None:
        qt = triggers(store, clock)
        barrier.wait()
        added.append(len(qt.evaluate()))

    threads = [threading.Thread(target=evaluate) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(added) == 1
    assert len(RunRequests(store, clock).list()) == 1
