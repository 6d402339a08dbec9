"""Work items: the typed unit of work a bot processes, and its life cycle."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class ItemState(enum.StrEnum):
    """Where a work item is in its life.

    ``NEW`` → ``IN_PROGRESS`` → one of ``DONE``, ``BUSINESS_EXCEPTION`` (waits for a person),
    ``FAILED`` (retries used up), ``ABANDONED`` (its runner died on the last attempt), or back to
    ``NEW`` for a retry.
    """

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BUSINESS_EXCEPTION = "business_exception"
    FAILED = "failed"
    ABANDONED = "abandoned"

    @property
    def final(self) -> bool:
        return self not in (ItemState.NEW, ItemState.IN_PROGRESS)


class HandlingSource(enum.StrEnum):
    """How a manual-handling item's handling minutes were measured."""

    ENTERED = "entered"  # the person entered the minutes (dashboard form or ``sepbots items handle``)
    OPENED = "opened"  # from first opened in the dashboard to marked handled


class ErrorKind(enum.StrEnum):
    """How the runtime classified the last error of an item."""

    BUSINESS = "business"
    APPLICATION = "application"
    LEASE_EXPIRED = "lease_expired"
    TIMEOUT = "timeout"


class NewItem(BaseModel, Generic[T]):
    """What a producer yields: a reference unique in the queue, and the payload."""

    model_config = ConfigDict(frozen=True)

    reference: str = Field(min_length=1, max_length=200)
    payload: T
    priority: int = 0


class WorkItem(BaseModel, Generic[T]):
    """One unit of work with its typed payload and its ledger fields."""

    model_config = ConfigDict(frozen=True)

    id: int
    queue: str
    reference: str
    state: ItemState
    payload: T
    attempts: int = 0
    max_attempts: int = 1
    priority: int = 0
    next_attempt_at: datetime | None = None
    error_kind: ErrorKind | None = None
    error_code: str | None = None
    error_message: str | None = None
    output: dict[str, Any] | None = None
    artifacts: list[str] = Field(default_factory=list)
    duration_ms: int = 0
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    run_id: str | None = None


@dataclass(frozen=True)
class Claimed:
    """A claimed item as stored: the payload still as JSON bytes."""

    id: int
    queue: str
    reference: str
    payload_json: bytes
    attempts: int
    max_attempts: int
    priority: int
    created_at: datetime
    started_at: datetime
    duration_ms: int


@dataclass(frozen=True)
class Release:
    """How an attempt ended, as decided by the runtime's classifier."""

    state: ItemState
    error_kind: ErrorKind | None = None
    error_code: str | None = None
    error_message: str | None = None
    output: dict[str, Any] | None = None
    next_attempt_at: datetime | None = None
    artifacts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finished:
    """An attempt that ended, waiting to be written."""

    item: Claimed
    outcome: Release
    duration_ms: int
    ended_at: datetime
