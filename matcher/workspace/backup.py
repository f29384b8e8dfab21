"""`matcher backup PATH`: a consistent copy of the SQLite workspace, written atomically."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from matcher.atomic import replaced_on_success, same_file
from matcher.errors import OutputError, UsageError, on_file
from matcher.i18n import say
from matcher.workspace.db import DatabaseError, database_url, sqlite_path


def backup(target: Path, url: str | None = None) -> Path:
    """Copy the SQLite database to `target` with SQLite's online backup API (safe while the
    app is writing); the copy appears only when complete. PostgreSQL: use pg_dump."""
    resolved = database_url(url)
    source = sqlite_path(resolved)
    if source is None:
        if resolved.startswith("postgresql"):
            raise UsageError(say("backup_postgresql", target=str(target)))
        raise UsageError(say("backup_in_memory"))
    if not source.exists():
        raise DatabaseError(on_file(str(source), say("backup_no_database")))
    if target.is_dir():
        raise OutputError(on_file(str(target), say("output_is_folder")))
    for part in (source, Path(f"{source}-wal"), Path(f"{source}-shm")):
        if same_file(target, part) or target.resolve() == part.resolve():
            raise UsageError(on_file(str(target), say("backup_is_database")))
    try:
        with (
            replaced_on_success(target) as temp,
            contextlib.closing(sqlite3.connect(source)) as src,
            contextlib.closing(sqlite3.connect(temp)) as dst,
        ):
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    except sqlite3.Error as error:
        problem = say("backup_failed", reason=str(error)[:200])
        raise OutputError(on_file(str(target), problem)) from error
    return target
