"""Alembic environment: always run from matcher.workspace.db with a live connection."""

from __future__ import annotations

from alembic import context

from matcher.workspace.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `matcher db upgrade` and the library run this
    raise RuntimeError("run migrations through `matcher db upgrade` (matcher.workspace.db)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
