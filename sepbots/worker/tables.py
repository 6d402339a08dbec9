"""Tables of the worker service, on the project's shared ``metadata`` (migration ``0002_scheduling``).

* ``run_requests``: every schedule fire, manual start and queue trigger, keyed so it runs once;
* ``bot_state``: a bot paused by an operator (honoured between items);
* ``schedule_state``: a schedule paused by an operator (its fires are skipped);
* ``runner_status``: each worker process's heartbeat and what it is doing;
* ``apscheduler_jobs``: APScheduler 3.x's job store (same layout as its ``SQLAlchemyJobStore``).
"""

from __future__ import annotations

import enum

from sqlalchemy import JSON, Boolean, Column, Float, Index, Integer, LargeBinary, String, Table, Text, Unicode

from sepbots.store.schema import Id, UTCDateTime, metadata

APSCHEDULER_TABLE = "apscheduler_jobs"


class RequestState(enum.StrEnum):
    """Where a run request is in its life."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REFUSED = "refused"  # the run was refused before it started (the legal gate, or any other reason)

    @property
    def final(self) -> bool:
        return self in (RequestState.DONE, RequestState.FAILED, RequestState.CANCELLED, RequestState.REFUSED)


run_requests = Table(
    "run_requests",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("key", String(300), nullable=False, unique=True),
    Column("bot", String(100), nullable=False),
    Column("params", JSON),
    Column("trigger", String(20), nullable=False),
    Column("schedule", String(100)),
    Column("scheduled_for", UTCDateTime()),
    Column("priority", Integer, nullable=False, default=0),
    Column("max_concurrent", Integer, nullable=False, default=1),
    Column("state", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("started_at", UTCDateTime()),
    Column("ended_at", UTCDateTime()),
    Column("run_id", String(36)),
    Column("claimed_by", String(100)),
    Column("lease_expires_at", UTCDateTime()),
    Column("requested_by", String(100)),
    Column("error", Text),
    Column("test_mode", Boolean, nullable=False, default=False),
    Index("ix_run_requests_pick", "state", "priority", "id"),
    Index("ix_run_requests_bot_state", "bot", "state"),
)

def _pause_switches(name: str, key: str) -> Table:
    """Operator pause switches keyed by ``key`` (a bot's or a schedule's name), with who set them when."""
    return Table(
        name,
        metadata,
        Column(key, String(100), primary_key=True),
        Column("paused", Boolean, nullable=False, default=False),
        Column("updated_at", UTCDateTime(), nullable=False),
        Column("updated_by", String(100)),
    )


bot_state = _pause_switches("bot_state", "bot")
schedule_state = _pause_switches("schedule_state", "schedule")

runner_status = Table(
    "runner_status",
    metadata,
    Column("runner_id", String(100), primary_key=True),
    Column("host", String(200), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("heartbeat_at", UTCDateTime(), nullable=False),
    Column("state", String(20), nullable=False),
    Column("current_request_id", Integer),
    Column("current_run_id", String(36)),
    Column("current_bot", String(100)),
)

apscheduler_jobs = Table(
    APSCHEDULER_TABLE,
    metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
