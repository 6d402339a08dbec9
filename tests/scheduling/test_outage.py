"""Database outages: retried with backoff, logged once per change, interrupted by shutdown."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from sepbots.clock import SystemClock
from sepbots.exceptions import QueueError, StopRequested
from sepbots.store import Store
from sepbots.store.outage import DatabaseHealth, is_outage
from sepbots.trigger import Trigger
from sepbots.worker.requests import NewRequest, RunRequests

LockedStore = tuple[Store, Callable[[float], threading.Thread], list[float]]  # the store, a function that locks it
# for s seconds, and when each lock was released


@pytest.fixture
def locked_store(tmp_path: Path) -> Iterator[LockedStore]:
    """A SQLite store with a short busy timeout, a function that locks it from another connection, and when
    each lock was released (``time.monotonic()``)."""
    path = tmp_path / "sepbots.db"
    store = Store(f"sqlite:///{path.as_posix()}", busy_timeout_s=0.05)
    released: list[float] = []

    def lock_for(seconds: float) -> threading.Thread:
        ready = threading.Event()

        def hold() -> None:
            other = sqlite3.connect(path, isolation_level=None)
            other.execute("BEGIN EXCLUSIVE")
            ready.set()
            time.sleep(seconds)
            released.append(time.monotonic())  # before the lock goes: nothing can write earlier
            other.execute("ROLLBACK")
            other.close()

        thread = threading.Thread(target=hold)
        thread.start()
        assert ready.wait(60), "the other connection never got the lock"
        return thread

    yield store, lock_for, released
    store.dispose()


def test_outage_is_retried_and_logged_once_each_way(locked_store: LockedStore) -> None:
    """A write during a 0.8 s lock-out retries with backoff, then succeeds; one log line per state change."""
    store, lock_for, released = locked_store
    requests = RunRequests(store, SystemClock())
    health = DatabaseHealth(threading.Event(), clock=SystemClock(), first_wait_s=0.05, max_wait_s=0.2)
    holder = lock_for(0.8)
    started = time.monotonic()
    with capture_logs() as logs:
        req = health.call(
            lambda: requests.enqueue(NewRequest(key="k", bot="b", trigger=Trigger.MANUAL)), "enqueue"
        )
    finished = time.monotonic()
    holder.join()
    # Waited the lock-out out: it succeeded only after the lock went (recorded times, not a
    # threshold a loaded machine can miss by starting the call late).
    assert req is not None and finished > released[0]
    events = [e["event"] for e in logs]
    assert events == ["database_unavailable", "database_available"]
    assert "locked" in logs[0]["error"] and logs[0]["operation"] == "enqueue"
    assert 0 < logs[1]["down_s"] <= finished - started + 0.01  # measured on the wall clock, rounded to ms
    assert health.available and health.outages == 1


def test_shutdown_interrupts_waiting(locked_store: LockedStore) -> None:
    """Setting the stop event ends the retrying promptly with StopRequested."""
    store, lock_for, _ = locked_store
    stop = threading.Event()
    requests = RunRequests(store, SystemClock())
    health = DatabaseHealth(stop, clock=SystemClock(), first_wait_s=0.05, max_wait_s=5)
    holder = lock_for(4.0)
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    with capture_logs(), pytest.raises(StopRequested):
        health.call(lambda: requests.list(), "enqueue")
    assert time.monotonic() - started < 3.0  # interrupted, not waited out (the lock is held 4 s)
    assert not health.available
    holder.join()


def test_other_errors_are_not_outages() -> None:
    """A bug (not a connection problem) propagates at once and is not retried."""
    calls = []

    def broken() -> None:
        calls.append(1)
        raise KeyError("bug")

    with capture_logs() as logs, pytest.raises(KeyError):
        DatabaseHealth(threading.Event()).call(broken, "op")
    assert calls == [1] and logs == []
    assert not is_outage(KeyError("x"))
    assert not is_outage(QueueError("no such item"))  # a store error, but about the request, not the database
