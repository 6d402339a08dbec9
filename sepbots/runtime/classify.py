"""The one place where an attempt's exception becomes an outcome.

- no exception → ``DONE``;
- ``BusinessException``, a stored payload that does not fit the bot's payload model
  (``INVALID_PAYLOAD``, checked before the bot's code runs) and data the bot's own code found not
  to fit one of its models (a pydantic ``ValidationError`` from the handler: ``INVALID_DATA``) →
  ``BUSINESS_EXCEPTION``: a person handles it; never retried (the same data fails the same way);
- ``ApplicationException``, a timeout and any exception that is not ours → retried after
  ``retry_delay * backoff**(attempt-1)`` while attempts remain, then ``FAILED``. (A ``ConfigError``
  is classified the same way, and the runner then ends the run: the setup is wrong, not the item.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError

from sepbots.exceptions import ApplicationException, BotError, BusinessException
from sepbots.i18n.validation import validation_problems
from sepbots.recipes import Recipe
from sepbots.workitems.models import Claimed, ErrorKind, ItemState, Release


class ItemTimeout(BaseException):  # noqa: N818 - delivered into the bot's thread; bot code must not swallow it
    """Raised inside an item processor that ran past the bot's per-item timeout."""


def validation_message(exc: ValidationError, lead: str = "ugyldige data i opgaven / invalid payload: ") -> str:
    """A readable list of the fields that failed and why (Danish and English), without their values."""
    return lead + "; ".join(f"{field or exc.title}: {reason}" for field, reason, _, _ in validation_problems(exc))


class InvalidPayload(Exception):  # noqa: N818 - named for what the person sees: the item's payload is invalid
    """The item's stored payload does not fit the bot's payload model (found before the bot's code runs)."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(validation_message(error))


def classify(
    exc: BaseException | None,
    item: Claimed,
    recipe: Recipe,
    now: datetime,
    *,
    output: dict[str, Any] | None = None,
    artifacts: tuple[str, ...] = (),
) -> Release:
    """Decide the outcome of one attempt."""
    if exc is None:
        return Release(ItemState.DONE, output=output)
    if isinstance(exc, InvalidPayload):
        return Release(ItemState.BUSINESS_EXCEPTION, ErrorKind.BUSINESS, "INVALID_PAYLOAD", str(exc), artifacts=artifacts)
    if isinstance(exc, ValidationError):  # from the bot's code: e.g. a system's answer that does not fit its model
        title = exc.title
        return Release(ItemState.BUSINESS_EXCEPTION, ErrorKind.BUSINESS, "INVALID_DATA",
                       validation_message(exc, f"ugyldige data ({title}) / invalid data ({title}): "), artifacts=artifacts)
    if isinstance(exc, BusinessException):
        return Release(ItemState.BUSINESS_EXCEPTION, ErrorKind.BUSINESS, exc.code, exc.message, artifacts=artifacts)
    code: str | None
    if isinstance(exc, ItemTimeout):
        kind, code = ErrorKind.TIMEOUT, "TIMEOUT"
        limit = recipe.timeout.total_seconds() if recipe.timeout else 0
        message = (f"opgaven tog længere end robottens tidsgrænse på {limit:g} s".replace(".", ",")
                   + f" / the item took longer than the bot's timeout of {limit:g} s")
    elif isinstance(exc, ApplicationException):
        kind, code, message = ErrorKind.APPLICATION, exc.code, exc.message
    else:
        kind, code = ErrorKind.APPLICATION, getattr(exc, "code", None) if isinstance(exc, BotError) else None
        message = f"{type(exc).__name__}: {exc}"
        code = code or type(exc).__name__.upper()[:100]
    if item.attempts < item.max_attempts:
        return Release(ItemState.NEW, kind, code, message,
                       next_attempt_at=now + recipe.retry_delay_for(item.attempts), artifacts=artifacts)
    return Release(ItemState.FAILED, kind, code, message, artifacts=artifacts)
