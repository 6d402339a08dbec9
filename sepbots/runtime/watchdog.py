"""A per-run helper thread: renews the current item's lease and enforces the per-item timeout.

The timeout is delivered as ``ItemTimeout`` into the thread running the bot (CPython's
``PyThreadState_SetAsyncExc``): Python code in the bot — including Playwright's waits — is
interrupted at its next bytecode; a call blocked inside C is interrupted when it returns.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable

import structlog

from sepbots.runtime.classify import ItemTimeout

log = structlog.get_logger("sepbots.runtime")


def _async_raise(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


class Watchdog:
    """Heartbeats for the item in progress, and its deadline.

    Args:
        heartbeat: called with the item id every ``interval`` seconds while an item is in progress.
        interval: seconds between heartbeats.
    """

    def __init__(self, heartbeat: Callable[[int], object], interval: float) -> None:
        self._heartbeat = heartbeat
        self._interval = interval
        self._cond = threading.Condition()
        self._item: int | None = None
        self._deadline: float | None = None
        self._target: int | None = None
        self._fired = False
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="sepbots-watchdog", daemon=True)
        self._thread.start()

    def start_item(self, item_id: int, timeout_s: float | None) -> None:
        with self._cond:
            self._item = item_id
            self._target = threading.get_ident()
            self._deadline = time.monotonic() + timeout_s if timeout_s else None
            self._fired = False
            if self._deadline is not None:  # only a deadline changes when the thread must wake
                self._cond.notify()

    def end_item(self) -> bool:
        """Stop watching the current item; True if its timeout fired.

        A timeout that fired but was not yet delivered is cancelled here, under the lock, so it
        can never hit the runtime's own code after the item.
        """
        with self._cond:
            fired = self._fired
            if fired and self._target is not None:
                _async_raise(self._target, None)
            self._item = None
            self._deadline = None
            self._fired = False
            return fired  # no wake-up needed: the thread re-reads the state whenever it wakes

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        next_beat = time.monotonic() + self._interval
        while True:
            with self._cond:
                if self._closed:
                    return
                now = time.monotonic()
                waits = [next_beat - now]
                if self._deadline is not None and not self._fired:
                    waits.append(self._deadline - now)
                wait = min(waits)
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                now = time.monotonic()
                if self._deadline is not None and not self._fired and now >= self._deadline and self._target:
                    self._fired = True
                    _async_raise(self._target, ItemTimeout)
                item = self._item
            if now >= next_beat:
                next_beat = now + self._interval
                if item is not None:
                    try:
                        self._heartbeat(item)
                    except Exception:  # the next beat retries; the lease is long enough for a miss
                        log.warning("heartbeat_failed", item_id=item, exc_info=True)
