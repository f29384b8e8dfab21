"""Batch runs (the Batch page): each run's record, and its result file kept under the results
folder by SHA-256, so a past run's file can be downloaded again and checked unchanged."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select

from matcher.errors import UsageError
from matcher.i18n import say
from matcher.workspace.db import Database, DatabaseError, sqlite_path, utcnow
from matcher.workspace.lexicon import Lexicon
from matcher.workspace.schema import BatchRunRow
from matcher.workspace.views import BatchRun


def default_results_dir(engine: Engine) -> Path:
    """batch-results/ beside an SQLite file; else under the project's var/."""
    db_file = sqlite_path(str(engine.url))
    base = db_file.parent if db_file else Path(__file__).resolve().parents[2] / "var"
    return base / "batch-results"


class BatchRuns:
    """Past batch runs and their result files."""

    def __init__(self, db: Database, lexicon: Lexicon, results_dir: Path) -> None:
        self._db = db
        self._lexicon = lexicon
        self.results_dir = results_dir

    def record(
        self,
        *,
        file_name: str,
        input_data: bytes,
        options: dict[str, object],
        rows_read: int,
        rows_matched: int,
        rows_error: int,
        result: bytes,
        result_suffix: str,
        actor: str,
        now: datetime | None = None,
    ) -> BatchRun:
        """Record a batch run and keep its result file under the results folder, named by its
        SHA-256 (written atomically; the same result is stored once)."""
        from matcher.atomic import atomic_output
        from matcher.free_text import escaped

        digest = hashlib.sha256(result).hexdigest()
        suffix = result_suffix if result_suffix.startswith(".") else f".{result_suffix}"
        relative = f"{digest}{suffix}"
        target = self.results_dir / relative
        if not target.exists():
            self.results_dir.mkdir(parents=True, exist_ok=True)
            with atomic_output(target) as handle:
                handle.write(result)
        with self._db.session() as session:
            row = BatchRunRow(
                # The name the browser sent is a record, not text typed here that someone could
                # correct: kept with its hidden characters written as escapes, cut to fit.
                file_name=escaped(file_name)[:255],
                input_sha256=hashlib.sha256(input_data).hexdigest(),
                options=dict(options),
                rows_read=rows_read,
                rows_matched=rows_matched,
                rows_error=rows_error,
                data_version=self._lexicon.data_version,
                park_list=self._lexicon.ranker.catalogue.park_list.number,
                result_path=relative,
                result_sha256=digest,
                created_by=actor,
                created_at=now or utcnow(),
            )
            session.add(row)
            session.commit()
            return _batch_view(row)

    def recent(self, *, limit: int = 50) -> list[BatchRun]:
        """The latest runs, newest first."""
        with self._db.session() as session:
            rows = session.scalars(
                select(BatchRunRow).order_by(BatchRunRow.id.desc()).limit(limit)
            ).all()
            return [_batch_view(r) for r in rows]

    def result(self, run_id: int) -> bytes:
        """The stored result file of a run, refused if missing or not the bytes recorded."""
        with self._db.session() as session:
            row = session.get(BatchRunRow, run_id)
            if row is None:
                raise UsageError(say("batch_run_not_found", run=run_id))
            path, digest = self.results_dir / row.result_path, row.result_sha256
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DatabaseError(say("batch_result_missing", run=run_id)) from error
        if hashlib.sha256(data).hexdigest() != digest:
            raise DatabaseError(say("batch_result_changed", run=run_id))
        return data


def _batch_view(row: BatchRunRow) -> BatchRun:
    return BatchRun(
        id=row.id,
        file_name=row.file_name,
        input_sha256=row.input_sha256,
        options=row.options,
        rows_read=row.rows_read,
        rows_matched=row.rows_matched,
        rows_error=row.rows_error,
        data_version=row.data_version,
        park_list=row.park_list,
        result_path=row.result_path,
        result_sha256=row.result_sha256,
        created_by=row.created_by,
        created_at=row.created_at,
    )
