"""`matcher backup` and `matcher restore` (matcher.workspace.backup): every table comes back
as it was, on SQLite and on PostgreSQL; nothing made after the backup survives a restore (a
write-ahead log a crash left included); backups are readable by their owner only."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, select

from matcher.lexicon import TaughtTerm
from matcher.park_lists import read_park_list
from matcher.scoring import Ranker
from matcher.workspace import Workspace
from matcher.workspace.backup import backup, restore
from matcher.workspace.db import make_engine, upgrade
from tests.park_list_fixtures import crafted_list
from tests.workspace_fixtures import IC_DESIGN, ROBOTS, T0, PostgresServer

TERM = TaughtTerm(
    term_zh="质子治疗",
    term_en=("proton beam therapy",),
    sector_id="devices",
    segment="design",
    note="",
)


def fill(ws: Workspace, folder: Path) -> None:
    """Rows in every table: staff and a session, sign-in and enquiry counts, cases with
    status changes, snapshots, a shortlist and an export, a batch run and its result, a term,
    a park's availability with a check and the notice it left a case, a park list draft."""
    member = ws.staff.add("li", "a long enough password", now=T0)
    ws.staff.start_session(member, T0)
    assert ws.staff.authenticate("li", "wrong password!", T0, client="198.51.100.1") is None
    case = ws.cases.create(IC_DESIGN, actor="li", company="Backup Co", contact="li@example.com")
    case = ws.shortlists.add(case, ["P05", "P01"], actor="li", note="internal", now=T0)
    ws.cases.set_status(case.id, "in_progress", actor="li", now=T0)
    ws.shortlists.export(case.id, "csv", "zh", actor="li", now=T0)
    ws.cases.create_enquiry(
        ROBOTS, company="Robots", contact_person="Wang", contact="13800000000", consent=True,
        client="198.51.100.2", now=T0,
    )  # fmt: skip
    ws.batch_runs.record(
        file_name="leads.csv", input_data=b"x", options={"top_k": 5}, rows_read=1,
        rows_matched=1, rows_error=0, result=b"result bytes", result_suffix=".csv", actor="li",
        now=T0,
    )  # fmt: skip
    ws.lexicon.teach(TERM, actor="li", now=T0)
    snapshot = ws.cases.get(case.id).snapshot
    assert snapshot is not None
    top = snapshot.matches[0].park_id
    # Recorded now, not at T0: a figure older than 90 days is stale and changes no ranking.
    ws.availability.record(top, area_m2=0, status="full", source="phone", actor="li")
    ws.availability.confirm(top, actor="li")  # the best park is full: the case gets a notice
    assert ws.inbox.notices(), "a full best park leaves the case a notice"
    ws.park_lists.import_list(
        read_park_list(crafted_list(folder), ws.lexicon.ranker.catalogue), by=member, now=T0
    )


def every_table(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in a stable order."""
    engine = make_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    try:
        with engine.connect() as connection:
            return {
                name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
                for name, table in metadata.tables.items()
            }
    finally:
        engine.dispose()


def another_database(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database of the same kind as `db_url`."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored' / 'matcher.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.new_database()


def test_a_backup_restored_elsewhere_has_every_table_as_it_was(
    workspace: Workspace, db_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    fill(workspace, tmp_path)
    before = every_table(db_url)
    assert all(before[name] for name in before if name != "alembic_version"), [
        name for name, rows in before.items() if not rows
    ]  # the round trip below is worth something only if every table has rows
    assert before["file_parts"] and before["batch_runs"]  # batch results are in the backup
    written = backup(tmp_path / "workspace.backup", db_url)
    restored = another_database(db_url, tmp_path, request)
    restore(written, restored)
    assert every_table(restored) == before


def test_a_restore_leaves_nothing_made_after_the_backup(
    workspace: Workspace, db_url: str, tmp_path: Path
) -> None:
    fill(workspace, tmp_path)
    written = backup(tmp_path / "workspace.backup", db_url)
    before = every_table(db_url)
    workspace.cases.create(ROBOTS, actor="li", company="After the backup")
    workspace.engine.dispose()
    restore(written, db_url)
    assert every_table(db_url) == before


def test_a_write_ahead_log_a_crash_left_does_not_survive_a_restore(
    tmp_path: Path, ranker: Ranker
) -> None:
    """Issue 22, 6: a backup copied over the database kept the old log's cases."""
    url = f"sqlite:///{tmp_path / 'matcher.db'}"
    ws = Workspace.open(url, ranker=ranker)
    ws.cases.create(IC_DESIGN, actor="li", company="Before")
    written = backup(tmp_path / "workspace.backup", url)
    # A case is written into the log and the process dies before a checkpoint: the log is
    # copied aside while a connection holds it, and put back after the connection closed.
    holder = sqlite3.connect(tmp_path / "matcher.db")
    holder.execute("PRAGMA wal_autocheckpoint=0")
    ws.cases.create(ROBOTS, actor="li", company="After")
    shutil.copy(tmp_path / "matcher.db-wal", tmp_path / "saved-wal")
    ws.engine.dispose()
    holder.close()
    shutil.copy(tmp_path / "saved-wal", tmp_path / "matcher.db-wal")
    restore(written, url)
    with sqlite3.connect(tmp_path / "matcher.db") as connection:
        assert connection.execute("SELECT company FROM cases").fetchall() == [("Before",)]


def test_a_backup_is_readable_by_its_owner_only_also_when_it_replaces_one(
    workspace: Workspace, db_url: str, tmp_path: Path
) -> None:
    target = tmp_path / "workspace.backup"
    target.write_bytes(b"an older backup")
    target.chmod(0o644)
    backup(target, db_url)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_a_backup_of_the_other_kind_or_no_backup_is_refused_and_changes_nothing(
    workspace: Workspace, db_url: str, tmp_path: Path
) -> None:
    fill(workspace, tmp_path)
    before = every_table(db_url)
    stranger = tmp_path / "notes.txt"
    stranger.write_text("not a backup")
    kind = "SQLite" if db_url.startswith("sqlite") else "PostgreSQL"
    with pytest.raises(ValueError, match=f"is not a backup of a(n)? {kind} workspace"):
        restore(stranger, db_url)
    other = tmp_path / "other.db"
    if kind == "SQLite":  # an SQLite file that is no workspace
        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
        with pytest.raises(ValueError, match="is not a backup of an SQLite workspace"):
            restore(other, db_url)
    assert every_table(db_url) == before


def test_an_old_sqlite_schema_comes_back_at_its_own_revision(tmp_path: Path) -> None:
    """A backup from an older version restores as it was; `matcher db upgrade` brings it up."""
    old = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(make_engine(old), "0005")
    written = backup(tmp_path / "old.backup", old)
    restored = f"sqlite:///{tmp_path / 'new.db'}"
    restore(written, restored)
    assert every_table(restored)["alembic_version"] == [("0005",)]
