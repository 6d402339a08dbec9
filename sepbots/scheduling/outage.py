"""Riding out database outages: retry with exponential backoff, log once per change of state.

Municipal orchestrators freeze when their database goes away (OpenOrchestrator #57, #64, #106,
#152). The runner instead treats connection-level errors as an outage: the operation is retried
with exponential backoff (tenacity), capped, and interrupted at once by shutdown; the log gets one
``database_unavailable`` line when the outage starts and one ``database_available`` line when it
ends, not one line per retry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import structlog
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from tenacity import RetryError, Retrying, retry_if_exception, stop_when_event_set, wait_exponential

from sepbots.clock import Clock
from sepbots.exceptions import StoreError

T = TypeVar("T")


def is_outage(exc: BaseException) -> bool:
    """Whether ``exc`` means the database cannot be reached (as opposed to a bug or bad data)."""
    if isinstance(exc, StoreError | OperationalError | InterfaceError | DisconnectionError | PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def reason(exc: BaseException) -> str:
    """The first line of the driver's message, without the SQL statement."""
    orig = getattr(exc, "orig", None)
    text = str(orig or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class Stopped(Exception):  # noqa: N818 - a condition, not an error
    """Shutdown was requested while waiting for the database."""


class DatabaseHealth:
    """Whether the database answers, with one log line per change.

    Args:
        clock: where the time comes from (for the outage length).
        log: a structlog logger.
    """

    def __init__(self, clock: Clock, log: Any | None = None) -> None:
        self.clock = clock
        self.log = log or structlog.get_logger("sepbots.runner")
        self._lock = threading.Lock()
        self.available = True
        self.down_since: datetime | None = None
        self.last_error: str | None = None
        self.outages = 0

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


def retry_on_outage(
    operation: str,
    fn: Callable[[], T],
    *,
    health: DatabaseHealth,
    stop: threading.Event,
    first_wait_s: float = 0.25,
    max_wait_s: float = 30.0,
) -> T:
    """Call ``fn`` until it works, waiting 0.25 s, 0.5 s, 1 s, … (capped) between outage errors.

    Errors that are not outages propagate at once.

    Raises:
        Stopped: ``stop`` was set while waiting.
    """

    def before_sleep(state: Any) -> None:
        exc = state.outcome.exception() if state.outcome else None
        if exc is not None:
            health.failed(exc, operation)

    def sleep(seconds: float) -> None:
        stop.wait(seconds)

    retrying = Retrying(
        retry=retry_if_exception(is_outage),
        wait=wait_exponential(multiplier=first_wait_s, min=first_wait_s, max=max_wait_s),
        stop=stop_when_event_set(stop),
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=False,
    )
    try:
        result = retrying(fn)
    except RetryError as exc:
        last = exc.last_attempt.exception()
        if last is not None:
            health.failed(last, operation)
        raise Stopped(operation) from last
    health.succeeded()
    return result
