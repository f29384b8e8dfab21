"""Where the workspace lives: the database URL, the engine, its schema migrations, and the
short transactions every part of the workspace runs in (`Database.session`).

`MATCHER_DB_URL` names the database; without it, an SQLite file `var/matcher.db` in the
project folder, created (and migrated) on first use, in WAL mode with foreign keys on. The
same code runs on PostgreSQL through psycopg 3 (`postgresql://…` is read as
`postgresql+psycopg://…`); there the schema is never changed implicitly: `matcher db upgrade`.
A PostgreSQL server that does not answer, a statement that runs on, or a lock held elsewhere
ends in one message after a timeout (`Timeouts`, from the environment), never a wait for ever.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.exc import DatabaseError as DriverDatabaseError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from matcher.errors import UserFacingError
from matcher.i18n import Text, same, say

ENV_VAR = "MATCHER_DB_URL"
PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseError(UserFacingError):
    """The database cannot be reached or is not at the schema this code needs."""


CONNECT_TIMEOUT_VAR = "MATCHER_DB_CONNECT_TIMEOUT"
STATEMENT_TIMEOUT_VAR = "MATCHER_DB_STATEMENT_TIMEOUT"
LOCK_TIMEOUT_VAR = "MATCHER_DB_LOCK_TIMEOUT"


@dataclass(frozen=True)
class Timeouts:
    """How long a PostgreSQL workspace waits, in seconds (0: no limit for a statement or a
    lock; a connection always has one). Each can be set by its environment variable."""

    connect: float = 10.0  # for the server to answer at all
    statement: float = 60.0  # for one statement (a migration has none)
    lock: float = 10.0  # for a row or table another session holds

    @classmethod
    def from_environment(cls) -> Timeouts:
        """The defaults, each replaced by its variable when set; a DatabaseError names a
        variable that is not a number of seconds."""
        chosen = {}
        for field, variable in (
            ("connect", CONNECT_TIMEOUT_VAR),
            ("statement", STATEMENT_TIMEOUT_VAR),
            ("lock", LOCK_TIMEOUT_VAR),
        ):
            raw = os.environ.get(variable, "").strip()
            if not raw:
                continue
            try:
                value = float(raw)
            except ValueError:
                value = -1.0
            if not (math.isfinite(value) and value >= 0 and (value > 0 or field != "connect")):
                raise DatabaseError(
                    say("database_timeout_invalid", variable=variable, value=raw[:40])
                )
            chosen[field] = value
        return cls(**chosen)

    def connect_args(self, given: Any) -> dict[str, Any]:
        """psycopg's connection arguments for these limits; a URL's own choice stays."""
        args: dict[str, Any] = {}
        if "connect_timeout" not in given:
            # libpq counts whole seconds, and at least 2.
            args["connect_timeout"] = max(2, math.ceil(self.connect))
        if "options" not in given:
            args["options"] = (
                f"-c statement_timeout={round(self.statement * 1000)} "
                f"-c lock_timeout={round(self.lock * 1000)}"
            )
        return args


def utcnow() -> datetime:
    return datetime.now(UTC)


class Database:
    """One workspace database: its engine, and a short transaction per call (`session`).
    Safe to share between threads; every part of the workspace holds the same one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str | None = None) -> Database:
        """The database at `url` ($MATCHER_DB_URL, else var/matcher.db, created on first use)."""
        engine = make_engine(url)
        ensure_schema(engine)
        return cls(engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session; a database that fails under it is one DatabaseError, not a traceback."""
        try:
            with self._sessions() as session:
                yield session
        except OperationalError as error:
            raise DatabaseError(_fault(error, "database_error", self.engine)) from error
        except DriverDatabaseError as error:
            if not _not_a_database(error):
                raise  # an integrity error and the like: the caller's to answer
            raise DatabaseError(_fault(error, "database_error", self.engine)) from error


def default_url() -> str:
    return f"sqlite:///{PROJECT_DIR / 'var' / 'matcher.db'}"


def database_url(url: str | None = None) -> str:
    """The URL to use: the one given, else $MATCHER_DB_URL, else the SQLite file under var/.
    A relative SQLite file (sqlite:///var/matcher.db) is in the project folder, wherever the
    command is run from."""
    chosen = url or os.environ.get(ENV_VAR, "").strip() or default_url()
    if chosen.startswith("postgresql://") or chosen.startswith("postgres://"):
        chosen = "postgresql+psycopg://" + chosen.split("://", 1)[1]
    try:
        parsed = make_url(chosen)
    except ArgumentError:
        return chosen  # make_engine says what is wrong with it
    name = parsed.database or ""
    relative = name not in ("", ":memory:") and not name.startswith("file:")
    if parsed.get_backend_name() == "sqlite" and relative and not Path(name).is_absolute():
        chosen = parsed.set(database=str(PROJECT_DIR / name)).render_as_string(hide_password=False)
    return chosen


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL, None for another database or an in-memory one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    _on_read_only_connect(dbapi_connection, _record)
    cursor.close()


def _on_read_only_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _writable(path: Path) -> bool:
    """True unless `path` exists and this process may not change it (or its folder, where
    SQLite keeps its journal)."""
    if not path.exists():
        return True
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _read_only_engine(url: str, path: Path) -> Engine:
    """An engine that only reads `path`: SQLite's read-only mode; immutable too when the
    folder cannot take the shared-memory file a write-ahead log needs (nobody can be writing
    then: the log could not be made either)."""
    import sqlite3
    from urllib.parse import quote

    shm = path.with_name(path.name + "-shm")
    immutable = "" if shm.exists() or os.access(path.parent, os.W_OK) else "&immutable=1"
    uri = f"file:{quote(str(path))}?mode=ro{immutable}"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    engine = create_engine(url, creator=connect, poolclass=NullPool)
    event.listen(engine, "connect", _on_read_only_connect)
    return engine


def make_engine(url: str | None = None) -> Engine:
    """An engine for the workspace database; an SQLite file's folder is created if missing."""
    resolved = database_url(url)
    try:
        parsed = make_url(resolved)
    except ArgumentError as error:
        raise DatabaseError(
            say("database_url_invalid", variable=ENV_VAR, url=_redacted(resolved)[:100])
        ) from error
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(resolved)
        if path is None:
            # Empty, and gone when the command ends: nothing kept would be found again.
            raise DatabaseError(say("database_in_memory", variable=ENV_VAR))
        if path.is_dir():
            raise DatabaseError(say("database_not_workspace", file=str(path)))
        if not _writable(path):
            return _read_only_engine(resolved, path)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise DatabaseError(
                    say(
                        "database_folder_failed",
                        folder=str(path.parent),
                        reason=str(error.strerror or error),
                    )
                ) from error
        engine = create_engine(resolved)
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    if backend == "postgresql":
        timeouts = Timeouts.from_environment()
        return create_engine(
            resolved, pool_pre_ping=True, connect_args=timeouts.connect_args(parsed.query)
        )
    raise DatabaseError(say("database_unsupported", variable=ENV_VAR, backend=backend[:40]))


def _redacted(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]


def _alembic_config(engine: Engine, connection: Any) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Every schema revision this version of the tool knows (its migrations)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def check_known(engine: Engine, current: str | None) -> None:
    """Refuse a database this version cannot use: one made by a newer version (a revision
    it does not know), or an SQLite file of another program (tables, none of ours)."""
    if current is not None and current not in known_revisions():
        raise DatabaseError(say("database_newer", place=_place(engine)))
    others = set(table_names(engine)) - {"alembic_version"}  # left empty by a downgrade
    if current is None and engine.dialect.name == "sqlite" and others:
        raise DatabaseError(say("database_not_workspace", file=_place(engine)))


def _place(engine: Engine) -> str:
    """The database as a message names it: an SQLite file's path, else the redacted URL."""
    return (
        engine.url.database or "" if engine.dialect.name == "sqlite" else _redacted(str(engine.url))
    )


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None: an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with _connect(engine) as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (idempotent)."""
    from alembic import command

    check_known(engine, current_revision(engine))
    with _connect(engine) as connection, connection.begin():
        if connection.dialect.name == "postgresql":  # a migration may rewrite a large table
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        command.upgrade(_alembic_config(engine, connection), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    from alembic import command

    with _connect(engine) as connection, connection.begin():
        command.downgrade(_alembic_config(engine, connection), revision)


def ensure_schema(engine: Engine) -> None:
    """SQLite: migrate to the head on first use. Elsewhere: refuse a schema that is behind."""
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return
    check_known(engine, current)
    if engine.dialect.name == "sqlite":
        if not _writable(Path(engine.url.database or "")):
            raise DatabaseError(say("database_read_only_old", file=_place(engine)))
        upgrade(engine)
        return
    raise DatabaseError(
        say(
            "database_needs_upgrade",
            current=same(current) if current else say("database_empty_schema"),
            head=head,
        )
    )


def table_names(engine: Engine) -> list[str]:
    with _connect(engine) as connection:
        return sorted(inspect(connection).get_table_names())


def _connect(engine: Engine) -> Any:
    try:
        return engine.connect()
    except OperationalError as error:
        raise DatabaseError(_fault(error, "database_unreachable", engine)) from error
    except DriverDatabaseError as error:
        if not _not_a_database(error):
            raise
        raise DatabaseError(_fault(error, "database_unreachable", engine)) from error


def _not_a_database(error: DriverDatabaseError) -> bool:
    return getattr(error.orig, "sqlite_errorname", "") == "SQLITE_NOTADB"


# PostgreSQL's codes for a statement cancelled by statement_timeout and a lock not granted
# within lock_timeout (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_STATEMENT_CANCELLED = "57014"
_LOCK_NOT_AVAILABLE = "55P03"


def _fault(error: DriverDatabaseError, general: str, engine: Engine) -> Text:
    """What went wrong, in words: a timeout says which limit and how to change it, an SQLite
    file that is not a database or cannot be written says so; anything else is the `general`
    message with the driver's first line as the reason."""
    cause = error.orig
    if engine.dialect.name == "sqlite":
        kind = getattr(cause, "sqlite_errorname", "")
        if kind == "SQLITE_NOTADB":
            return say("database_not_workspace", file=_place(engine))
        if kind.startswith("SQLITE_READONLY"):
            return say("database_read_only", file=_place(engine))
    if engine.dialect.name == "postgresql":
        from psycopg.errors import ConnectionTimeout

        timeouts = Timeouts.from_environment()
        code = getattr(cause, "sqlstate", None)
        if isinstance(cause, ConnectionTimeout):
            return say(
                "database_no_answer",
                server=engine.url.host or "localhost",
                seconds=max(2, math.ceil(timeouts.connect)),
                variable=CONNECT_TIMEOUT_VAR,
            )
        if code == _STATEMENT_CANCELLED:
            return say(
                "database_too_slow",
                seconds=f"{timeouts.statement:g}",
                variable=STATEMENT_TIMEOUT_VAR,
            )
        if code == _LOCK_NOT_AVAILABLE:
            return say("database_locked", seconds=f"{timeouts.lock:g}", variable=LOCK_TIMEOUT_VAR)
    reason = str(cause).strip().splitlines()[0] if cause else str(error)
    if general == "database_unreachable":
        return say(general, url=_redacted(str(engine.url)), reason=reason[:200])
    return say(general, reason=reason[:200])
