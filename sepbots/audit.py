"""The tamper-evident audit trail: an append-only table where each row carries the hash of the one before.

Each row's ``hash`` is an HMAC (keyed with the installation's audit key) over the previous row's
hash, its own sequence number, time, event, actor, bot, run, item and ``details_digest`` — the
SHA-256 of its details. Editing, deleting, inserting or reordering rows breaks the chain, and
without the key nobody can recompute it. Retention may *neutralise* a row's details (replace them
and set ``neutralised``): the digest stays, so the chain still verifies.

The chain head (last sequence number and hash) sits in ``audit_head``; appending takes its row
lock (``UPDATE … RETURNING``), so appends from several processes or machines serialise cleanly.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from sepbots.redaction import Redactor
from sepbots.store import Store
from sepbots.store.schema import audit_head, audit_log

GENESIS = "0" * 64

# Built once: statement construction costs more than executing these small statements.
_ADVANCE_HEAD = (
    update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq + bindparam("n"))
    .returning(audit_head.c.seq, audit_head.c.hash)
)
_SET_HEAD_HASH = update(audit_head).where(audit_head.c.id == 1).values(hash=bindparam("new_hash"))
_INSERT_ROW = insert(audit_log)


class AuditEventType(enum.StrEnum):
    """The events the trail records."""

    RUN_STARTED = "run_started"
    RUN_ENDED = "run_ended"
    ITEMS_ADDED = "items_added"
    ITEM_CLAIMED = "item_claimed"
    ITEMS_CLAIMED = "items_claimed"  # a batch claim: details["items"] = [[item id, attempt], ...]
    ITEM_RELEASED = "item_released"
    ITEMS_RELEASED = "items_released"  # releases written together: details["items"] = [[id, attempt, state, code, ms], ...]
    ITEM_LEASE_EXPIRED = "item_lease_expired"
    ITEM_GIVEN_BACK = "item_given_back"
    ITEM_RETRY_REQUESTED = "item_retry_requested"
    ITEM_HANDLED = "item_handled"
    CONFIG_LOADED = "config_loaded"
    CREDENTIAL_SET = "credential_set"
    CREDENTIAL_DELETED = "credential_deleted"
    CREDENTIAL_USED = "credential_used"
    OPERATOR_ACTION = "operator_action"
    RETENTION_APPLIED = "retention_applied"
    RUN_REFUSED = "run_refused"            # a run refused before it started; details["reason"]
    REQUEST_FAILED = "request_failed"      # a run request that failed without a recorded run; details["reason"]
    ITEM_RESUBMITTED = "item_resubmitted"  # an operator corrected payload fields and sent the item back


@dataclass(frozen=True)
class AuditEvent:
    """One fact for the trail. ``details`` must not hold personal data; it is redacted anyway."""

    event: str
    actor: str
    bot: str | None = None
    run_id: str | None = None
    item_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def details_digest(details: Any) -> str:
    """SHA-256 of the canonical JSON of ``details``."""
    return hashlib.sha256(_canonical(details)).hexdigest()


def _row_hash(key: bytes, prev: str, seq: int, ts: datetime, ev: AuditEvent | dict[str, Any], digest: str) -> str:
    get = ev.get if isinstance(ev, dict) else lambda k: getattr(ev, k)
    fields = [prev, seq, ts.isoformat(), get("event"), get("actor"), get("bot"), get("run_id"), get("item_id"), digest]
    return hmac.new(key, _canonical(fields), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Verification:
    """The result of checking the chain."""

    ok: bool
    rows: int
    broken_seq: int | None = None
    reason: str | None = None


class AuditTrail:
    """Appends to and verifies the audit chain.

    Args:
        store: the project database.
        key: the audit key (``KeyRing.audit_key``).
        redactor: applied to every event's details before they are stored.
    """

    def __init__(self, store: Store, key: bytes, redactor: Redactor) -> None:
        self.store = store
        self._key = key
        self._redactor = redactor

    def append(self, conn: Connection, events: Sequence[AuditEvent], ts: datetime) -> None:
        """Append ``events`` inside the caller's transaction (so they commit with the change they record)."""
        if not events:
            return
        n = len(events)
        ts = ts.astimezone(UTC)
        # Redaction and digests first: the head row lock below serialises every writer of the
        # fleet, so only the cheap chaining happens while it is held.
        prepared = []
        for ev in events:
            details = self._redactor.redact_obj(ev.details) if ev.details else {}
            prepared.append((ev, details, details_digest(details)))
        head = conn.execute(_ADVANCE_HEAD, {"n": n}).first()
        if head is None:
            # First append ever: create the head row. Concurrent first appenders (PostgreSQL fleets)
            # wait on the unique key instead of failing, then take the row lock like everyone else.
            conn.execute(_insert_ignore(conn).values(id=1, seq=0, hash=GENESIS))
            head = conn.execute(_ADVANCE_HEAD, {"n": n}).one()
        last_seq, prev = head.seq, head.hash
        seq = last_seq - n
        rows = []
        for ev, details, digest in prepared:
            seq += 1
            h = _row_hash(self._key, prev, seq, ts, ev, digest)
            rows.append(
                {
                    "seq": seq, "ts": ts, "event": ev.event, "actor": ev.actor, "bot": ev.bot,
                    "run_id": ev.run_id, "item_id": ev.item_id, "details": details,
                    "details_digest": digest, "neutralised": False, "prev_hash": prev, "hash": h,
                }
            )
            prev = h
        conn.execute(_INSERT_ROW, rows)
        conn.execute(_SET_HEAD_HASH, {"new_hash": prev})

    def record(self, events: Iterable[AuditEvent], ts: datetime) -> None:
        """Append ``events`` in a transaction of their own."""
        with self.store.begin() as conn:
            self.append(conn, list(events), ts)

    def verify(self, batch: int = 5000) -> Verification:
        """Walk the whole chain; report the first broken link."""
        prev, expected_seq, count = GENESIS, 1, 0
        last_seq = 0
        with self.store.engine.connect() as conn:
            result = conn.execution_options(yield_per=batch).execute(select(audit_log).order_by(audit_log.c.seq))
            for row in result:
                r = row._mapping
                count += 1
                if r["seq"] != expected_seq:
                    kind = "deleted or reordered" if r["seq"] > expected_seq else "duplicated"
                    return Verification(False, count, expected_seq, f"row {expected_seq} is missing ({kind} rows)")
                if r["prev_hash"] != prev:
                    return Verification(False, count, r["seq"],
                                        "the link to the previous row is broken (row inserted, deleted or reordered)")
                if not r["neutralised"] and details_digest(r["details"] or {}) != r["details_digest"]:
                    return Verification(False, count, r["seq"], "the row's details were edited")
                if _row_hash(self._key, prev, r["seq"], r["ts"], dict(r), r["details_digest"]) != r["hash"]:
                    return Verification(False, count, r["seq"], "the row was edited (hash mismatch)")
                prev, last_seq, expected_seq = r["hash"], r["seq"], expected_seq + 1
            head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
            conn.rollback()
        if head is not None and (head.seq != last_seq or head.hash != prev):
            return Verification(False, count, last_seq + 1, "rows at the end of the trail were deleted")
        return Verification(True, count)

    def neutralise(self, conn: Connection, seqs: Sequence[int]) -> int:
        """Replace the details of rows ``seqs`` (retention); the chain stays valid."""
        if not seqs:
            return 0
        res = conn.execute(
            update(audit_log).where(audit_log.c.seq.in_(list(seqs))).values(details={"neutralised": True}, neutralised=True)
        )
        return res.rowcount or 0


def _insert_ignore(conn: Connection) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` for the head row, in the connection's dialect."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(audit_head).on_conflict_do_nothing(index_elements=["id"])
    return sqlite.insert(audit_head).on_conflict_do_nothing(index_elements=["id"])
