"""Run requests: every schedule fire, manual start and queue trigger becomes one row, run once.

A request's ``key`` is unique: ``schedule:<name>:<fire time ISO UTC>`` for fires, so when two
schedulers (two processes, two workstations on one PostgreSQL) fire the same schedule at the same
time, one row exists and one run happens. ``enqueue`` is ``INSERT ... ON CONFLICT (key) DO NOTHING``.

Workers claim the highest-priority, oldest pending request in one transaction (SQLite: the
``BEGIN IMMEDIATE`` write lock; PostgreSQL: a transaction-scoped advisory lock), skipping bots that
are paused or already run ``max_concurrent`` times. A claim holds a lease that the worker renews;
a request whose worker died returns to ``pending`` when its lease expires, and is failed after
``max_claims`` claims so a request that kills its worker cannot loop forever.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, and_, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from sepbots.clock import Clock
from sepbots.store import Store
from sepbots.trigger import Trigger
from sepbots.worker.tables import RequestState as RequestState  # re-exported: part of this module's API
from sepbots.worker.tables import bot_state, run_requests

PG_CLAIM_LOCK = 0x5E9B07  # any constant: serialises claims and queue triggers across PostgreSQL workers
_PICK_WINDOW = 100


def schedule_key(schedule: str, fire_time: datetime) -> str:
    """The unique key of one fire of ``schedule``: ``schedule:<name>:<fire time ISO UTC>``."""
    return f"schedule:{schedule}:{fire_time.astimezone(UTC).isoformat()}"


class NewRequest(BaseModel):
    """A run to ask for."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(min_length=1, max_length=300)
    bot: str
    trigger: Trigger
    params: dict[str, Any] = Field(default_factory=dict)
    schedule: str | None = None
    scheduled_for: datetime | None = None
    priority: int = 0
    max_concurrent: int = Field(1, ge=1)
    requested_by: str | None = None
    test_mode: bool = Field(False, description="a test run: exempt from the legal gate, marked on the run")


class RunRequest(NewRequest):
    """A stored run request: what was asked for, and where it is in its life."""

    id: int
    state: RequestState
    attempts: int = 0
    created_at: datetime
    started_at: datetime | None = None
    ended_at: datetime | None = None
    run_id: str | None = None
    claimed_by: str | None = None
    lease_expires_at: datetime | None = None
    error: str | None = None


def row_to_request(row: Any) -> RunRequest:
    """A ``run_requests`` row as a :class:`RunRequest`."""
    data = dict(row._mapping)
    data["params"] = data.get("params") or {}
    return RunRequest.model_validate(data)


class RunRequests:
    """The run-request table.

    Args:
        store: the project database.
        clock: where the time comes from.
        max_claims: a request claimed this many times without finishing (its worker kept dying)
            is failed instead of claimed again.
    """

    def __init__(self, store: Store, clock: Clock, *, max_claims: int = 3) -> None:
        self.store = store
        self.clock = clock
        self.max_claims = max_claims

    # -- writing ---------------------------------------------------------------------------------

    def enqueue(self, new: NewRequest) -> RunRequest | None:
        """Add a request unless one with the same key exists.

        Returns:
            the new request, or ``None`` when the key was already there (nothing changed).
        """
        values = new.model_dump()
        values.update(
            trigger=new.trigger.value,
            state=RequestState.PENDING.value,
            attempts=0,
            created_at=self.clock.now(),
        )
        with self.store.begin() as conn:
            stmt = self._insert_ignore(conn).values(**values).returning(run_requests.c.id)
            new_id = conn.execute(stmt).scalar_one_or_none()
            if new_id is None:
                return None
            return row_to_request(conn.execute(select(run_requests).where(run_requests.c.id == new_id)).one())

    @staticmethod
    def _insert_ignore(conn: Connection) -> Any:
        name = conn.dialect.name
        if name == "sqlite":
            return sqlite.insert(run_requests).on_conflict_do_nothing(index_elements=["key"])
        if name == "postgresql":
            return postgresql.insert(run_requests).on_conflict_do_nothing(index_elements=["key"])
        raise NotImplementedError(f"run requests need SQLite or PostgreSQL, not {name}")

    def claim(self, worker: str, lease: timedelta, *, bots: set[str] | None = None) -> RunRequest | None:
        """Take the most urgent pending request this worker may run now.

        Args:
            worker: the claiming worker's id.
            lease: how long the claim holds without renewal.
            bots: only requests for these bots (``None``: any bot).

        Returns:
            the claimed request (state ``running``), or ``None`` when nothing is runnable.
        """
        now = self.clock.now()
        with self.store.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_CLAIM_LOCK})
            self._recover_expired(conn, now)
            paused = set(conn.execute(select(bot_state.c.bot).where(bot_state.c.paused.is_(True))).scalars())
            running: dict[str, int] = dict(
                conn.execute(
                    select(run_requests.c.bot, func.count())
                    .where(run_requests.c.state == RequestState.RUNNING.value)
                    .group_by(run_requests.c.bot)
                ).all()
            )
            query = (
                select(run_requests)
                .where(run_requests.c.state == RequestState.PENDING.value)
                .order_by(run_requests.c.priority.desc(), run_requests.c.id)
                .limit(_PICK_WINDOW)
            )
            for row in conn.execute(query).all():
                req = row_to_request(row)
                if req.bot in paused or (bots is not None and req.bot not in bots):
                    continue
                if running.get(req.bot, 0) >= req.max_concurrent:
                    continue
                conn.execute(
                    update(run_requests)
                    .where(
                        and_(run_requests.c.id == req.id, run_requests.c.state == RequestState.PENDING.value)
                    )
                    .values(
                        state=RequestState.RUNNING.value,
                        claimed_by=worker,
                        started_at=now,
                        lease_expires_at=now + lease,
                        attempts=run_requests.c.attempts + 1,
                    )
                )
                return row_to_request(conn.execute(select(run_requests).where(run_requests.c.id == req.id)).one())
        return None

    def _recover_expired(self, conn: Connection, now: datetime) -> None:
        expired = and_(
            run_requests.c.state == RequestState.RUNNING.value, run_requests.c.lease_expires_at < now
        )
        conn.execute(
            update(run_requests)
            .where(and_(expired, run_requests.c.attempts >= self.max_claims))
            .values(
                state=RequestState.FAILED.value,
                ended_at=now,
                lease_expires_at=None,
                error=f"its runner stopped answering {self.max_claims} times; not started again",
            )
        )
        conn.execute(
            update(run_requests)
            .where(expired)
            .values(state=RequestState.PENDING.value, claimed_by=None, lease_expires_at=None)
        )

    def renew(self, request_id: int, worker: str, lease: timedelta) -> bool:
        """Extend the lease of a request this worker holds; ``False`` when it no longer holds it."""
        with self.store.begin() as conn:
            result = conn.execute(
                update(run_requests)
                .where(self._held(request_id, worker))
                .values(lease_expires_at=self.clock.now() + lease)
            )
            return result.rowcount == 1

    def attach_run(self, request_id: int, worker: str, run_id: str) -> None:
        """Record which run carries out the request."""
        with self.store.begin() as conn:
            conn.execute(update(run_requests).where(self._held(request_id, worker)).values(run_id=run_id))

    def finish(
        self,
        request_id: int,
        worker: str,
        state: RequestState,
        *,
        run_id: str | None = None,
        error: str | None = None,
    ) -> bool:
        """Close a request this worker holds as ``done``, ``failed`` or ``cancelled``."""
        if not state.final:
            raise ValueError(f"finish needs a final state, not {state}")
        values: dict[str, Any] = {
            "state": state.value,
            "ended_at": self.clock.now(),
            "lease_expires_at": None,
            "error": error,
        }
        if run_id is not None:
            values["run_id"] = run_id
        with self.store.begin() as conn:
            return (
                conn.execute(
                    update(run_requests).where(self._held(request_id, worker)).values(**values)
                ).rowcount
                == 1
            )

    def release(self, request_id: int, worker: str) -> bool:
        """Give a request back (shutdown or pause): it is pending again and runs later."""
        with self.store.begin() as conn:
            result = conn.execute(
                update(run_requests)
                .where(self._held(request_id, worker))
                .values(
                    state=RequestState.PENDING.value,
                    claimed_by=None,
                    lease_expires_at=None,
                    attempts=func.max(run_requests.c.attempts - 1, 0)
                    if conn.dialect.name == "sqlite"
                    else func.greatest(run_requests.c.attempts - 1, 0),
                )
            )
            return result.rowcount == 1

    def cancel(self, request_id: int) -> bool:
        """Cancel a pending request."""
        with self.store.begin() as conn:
            result = conn.execute(
                update(run_requests)
                .where(
                    and_(run_requests.c.id == request_id, run_requests.c.state == RequestState.PENDING.value)
                )
                .values(state=RequestState.CANCELLED.value, ended_at=self.clock.now())
            )
            return result.rowcount == 1

    @staticmethod
    def _held(request_id: int, worker: str) -> Any:
        return and_(
            run_requests.c.id == request_id,
            run_requests.c.claimed_by == worker,
            run_requests.c.state == RequestState.RUNNING.value,
        )

    # -- reading ---------------------------------------------------------------------------------

    def get(self, request_id: int) -> RunRequest | None:
        """One request by id."""
        with self.store.engine.connect() as conn:
            row = conn.execute(select(run_requests).where(run_requests.c.id == request_id)).one_or_none()
            return None if row is None else row_to_request(row)

    def list(
        self, *, states: set[RequestState] | None = None, bot: str | None = None, limit: int = 100
    ) -> list[RunRequest]:
        """Requests, newest first."""
        query = select(run_requests).order_by(run_requests.c.id.desc()).limit(limit)
        if states:
            query = query.where(run_requests.c.state.in_([s.value for s in states]))
        if bot is not None:
            query = query.where(run_requests.c.bot == bot)
        with self.store.engine.connect() as conn:
            return [row_to_request(r) for r in conn.execute(query).all()]

    def active_for(self, bot: str) -> int:
        """How many requests of ``bot`` are pending or running."""
        with self.store.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(run_requests)
                    .where(
                        and_(
                            run_requests.c.bot == bot,
                            run_requests.c.state.in_(
                                [RequestState.PENDING.value, RequestState.RUNNING.value]
                            ),
                        )
                    )
                ).scalar_one()
            )
