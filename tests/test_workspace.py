"""The workspace's database: migrated from empty and back, the schema the models describe,
SQLite created on first use, PostgreSQL never changed implicitly, one clear message when the
database cannot be used; and the workspace ranks on the catalogue it is given, no other.

Every test runs on a temporary SQLite file and on a throwaway PostgreSQL server
(tests/workspace_fixtures.py). Each part of the workspace has its own file:
test_workspace_cases.py, _inbox, _shortlists, _staff and _batch_runs; taught terms are in
test_lexicon.py."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from matcher import Catalogue
from matcher.scoring import Ranker
from matcher.workspace import Database, DatabaseError, StaffAccounts, Workspace
from matcher.workspace.db import current_revision, downgrade, head_revision, make_engine, upgrade
from tests.workspace_fixtures import IC_DESIGN, T0

TABLES = {
    "staff",
    "staff_sessions",
    "cases",
    "case_status_changes",
    "ranking_snapshots",
    "shortlist_entries",
    "exports",
    "batch_runs",
    "file_parts",
}


# ------------------------------------------------------------------------------- migrations


def test_migrations_go_up_from_empty_and_round_trip(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) >= TABLES
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    upgrade(engine)  # idempotent
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


def test_the_schema_matches_the_models(db_url: str) -> None:
    """Migrations create exactly what the ORM models describe (nothing to autogenerate)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from matcher.workspace.schema import Base

    engine = make_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


# --------------------------------------------------------------------- opening the database


def test_sqlite_is_created_on_first_use_in_wal_mode(tmp_path: Path, ranker: Ranker) -> None:
    path = tmp_path / "var" / "nested" / "matcher.db"
    ws = Workspace.open(f"sqlite:///{path}", ranker=ranker)
    ws.cases.create(IC_DESIGN, actor="li")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with ws.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_postgresql_is_never_migrated_implicitly(postgres_server: object, ranker: Ranker) -> None:
    url = postgres_server.new_database()  # type: ignore[attr-defined]
    with pytest.raises(DatabaseError, match="matcher db upgrade"):
        Workspace.open(url, ranker=ranker)


def test_an_unreachable_database_is_one_clear_message(tmp_path: Path, ranker: Ranker) -> None:
    with pytest.raises(DatabaseError, match="cannot open the database"):
        Workspace.open("postgresql://nobody@/nothing?host=" + str(tmp_path), ranker=ranker)
    with pytest.raises(DatabaseError, match="not supported"):
        Workspace.open("mysql://x@localhost/db", ranker=ranker)


# -------------------------------------------------------------------------------- the parts


def test_the_workspace_ranks_on_the_catalogue_it_is_given(
    db_url: str, catalogue: Catalogue
) -> None:
    """No default catalogue behind the caller's back: rankings, data versions and the parks a
    shortlist may name all come from the ranker passed in."""
    given = Ranker(dataclasses.replace(catalogue, version="given0000001"))
    ws = Workspace.open(db_url, ranker=given)
    try:
        assert ws.lexicon.base_ranker is given and ws.lexicon.ranker is given
        case = ws.cases.create(IC_DESIGN, actor="li")
        assert case.snapshot is not None and case.snapshot.data_version == "given0000001"
        assert case.current_data_version == "given0000001" and not case.ranking_outdated
    finally:
        ws.engine.dispose()
    with pytest.raises(TypeError, match="ranker"):
        Workspace.open(db_url)  # type: ignore[call-arg]


def test_each_part_needs_only_what_it_uses(db_url: str) -> None:
    """Staff accounts need the database alone (the `staff` command builds no ranker)."""
    db = Database.open(db_url)
    try:
        accounts = StaffAccounts(db)
        alice = accounts.add("alice", "correct horse battery", now=T0)
        signed_in = accounts.authenticate("alice", "correct horse battery", T0)
        assert signed_in is not None and signed_in.id == alice.id
    finally:
        db.engine.dispose()
