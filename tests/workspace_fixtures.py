"""Databases for the workspace tests: a temporary SQLite file, and a throwaway PostgreSQL
cluster (initdb into a temporary folder, a server on a unix socket there, stopped at the end).

PostgreSQL's binaries are looked for in $PG_BIN, /usr/lib/postgresql/*/bin, then on PATH.
Without them the PostgreSQL cases skip, except under CI=true, where they fail: CI installs
Debian's `postgresql` (.ci/run). initdb refuses to run as root, so as root the cluster is
created and run as the `postgres` user (or `nobody`) through runuser.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from matcher.models import Requirement
from matcher.scoring import Ranker
from matcher.workspace import Workspace
from matcher.workspace.db import make_engine, upgrade

# What the workspace tests rank and when: an IC-design requirement, a robotics one, a time.
IC_DESIGN = Requirement.from_cells(sector_text="集成电路设计", min_area="3000", location="温泉")
ROBOTS = Requirement.from_cells(sector_text="机器人")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _pg_bin() -> Path | None:
    candidates = [os.environ.get("PG_BIN", "")]
    candidates += sorted(
        (str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    found = shutil.which("initdb")
    candidates.append(str(Path(found).parent) if found else "")
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


class PostgresServer:
    """A private PostgreSQL server; `new_database()` gives each test an empty database."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="matcher-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.socket_dir.mkdir()
        self.owner: str | None = None
        if os.geteuid() == 0:
            self.owner = next((name for name in ("postgres", "nobody") if _user_exists(name)), None)
            if self.owner is None:  # pragma: no cover
                raise RuntimeError("running as root and no 'postgres' or 'nobody' user")
            entry = pwd.getpwnam(self.owner)
            for path in (self.root, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self._names = itertools.count(1)

    def _run(self, *command: str) -> None:
        argv = [str(self.bin_dir / command[0]), *command[1:]]
        if self.owner is not None:
            argv = ["runuser", "-u", self.owner, "--", *argv]
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=120, check=False, cwd=self.root
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "matcher", "--auth=trust", "-E", "UTF8",
            "--no-locale", "--no-sync",
        )  # fmt: skip
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=40"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://matcher@/{database}?host={self.socket_dir}"

    def new_database(self) -> str:
        name = f"test_{next(self._names)}"
        engine = make_engine(self.url("postgres")).execution_options(isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        engine.dispose()
        return self.url(name)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = _pg_bin()
    if bin_dir is None:
        message = "PostgreSQL binaries (initdb, pg_ctl) not found; apt-get install postgresql"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: the PostgreSQL tests must run)")
        pytest.skip(message)
    server = PostgresServer(bin_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind (no schema yet)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'var' / 'matcher.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.new_database()


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """A database of each kind at the current schema."""
    engine = make_engine(empty_db_url)
    upgrade(engine)
    engine.dispose()
    return empty_db_url


@pytest.fixture
def workspace(db_url: str, ranker: Ranker, tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(db_url, ranker=ranker)
    yield ws
    ws.engine.dispose()
