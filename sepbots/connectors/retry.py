"""Retries for connector calls: transient errors only, exponential backoff, ``Retry-After`` honoured.

Every connector sorts what can go wrong into three kinds, once, where the error is seen:

* ``TransientError`` — the other system is busy or unreachable (connection reset, timeout,
  HTTP 429/5xx, SMTP 4xx). Retried here with backoff; when the attempts are used up it surfaces
  as an ``ApplicationException`` so the runtime retries the whole item later.
* ``BusinessException`` — the data is wrong (a mail that is gone, a refused recipient). Never retried.
* anything else (wrong password, a bug) — never retried here; the runtime counts it as an
  application error.

The sleep is injected (a ``Clock``), so tests with a ``ManualClock`` do not wait.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import structlog
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from sepbots.clock import Clock, SystemClock
from sepbots.exceptions import ApplicationException

T = TypeVar("T")


class TransientError(ApplicationException):
    """A failure worth retrying soon; ``retry_after_s`` is the other system's own wish, if it said one."""

    def __init__(self, message: str, code: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message, code)
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a connector retries a transient failure.

    Args:
        attempts: calls in all, the first one included (≥ 1).
        initial_s: the wait after the first failure.
        multiplier: the factor for each further wait.
        max_s: the longest wait, also the cap on a server's ``Retry-After``.
    """

    attempts: int = 4
    initial_s: float = 0.5
    multiplier: float = 2.0
    max_s: float = 30.0

    def wait_for(self, state: RetryCallState) -> float:
        """The wait before the next attempt: the server's ``Retry-After`` if given, else backoff."""
        outcome = state.outcome
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, TransientError) and exc.retry_after_s is not None:
            return min(max(exc.retry_after_s, 0.0), self.max_s)
        return min(self.initial_s * self.multiplier ** (state.attempt_number - 1), self.max_s)


def call_with_retry(
    operation: str,
    fn: Callable[[], T],
    *,
    policy: RetryPolicy,
    clock: Clock | None = None,
    log: Any = None,
    on_retry: Callable[[TransientError], None] | None = None,
) -> T:
    """Run ``fn``, retrying ``TransientError`` as ``policy`` says.

    Args:
        operation: a snake_case name for the log (``imap_fetch``).
        fn: the call; it raises ``TransientError`` for what may pass.
        policy: attempts and waits.
        clock: whose ``sleep`` waits (the system clock by default).
        log: a structlog logger; each retry is logged as ``connector_retry``.
        on_retry: called with the error before each new attempt (e.g. to reconnect).

    Raises:
        ApplicationException: the last transient error, when every attempt failed (code kept).
    """
    sleeper = (clock or SystemClock()).sleep
    logger = log or structlog.get_logger("sepbots.connectors")

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        assert isinstance(exc, TransientError)
        logger.warning(
            "connector_retry",
            operation=operation,
            attempt=state.attempt_number,
            code=exc.code,
            error=exc.message,
            wait_s=round(policy.wait_for(state), 3),
        )
        if on_retry is not None:
            on_retry(exc)

    retrying = Retrying(
        retry=retry_if_exception_type(TransientError),
        stop=stop_after_attempt(max(policy.attempts, 1)),
        wait=policy.wait_for,
        sleep=sleeper,
        before_sleep=before_sleep,
        reraise=True,
    )
    try:
        return retrying(fn)
    except TransientError as exc:
        logger.error("connector_gave_up", operation=operation, code=exc.code, attempts=policy.attempts)
        raise ApplicationException(f"{operation}: {exc.message} (efter {policy.attempts} forsøg / "
                                   f"after {policy.attempts} attempts)", exc.code) from exc
