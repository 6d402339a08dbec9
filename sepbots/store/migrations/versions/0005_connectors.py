"""connectors: the alert ledger (de-duplication keys of sent alerts and digests)

Revision ID: 0005_connectors
Revises: 0005_ops
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_connectors"
down_revision = "0005_ops"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts_sent",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_alerts_sent")),
    )
    op.create_index("ix_alerts_sent_last", "alerts_sent", ["last_at"])


def downgrade() -> None:
    op.drop_index("ix_alerts_sent_last", table_name="alerts_sent")
    op.drop_table("alerts_sent")
