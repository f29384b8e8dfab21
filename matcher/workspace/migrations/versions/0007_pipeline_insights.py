"""The case pipeline and demand insights (issue 21): due dates, milestones, the outcome of a
closed case and the demand facts of its latest ranking, with indexes for the dashboard.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)
COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("first_response_due", WHEN),
    ("shortlist_due", WHEN),
    ("first_action_at", WHEN),
    ("first_action_seconds", sa.Integer()),
    ("shortlisted_at", WHEN),
    ("sent_at", WHEN),
    ("sent_seconds", sa.Integer()),
    ("closed_at", WHEN),
    ("outcome", sa.String(20)),
    ("outcome_park_id", sa.String(16)),
    ("demand_sector_id", sa.String(64)),
    ("demand_segment", sa.String(64)),
    ("demand_min_area", sa.Float()),
    ("demand_zone", sa.String(16)),
    ("best_fit", sa.String(16)),
    ("space_fits", sa.Boolean()),
    ("unmet", sa.Boolean()),
    ("unread_words", sa.String(200)),
)
INDEXES = (
    ("ix_cases_created", "cases", ["created_at"]),
    ("ix_cases_sector_created", "cases", ["demand_sector_id", "created_at"]),
    ("ix_cases_due", "cases", ["status", "first_response_due", "shortlist_due"]),
    ("ix_shortlist_entries_park", "shortlist_entries", ["park_id", "case_id"]),
)


def upgrade() -> None:
    # batch_alter_table: SQLite adds nullable columns in place (no table rebuild happens
    # for plain additions), PostgreSQL runs ALTER TABLE as usual.
    with op.batch_alter_table("cases") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("cases") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
