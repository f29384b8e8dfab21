"""Batch runs (`ws.batch_runs`): each run recorded, its result kept in the database and
checked, and let go by the retention rule.

Every test runs on a temporary SQLite file and on a throwaway PostgreSQL server."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from matcher.scoring import Ranker
from matcher.workspace import DatabaseError, Workspace
from matcher.workspace.batch_runs import Retention
from matcher.workspace.db import downgrade, make_engine, upgrade
from matcher.workspace.schema import FilePartRow
from tests.workspace_fixtures import T0

RESULT = b"request_id,rank\nA,1\n"


def record(ws: Workspace, result: bytes = RESULT, *, days_ago: float = 0) -> int:
    run = ws.batch_runs.record(
        file_name="leads.csv",
        input_data=b"request_id,sector\nA,AI\n",
        options={"top": 5, "format": "long"},
        rows_read=1,
        rows_matched=1,
        rows_error=0,
        result=result,
        result_suffix=".csv",
        actor="li",
        now=T0 + timedelta(days=100 - days_ago),
    )
    return run.id


def test_a_result_is_kept_in_the_database_and_read_by_another_process(
    workspace: Workspace, db_url: str, ranker: Ranker
) -> None:
    run_id = record(workspace)
    [run] = workspace.batch_runs.recent()
    assert run.result_sha256 == hashlib.sha256(RESULT).hexdigest() and run.result_kept
    assert run.options == {"top": 5, "format": "long"}
    other = Workspace.open(db_url, ranker=ranker)  # another app process on the same database
    try:
        assert other.batch_runs.result(run_id) == RESULT
    finally:
        other.engine.dispose()


def test_a_large_result_is_kept_in_parts_and_read_back_whole(workspace: Workspace) -> None:
    big = bytes(range(256)) * (5 * 1024 * 1024 // 256) + b"tail"  # more than one part
    run_id = record(workspace, big)
    assert workspace.batch_runs.result(run_id) == big
    with workspace.db.session() as session:
        assert session.scalar(select(func.count()).select_from(FilePartRow)) == 2


def test_a_large_result_is_written_out_part_by_part_as_kept(
    workspace: Workspace, tmp_path: Path
) -> None:
    big = bytes(range(256)) * (5 * 1024 * 1024 // 256) + b"tail"  # more than one part
    run_id = record(workspace, big)
    target = tmp_path / "result"
    with target.open("wb") as handle:
        stored_as = workspace.batch_runs.result_into(run_id, handle)
    assert target.read_bytes() == big and stored_as.endswith(".csv")


def test_a_changed_or_deleted_result_is_refused_when_written_out(
    workspace: Workspace, tmp_path: Path
) -> None:
    run_id = record(workspace)
    with workspace.db.session() as session:
        session.execute(update(FilePartRow).values(data=b"tampered"))
        session.commit()
    with (tmp_path / "a").open("wb") as handle, pytest.raises(DatabaseError, match="changed"):
        workspace.batch_runs.result_into(run_id, handle)
    with workspace.db.session() as session:
        session.execute(delete(FilePartRow))
        session.commit()
    with (tmp_path / "b").open("wb") as handle, pytest.raises(DatabaseError, match="no longer"):
        workspace.batch_runs.result_into(run_id, handle)


def test_a_changed_result_is_refused_saying_so(workspace: Workspace) -> None:
    run_id = record(workspace)
    with workspace.db.session() as session:
        session.execute(update(FilePartRow).values(data=b"tampered"))
        session.commit()
    with pytest.raises(DatabaseError, match="has changed since it was kept"):
        workspace.batch_runs.result(run_id)


def test_a_deleted_result_is_refused_saying_so(workspace: Workspace) -> None:
    run_id = record(workspace)
    with workspace.db.session() as session:
        session.execute(delete(FilePartRow))
        session.commit()
    with pytest.raises(DatabaseError, match="can no longer be read"):
        workspace.batch_runs.result(run_id)


def test_only_the_latest_runs_keep_their_results(workspace: Workspace) -> None:
    workspace.batch_runs.retention = Retention(runs=2, days=365)
    first, second, third = (record(workspace, f"result {i}".encode()) for i in range(3))
    kept = {r.id: r.result_kept for r in workspace.batch_runs.recent()}
    assert kept == {first: False, second: True, third: True}  # the record stays
    with pytest.raises(DatabaseError, match="latest 2 runs, made within 365 days"):
        workspace.batch_runs.result(first)
    assert workspace.batch_runs.result(third) == b"result 2"
    with workspace.db.session() as session:  # the first result's bytes are gone
        assert session.scalar(select(func.count()).select_from(FilePartRow)) == 2


def test_results_older_than_the_days_kept_are_let_go(workspace: Workspace) -> None:
    workspace.batch_runs.retention = Retention(runs=50, days=7)
    old = record(workspace, b"old", days_ago=9)  # 8 days before the next
    new = record(workspace, b"new", days_ago=1)
    kept = {r.id: r.result_kept for r in workspace.batch_runs.recent()}
    assert kept == {old: False, new: True}


def test_a_result_two_runs_share_stays_while_one_keeps_it(workspace: Workspace) -> None:
    workspace.batch_runs.retention = Retention(runs=1, days=365)
    first = record(workspace)
    second = record(workspace)  # the same result: kept once
    assert workspace.batch_runs.result(second) == RESULT
    with pytest.raises(DatabaseError, match="no longer kept"):
        workspace.batch_runs.result(first)


def test_the_retention_settings_are_read_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHER_BATCH_KEEP_RUNS", "10")
    monkeypatch.setenv("MATCHER_BATCH_KEEP_DAYS", "3")
    assert Retention.from_env() == Retention(runs=10, days=3)
    monkeypatch.setenv("MATCHER_BATCH_KEEP_DAYS", "0")
    with pytest.raises(ValueError, match="MATCHER_BATCH_KEEP_DAYS must be a whole number"):
        Retention.from_env()


def test_results_kept_in_the_old_folder_move_into_the_database(
    tmp_path: Path, ranker: Ranker
) -> None:
    """Upgrading an SQLite workspace copies batch-results/ beside it into the database."""
    url = f"sqlite:///{tmp_path / 'matcher.db'}"
    engine = make_engine(url)
    upgrade(engine, "0005")
    digest = hashlib.sha256(RESULT).hexdigest()
    (tmp_path / "batch-results").mkdir()
    (tmp_path / "batch-results" / f"{digest}.csv").write_bytes(RESULT)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO batch_runs (file_name, input_sha256, options, rows_read, rows_matched,"
            " rows_error, data_version, result_path, result_sha256, created_by, created_at)"
            f" VALUES ('a.csv', 'x', '{{}}', 1, 1, 0, 'v', '{digest}.csv', '{digest}', 'li',"
            " '2026-03-02 09:00:00')"
        )
    upgrade(engine)
    ws = Workspace(engine, ranker=ranker)
    [run] = ws.batch_runs.recent()
    assert ws.batch_runs.result(run.id) == RESULT
    downgrade(engine, "0005")  # and back: the folder was left as it was
    assert (tmp_path / "batch-results" / f"{digest}.csv").read_bytes() == RESULT
    engine.dispose()
