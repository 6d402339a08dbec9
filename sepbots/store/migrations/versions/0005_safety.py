"""safety: login rate limit per client address and for the whole dashboard (indexes)

Revision ID: 0005_safety
Revises: 0005_privacy
Create Date: 2026-12-01 23:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0005_safety"
down_revision = "0005_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_login_attempts_ip", "login_attempts", ["ip", "ts"])
    op.create_index("ix_login_attempts_ts", "login_attempts", ["ts"])


def downgrade() -> None:
    op.drop_index("ix_login_attempts_ts", table_name="login_attempts")
    op.drop_index("ix_login_attempts_ip", table_name="login_attempts")
