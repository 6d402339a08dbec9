"""Operator switches and worker heartbeats: paused bots, paused schedules, ``runner_status`` rows."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from sepbots.audit import AuditEvent, AuditEventType, AuditTrail
from sepbots.clock import Clock
from sepbots.store import Store
from sepbots.worker.tables import bot_state, runner_status, schedule_state


def _upsert(conn: Any, table: Table, key: str, values: dict[str, Any]) -> None:
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    stmt = dialect.insert(table).values(**values)
    conn.execute(
        stmt.on_conflict_do_update(index_elements=[key], set_={k: v for k, v in values.items() if k != key})
    )


class _PauseSwitches:
    """Paused flags keyed by name, in ``table`` (column ``key``)."""

    def __init__(self, store: Store, clock: Clock, table: Table, key: str) -> None:
        self.store = store
        self.clock = clock
        self.table = table
        self.key = key

    def set_paused(self, name: str, paused: bool, *, by: str | None = None, audit: AuditTrail | None = None) -> None:
        """Pause or resume ``name``; ``by`` says who did it (for the status listing).

        With ``audit`` the change and its ``operator_action`` audit row (``{"action": "bot_paused", ...}``,
        actor ``by``) commit together.
        """
        if audit is not None and not by:
            raise ValueError("an audited pause or resume needs the actor (by=...)")
        now = self.clock.now()
        with self.store.begin() as conn:
            _upsert(conn, self.table, self.key, {self.key: name, "paused": paused, "updated_at": now, "updated_by": by})
            if audit is not None:
                action = f"{self.key}_{'paused' if paused else 'resumed'}"
                audit.append(conn, [AuditEvent(AuditEventType.OPERATOR_ACTION, str(by),
                                               bot=name if self.key == "bot" else None,
                                               details={"action": action, self.key: name})], now)

    def pause(self, name: str, *, by: str | None = None) -> None:
        self.set_paused(name, True, by=by)

    def resume(self, name: str, *, by: str | None = None) -> None:
        self.set_paused(name, False, by=by)

    def is_paused(self, name: str) -> bool:
        """Whether ``name`` is paused now."""
        with self.store.engine.connect() as conn:
            return bool(
                conn.execute(
                    select(self.table.c.paused).where(self.table.c[self.key] == name)
                ).scalar_one_or_none()
            )

    def paused(self) -> set[str]:
        """Every paused name."""
        with self.store.engine.connect() as conn:
            col = self.table.c[self.key]
            return set(conn.execute(select(col).where(self.table.c.paused.is_(True))).scalars())


class BotStates(_PauseSwitches):
    """Paused bots: a paused bot starts no runs, and a running one stops between items."""

    def __init__(self, store: Store, clock: Clock) -> None:
        super().__init__(store, clock, bot_state, "bot")


class ScheduleStates(_PauseSwitches):
    """Paused schedules: their fires are recorded as skipped and start nothing."""

    def __init__(self, store: Store, clock: Clock) -> None:
        super().__init__(store, clock, schedule_state, "schedule")


class WorkerState(enum.StrEnum):
    """What a worker process is doing."""

    STARTING = "starting"
    IDLE = "idle"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"


class WorkerInfo(BaseModel):
    """One row of ``runner_status``."""

    model_config = ConfigDict(frozen=True)

    runner_id: str
    host: str
    pid: int
    started_at: datetime
    heartbeat_at: datetime
    state: WorkerState
    current_request_id: int | None = None
    current_run_id: str | None = None
    current_bot: str | None = None

    def alive(self, now: datetime, stale_after: timedelta) -> bool:
        """Whether the heartbeat is fresh (a killed worker's row stays behind, but goes stale)."""
        return self.state is not WorkerState.STOPPED and now - self.heartbeat_at <= stale_after


class WorkerStatuses:
    """The ``runner_status`` table: one row per worker process, kept fresh by its heartbeat."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def report(self, info: WorkerInfo) -> None:
        """Write a worker's row: its heartbeat (``info.heartbeat_at``) and what it is doing."""
        values = info.model_dump()
        values["state"] = info.state.value
        with self.store.begin() as conn:
            _upsert(conn, runner_status, "runner_id", values)

    def all(self) -> list[WorkerInfo]:
        """Every worker row, most recent heartbeat first."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(runner_status).order_by(runner_status.c.heartbeat_at.desc())).all()
            return [WorkerInfo.model_validate(dict(r._mapping)) for r in rows]

    def forget_stopped(self, older_than: timedelta) -> int:
        """Delete rows of workers that stopped (or went silent) longer ago than ``older_than``."""
        with self.store.begin() as conn:
            cutoff = self.clock.now() - older_than
            return conn.execute(delete(runner_status).where(runner_status.c.heartbeat_at < cutoff)).rowcount
