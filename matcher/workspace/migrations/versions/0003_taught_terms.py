"""Terms staff teach the matcher (the Lexicon page), with who taught or retired each and when.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "taught_terms",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("term_zh", sa.String(100), nullable=False),
        sa.Column("term_key", sa.String(100), nullable=False),
        sa.Column("term_en", sa.String(500), nullable=False),
        sa.Column("sector_id", sa.String(64), nullable=False),
        sa.Column("secondary_sector_id", sa.String(64), nullable=True),
        sa.Column("segment", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("taught_by", sa.String(100), nullable=False),
        sa.Column("taught_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_by", sa.String(100), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taught_terms")),
    )
    op.create_index(op.f("ix_taught_terms_retired_at"), "taught_terms", ["retired_at"])
    op.create_index(
        "uq_taught_terms_in_use",
        "taught_terms",
        ["term_key"],
        unique=True,
        sqlite_where=sa.text("retired_at IS NULL"),
        postgresql_where=sa.text("retired_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_taught_terms_in_use", table_name="taught_terms")
    op.drop_index(op.f("ix_taught_terms_retired_at"), table_name="taught_terms")
    op.drop_table("taught_terms")
