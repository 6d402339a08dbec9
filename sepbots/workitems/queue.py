"""The durable work queue: add, claim (atomic, leased), heartbeat, release, retry.

Every state change is one transaction that also writes its audit row, so the ledger and the
audit trail never disagree. A claim is a single ``UPDATE … WHERE id = (SELECT … LIMIT 1
[FOR UPDATE SKIP LOCKED]) RETURNING``: on SQLite the write lock makes it atomic, on PostgreSQL the
row lock with ``SKIP LOCKED`` lets many runners claim at once without waiting or double claims.
A release only succeeds while the releasing runner still holds the lease, so an item whose runner
was presumed dead is never completed twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, and_, any_, case, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from sepbots.audit import AuditEvent, AuditEventType, AuditTrail
from sepbots.clock import Clock
from sepbots.exceptions import QueueError
from sepbots.redaction import Redactor
from sepbots.store import Store
from sepbots.store.schema import item_attempts, runs, work_items
from sepbots.workitems.codec import PayloadCodec
from sepbots.workitems.handling import handling_minutes
from sepbots.workitems.models import ErrorKind, ItemState, NewItem
from sepbots.workitems.subjects import record_subjects, subjects_of

_MAX_MESSAGE = 4000
_BATCH = 500
_CLAIM_COLS = (
    work_items.c.id, work_items.c.queue, work_items.c.reference, work_items.c.state, work_items.c.payload,
    work_items.c.encrypted, work_items.c.attempts, work_items.c.max_attempts, work_items.c.priority,
    work_items.c.created_at, work_items.c.started_at, work_items.c.duration_ms,
)


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


class WorkQueues:
    """Operations on the work queues of one database.

    Args:
        store: the database.
        codec: payload encoding (encryption).
        redactor: applied to references, messages and outputs before they are stored.
        audit: the audit trail.
        clock: time source.
        owner: this runner's id (holder of the leases it takes).
        lease: how long a lease lasts without a heartbeat.
    """

    def __init__(
        self,
        store: Store,
        codec: PayloadCodec,
        redactor: Redactor,
        audit: AuditTrail,
        clock: Clock,
        *,
        owner: str,
        lease: timedelta = timedelta(seconds=60),
    ) -> None:
        self.store = store
        self.codec = codec
        self.redactor = redactor
        self.audit = audit
        self.clock = clock
        self.owner = owner
        self.lease = lease

    # -- adding ---------------------------------------------------------------------------------

    def safe_reference(self, reference: str) -> str:
        """The stored form of a reference: CPR numbers become their correlation tokens."""
        return self.redactor.redact(reference)

    def add(
        self,
        conn: Connection,
        queue: str,
        items: Iterable[NewItem[Any]],
        *,
        max_attempts: int,
        run_id: str | None,
        actor: str,
        bot: str | None = None,
    ) -> tuple[int, list[str]]:
        """Insert items whose reference is new in ``queue``; existing references are left alone.

        Returns:
            (number inserted, stored references of every item given, in order).
        """
        now = self.clock.now()
        refs: list[str] = []
        added = 0
        batch: list[dict[str, Any]] = []
        subjects: dict[str, tuple[str, ...]] = {}  # reference -> keyed digests of its CPR numbers

        def flush() -> int:
            if not batch:
                return 0
            # RETURNING counts what was inserted on every backend (psycopg reports rowcount -1 here);
            # one prepared statement with many parameter sets ("insertmanyvalues"), not a new
            # 500-row statement to compile per batch.
            inserted = conn.execute(self._insert_ignore(), batch).all()
            if subjects:
                record_subjects(conn, inserted, subjects)
                subjects.clear()
            batch.clear()
            return len(inserted)

        for item in items:
            if not isinstance(item, NewItem):
                raise QueueError(f"a producer must yield NewItem objects, got {type(item).__name__}")
            ref = self.safe_reference(item.reference)
            refs.append(ref)
            raw = item.payload.model_dump_json()
            if found := subjects_of(self.redactor, raw):
                subjects[ref] = found
            batch.append(
                {
                    "queue": queue, "reference": ref, "state": ItemState.NEW.value, "priority": item.priority,
                    "payload": self.codec.encode_json(raw.encode()), "encrypted": self.codec.encrypts,
                    "attempts": 0, "max_attempts": max_attempts, "next_attempt_at": now, "duration_ms": 0,
                    "created_at": now, "updated_at": now, "created_run_id": run_id,
                }
            )
            if len(batch) >= _BATCH:
                added += flush()
        added += flush()
        if added:
            self.audit.append(
                conn,
                [AuditEvent(AuditEventType.ITEMS_ADDED, actor, bot=bot, run_id=run_id,
                            details={"queue": queue, "count": added, "given": len(refs)})],
                now,
            )
        return added, refs

    def _insert_ignore(self) -> Any:
        dialect = postgresql if self.store.dialect == "postgresql" else sqlite
        return (
            dialect.insert(work_items)
            .on_conflict_do_nothing(index_elements=["queue", "reference"])
            .returning(work_items.c.id, work_items.c.reference)
        )

    # -- claiming -------------------------------------------------------------------------------

    def reclaim_expired(self, queue: str | None = None) -> int:
        """Return items whose lease ran out (their runner died) to the queue, counting the attempt.

        An item with attempts left becomes NEW again; one without becomes ABANDONED.
        """
        now = self.clock.now()
        cond = and_(work_items.c.state == ItemState.IN_PROGRESS.value, work_items.c.lease_expires_at < now)
        if queue is not None:
            cond = and_(cond, work_items.c.queue == queue)
        message = "the runner stopped answering (lease expired); the attempt is counted"
        with self.store.begin() as conn:
            rows = conn.execute(
                update(work_items)
                .where(cond)
                .values(
                    state=case(
                        (work_items.c.attempts >= work_items.c.max_attempts, ItemState.ABANDONED.value),
                        else_=ItemState.NEW.value,
                    ),
                    lease_owner=None, lease_expires_at=None, next_attempt_at=now, updated_at=now,
                    error_kind=ErrorKind.LEASE_EXPIRED.value, error_code="LEASE_EXPIRED", error_message=message,
                    finished_at=case((work_items.c.attempts >= work_items.c.max_attempts, now), else_=None),
                )
                .returning(work_items.c.id, work_items.c.state, work_items.c.attempts, work_items.c.run_id,
                           work_items.c.started_at)
            ).all()
            if not rows:
                return 0
            conn.execute(
                insert(item_attempts),
                [
                    {"item_id": r.id, "run_id": r.run_id, "attempt": r.attempts, "outcome": "lease_expired",
                     "error_kind": ErrorKind.LEASE_EXPIRED.value, "error_code": "LEASE_EXPIRED",
                     "error_message": message, "started_at": r.started_at, "ended_at": now, "duration_ms": 0}
                    for r in rows
                ],
            )
            self.audit.append(
                conn,
                [AuditEvent(AuditEventType.ITEM_LEASE_EXPIRED, self.owner, run_id=r.run_id, item_id=r.id,
                            details={"state": r.state, "attempt": r.attempts}) for r in rows],
                now,
            )
            # The runs of a runner that stopped answering would otherwise show "running" for ever.
            # (A runner that was only slow and comes back records its own end over this.)
            dead_runs = sorted({r.run_id for r in rows if r.run_id})
            if dead_runs:
                conn.execute(
                    update(runs).where(runs.c.id.in_(dead_runs), runs.c.status == "running")
                    .values(status="failed", ended_at=now, error="the runner stopped answering (lease expired)")
                )
        return len(rows)

    def claim(self, queue: str, *, run_id: str, bot: str) -> Claimed | None:
        """Atomically take the next due item of ``queue`` (highest priority, oldest first), or None."""
        now = self.clock.now()
        with self.store.begin() as conn:
            row = conn.execute(self.claim_statement(queue, run_id, now, 1)).first()
            if row is None:
                return None
            self.audit.append(conn, self.claimed_events([row], run_id, bot), now)
        return self.to_claimed(row)

    def claim_statement(self, queue: str, run_id: str, now: datetime, limit: int) -> Any:
        """``UPDATE … WHERE id IN (SELECT … LIMIT n [FOR UPDATE SKIP LOCKED]) RETURNING``: one atomic claim."""
        nxt = (
            select(work_items.c.id)
            .where(work_items.c.queue == queue, work_items.c.state == ItemState.NEW.value,
                   work_items.c.next_attempt_at <= now)
            .order_by(work_items.c.priority.desc(), work_items.c.id)
            .limit(limit)
        )
        if self.store.dialect == "postgresql":
            nxt = nxt.with_for_update(skip_locked=True)
        if limit == 1:
            picked = work_items.c.id == nxt.scalar_subquery()  # evaluated once (an InitPlan)
        elif self.store.dialect == "postgresql":
            # ``id = ANY(ARRAY(SELECT …))``: the sub-select runs exactly once (an InitPlan; an ``IN``
            # subquery may be re-run per row, and with SKIP LOCKED each run picks other rows), and the
            # update then finds its rows through the primary key. (A CTE joined back to the table ran
            # once too, but the planner hashed it against a scan of every new item: O(backlog) per claim.)
            picked = work_items.c.id == any_(func.array(nxt.scalar_subquery()))
        else:
            picked = work_items.c.id.in_(nxt.scalar_subquery())  # SQLite: one writer, evaluated once
        return (
            update(work_items)
            .where(picked, work_items.c.state == ItemState.NEW.value)
            .values(
                state=ItemState.IN_PROGRESS.value, attempts=work_items.c.attempts + 1, lease_owner=self.owner,
                lease_expires_at=now + self.lease, started_at=now, updated_at=now, run_id=run_id,
            )
            .returning(*_CLAIM_COLS)
        )

    def claimed_events(self, rows: Sequence[Any], run_id: str, bot: str) -> list[AuditEvent]:
        """The audit record of one claim: ``item_claimed`` for a single item, else one ``items_claimed``
        row listing ``[item id, attempt]`` of every item the batch took (one chain row, not hundreds)."""
        if not rows:
            return []
        if len(rows) == 1:
            return [AuditEvent(AuditEventType.ITEM_CLAIMED, self.owner, bot=bot, run_id=run_id, item_id=rows[0].id,
                               details={"attempt": rows[0].attempts})]
        return [AuditEvent(AuditEventType.ITEMS_CLAIMED, self.owner, bot=bot, run_id=run_id,
                           details={"items": [[r.id, r.attempts] for r in rows]})]

    def to_claimed(self, row: Any) -> Claimed:
        return Claimed(
            id=row.id, queue=row.queue, reference=row.reference,
            payload_json=self.codec.decode_raw(row.payload, row.encrypted), attempts=row.attempts,
            max_attempts=row.max_attempts, priority=row.priority, created_at=row.created_at,
            started_at=row.started_at, duration_ms=row.duration_ms,
        )

    def heartbeat(self, item_ids: Sequence[int]) -> int:
        """Extend this runner's leases on ``item_ids``; returns how many it still holds."""
        if not item_ids:
            return 0
        now = self.clock.now()
        with self.store.begin() as conn:
            res = conn.execute(
                update(work_items)
                .where(work_items.c.id.in_(list(item_ids)), work_items.c.lease_owner == self.owner,
                       work_items.c.state == ItemState.IN_PROGRESS.value)
                .values(lease_expires_at=now + self.lease)
            )
        return res.rowcount or 0

    # -- releasing ------------------------------------------------------------------------------

    def release(self, item: Claimed, outcome: Release, *, run_id: str, bot: str, duration_ms: int) -> bool:
        """Record the end of an attempt. False when the lease was lost (another runner took over)."""
        now = self.clock.now()
        values = self.release_values(outcome, now)
        with self.store.begin() as conn:
            res = conn.execute(
                update(work_items)
                .where(work_items.c.id == item.id, work_items.c.lease_owner == self.owner,
                       work_items.c.state == ItemState.IN_PROGRESS.value)
                .values(**values, duration_ms=work_items.c.duration_ms + duration_ms)
            )
            if (res.rowcount or 0) != 1:
                return False
            conn.execute(insert(item_attempts).values(self.attempt_row(item, outcome, values, run_id, duration_ms, now)))
            self.audit.append(conn, [self.released_event(item, outcome, run_id, bot, duration_ms)], now)
        return True

    def release_values(self, outcome: Release, now: datetime) -> dict[str, Any]:
        """The column values a release writes (redacted), without the duration sum."""
        output = self.redactor.redact_obj(outcome.output) if outcome.output is not None else None
        values: dict[str, Any] = {
            "state": outcome.state.value, "lease_owner": None, "lease_expires_at": None, "updated_at": now,
            "error_kind": outcome.error_kind.value if outcome.error_kind else None,
            "error_code": outcome.error_code, "error_message": self._message(outcome.error_message),
            "finished_at": now if outcome.state.final else None,
        }
        if output is not None:
            values["output"] = output
        if outcome.artifacts:
            values["artifacts"] = list(outcome.artifacts)
        if outcome.next_attempt_at is not None:
            values["next_attempt_at"] = outcome.next_attempt_at
        return values

    @staticmethod
    def attempt_row(item: Claimed, outcome: Release, values: dict[str, Any], run_id: str, duration_ms: int,
                    now: datetime) -> dict[str, Any]:
        """The ``item_attempts`` row recording one finished attempt."""
        return {
            "item_id": item.id, "run_id": run_id, "attempt": item.attempts,
            "outcome": "retry" if outcome.state is ItemState.NEW else outcome.state.value,
            "error_kind": values["error_kind"], "error_code": outcome.error_code,
            "error_message": values["error_message"], "started_at": item.started_at, "ended_at": now,
            "duration_ms": duration_ms, "artifacts": list(outcome.artifacts) or None,
        }

    def released_event(self, item: Claimed, outcome: Release, run_id: str, bot: str, duration_ms: int) -> AuditEvent:
        return AuditEvent(AuditEventType.ITEM_RELEASED, self.owner, bot=bot, run_id=run_id, item_id=item.id,
                          details={"state": outcome.state.value, "attempt": item.attempts,
                                   "code": outcome.error_code, "duration_ms": duration_ms})

    def released_events(
        self, released: Sequence[tuple[Claimed, Release, int]], run_id: str, bot: str
    ) -> list[AuditEvent]:
        """The audit record of releases written together: ``item_released`` for a single item, else one
        ``items_released`` row listing ``[item id, attempt, state, error code, duration ms]`` per item."""
        if not released:
            return []
        if len(released) == 1:
            item, outcome, ms = released[0]
            return [self.released_event(item, outcome, run_id, bot, ms)]
        return [AuditEvent(AuditEventType.ITEMS_RELEASED, self.owner, bot=bot, run_id=run_id,
                           details={"items": [[item.id, item.attempts, outcome.state.value, outcome.error_code, ms]
                                              for item, outcome, ms in released]})]

    def _message(self, message: str | None) -> str | None:
        if message is None:
            return None
        message = self.redactor.redact(message)
        if len(message) > _MAX_MESSAGE:
            half = _MAX_MESSAGE // 2 - 10
            message = f"{message[:half]} […] {message[-half:]}"
        return message

    # -- operator actions -----------------------------------------------------------------------

    def retry(self, item_id: int, *, actor: str, note: str | None = None) -> None:
        """Send a failed, abandoned or manually handled item back to the queue for one more attempt."""
        now = self.clock.now()
        retryable = (ItemState.FAILED.value, ItemState.ABANDONED.value, ItemState.BUSINESS_EXCEPTION.value)
        with self.store.begin() as conn:
            row = conn.execute(
                update(work_items)
                .where(work_items.c.id == item_id, work_items.c.state.in_(retryable))
                .values(state=ItemState.NEW.value, next_attempt_at=now, updated_at=now, finished_at=None,
                        max_attempts=func.max(work_items.c.max_attempts, work_items.c.attempts + 1)
                        if self.store.dialect == "sqlite"
                        else func.greatest(work_items.c.max_attempts, work_items.c.attempts + 1))
                .returning(work_items.c.queue)
            ).first()
            if row is None:
                current = conn.execute(select(work_items.c.state).where(work_items.c.id == item_id)).scalar()
                if current is None:
                    raise QueueError(f"no work item with id {item_id}")
                raise QueueError(f"item {item_id} is {current}; only failed, abandoned or manual-handling items can be retried")
            self.audit.append(
                conn,
                [AuditEvent(AuditEventType.ITEM_RETRY_REQUESTED, actor, item_id=item_id,
                            details={"queue": row.queue, "note": note or ""})],
                now,
            )

    def mark_handled(self, item_id: int, *, actor: str, note: str, minutes: Decimal | None = None) -> Decimal | None:
        """Record that a person handled a manual-handling item (state stays business_exception).

        The handling time is ``minutes`` when given (entered by the person), else the time from the
        item's first opening in the dashboard to now (see ``sepbots.workitems.handling``), else not
        measured. Returns the recorded minutes (``None`` when not measured); the audit row holds them.
        """
        now = self.clock.now()
        with self.store.begin() as conn:
            opened = conn.execute(
                select(work_items.c.handling_opened_at).where(work_items.c.id == item_id)
            ).scalar()
            measured = handling_minutes(entered=minutes, opened_at=opened, now=now)
            res = conn.execute(
                update(work_items)
                .where(work_items.c.id == item_id,
                       work_items.c.state.in_((ItemState.BUSINESS_EXCEPTION.value, ItemState.FAILED.value,
                                               ItemState.ABANDONED.value)))
                .values(handled_by=actor, handled_note=self.redactor.redact(note), handled_at=now, updated_at=now,
                        handling_minutes=measured.minutes, handling_source=measured.source_value)
            )
            if (res.rowcount or 0) != 1:
                raise QueueError(f"item {item_id} does not exist or is not waiting for manual handling")
            self.audit.append(conn, [AuditEvent(AuditEventType.ITEM_HANDLED, actor, item_id=item_id,
                                                details={"note": note, **measured.audit_details()})], now)
        return measured.minutes

    def open_for_handling(self, item_id: int) -> None:
        """Note when a person first opened a waiting item (the start of its measured handling time)."""
        now = self.clock.now()
        with self.store.begin() as conn:
            conn.execute(
                update(work_items)
                .where(work_items.c.id == item_id, work_items.c.handled_at.is_(None),
                       work_items.c.handling_opened_at.is_(None),
                       work_items.c.state.in_((ItemState.BUSINESS_EXCEPTION.value, ItemState.FAILED.value,
                                               ItemState.ABANDONED.value)))
                .values(handling_opened_at=now)
            )

    # -- reading --------------------------------------------------------------------------------

    def next_due(self, queue: str) -> datetime | None:
        """When the next NEW item of ``queue`` becomes due (None if there is none)."""
        with self.store.engine.connect() as conn:
            value = conn.execute(
                select(func.min(work_items.c.next_attempt_at))
                .where(work_items.c.queue == queue, work_items.c.state == ItemState.NEW.value)
            ).scalar()
            conn.rollback()
        return value

    def rows_by_reference(self, queue: str, references: Sequence[str]) -> dict[str, Any]:
        """Stored rows of ``queue`` keyed by reference."""
        out: dict[str, Any] = {}
        with self.store.engine.connect() as conn:
            for i in range(0, len(references), _BATCH):
                chunk = list(references[i : i + _BATCH])
                for row in conn.execute(
                    select(work_items).where(work_items.c.queue == queue, work_items.c.reference.in_(chunk))
                ):
                    out[row.reference] = row
            conn.rollback()
        return out

    def rows_by_id(self, ids: Sequence[int]) -> dict[int, Any]:
        """Stored rows keyed by id."""
        out: dict[int, Any] = {}
        with self.store.engine.connect() as conn:
            for i in range(0, len(ids), _BATCH):
                for row in conn.execute(select(work_items).where(work_items.c.id.in_(list(ids[i : i + _BATCH])))):
                    out[row.id] = row
            conn.rollback()
        return out

    def decode_payload(self, row: Any, model: type[BaseModel]) -> BaseModel:
        return model.model_validate_json(self.codec.decode_raw(row.payload, row.encrypted))
