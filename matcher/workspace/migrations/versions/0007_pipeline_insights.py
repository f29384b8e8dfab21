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
down_revision = "0006"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)
COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("first_response_due", WHEN),
    ("shortlist_due", WHEN),
    ("first_action_at", WHEN),
    ("first_action_seconds", sa.Integer()),
    ("in_progress_at", WHEN),
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
    ("received_week", sa.String(10)),
    ("received_month", sa.String(7)),
)
INSIGHT_COLUMNS = [
    "created_at",
    "demand_sector_id",
    "received_week",
    "received_month",
    "status",
    "source",
    "unmet",
    "space_fits",
    "demand_min_area",
    "demand_zone",
    "demand_segment",
    "outcome",
    "outcome_park_id",
    "first_action_at",
    "in_progress_at",
    "shortlisted_at",
    "sent_at",
    "first_response_due",
    "shortlist_due",
]
INDEXES = (
    ("ix_cases_insights", "cases", INSIGHT_COLUMNS),
    ("ix_cases_sector_created", "cases", ["demand_sector_id", "created_at"]),
    ("ix_cases_first_action", "cases", ["source", "first_action_seconds", "created_at"]),
    ("ix_cases_sent", "cases", ["source", "sent_seconds", "created_at"]),
    ("ix_shortlist_entries_park", "shortlist_entries", ["park_id", "case_id"]),
)
# What a case's history already says, for the cases kept before this revision: when it was
# first taken up, shortlisted, sent (the status changes) and the week and month it arrived.
FIRST_TO = "(SELECT MIN(changed_at) FROM case_status_changes s WHERE s.case_id = cases.id AND {})"
SECONDS = {
    "sqlite": "CAST((julianday({0}) - julianday(created_at)) * 86400 AS INTEGER)",
    "postgresql": "CAST(EXTRACT(EPOCH FROM ({0} - created_at)) AS INTEGER)",
}
PERIODS = {
    "sqlite": (
        "date(created_at, '+8 hours', 'weekday 0', '-6 days')",
        "strftime('%Y-%m', created_at, '+8 hours')",
    ),
    "postgresql": (
        "to_char(date_trunc('week', created_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD')",
        "to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')",
    ),
}


def _backfill() -> None:
    dialect = op.get_bind().dialect.name
    if dialect not in SECONDS:
        return
    week, month = PERIODS[dialect]
    first = {
        status: FIRST_TO.format(f"s.to_status = '{status}'")
        for status in ("in_progress", "shortlisted", "sent")
    }
    op.execute(
        "UPDATE cases SET "
        f"first_action_at = {FIRST_TO.format('s.from_status IS NOT NULL')}, "
        f"in_progress_at = {first['in_progress']}, "
        f"shortlisted_at = {first['shortlisted']}, "
        f"sent_at = {first['sent']}, "
        f"received_week = {week}, received_month = {month}"
    )
    seconds = SECONDS[dialect]
    op.execute(
        f"UPDATE cases SET first_action_seconds = {seconds.format('first_action_at')}, "
        f"sent_seconds = {seconds.format('sent_at')}"
    )


def upgrade() -> None:
    # batch_alter_table: SQLite adds nullable columns in place (no table rebuild happens
    # for plain additions), PostgreSQL runs ALTER TABLE as usual.
    with op.batch_alter_table("cases") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    _backfill()
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("cases") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
