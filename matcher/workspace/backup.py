"""`matcher backup PATH`: a consistent copy of the SQLite workspace, written atomically."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from matcher.atomic import replaced_on_success, same_file
from matcher.errors import OutputError, UsageError
from matcher.workspace.db import DatabaseError, database_url, sqlite_path


def backup(target: Path, url: str | None = None) -> Path:
    """Copy the SQLite database to `target` with SQLite's online backup API (safe while the
    app is writing); the copy appears only when complete. PostgreSQL: use pg_dump."""
    resolved = database_url(url)
    source = sqlite_path(resolved)
    if source is None:
        if resolved.startswith("postgresql"):
            raise UsageError(
                "the workspace is on PostgreSQL: back it up with pg_dump, e.g. "
                f'`pg_dump --format=custom --file {target} "$MATCHER_DB_URL"` and restore with '
                "pg_restore (PostgreSQL 请使用 pg_dump 备份)"
            )
        raise UsageError("an in-memory database cannot be backed up (内存数据库无法备份)")
    if not source.exists():
        raise DatabaseError(
            f"{source}: no workspace database yet; nothing to back up (数据库不存在)"
        )
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name (输出路径是文件夹)")
    for part in (source, Path(f"{source}-wal"), Path(f"{source}-shm")):
        if same_file(target, part) or target.resolve() == part.resolve():
            raise UsageError(
                f"{target}: is the database itself; choose another file (不能覆盖数据库本身)"
            )
    try:
        with (
            replaced_on_success(target) as temp,
            contextlib.closing(sqlite3.connect(source)) as src,
            contextlib.closing(sqlite3.connect(temp)) as dst,
        ):
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    except sqlite3.Error as error:
        raise OutputError(f"{target}: backup failed: {error} (备份失败)") from error
    return target
