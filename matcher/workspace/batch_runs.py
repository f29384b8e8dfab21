"""Batch runs (the Batch page): each run's record, and its result kept in the database
(matcher.workspace.files) by SHA-256, so any app process can offer it again, checked
unchanged. Results are kept for the latest runs only (Retention); the records stay.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from matcher.errors import UsageError
from matcher.i18n import say
from matcher.workspace import files
from matcher.workspace.db import Database, DatabaseError, utcnow
from matcher.workspace.lexicon import Lexicon
from matcher.workspace.schema import BatchRunRow
from matcher.workspace.views import BatchRun

KEEP_RUNS_VAR, KEEP_DAYS_VAR = "MATCHER_BATCH_KEEP_RUNS", "MATCHER_BATCH_KEEP_DAYS"


@dataclass(frozen=True)
class Retention:
    """Which results are kept: those of the latest `runs` runs, made within `days` days."""

    runs: int = 50
    days: int = 30

    @classmethod
    def from_env(cls) -> Retention:
        """$MATCHER_BATCH_KEEP_RUNS and $MATCHER_BATCH_KEEP_DAYS (whole numbers ≥ 1), else
        the defaults."""
        default = cls()
        return cls(
            runs=_positive(KEEP_RUNS_VAR, default.runs), days=_positive(KEEP_DAYS_VAR, default.days)
        )


def _positive(variable: str, default: int) -> int:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise UsageError(say("setting_not_positive", variable=variable, value=value[:20]))
    return int(value)


class BatchRuns:
    """Past batch runs and their results."""

    def __init__(self, db: Database, lexicon: Lexicon, retention: Retention | None = None) -> None:
        self._db = db
        self._lexicon = lexicon
        self.retention = retention or Retention.from_env()

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
        """Record a batch run and keep its result (the same result is kept once), then let go
        of the results the retention rule no longer keeps."""
        from matcher.free_text import escaped

        now = now or utcnow()
        suffix = result_suffix if result_suffix.startswith(".") else f".{result_suffix}"
        with self._db.session() as session:
            digest = files.put(session, result)
            row = BatchRunRow(
                # The name the browser sent is a record, not text typed here that someone could
                # correct: kept with its hidden characters written as escapes, cut to fit.
                file_name=escaped(file_name)[:255],
                input_sha256=files.digest(input_data),
                options=dict(options),
                rows_read=rows_read,
                rows_matched=rows_matched,
                rows_error=rows_error,
                data_version=self._lexicon.data_version,
                park_list=self._lexicon.ranker.catalogue.park_list.number,
                result_path=f"{digest}{suffix}",
                result_sha256=digest,
                created_by=actor,
                created_at=now,
            )
            session.add(row)
            session.commit()
            view = _batch_view(row)
        self.apply_retention(now)
        return view

    def apply_retention(self, now: datetime | None = None) -> int:
        """Let go of the results of runs beyond the latest `retention.runs` or older than
        `retention.days` (their records stay); how many runs lost their result."""
        now = now or utcnow()
        keep = self.retention
        with self._db.session() as session:
            latest = select(BatchRunRow.id).order_by(BatchRunRow.id.desc()).limit(keep.runs)
            kept_ids = list(session.scalars(latest))
            dropping = session.execute(
                select(BatchRunRow.id, BatchRunRow.result_sha256).where(
                    BatchRunRow.result_dropped_at.is_(None),
                    or_(
                        BatchRunRow.id.not_in(kept_ids),
                        BatchRunRow.created_at < now - timedelta(days=keep.days),
                    ),
                )
            ).all()
            if not dropping:
                return 0
            ids = [run for run, _ in dropping]
            session.execute(
                update(BatchRunRow).where(BatchRunRow.id.in_(ids)).values(result_dropped_at=now)
            )
            still_named = set(
                session.scalars(
                    select(BatchRunRow.result_sha256).where(
                        BatchRunRow.result_dropped_at.is_(None), BatchRunRow.id.not_in(ids)
                    )
                )
            )
            files.drop(session, {d for _, d in dropping} - still_named)
            session.commit()
            return len(ids)

    def recent(self, *, limit: int = 50) -> list[BatchRun]:
        """The latest runs, newest first."""
        with self._db.session() as session:
            rows = session.scalars(
                select(BatchRunRow).order_by(BatchRunRow.id.desc()).limit(limit)
            ).all()
            return [_batch_view(r) for r in rows]

    def _kept(self, session: Session, run_id: int) -> BatchRunRow:
        row = session.get(BatchRunRow, run_id)
        if row is None:
            raise UsageError(say("batch_run_not_found", run=run_id))
        if row.result_dropped_at is not None:
            raise DatabaseError(
                say(
                    "batch_result_dropped",
                    run=run_id,
                    runs=self.retention.runs,
                    days=self.retention.days,
                )
            )
        return row

    def result(self, run_id: int) -> bytes:
        """The kept result of a run; refused, saying why, if it was let go, is missing or is
        not the bytes recorded."""
        with self._db.session() as session:
            digest = self._kept(session, run_id).result_sha256
            data = files.get(session, digest)
        if data is None:
            raise DatabaseError(say("batch_result_missing", run=run_id))
        if files.digest(data) != digest:
            raise DatabaseError(say("batch_result_changed", run=run_id))
        return data

    def result_into(self, run_id: int, handle: BinaryIO) -> str:
        """Write a run's kept result into `handle` part by part (memory holds one part); the
        name it is kept under (its suffix says the format). Refused as `result` refuses; the
        handle then holds a partial file the caller throws away."""
        with self._db.session() as session:
            row = self._kept(session, run_id)
            digest, stored_as = row.result_sha256, row.result_path
            hasher, written = hashlib.sha256(), 0
            for part in files.parts(session, digest):
                hasher.update(part)
                handle.write(part)
                written += 1
        if not written:
            raise DatabaseError(say("batch_result_missing", run=run_id))
        if hasher.hexdigest() != digest:
            raise DatabaseError(say("batch_result_changed", run=run_id))
        return stored_as


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
        result_kept=row.result_dropped_at is None,
        created_by=row.created_by,
        created_at=row.created_at,
    )
