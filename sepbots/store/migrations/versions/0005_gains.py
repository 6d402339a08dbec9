"""gains: measured handling time on work items, per-run unit counts, review/operations minutes

Revision ID: 0005_gains
Revises: 0005_safety
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_gains"
down_revision = "0005_safety"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_items") as batch:
        batch.add_column(sa.Column("handling_opened_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("handling_minutes", sa.Numeric(10, 2), nullable=True))
        batch.add_column(sa.Column("handling_source", sa.String(length=20), nullable=True))
    op.create_table(
        "unit_counts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("bot", sa.String(length=100), nullable=False),
        sa.Column("process", sa.String(length=100), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("handed_over", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_counts")),
    )
    op.create_index("ix_unit_counts_recorded", "unit_counts", ["recorded_at"])
    op.create_table(
        "review_minutes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("process", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("minutes", sa.Numeric(10, 2), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_minutes")),
    )
    op.create_index("ix_review_minutes_day", "review_minutes", ["day"])


def downgrade() -> None:
    op.drop_index("ix_review_minutes_day", table_name="review_minutes")
    op.drop_table("review_minutes")
    op.drop_index("ix_unit_counts_recorded", table_name="unit_counts")
    op.drop_table("unit_counts")
    with op.batch_alter_table("work_items") as batch:
        batch.drop_column("handling_source")
        batch.drop_column("handling_minutes")
        batch.drop_column("handling_opened_at")
