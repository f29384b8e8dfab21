"""Park list versions and roles.

A park list staff import (a draft, then a published version of the catalogue); which list
each ranking snapshot, export and batch run was made on (1: the list published in 2025,
data/parks.csv, for every row written before); each account's role (every existing account
becomes `staff`: nobody is made an administrator silently) and an operator's park.

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_RECORDS = ("ranking_snapshots", "exports", "batch_runs")


def upgrade() -> None:
    op.create_table(
        "park_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("parks", sa.LargeBinary(), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("imported_by", sa.String(100), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(100), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_park_lists")),
        sa.UniqueConstraint("number", name=op.f("uq_park_lists_number")),
    )
    op.create_index(op.f("ix_park_lists_status"), "park_lists", ["status"])
    for table in _RECORDS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("park_list", sa.Integer(), nullable=False, server_default="1")
            )
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="staff"))
        batch.add_column(sa.Column("park_id", sa.String(16), nullable=True))


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+ drops a column itself): rebuilding `staff` would
    # cascade to its sessions and the cases assigned to it.
    with op.batch_alter_table("staff", recreate="never") as batch:
        batch.drop_column("park_id")
        batch.drop_column("role")
    for table in _RECORDS:
        with op.batch_alter_table(table, recreate="never") as batch:
            batch.drop_column("park_list")
    op.drop_index(op.f("ix_park_lists_status"), table_name="park_lists")
    op.drop_table("park_lists")
