"""privacy: item_subjects, the keyed digests of the CPR numbers in each item's payload (access requests)

Revision ID: 0005_privacy
Revises: 0005_audit
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_privacy"
down_revision = "0005_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_subjects",
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["work_items.id"], name=op.f("fk_item_subjects_item_id_work_items"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("subject", "item_id", name="pk_item_subjects"),
    )
    op.create_index("ix_item_subjects_item", "item_subjects", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_item_subjects_item", table_name="item_subjects")
    op.drop_table("item_subjects")
