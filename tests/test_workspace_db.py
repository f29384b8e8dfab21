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
from collections.abc import Callable, Iterator
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


# --- files that are not what they should be (issue 22, item 15) ---


def _cli(args: list[str], url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from tests.cli_runner import run_cli

    done = run_cli(capsys, args, env={"MATCHER_DB_URL": url})
    assert "Traceback" not in done.err and "report it" not in done.err
    return done.code, done.err.strip()


def _sqlite_workspace(path: Path) -> str:
    url = f"sqlite:///{path}"
    Database.open(url).engine.dispose()
    return url


def test_a_database_made_by_a_newer_version_says_to_update_the_tool(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _sqlite_workspace(tmp_path / "w.db")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    engine.dispose()
    for command in (["staff", "list"], ["db", "upgrade"]):
        code, err = _cli(command, url, capsys)
        assert code == 1
        assert err == (
            f"error: {tmp_path / 'w.db'}: this database was made by a newer version of this "
            "tool, which this version cannot use; update the tool"
        )


@pytest.mark.parametrize(
    "content",
    [bytes(range(256)) * 20, b"hello\n", b"SQLite format 3\x00" + b"\xff" * 200],
)
def test_a_file_that_is_not_a_workspace_database_is_named_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    garbage = tmp_path / "leads.xlsx"
    garbage.write_bytes(content)
    code, err = _cli(["staff", "list"], f"sqlite:///{garbage}", capsys)
    assert code == 1
    assert err == f"error: {garbage}: not a workspace database of this tool (damaged, or " \
        "another program's); check the file MATCHER_DB_URL names"  # fmt: skip
    assert garbage.read_bytes() == content


def test_another_programs_sqlite_database_is_refused_not_migrated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE orders (id INTEGER)")
    connection.close()
    code, err = _cli(["staff", "list"], f"sqlite:///{other}", capsys)
    assert code == 1 and "not a workspace database" in err
    with sqlite3.connect(other) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master")]
    connection.close()
    assert tables == ["orders"]


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_refused_with_the_reason(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _cli(["cases", "list"], url, capsys)
    assert code == 1
    assert "an in-memory database is empty and gone when the command ends" in err


def test_a_relative_sqlite_url_is_in_the_project_folder_wherever_the_command_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matcher.workspace.db import PROJECT_DIR, database_url, sqlite_path

    monkeypatch.chdir(tmp_path)
    assert sqlite_path(database_url("sqlite:///var/other.db")) == PROJECT_DIR / "var" / "other.db"
    assert sqlite_path(database_url(f"sqlite:///{tmp_path}/w.db")) == tmp_path / "w.db"


def _as_another_user(action: Callable[[], tuple[int, str]]) -> tuple[int, str]:
    """`action` in a forked child that cannot write what this user's files (root ignores
    permissions, so as root the child becomes nobody); its result back through a pipe."""
    import json

    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's own process)
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            result = action()
            os.write(write_end, json.dumps(result).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        said = pipe.read()
    os.waitpid(child, 0)
    code, err = json.loads(said)
    return int(code), str(err)


def test_a_read_only_database_is_read_and_a_write_says_why_it_cannot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    import tempfile

    # Outside pytest's own folder, which only its owner may enter.
    folder = Path(tempfile.mkdtemp(prefix="shared-"))
    db = folder / "w.db"
    url = _sqlite_workspace(db)
    _cli(["staff", "add", "alice"], url, capsys)  # no password: refused, nothing kept
    from matcher.workspace import StaffAccounts

    database = Database.open(url)
    StaffAccounts(database).add("alice", "correct horse battery")
    database.engine.dispose()
    before = db.read_bytes()
    monkeypatch.setenv("MATCHER_CACHE_DIR", "")
    db.chmod(0o444)
    folder.chmod(0o555)
    try:

        def read() -> tuple[int, str]:
            from tests.cli_runner import run_cli

            done = run_cli(capsys, ["staff", "list"], env={"MATCHER_DB_URL": url})
            return done.code, done.out + done.err

        def write() -> tuple[int, str]:
            from tests.cli_runner import run_cli

            done = run_cli(
                capsys, ["staff", "add", "bob"], env={"MATCHER_DB_URL": url},
                stdin="another long password\n",
            )  # fmt: skip
            return done.code, done.out + done.err

        code, said = _as_another_user(read)
        assert code == 0 and "alice" in said, said
        code, said = _as_another_user(write)
        assert code == 1
        assert said.strip() == (
            f"error: {db}: the database file is read-only: reading works, but nothing can be "
            "changed; to make changes, give this user write permission on the file and its folder"
        )
        assert db.read_bytes() == before
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)
