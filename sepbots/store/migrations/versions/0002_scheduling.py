"""scheduling: run requests, bot and schedule pause state, runner heartbeats, APScheduler job store

Revision ID: 0002_scheduling
Revises: 0001_core
Create Date: 2026-11-28 00:40:00

APScheduler's ``apscheduler_jobs`` table is created here (same layout as its
``SQLAlchemyJobStore``) so that the whole schema comes from migrations; the job store's own
``CREATE TABLE IF NOT EXISTS`` then does nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_scheduling"
down_revision = "0001_core"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "run_requests",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("bot", sa.String(length=100), nullable=False),
        sa.Column("params", sa.JSON(), nullable=True),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("schedule", sa.String(length=100), nullable=True),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("max_concurrent", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("run_id", sa.String(length=36), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requested_by", sa.String(length=100), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_requests")),
        sa.UniqueConstraint("key", name=op.f("uq_run_requests_key")),
    )
    with op.batch_alter_table("run_requests", schema=None) as batch_op:
        batch_op.create_index("ix_run_requests_pick", ["state", "priority", "id"], unique=False)
        batch_op.create_index("ix_run_requests_bot_state", ["bot", "state"], unique=False)

    op.create_table(
        "bot_state",
        sa.Column("bot", sa.String(length=100), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("bot", name=op.f("pk_bot_state")),
    )
    op.create_table(
        "schedule_state",
        sa.Column("schedule", sa.String(length=100), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("schedule", name=op.f("pk_schedule_state")),
    )
    op.create_table(
        "runner_status",
        sa.Column("runner_id", sa.String(length=100), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("current_request_id", sa.Integer(), nullable=True),
        sa.Column("current_run_id", sa.String(length=36), nullable=True),
        sa.Column("current_bot", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("runner_id", name=op.f("pk_runner_status")),
    )
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apscheduler_jobs")),
    )
    with op.batch_alter_table("apscheduler_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_apscheduler_jobs_next_run_time", ["next_run_time"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("apscheduler_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_apscheduler_jobs_next_run_time")
    op.drop_table("apscheduler_jobs")
    op.drop_table("runner_status")
    op.drop_table("schedule_state")
    op.drop_table("bot_state")
    with op.batch_alter_table("run_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_run_requests_bot_state")
        batch_op.drop_index("ix_run_requests_pick")
    op.drop_table("run_requests")
