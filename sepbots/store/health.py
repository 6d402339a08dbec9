"""Riding out database outages: retry a store call with backoff until it works or a stop is requested.

A runner that loses its database stops claiming (its next claim waits here), keeps the results of
the item it was working on and writes them once the database is back. The outage is logged once
when it starts (``database_unavailable``) and once when it ends (``database_available``), not on
every retry.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, TypeVar

import structlog
from sqlalchemy.exc import DBAPIError, OperationalError
from tenacity import RetryCallState, Retrying, retry_if_exception, wait_exponential_jitter

from sepbots.exceptions import QueueError, StopRequested, StoreError

T = TypeVar("T")
log = structlog.get_logger("sepbots.store")


class Waiter(Protocol):
    """Something that sleeps and reports whether a stop was requested meanwhile (``StopToken``)."""

    def wait(self, seconds: float) -> bool: ...


def is_outage(exc: BaseException) -> bool:
    """True for errors that mean "the database is unreachable right now", not "the request is wrong"."""
    if isinstance(exc, QueueError):
        return False
    if isinstance(exc, StoreError | OperationalError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


class DatabaseHealth:
    """Runs store calls through outages.

    Args:
        stop: waited on between retries; a stop request ends the wait with ``StopRequested``.
        max_backoff_s: the longest wait between two retries.
    """

    def __init__(self, stop: Waiter, *, max_backoff_s: float = 5.0) -> None:
        self._stop = stop
        self._max = max_backoff_s
        self._down_since: float | None = None

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def call(self, fn: Callable[[], T]) -> T:
        """``fn()``, retried while the database is unreachable.

        Raises:
            StopRequested: a stop was requested while waiting for the database.
        """
        retrying = Retrying(
            retry=retry_if_exception(is_outage),
            wait=wait_exponential_jitter(multiplier=0.1, max=self._max, jitter=0.1),
            sleep=self._sleep,
            before_sleep=self._went_down,
            reraise=True,
        )
        result = retrying(fn)
        if self._down_since is not None:
            log.info("database_available", outage_s=round(time.monotonic() - self._down_since, 1))
            self._down_since = None
        return result

    def _sleep(self, seconds: float) -> None:
        if self._stop.wait(seconds):
            raise StopRequested("stop requested while the database was unavailable")

    def _went_down(self, state: RetryCallState) -> None:
        if self._down_since is None:
            self._down_since = time.monotonic()
            exc = state.outcome.exception() if state.outcome else None
            log.warning("database_unavailable", error=type(exc).__name__ if exc else None,
                        reason=str(exc).splitlines()[0][:200] if exc else None)
