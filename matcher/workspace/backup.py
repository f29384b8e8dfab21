"""`matcher backup PATH` and `matcher restore PATH`: the whole workspace (cases, staff,
exports, batch results, taught terms) in one file, and back.

SQLite: SQLite's online backup API, safe while the app writes; restoring writes through the
same API into the database, so a write-ahead log left beside it (a crash) is taken in first
and then overwritten: nothing made after the backup survives. PostgreSQL: pg_dump's custom
format, restored by pg_restore in one transaction (--clean: the tables are replaced).
A backup holds contact details and password hashes: it is written readable by its owner
only (0600), also when it replaces an earlier one, and appears only when complete.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from matcher.atomic import replaced_on_success, same_file
from matcher.errors import OutputError, UsageError, on_file
from matcher.i18n import say
from matcher.workspace.db import DatabaseError, database_url, sqlite_path

BACKUP_MODE = 0o600
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# pg_dump / pg_restore give up on a server that does not answer within this (seconds).
CONNECT_TIMEOUT = "10"


def backup(target: Path, url: str | None = None) -> Path:
    """Write the workspace at `url` ($MATCHER_DB_URL, else var/matcher.db) to `target`."""
    resolved = database_url(url)
    if target.is_dir():
        raise OutputError(on_file(str(target), say("output_is_folder")))
    source = sqlite_path(resolved)
    if source is None:
        if make_url(resolved).get_backend_name() == "postgresql":
            _pg("pg_dump", resolved, target, ["--format=custom", "--no-owner", "--no-privileges"])
            return target
        raise UsageError(say("backup_in_memory"))
    if not source.exists():
        raise DatabaseError(on_file(str(source), say("backup_no_database")))
    _refuse_the_database_itself(target, source)
    try:
        with (
            replaced_on_success(target, mode=BACKUP_MODE) as temp,
            contextlib.closing(sqlite3.connect(source)) as src,
            contextlib.closing(sqlite3.connect(temp)) as dst,
        ):
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    except sqlite3.Error as error:
        problem = say("backup_failed", reason=str(error)[:200])
        raise OutputError(on_file(str(target), problem)) from error
    return target


def restore(source: Path, url: str | None = None) -> None:
    """Replace the workspace at `url` with the backup `source` (written by `backup` from a
    workspace of the same kind). Stop the app first: sessions open on it are not told."""
    resolved = database_url(url)
    magic = _magic(source)
    target = sqlite_path(resolved)
    if target is None:
        if make_url(resolved).get_backend_name() != "postgresql":
            raise UsageError(say("backup_in_memory"))
        if magic != PG_DUMP_MAGIC:
            raise UsageError(on_file(str(source), say("restore_not_postgresql_backup")))
        _pg(
            "pg_restore",
            resolved,
            source,
            ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             "--exit-on-error"],
        )  # fmt: skip
        return
    if magic != SQLITE_MAGIC:
        raise UsageError(on_file(str(source), say("restore_not_sqlite_backup")))
    _refuse_the_database_itself(source, target)
    try:
        with contextlib.closing(
            sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        ) as src:
            checked = src.execute("PRAGMA quick_check").fetchone()
            tables = {r[0] for r in src.execute("SELECT name FROM sqlite_master")}
            if checked != ("ok",) or "alembic_version" not in tables:
                raise UsageError(on_file(str(source), say("restore_not_sqlite_backup")))
            target.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.closing(sqlite3.connect(target, timeout=10)) as dst:
                # Leaving WAL mode takes in a log a crash left, and removes it; the backup then
                # overwrites every page, so nothing from that log survives.
                dst.execute("PRAGMA journal_mode=DELETE")
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=WAL")
    except sqlite3.DatabaseError as error:
        problem = say("restore_failed", reason=str(error)[:200])
        raise DatabaseError(on_file(str(source), problem)) from error


def _magic(source: Path) -> bytes:
    if source.is_dir():
        raise UsageError(on_file(str(source), say("restore_not_a_file")))
    try:
        with source.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        problem = say("restore_unreadable", reason=str(error.strerror or error))
        raise UsageError(on_file(str(source), problem)) from error
    return head if head == SQLITE_MAGIC else head[: len(PG_DUMP_MAGIC)]


def _refuse_the_database_itself(path: Path, database: Path) -> None:
    for part in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        if same_file(path, part) or path.resolve() == part.resolve():
            raise UsageError(on_file(str(path), say("backup_is_database")))


def pg_tool(name: str) -> Path:
    """pg_dump or pg_restore: from $PG_BIN, else the newest of Debian's PostgreSQL versions
    (a dump needs a pg_dump at least as new as the server), else from PATH."""
    folders = [os.environ.get("PG_BIN", "")]
    versions = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name.isdigit()]
    folders += [str(p) for p in sorted(versions, key=lambda p: int(p.parent.name), reverse=True)]
    for folder in folders:
        if folder and (Path(folder) / name).is_file():
            return Path(folder) / name
    found = shutil.which(name)
    if found is None:
        raise DatabaseError(say("pg_tool_missing", tool=name))
    return Path(found)


def libpq_url(url: str) -> tuple[str, str | None]:
    """The SQLAlchemy URL as libpq reads it (`postgresql://…`, no driver), and its password
    apart (handed over in PGPASSWORD, never on a command line others can list)."""
    parsed: URL = make_url(url)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), parsed.password


def _pg(tool: str, url: str, path: Path, options: list[str]) -> None:
    """Run pg_dump (writing `path`, 0600, atomically) or pg_restore (reading it)."""
    program = pg_tool(tool)
    conninfo, password = libpq_url(url)
    env = {**os.environ, "PGCONNECT_TIMEOUT": CONNECT_TIMEOUT}
    if password:
        env["PGPASSWORD"] = password
    if tool == "pg_dump":
        with replaced_on_success(path, mode=BACKUP_MODE) as temp:
            _run([str(program), *options, f"--file={temp}", f"--dbname={conninfo}"], env, tool)
    else:
        _run([str(program), *options, f"--dbname={conninfo}", str(path)], env, tool)


def _run(argv: list[str], env: dict[str, str], tool: str) -> None:
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    except OSError as error:
        raise DatabaseError(say("pg_tool_failed", tool=tool, reason=str(error)[:200])) from error
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        reason = lines[0] if lines else f"exit {done.returncode}"
        raise DatabaseError(say("pg_tool_failed", tool=tool, reason=reason[:300]))
