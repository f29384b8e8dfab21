"""Batch runs (`ws.batch_runs`): each run recorded, its result file kept and checked.

Every test runs on a temporary SQLite file and on a throwaway PostgreSQL server."""

from __future__ import annotations

import hashlib

import pytest

from matcher.workspace import DatabaseError, Workspace


def test_a_batch_run_keeps_its_result_file_and_checks_it(workspace: Workspace) -> None:
    run = workspace.batch_runs.record(
        file_name="leads.csv",
        input_data=b"request_id,sector\nA,AI\n",
        options={"top": 5, "format": "long"},
        rows_read=1,
        rows_matched=1,
        rows_error=0,
        result=b"request_id,rank\nA,1\n",
        result_suffix=".csv",
        actor="li",
    )
    assert run.result_sha256 == hashlib.sha256(b"request_id,rank\nA,1\n").hexdigest()
    assert workspace.batch_runs.result(run.id) == b"request_id,rank\nA,1\n"
    assert workspace.batch_runs.recent() == [run] and run.options == {"top": 5, "format": "long"}
    (workspace.batch_runs.results_dir / run.result_path).write_bytes(b"tampered")
    with pytest.raises(DatabaseError, match="has changed since it was kept"):
        workspace.batch_runs.result(run.id)
