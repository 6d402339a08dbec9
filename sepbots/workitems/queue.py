"""The durable work queue (the port): add, exchange (release a batch + claim the next), heartbeat, retry.

Every state change is one transaction that also writes its audit row, so the ledger and the
audit trail never disagree. A claim is a single ``UPDATE … WHERE id IN (SELECT … LIMIT n
[FOR UPDATE SKIP LOCKED]) RETURNING``: on SQLite the write lock makes it atomic, on PostgreSQL the
row lock with ``SKIP LOCKED`` lets many runners claim at once without waiting or double claims.
A release only succeeds while the releasing runner still holds the lease, so an item whose runner
was presumed dead is never completed twice.

``WorkQueues`` holds everything the databases share; ``queue_sqlite.SqliteQueues`` and
``queue_postgresql.PostgresqlQueues`` supply the statements that differ, and
``sepbots.workitems.queues.open_queues`` picks one of them once, from the store's dialect.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import BaseModel
from sqlalchemy import Connection, Select, and_, case, func, insert, select, update

from sepbots.audit import AuditEvent, AuditEventType, AuditTrail
from sepbots.clock import Clock
from sepbots.exceptions import QueueError
from sepbots.redaction import Redactor
from sepbots.store import Store
from sepbots.store.schema import item_attempts, work_items
from sepbots.workitems import runs
from sepbots.workitems.codec import PayloadCodec
from sepbots.workitems.handling import handling_minutes
from sepbots.workitems.models import Claimed, ErrorKind, Finished, ItemState, NewItem, Release
from sepbots.workitems.subjects import record_subjects, subjects_of

_MAX_MESSAGE = 4000
_BATCH = 500
_CLAIM_COLS = (
    work_items.c.id, work_items.c.queue, work_items.c.reference, work_items.c.state, work_items.c.payload,
    work_items.c.encrypted, work_items.c.attempts, work_items.c.max_attempts, work_items.c.priority,
    work_items.c.created_at, work_items.c.started_at, work_items.c.duration_ms,
)


@dataclass(kw_only=True, eq=False)
class WorkQueues(ABC):
    """Operations on the work queues of one database: the port, with the logic every database shares.

    Made by ``sepbots.workitems.queues.open_queues``, which picks the implementation for the store's database; an
    implementation supplies only the statements that differ (insert-or-ignore, the claim's row
    pick, ``greatest``, writing a batch of releases).

    Args:
        store: the database.
        codec: payload encoding (encryption).
        redactor: applied to references, messages and outputs before they are stored.
        audit: the audit trail.
        clock: time source.
        owner: this runner's id (holder of the leases it takes).
        lease: how long a lease lasts without a heartbeat.
    """

    dialect: ClassVar[str]
    insert_ignore: ClassVar[Any]  # INSERT … ON CONFLICT (queue, reference) DO NOTHING RETURNING id, reference
    greatest_function: ClassVar[str]  # the SQL function of the larger of two values

    store: Store
    codec: PayloadCodec
    redactor: Redactor
    audit: AuditTrail
    clock: Clock
    owner: str
    lease: timedelta = timedelta(seconds=60)

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
            inserted = conn.execute(self.insert_ignore, batch).all()
            if subjects:
                record_subjects(conn, inserted, subjects)
                subjects.clear()
            batch.clear()
            return len(inserted)

        for item in items:
            if not isinstance(item, NewItem):
                raise QueueError(f"en producer skal give NewItem-objekter / a producer must yield NewItem objects: {type(item).__name__}")
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

    def greatest(self, a: Any, b: Any) -> Any:
        """The larger of two SQL values (``max`` on SQLite, ``greatest`` on PostgreSQL)."""
        return getattr(func, self.greatest_function)(a, b)

    @abstractmethod
    def _picked(self, due: Select[Any], limit: int) -> Any:
        """The claim's condition on ``work_items.id``: the ids ``due`` selects, evaluated once (locked
        where the database needs it)."""

    @abstractmethod
    def _write_releases(self, conn: Connection, finished: Sequence[Finished], run_id: str) -> set[int]:
        """Write the releases of ``finished`` whose lease this runner still holds, with their
        ``item_attempts`` rows; returns the ids whose release landed."""

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
            runs.fail_dead(conn, sorted({r.run_id for r in rows if r.run_id}), now)
        return len(rows)

    def claim_statement(self, queue: str, run_id: str, now: datetime, limit: int) -> Any:
        """``UPDATE … WHERE id IN (SELECT … LIMIT n [FOR UPDATE SKIP LOCKED]) RETURNING``: one atomic claim."""
        nxt = (
            select(work_items.c.id)
            .where(work_items.c.queue == queue, work_items.c.state == ItemState.NEW.value,
                   work_items.c.next_attempt_at <= now)
            .order_by(work_items.c.priority.desc(), work_items.c.id)
            .limit(limit)
        )
        picked = self._picked(nxt, limit)
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

    def held(self, item_ids: Sequence[int]) -> Any:
        """The condition "one of ``item_ids``, in progress under this runner's lease"."""
        return and_(work_items.c.id.in_(list(item_ids)), work_items.c.lease_owner == self.owner,
                    work_items.c.state == ItemState.IN_PROGRESS.value)

    def heartbeat(self, item_ids: Sequence[int]) -> int:
        """Extend this runner's leases on ``item_ids``; returns how many it still holds."""
        if not item_ids:
            return 0
        now = self.clock.now()
        with self.store.begin() as conn:
            res = conn.execute(
                update(work_items)
                .where(self.held(item_ids))
                .values(lease_expires_at=now + self.lease)
            )
        return res.rowcount or 0

    def exchange(
        self, finished: Sequence[Finished], queue: str, *, limit: int, run_id: str, bot: str
    ) -> tuple[list[bool], list[Claimed]]:
        """Write ``finished`` and claim up to ``limit`` items of ``queue``, in one transaction.

        The releases land only where this runner still holds the lease; each claim counts an attempt;
        the audit trail gets one ``items_released`` and one ``items_claimed`` row for a batch (one
        ``item_released`` / ``item_claimed`` for a single item), so the chain — whose head row
        serialises every writer of the fleet — grows by two rows per batch, not two per item.

        Returns:
            (for each finished item: whether its release landed — False when the lease was lost,
            the newly claimed items in claim order).
        """
        now = self.clock.now()
        events: list[AuditEvent] = []
        landed: list[bool] = [False] * len(finished)
        with self.store.begin() as conn:
            if finished:
                released = self._write_releases(conn, finished, run_id)
                landed = [f.item.id in released for f in finished]
                events.extend(self.released_events(
                    [(f.item, f.outcome, f.duration_ms) for f in finished if f.item.id in released], run_id, bot))
            claimed = conn.execute(self.claim_statement(queue, run_id, now, limit)).all() if limit > 0 else []
            rows = sorted(claimed, key=lambda r: (-r.priority, r.id))
            events.extend(self.claimed_events(rows, run_id, bot))
            self.audit.append(conn, events, now)
        return landed, [self.to_claimed(r) for r in rows]

    def give_back(self, items: Sequence[Claimed], *, run_id: str, bot: str) -> int:
        """Return claimed items this runner never started to the queue, undoing the attempt their claim counted."""
        if not items:
            return 0
        now = self.clock.now()
        with self.store.begin() as conn:
            ids = conn.execute(
                update(work_items)
                .where(self.held([i.id for i in items]))
                .values(state=ItemState.NEW.value, attempts=work_items.c.attempts - 1, lease_owner=None,
                        lease_expires_at=None, updated_at=now, next_attempt_at=now)
                .returning(work_items.c.id)
            ).scalars().all()
            self.audit.append(
                conn,
                [AuditEvent(AuditEventType.ITEM_GIVEN_BACK, self.owner, bot=bot, run_id=run_id, item_id=i,
                            details={"reason": "claimed ahead, not started"}) for i in ids],
                now,
            )
        return len(ids)

    # -- releasing ------------------------------------------------------------------------------

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

    _SENT_BACK: ClassVar[tuple[str, ...]] = (ItemState.FAILED.value, ItemState.ABANDONED.value,
                                              ItemState.BUSINESS_EXCEPTION.value)

    def _send_back(self, conn: Connection, item_id: int, now: datetime, *, unhandled: bool,
                   **values: Any) -> tuple[str | None, str | None]:
        """Put a failed, abandoned or manually handled item (with ``unhandled``: one no person has handled)
        back to ``new`` with one more attempt allowed, also setting ``values``.

        Returns:
            (its queue, None) when it went back, else (None, its state — None when there is no such item).
        """
        cond = [work_items.c.id == item_id, work_items.c.state.in_(self._SENT_BACK)]
        if unhandled:
            cond.append(work_items.c.handled_at.is_(None))
        queue = conn.execute(
            update(work_items)
            .where(*cond)
            .values(state=ItemState.NEW.value, next_attempt_at=now, updated_at=now, finished_at=None,
                    max_attempts=self.greatest(work_items.c.max_attempts, work_items.c.attempts + 1), **values)
            .returning(work_items.c.queue)
        ).scalar()
        if queue is not None:
            return queue, None
        return None, conn.execute(select(work_items.c.state).where(work_items.c.id == item_id)).scalar()

    def retry(self, item_id: int, *, actor: str, note: str | None = None) -> None:
        """Send a failed, abandoned or manually handled item back to the queue for one more attempt."""
        now = self.clock.now()
        with self.store.begin() as conn:
            queue, current = self._send_back(conn, item_id, now, unhandled=False)
            if queue is None:
                if current is None:
                    raise QueueError(f"intet arbejdsemne med id {item_id} / no work item with id {item_id}")
                raise QueueError(f"emne {item_id} er {current}; kun fejlede, opgivne eller manuelle emner kan prøves igen / "
                             f"item {item_id} is {current}; only failed, abandoned or manual-handling items can be retried")
            self.audit.append(
                conn,
                [AuditEvent(AuditEventType.ITEM_RETRY_REQUESTED, actor, item_id=item_id,
                            details={"queue": queue, "note": note or ""})],
                now,
            )

    def resubmit(self, item_id: int, payload: BaseModel, *, actor: str, details: dict[str, Any]) -> None:
        """Store ``payload`` (encoded like any payload) on an item no person has handled yet and send it back
        for one more attempt, with an ``item_resubmitted`` audit row of ``details`` and the queue.

        Raises:
            QueueError: the item no longer waits for a person (another operator acted).
        """
        now = self.clock.now()
        with self.store.begin() as conn:
            queue, current = self._send_back(conn, item_id, now, unhandled=True, payload=self.codec.encode(payload),
                                             encrypted=self.codec.encrypts)
            if queue is None:
                raise QueueError(f"arbejdsemne {item_id} venter ikke på manuel behandling / "
                                 f"work item {item_id} does not wait for manual handling "
                             f"(tilstand/state {current})")
            self.audit.append(conn, [AuditEvent(AuditEventType.ITEM_RESUBMITTED, actor, item_id=item_id,
                                                details={**details, "queue": queue})], now)

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
                raise QueueError(f"emne {item_id} findes ikke eller venter ikke på manuel behandling / "
                             f"item {item_id} does not exist or is not waiting for manual handling")
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

    def decode_payload(self, row: Any, model: type[BaseModel]) -> BaseModel:
        return model.model_validate_json(self.codec.decode_raw(row.payload, row.encrypted))
