"""Inbox notices of a published park list.

A notice names the change that re-ranked its case: an availability record (as before) or a
published park list (its number), exactly one of the two; one notice per case and list. The
case's top three after the change is kept with the notice (null for notices written before).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 18:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_notices") as batch:
        batch.add_column(sa.Column("park_list", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("top", sa.JSON(), nullable=True))
        batch.alter_column("record_id", existing_type=sa.Integer(), nullable=True)
        batch.create_unique_constraint(
            "uq_case_notices_case_id_park_list", ["case_id", "park_list"]
        )
        batch.create_check_constraint(
            op.f("ck_case_notices_one_change"), "(record_id IS NULL) <> (park_list IS NULL)"
        )


def downgrade() -> None:
    # Notices of a park list have no availability record to name: they go.
    op.execute("DELETE FROM case_notices WHERE record_id IS NULL")
    with op.batch_alter_table("case_notices") as batch:
        batch.drop_constraint(op.f("ck_case_notices_one_change"), type_="check")
        batch.drop_constraint("uq_case_notices_case_id_park_list", type_="unique")
        batch.alter_column("record_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("top")
        batch.drop_column("park_list")
