"""Notes for the investor, kept apart from the staff's internal notes.

The existing notes (`shortlist_entries.note`, `cases.shortlist_note`) carry colleagues' names
and internal remarks; they stay in the workspace. What the brief and every export print are
these: a note per shortlisted park and the brief's covering note, written for the investor.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # server_default "": rows written before this migration have no note for the investor,
    # never a copy of the internal one.
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("investor_note", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("shortlist_entries") as batch:
        batch.add_column(sa.Column("investor_note", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("shortlist_entries") as batch:
        batch.drop_column("investor_note")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("investor_note")
