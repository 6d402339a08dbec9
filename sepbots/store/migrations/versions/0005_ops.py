"""ops: find a run's produced items by index (a run's page lists every item it produced or attempted)

Revision ID: 0005_ops
Revises: 0005_gains
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0005_ops"
down_revision = "0005_gains"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_work_items_created_run", "work_items", ["created_run_id"])


def downgrade() -> None:
    op.drop_index("ix_work_items_created_run", table_name="work_items")
