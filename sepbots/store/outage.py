"""Riding out database outages: one rule for "is the database down?", one retry, one stop signal.

Municipal orchestrators freeze when their database goes away (OpenOrchestrator #57, #64, #106,
#152). sepbots instead treats connection-level errors as an outage (:func:`is_outage`): the call is
retried with exponential backoff (tenacity), capped, and interrupted at once by a stop request,
which ends the wait with ``StopRequested``. The log gets one ``database_unavailable`` line when the
outage starts and one ``database_available`` line when it ends, not one line per retry.

Used by the runtime (a run that loses its database stops claiming and writes its results once the
database is back), the worker service and its heartbeat, the scheduler and the fleet's leader
election.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, TypeVar

import structlog
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from tenacity import RetryCallState, Retrying, retry_if_exception, wait_exponential_jitter

from sepbots.clock import Clock, SystemClock
from sepbots.exceptions import QueueError, StopRequested, StoreError

T = TypeVar("T")


class Waiter(Protocol):
    """Something that sleeps and reports whether a stop was requested meanwhile.

    A ``threading.Event`` and the runtime's ``StopToken`` both are.
    """

    def wait(self, seconds: float) -> bool: ...


def is_outage(exc: BaseException) -> bool:
    """Whether ``exc`` means "the database cannot be reached right now", not "the request is wrong"."""
    if isinstance(exc, QueueError):
        return False
    if isinstance(exc, StoreError | OperationalError | InterfaceError | DisconnectionError | PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def reason(exc: BaseException) -> str:
    """The first line of the driver's message, without the SQL statement."""
    orig = getattr(exc, "orig", None)
    text = str(orig or exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


class DatabaseHealth:
    """Whether the database answers (one log line per change), and store calls retried through outages.

    Shared by the threads of one process, so an outage is logged once however many of them notice it.

    Args:
        stop: waited on between retries; a stop request ends the wait with ``StopRequested``.
        clock: where the time comes from (for the outage length).
        log: a structlog logger (default ``sepbots.store``).
        first_wait_s: the first wait between two tries; each next wait doubles (plus a little jitter).
        max_wait_s: the longest wait between two tries.
    """

    def __init__(
        self,
        stop: Waiter,
        *,
        clock: Clock | None = None,
        log: Any | None = None,
        first_wait_s: float = 0.1,
        max_wait_s: float = 5.0,
    ) -> None:
        self.stop = stop
        self.clock = clock or SystemClock()
        self.log = log or structlog.get_logger("sepbots.store")
        self.first_wait_s = first_wait_s
        self.max_wait_s = max_wait_s
        self._lock = threading.Lock()
        self.available = True
        self.down_since: datetime | None = None
        self.last_error: str | None = None
        self.outages = 0

    @property
    def down(self) -> bool:
        return not self.available

    def failed(self, exc: BaseException, operation: str) -> None:
        """Record a failed database operation; logs only when this starts an outage."""
        with self._lock:
            self.last_error = reason(exc)
            if not self.available:
                return
            self.available = False
            self.down_since = self.clock.now()
            self.outages += 1
        self.log.warning("database_unavailable", operation=operation, error=self.last_error)

    def succeeded(self) -> None:
        """Record a working database operation; logs only when this ends an outage."""
        with self._lock:
            if self.available:
                return
            self.available = True
            since, self.down_since = self.down_since, None
        down_s = (self.clock.now() - since).total_seconds() if since else None
        self.log.info("database_available", down_s=round(down_s, 3) if down_s is not None else None)

    def call(self, fn: Callable[[], T], operation: str = "store") -> T:
        """``fn()``, retried while the database is unreachable; other errors propagate at once.

        Raises:
            StopRequested: a stop was requested while waiting for the database.
        """

        def went_down(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            if exc is not None:
                self.failed(exc, operation)

        def sleep(seconds: float) -> None:
            if self.stop.wait(seconds):
                raise StopRequested(f"stop requested while the database was unavailable ({operation})")

        retrying = Retrying(
            retry=retry_if_exception(is_outage),
            wait=wait_exponential_jitter(multiplier=self.first_wait_s, max=self.max_wait_s, jitter=self.first_wait_s),
            sleep=sleep,
            before_sleep=went_down,
            reraise=True,
        )
        result = retrying(fn)
        self.succeeded()
        return result
