"""audit: keyed head, installation record, neutralisation links, last verified point

Revision ID: 0005_audit
Revises: 0004_fleet

The keyed records need the installation key, which migrations do not have: this migration only
sets ``audit_seal_needed`` in the Alembic config's attributes, and ``Environment.open`` seals the
chain as it stands (installation record, head MAC) in the same transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0005_audit"
down_revision = "0004_fleet"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_head") as batch:
        batch.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("neutralised_by", sa.BigInteger(), nullable=True))
    op.create_index("ix_audit_log_neutralised_by", "audit_log", ["neutralised_by"])
    op.create_table(
        "audit_installation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("installation_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_installation")),
    )
    op.create_table(
        "audit_verified",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_verified")),
    )
    context.config.attributes["audit_seal_needed"] = True


def downgrade() -> None:
    op.drop_table("audit_verified")
    op.drop_table("audit_installation")
    op.drop_index("ix_audit_log_neutralised_by", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("neutralised_by")
    with op.batch_alter_table("audit_head") as batch:
        batch.drop_column("mac")
