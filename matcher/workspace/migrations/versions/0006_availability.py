"""Space available per park with its history and checks, and the Inbox notices re-matching
open cases leaves (issue 19).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "park_availability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.String(16), nullable=False),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("underground_m2", sa.Float(), nullable=True),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_park_availability")),
    )
    op.create_index(op.f("ix_park_availability_park_id"), "park_availability", ["park_id"])
    op.create_table(
        "availability_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("checked_by", sa.String(100), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["park_availability.id"],
            name=op.f("fk_availability_checks_record_id_park_availability"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability_checks")),
    )
    op.create_index(op.f("ix_availability_checks_record_id"), "availability_checks", ["record_id"])
    op.create_table(
        "case_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_by", sa.String(100), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_notices_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["park_availability.id"],
            name=op.f("fk_case_notices_record_id_park_availability"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notices")),
        sa.UniqueConstraint("case_id", "record_id", name=op.f("uq_case_notices_case_id")),
    )
    op.create_index(op.f("ix_case_notices_case_id"), "case_notices", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_case_notices_case_id"), table_name="case_notices")
    op.drop_table("case_notices")
    op.drop_index(op.f("ix_availability_checks_record_id"), table_name="availability_checks")
    op.drop_table("availability_checks")
    op.drop_index(op.f("ix_park_availability_park_id"), table_name="park_availability")
    op.drop_table("park_availability")
