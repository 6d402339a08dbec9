"""catalogue: run requests carry test mode (the legal gate exempts test runs on every trigger)

Revision ID: 0005_catalogue
Revises: 0005_connectors
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_catalogue"
down_revision = "0005_connectors"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("run_requests") as batch:
        batch.add_column(sa.Column("test_mode", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("run_requests") as batch:
        batch.drop_column("test_mode")
