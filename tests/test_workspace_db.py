"""The workspace database under faults: a server that never answers, a statement that runs
on, a lock held elsewhere, and files that are not what they should be. Each ends in one
message in the reader's words, within a limit, never a wait for ever or a driver's text."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from matcher.workspace import Database, DatabaseError
from matcher.workspace.db import make_engine


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A TCP port that accepts every connection and never says a word (a hung server)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        server.close()


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "did not answer within 2 s"), ("zh", "在 2 秒内没有应答")],
)
def test_a_postgresql_server_that_never_answers_ends_the_command_within_the_timeout(
    black_hole: int, tmp_path: Path, lang: str, words: str
) -> None:
    # A process of its own: before the timeout, this command waited for ever (the harness's
    # own limit then fails the test instead of hanging the suite).
    env = {
        **os.environ,
        "MATCHER_LANG": lang,
        "MATCHER_DB_URL": f"postgresql://matcher@127.0.0.1:{black_hole}/workspace",
        "MATCHER_DB_CONNECT_TIMEOUT": "2",
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "matcher", "staff", "list"], capture_output=True, text=True,
        env=env, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert done.returncode == 1 and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert words in line and "MATCHER_DB_CONNECT_TIMEOUT" in line
    # 2 s to wait, the rest is the interpreter's start on a busy machine.
    assert elapsed < 60


def test_a_timeout_that_is_not_a_number_of_seconds_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable, value in (
        ("MATCHER_DB_CONNECT_TIMEOUT", "soon"),
        ("MATCHER_DB_CONNECT_TIMEOUT", "0"),
        ("MATCHER_DB_STATEMENT_TIMEOUT", "-1"),
        ("MATCHER_DB_LOCK_TIMEOUT", "inf"),
    ):
        with monkeypatch.context() as patch:
            patch.setenv(variable, value)
            with pytest.raises(DatabaseError) as refused:
                make_engine("postgresql://matcher@127.0.0.1:1/workspace")
            assert variable in str(refused.value) and value in str(refused.value)


def _postgres(url: str) -> None:
    if not url.startswith("postgresql"):
        pytest.skip("statement and lock timeouts are PostgreSQL's")


def test_a_statement_that_runs_on_is_cancelled_with_a_clear_message(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _postgres(db_url)
    monkeypatch.setenv("MATCHER_DB_STATEMENT_TIMEOUT", "0.5")
    database = Database.open(db_url)
    try:
        with pytest.raises(DatabaseError) as refused, database.session() as session:
            session.execute(text("SELECT pg_sleep(30)"))
        assert "took longer than 0.5 s" in str(refused.value)
        assert "MATCHER_DB_STATEMENT_TIMEOUT" in str(refused.value)
    finally:
        database.engine.dispose()


def test_a_lock_held_elsewhere_ends_in_a_clear_message_not_a_wait(
    workspace: object, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matcher.workspace import CaseSource, Workspace
    from tests.workspace_fixtures import IC_DESIGN

    _postgres(db_url)
    assert isinstance(workspace, Workspace)
    case = workspace.cases.create(IC_DESIGN, actor="li", source=CaseSource.STAFF)
    monkeypatch.setenv("MATCHER_DB_LOCK_TIMEOUT", "1")
    impatient = Workspace.open(db_url, ranker=workspace.lexicon.ranker)
    holder = make_engine(db_url).connect()
    try:
        holder.begin()
        holder.exec_driver_sql("LOCK TABLE cases IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        with pytest.raises(DatabaseError) as refused:
            impatient.cases.set_status(case.id, "in_progress", actor="li")
        assert time.monotonic() - started < 30
        assert "held the data for more than 1 s; nothing was changed" in str(refused.value)
    finally:
        holder.rollback()
        holder.close()
        holder.engine.dispose()
        impatient.engine.dispose()
    assert workspace.cases.get(case.id).status.value == "new"
