"""The database schema (SQLAlchemy Core). Alembic migrations in ``store/migrations`` create it.

Times are stored as timezone-aware UTC. States are the enums' string values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite hands back naive ones otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
Id = BigInteger().with_variant(Integer(), "sqlite")


def _ts(name: str, **kw: Any) -> Column[datetime]:
    return Column(name, UTCDateTime(), **kw)


runs = Table(
    "runs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("bot", String(100), nullable=False),
    Column("process", String(100)),
    Column("queue", String(100), nullable=False),
    Column("trigger", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("test_mode", Boolean, nullable=False, default=False),
    _ts("started_at", nullable=False),
    _ts("ended_at"),
    Column("host", String(200)),
    Column("runner_id", String(100)),
    Column("params", JSON),
    Column("produced", Integer, nullable=False, default=0),
    Column("done", Integer, nullable=False, default=0),
    Column("business", Integer, nullable=False, default=0),
    Column("retried", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("abandoned", Integer, nullable=False, default=0),
    Column("work_ms", BigInteger, nullable=False, default=0),
    Column("error", Text),
    Index("ix_runs_bot_started", "bot", "started_at"),
    Index("ix_runs_started", "started_at"),
    Index("ix_runs_status", "status"),
)

work_items = Table(
    "work_items",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("queue", String(100), nullable=False),
    Column("reference", String(200), nullable=False),
    Column("state", String(20), nullable=False),
    Column("priority", Integer, nullable=False, default=0),
    Column("payload", LargeBinary, nullable=False),
    Column("encrypted", Boolean, nullable=False, default=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("max_attempts", Integer, nullable=False, default=1),
    _ts("next_attempt_at", nullable=False),
    Column("lease_owner", String(100)),
    _ts("lease_expires_at"),
    Column("error_kind", String(20)),
    Column("error_code", String(100)),
    Column("error_message", Text),
    Column("output", JSON),
    Column("artifacts", JSON),
    Column("duration_ms", BigInteger, nullable=False, default=0),
    _ts("created_at", nullable=False),
    _ts("updated_at", nullable=False),
    _ts("started_at"),
    _ts("finished_at"),
    Column("created_run_id", String(36)),
    Column("run_id", String(36)),
    Column("handled_by", String(100)),
    Column("handled_note", Text),
    _ts("handled_at"),
    _ts("handling_opened_at"),  # first opened by a person in the dashboard (migration 0005_gains)
    Column("handling_minutes", Numeric(10, 2)),  # measured or entered minutes of manual handling
    Column("handling_source", String(20)),  # how handling_minutes was measured (HandlingSource)
    UniqueConstraint("queue", "reference", name="uq_work_items_queue_reference"),
    Index("ix_work_items_lease", "state", "lease_expires_at"),
    Index("ix_work_items_run", "run_id"),
    Index("ix_work_items_created_run", "created_run_id"),  # migration 0005_ops
    Index("ix_work_items_finished", "finished_at"),
)

# Claims walk this index in order and stop at the first row that is due: no sort, whatever the queue length.
Index("ix_work_items_claim", work_items.c.queue, work_items.c.state, work_items.c.priority.desc(), work_items.c.id)

item_attempts = Table(
    "item_attempts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("item_id", Id, ForeignKey("work_items.id", ondelete="CASCADE"), nullable=False),
    Column("run_id", String(36)),
    Column("attempt", Integer, nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("error_kind", String(20)),
    Column("error_code", String(100)),
    Column("error_message", Text),
    _ts("started_at"),
    _ts("ended_at", nullable=False),
    Column("duration_ms", BigInteger, nullable=False, default=0),
    Column("artifacts", JSON),
    Index("ix_item_attempts_item", "item_id"),
    Index("ix_item_attempts_run", "run_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    _ts("ts", nullable=False),
    Column("event", String(60), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("bot", String(100)),
    Column("run_id", String(36)),
    Column("item_id", BigInteger),
    Column("details", JSON),
    Column("details_digest", String(64), nullable=False),
    Column("neutralised", Boolean, nullable=False, default=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("neutralised_by", BigInteger),  # seq of the ``details_neutralised`` event that blanked the details
    Index("ix_audit_log_ts", "ts"),
    Index("ix_audit_log_run", "run_id"),
    Index("ix_audit_log_neutralised_by", "neutralised_by"),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("mac", String(64)),  # HMAC(audit key, seq, hash): a rewound or forged head fails verify
)

# --- keyed audit records (migration 0005_audit) ---------------------------------------------------

audit_installation = Table(  # one row, written when the installation is set up
    "audit_installation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("installation_id", String(32), nullable=False),
    _ts("created_at", nullable=False),
    Column("mac", String(64), nullable=False),
)

audit_verified = Table(  # one row: the last point a verify reached, so the next one reads only new rows
    "audit_verified",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    _ts("verified_at", nullable=False),
    Column("mac", String(64), nullable=False),
)

credentials = Table(
    "credentials",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("username", String(200)),
    Column("secret", LargeBinary, nullable=False),
    _ts("created_at", nullable=False),
    _ts("updated_at", nullable=False),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

# --- dashboard (migration 0003_dashboard) -------------------------------------------------------

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    _ts("created_at", nullable=False),
    _ts("last_login_at"),
)

dashboard_sessions = Table(
    "dashboard_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),
    _ts("created_at", nullable=False),
    _ts("expires_at", nullable=False),
    Index("ix_dashboard_sessions_expires", "expires_at"),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("success", Boolean, nullable=False),
    _ts("ts", nullable=False),
    Index("ix_login_attempts_who", "username", "ip", "ts"),
    Index("ix_login_attempts_ip", "ip", "ts"),  # migration 0005_safety: the per-address limit
    Index("ix_login_attempts_ts", "ts"),  # ... and the dashboard-wide one
)

# Read paths of the dashboard: the manual-handling queue and audit filters stay index-only at 1M rows.
Index("ix_work_items_manual", work_items.c.state, work_items.c.handled_at, work_items.c.finished_at)
Index("ix_audit_log_actor", audit_log.c.actor, audit_log.c.seq)
Index("ix_audit_log_event", audit_log.c.event, audit_log.c.seq)
Index("ix_audit_log_item", audit_log.c.item_id)
Index("ix_item_attempts_ended", item_attempts.c.ended_at)  # gains: robot time per period

# --- gains (migration 0005_gains) ----------------------------------------------------------------

# Counting units a run recorded itself (a reconciliation's matched and unmatched statement lines),
# for bots that count per run rather than per work item (``Gains(counted=Counting.RUN)``).
unit_counts = Table(
    "unit_counts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("run_id", String(36), nullable=False),
    Column("bot", String(100), nullable=False),
    Column("process", String(100)),
    Column("done", Integer, nullable=False, default=0),
    Column("handed_over", Integer, nullable=False, default=0),
    _ts("recorded_at", nullable=False),
    Index("ix_unit_counts_recorded", "recorded_at"),
)

# Minutes people spent reviewing a robot's output or operating it (restarts, checks): subtracted
# from a process's saved hours. Entered with ``sepbots items time``.
review_minutes = Table(
    "review_minutes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("process", String(100), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("minutes", Numeric(10, 2), nullable=False),
    Column("day", Date, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("note", Text),
    _ts("recorded_at", nullable=False),
    Index("ix_review_minutes_day", "day"),
)


# --- privacy (migration 0005_privacy) -----------------------------------------------------------

# Which items concern which person: the keyed digest (``Redactor.digest``) of every CPR number in an
# item's payload, written when the item is added. Answers access requests (``sepbots audit lookups``)
# without the number ever being stored; the payload itself stays encrypted.
item_subjects = Table(
    "item_subjects",
    metadata,
    Column("subject", String(64), nullable=False),
    Column("item_id", Id, ForeignKey("work_items.id", ondelete="CASCADE"), nullable=False),
    PrimaryKeyConstraint("subject", "item_id", name="pk_item_subjects"),
    Index("ix_item_subjects_item", "item_id"),
)


# --- fleet-wide limits (migration 0004_fleet) ---------------------------------------------------

# Leased concurrency slots shared by every runner of the database (``store/slots.py``), e.g. one
# session per portal credential. Declared here, below the runtime that hands them to bots;
# ``fleet_leader`` stays with the fleet (``fleet/tables.py``).
fleet_slots = Table(
    "fleet_slots",
    metadata,
    Column("name", String(200), nullable=False),
    Column("slot", Integer, nullable=False),
    Column("owner", String(100), nullable=False),
    Column("acquired_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("name", "slot", name="pk_fleet_slots"),
)
