"""Batch results kept in the database (`file_parts`), not in a folder on one machine, so every
app process on the database serves them and a backup holds them; a run whose result the
retention rule let go says when.

Results kept before in the folder `batch-results/` (beside an SQLite file; else under the
project's var/) are copied in when found unchanged; the folder is left as it was.

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-05 09:00:00
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

PART_BYTES = 4 * 1024 * 1024  # matcher.workspace.files.PART_BYTES, as of this revision


def upgrade() -> None:
    op.create_table(
        "file_parts",
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("file_sha256", "part", name=op.f("pk_file_parts")),
    )
    with op.batch_alter_table("batch_runs") as batch:
        batch.add_column(sa.Column("result_dropped_at", sa.DateTime(timezone=True), nullable=True))
    _copy_folder_results()


def _copy_folder_results() -> None:
    bind = op.get_bind()
    url = bind.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        folder = Path(url.database).parent / "batch-results"
    else:
        folder = Path(__file__).resolve().parents[4] / "var" / "batch-results"
    if not folder.is_dir():
        return
    parts = sa.table("file_parts", sa.column("file_sha256"), sa.column("part"), sa.column("data"))
    rows = bind.execute(sa.text("SELECT DISTINCT result_path, result_sha256 FROM batch_runs"))
    for name, digest in rows.all():
        path = folder / Path(name).name
        try:
            data = path.read_bytes()
        except OSError:
            continue  # already gone: the page says so when it is asked for
        if hashlib.sha256(data).hexdigest() != digest:
            continue
        for number, start in enumerate(range(0, max(len(data), 1), PART_BYTES)):
            bind.execute(
                parts.insert().values(
                    file_sha256=digest, part=number, data=data[start : start + PART_BYTES]
                )
            )


def downgrade() -> None:
    with op.batch_alter_table("batch_runs") as batch:
        batch.drop_column("result_dropped_at")
    op.drop_table("file_parts")
