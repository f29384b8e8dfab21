"""Throttling kept in the database: sign-in failures per account and per address, investor
enquiries per address and per contact, shared by every app process on the database.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "throttle",
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_throttle")),
    )
    op.create_index(op.f("ix_throttle_started_at"), "throttle", ["started_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_throttle_started_at"), table_name="throttle")
    op.drop_table("throttle")
