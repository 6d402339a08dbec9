"""The tamper-evident audit trail: an append-only table where each row carries the hash of the one before.

Each row's ``hash`` is an HMAC (keyed with the installation's audit key) over the previous row's
hash, its own sequence number, time, event, actor, bot, run, item and ``details_digest`` — the
SHA-256 of its details. Editing, deleting, inserting or reordering rows breaks the chain, and
without the key nobody can recompute it.

The chain head (last sequence number and hash) sits in ``audit_head`` with a MAC over both;
appending takes its row lock (``UPDATE … RETURNING``), so appends from several processes or
machines serialise cleanly, checks the MAC (a forged head is never extended) and renews it. An
installation record written when the database is set up anchors the start (``audit_seal``).

Retention may *neutralise* rows (``neutralise``): their details become blank (NULL), the digest
stays, and a ``details_neutralised`` event — itself a chained row — records how many rows it
blanked and a SHA-256 over their sequence numbers; each blanked row points to that event
(``neutralised_by``). So the neutralised flag is covered by a row hash too: ``verify``
(``audit_verify``) fails on a row marked neutralised that still holds details or that no event
accounts for.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import Connection, bindparam, insert, null, select, update
from sqlalchemy.exc import SQLAlchemyError

from sepbots.audit_seal import (
    GENESIS,
    Checkpoint,
    Sealer,
    canonical,
    install,
    make_checkpoint,
    read_installation,
    row_fields,
)
from sepbots.audit_verify import NEUTRALISED_EVENT, ChainProblem, Verification, stamp_verified, verify_chain
from sepbots.clock import Clock, SystemClock
from sepbots.exceptions import AuditError
from sepbots.redaction import Redactor
from sepbots.store import Store
from sepbots.store.schema import audit_head, audit_log

__all__ = ["GENESIS", "AuditEvent", "AuditEventType", "AuditTrail", "ChainProblem", "Verification", "details_digest"]
log = structlog.get_logger("sepbots.audit")

# Built once: statement construction costs more than executing these small statements.
_ADVANCE_HEAD = (
    update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq + bindparam("n"))
    .returning(audit_head.c.seq, audit_head.c.hash, audit_head.c.mac)
)
_SET_HEAD = update(audit_head).where(audit_head.c.id == 1).values(hash=bindparam("new_hash"), mac=bindparam("new_mac"))
_INSERT_ROW = insert(audit_log)
_CHUNK = 5000  # sequence numbers per IN (…) list


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
    ALERT_SENT = "alert_sent"  # details: kind, rule, title, findings, delivered and failed channels

    EVIDENCE_VIEWED = "evidence_viewed"  # a dashboard user opened an item's failure evidence
    SUBJECT_LOOKUP = "subject_lookup"  # an access request was answered (details: the person's token only)

    DETAILS_NEUTRALISED = NEUTRALISED_EVENT  # details: rows, first, last, seqs_sha256 (of "seq," for each, in order)
    CHAIN_SEALED = "chain_sealed"  # the keyed records were written (new database, or an upgrade sealing the chain)

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


def details_digest(details: Any) -> str:
    """SHA-256 of the canonical JSON of ``details``."""
    return hashlib.sha256(canonical(details)).hexdigest()


def _row_hash(key: bytes, prev: str, seq: int, ts: datetime, ev: AuditEvent | dict[str, Any], digest: str) -> str:
    get: Callable[[str], Any] = ev.get if isinstance(ev, dict) else lambda k: getattr(ev, k)
    fields = row_fields(prev, seq, ts.isoformat(), get("event"), get("actor"), get("bot"), get("run_id"),
                        get("item_id"), digest)
    return hmac.new(key, fields, hashlib.sha256).hexdigest()


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


class AuditTrail:
    """Appends to and verifies the audit chain.

    Args:
        store: the project database.
        key: the audit key (``KeyRing.audit_key``).
        redactor: applied to every event's details before they are stored.
        clock: when a verify is recorded as done.
    """

    def __init__(self, store: Store, key: bytes, redactor: Redactor, clock: Clock | None = None) -> None:
        self.store = store
        self._key = key
        self._sealer = Sealer(key)
        self._redactor = redactor
        self._clock = clock or SystemClock()

    def append(self, conn: Connection, events: Sequence[AuditEvent], ts: datetime) -> int:
        """Append ``events`` inside the caller's transaction (so they commit with the change they record).

        Returns the sequence number of the last row (0 when there were no events).

        Raises:
            AuditError: the chain head is missing or its seal does not match (tampering): nothing is written.
        """
        if not events:
            return 0
        # Redaction and digests first: the head row lock below serialises every writer of the
        # fleet, so only the cheap chaining happens while it is held.
        prepared = []
        for ev in events:
            details = self._redactor.redact_obj(ev.details) if ev.details else {}
            prepared.append((ev, details, details_digest(details)))
        return self._chain(conn, prepared, ts)

    def _chain(self, conn: Connection, prepared: Sequence[tuple[AuditEvent, Any, str]], ts: datetime) -> int:
        n = len(prepared)
        ts = ts.astimezone(UTC)
        head = conn.execute(_ADVANCE_HEAD, {"n": n}).first()
        if head is None:
            raise AuditError("revisionssporets hoved mangler; intet blev skrevet (kør: sepbots audit verify) / "
                             "the audit chain head is missing; nothing was written (run: sepbots audit verify)")
        last_seq: int = head.seq
        prev = head.hash
        seq = last_seq - n
        if not hmac.compare_digest(head.mac or "", self._sealer.head(seq, prev)):
            raise AuditError("revisionssporets hoved har et forkert segl; intet blev skrevet (kør: sepbots audit verify) / "
                             "the audit chain head's seal does not match; nothing was written "
                             "(run: sepbots audit verify)")
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
        conn.execute(_SET_HEAD, {"new_hash": prev, "new_mac": self._sealer.head(last_seq, prev)})
        return last_seq

    def record(self, events: Iterable[AuditEvent], ts: datetime) -> None:
        """Append ``events`` in a transaction of their own."""
        with self.store.begin() as conn:
            self.append(conn, list(events), ts)

    # -- keyed records -------------------------------------------------------------------------

    def installed(self, conn: Connection) -> bool:
        """Whether the installation record exists."""
        return read_installation(conn) is not None

    def seal(self, conn: Connection, now: datetime, *, actor: str = "sepbots") -> None:
        """Write the installation record and seal the chain as it stands (new database or upgrade).

        Rows an older sepbots neutralised are blanked and accounted for by one neutralisation event.
        """
        inst = install(conn, self._sealer, now)
        legacy = conn.execute(select(audit_log.c.seq).where(audit_log.c.neutralised.is_(True),
                                                            audit_log.c.neutralised_by.is_(None))
                              .order_by(audit_log.c.seq)).scalars().all()
        for chunk in _chunks(legacy):
            conn.execute(update(audit_log).where(audit_log.c.seq.in_(chunk)).values(details=null()))
        self._account(conn, list(legacy), now, actor)
        head = conn.execute(select(audit_head.c.seq).where(audit_head.c.id == 1)).scalar_one()
        if head == 0:
            return  # a new chain: nothing to account for
        details = {"installation": inst.installation_id, "sealed_at_seq": head}
        self._chain(conn, [(AuditEvent(AuditEventType.CHAIN_SEALED, actor, details=details), details,
                            details_digest(details))], now)

    def checkpoint(self) -> Checkpoint:
        """The current head as a keyed checkpoint to keep outside the database.

        Raises:
            AuditError: no installation record, or the head is missing or its seal does not match.
        """
        with self.store.engine.connect() as conn:
            inst = read_installation(conn)
            head = conn.execute(select(audit_head.c.seq, audit_head.c.hash, audit_head.c.mac)
                                .where(audit_head.c.id == 1)).first()
            conn.rollback()
        if inst is None or head is None or not hmac.compare_digest(head.mac or "", self._sealer.head(head.seq, head.hash)):
            raise AuditError("revisionssporet har intet gyldigt forseglet hoved; kør: sepbots audit verify / "
                         "the audit chain has no valid sealed head; run: sepbots audit verify")
        return make_checkpoint(self._sealer, inst.installation_id, head.seq, head.hash, self._clock.now())

    # -- neutralisation (retention) --------------------------------------------------------------

    def neutralise(self, conn: Connection, seqs: Sequence[int], ts: datetime, *, actor: str = "retention") -> int:
        """Blank the details of rows ``seqs`` (retention), recorded by one ``details_neutralised`` event.

        Rows already neutralised and neutralisation events themselves are left alone. Returns how
        many rows were blanked.
        """
        wanted = sorted(set(seqs))
        done: list[int] = []
        for chunk in _chunks(wanted):
            done += conn.execute(
                update(audit_log)
                .where(audit_log.c.seq.in_(chunk), audit_log.c.neutralised.is_(False),
                       audit_log.c.event != NEUTRALISED_EVENT)
                .values(details=null(), neutralised=True)
                .returning(audit_log.c.seq)
            ).scalars().all()
        done.sort()
        self._account(conn, done, ts, actor)
        return len(done)

    def _account(self, conn: Connection, done: Sequence[int], ts: datetime, actor: str) -> None:
        """Append the event that accounts for the blanked rows ``done`` and point them to it."""
        if not done:
            return
        h = hashlib.sha256()
        for s in done:
            h.update(f"{s},".encode())
        details = {"rows": len(done), "first": done[0], "last": done[-1], "seqs_sha256": h.hexdigest()}
        # Not redacted: counts, sequence numbers and a digest — and redaction must not alter the digest.
        event_seq = self._chain(conn, [(AuditEvent(AuditEventType.DETAILS_NEUTRALISED, actor, details=details),
                                        details, details_digest(details))], ts)
        for chunk in _chunks(done):
            conn.execute(update(audit_log).where(audit_log.c.seq.in_(chunk)).values(neutralised_by=event_seq))

    # -- verification ------------------------------------------------------------------------------

    def verify(self, *, incremental: bool = False, batch: int = 10_000) -> Verification:
        """Check the chain; report the first broken link.

        Args:
            incremental: start at the last verified point (reading only newer rows and the older
                rows newer events neutralised) instead of at the first row.
            batch: rows fetched per round trip.

        A verify that passes records how far it got (keyed), for the next incremental one.
        """
        try:
            with self.store.engine.connect() as conn:
                result, reached = verify_chain(conn, self._key, incremental=incremental, batch=batch)
                conn.rollback()
        except SQLAlchemyError as exc:
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            return Verification(False, 0, None, ChainProblem.UNREADABLE, detail)
        if reached is not None:
            try:
                with self.store.engine.begin() as conn:
                    stamp_verified(conn, self._key, reached, self._clock.now())
            except SQLAlchemyError as exc:  # a read-only role may verify; it just cannot remember the point
                log.warning("audit_verified_point_not_saved", error=type(exc).__name__)
        return result

    def verify_checkpoint(self, checkpoint: Checkpoint) -> Verification | None:
        """Whether the chain still contains ``checkpoint``: ``None`` if so, else the failed result."""
        at = checkpoint.at.isoformat()

        def broken(problem: ChainProblem, seq: int | None = checkpoint.seq) -> Verification:
            return Verification(False, 0, seq, problem, at)

        if not checkpoint.genuine(self._sealer):
            return broken(ChainProblem.CHECKPOINT_FORGED, None)
        try:
            with self.store.engine.connect() as conn:
                inst = read_installation(conn)
                stored = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == checkpoint.seq)).scalar()
                conn.rollback()
        except SQLAlchemyError as exc:
            return Verification(False, 0, None, ChainProblem.UNREADABLE, str(getattr(exc, "orig", exc)).strip())
        if inst is None or inst.installation_id != checkpoint.installation:
            return broken(ChainProblem.CHECKPOINT_OTHER_INSTALLATION, None)
        if checkpoint.seq == 0:
            return None
        if stored is None:
            return broken(ChainProblem.CHECKPOINT_MISSING)
        if stored != checkpoint.hash:
            return broken(ChainProblem.CHECKPOINT_DIFFERS)
        return None
