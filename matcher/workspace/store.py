"""The workspace: cases, rankings, shortlists, exports, batch runs and staff, in one database.

Pages and the CLI hold one `Workspace` and call its methods; every method opens its own short
transaction and returns frozen views (matcher.workspace.views), never live ORM rows.
Edits to a case are checked against the version the caller loaded (optimistic locking on
`cases.version`): a lost update is impossible, a stale one raises StaleCaseError.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from sqlalchemy import Engine, String, cast, delete, func, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from matcher import messages as msg
from matcher.errors import UsageError
from matcher.lexicon import TaughtEntry, TaughtTerm, term_problems, with_taught_terms
from matcher.models import Match, Requirement
from matcher.text import normalize
from matcher.workspace import auth
from matcher.workspace.db import DatabaseError, ensure_schema, make_engine, sqlite_path
from matcher.workspace.errors import (
    CaseNotFoundError,
    StaffError,
    StaleCaseError,
    StatusChangeError,
    TaughtTermError,
)
from matcher.workspace.schema import (
    BatchRunRow,
    CaseRow,
    ExportRow,
    SessionRow,
    ShortlistEntryRow,
    SnapshotRow,
    StaffRow,
    StatusChangeRow,
    TaughtTermRow,
)
from matcher.workspace.views import (
    NEXT_STATUSES,
    BatchRun,
    CaseSource,
    CaseStatus,
    CaseSummary,
    CaseView,
    ExportRecord,
    InboxPage,
    ShortlistEntry,
    Snapshot,
    Staff,
    StatusChange,
)

if TYPE_CHECKING:
    from matcher.scoring import Ranker
    from matcher.shortlist import ExportFormat

T = TypeVar("T")
TAUGHT_RECHECK_SECONDS = 2.0
Lang = Literal["zh", "en"]
_UNSET: Any = object()


def utcnow() -> datetime:
    return datetime.now(UTC)


def _requirement_json(requirement: Requirement) -> dict[str, Any]:
    return requirement.model_dump(mode="json")


class Workspace:
    """One database of cases and staff; safe to share between threads (one per app process)."""

    def __init__(self, engine: Engine, *, ranker: Ranker, results_dir: Path | None = None) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # The ranker over the curated data alone (its catalogue), without taught terms: always
        # the caller's, the workspace never picks a catalogue itself.
        self.base_ranker = ranker
        self._taught_ranker: tuple[tuple[int, ...], Ranker] | None = None
        self._taught_checked: tuple[float, Ranker] | None = None
        if results_dir is None:
            db_file = sqlite_path(str(engine.url))
            base = db_file.parent if db_file else Path(__file__).resolve().parents[2] / "var"
            results_dir = base / "batch-results"
        self.results_dir = results_dir

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        ranker: Ranker,
        results_dir: Path | None = None,
    ) -> Workspace:
        """The workspace at `url` ($MATCHER_DB_URL, else var/matcher.db, created on first use)."""
        engine = make_engine(url)
        ensure_schema(engine)
        return cls(engine, ranker=ranker, results_dir=results_dir)

    @property
    def ranker(self) -> Ranker:
        """The curated data plus the terms staff taught (active ones), rebuilt when they change;
        its catalogue's data version covers the taught terms."""
        # A page asks for the ranker many times per run: the terms are read again only after
        # TAUGHT_RECHECK_SECONDS (or at once after this process taught or retired one), so
        # a term taught from another process counts within that time.
        clock = time.monotonic()
        if (
            self._taught_checked is not None
            and clock - self._taught_checked[0] < TAUGHT_RECHECK_SECONDS
        ):
            return self._taught_checked[1]
        active = [e for e in self.taught_terms() if e.active]
        key = tuple(e.id for e in active)
        cached = self._taught_ranker
        if cached is None or cached[0] != key:
            base = self.base_ranker
            ranker = base
            if active:
                from matcher.scoring import Ranker

                ranker = Ranker(with_taught_terms(base.catalogue, [e.term for e in active]))
            cached = self._taught_ranker = (key, ranker)
        self._taught_checked = (clock, cached[1])
        return cached[1]

    @property
    def data_version(self) -> str:
        return self.ranker.catalogue.version

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with self._sessions() as session:
                yield session
        except OperationalError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise DatabaseError(f"database error: {reason} (数据库操作失败)") from error

    # ----------------------------------------------------------------- cases

    def create_case(
        self,
        requirement: Requirement,
        *,
        actor: str,
        source: CaseSource = CaseSource.STAFF,
        company: str = "",
        contact_person: str = "",
        contact: str = "",
        consent: bool = False,
        assigned_staff_id: int | None = None,
        now: datetime | None = None,
    ) -> CaseView:
        """A new case (status new) with its first ranking snapshot."""
        now = now or utcnow()
        with self._session() as session:
            row = CaseRow(
                company=company.strip(),
                contact_person=contact_person.strip(),
                contact=contact.strip(),
                consent=consent,
                consent_at=now if consent else None,
                source=CaseSource(source).value,
                requirement=_requirement_json(requirement),
                sector_text=_sector_summary(requirement),
                status=CaseStatus.NEW.value,
                assigned_staff_id=assigned_staff_id,
                created_at=now,
                updated_at=now,
                created_by=actor,
                updated_by=actor,
            )
            session.add(row)
            session.flush()
            session.add(
                StatusChangeRow(
                    case_id=row.id,
                    from_status=None,
                    to_status=CaseStatus.NEW.value,
                    changed_by=actor,
                    changed_at=now,
                )
            )
            self._add_snapshot(session, row.id, requirement, actor, now)
            session.commit()
            case_id = row.id
        return self.case(case_id)

    def inbox(
        self,
        *,
        status: CaseStatus | Sequence[CaseStatus] | None = None,
        assigned_staff_id: int | None = None,
        unassigned: bool = False,
        source: CaseSource | None = None,
        search: str = "",
        limit: int | None = 200,
        offset: int = 0,
    ) -> InboxPage:
        """The Inbox: cases newest-updated first, filtered, one page of them and the total."""
        shortlist_size = (
            select(func.count(ShortlistEntryRow.id))
            .where(ShortlistEntryRow.case_id == CaseRow.id)
            .correlate(CaseRow)
            .scalar_subquery()
        )
        conditions: list[Any] = []
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            conditions.append(CaseRow.status.in_([CaseStatus(s).value for s in statuses]))
        if assigned_staff_id is not None:
            conditions.append(CaseRow.assigned_staff_id == assigned_staff_id)
        if unassigned:
            conditions.append(CaseRow.assigned_staff_id.is_(None))
        if source is not None:
            conditions.append(CaseRow.source == CaseSource(source).value)
        if search.strip():
            pattern = f"%{_escape_like(search.strip())}%"
            conditions.append(
                or_(
                    CaseRow.company.ilike(pattern, escape="\\"),
                    CaseRow.contact_person.ilike(pattern, escape="\\"),
                    CaseRow.sector_text.ilike(pattern, escape="\\"),
                    cast(CaseRow.id, String) == search.strip(),
                )
            )
        query = (
            select(
                CaseRow.id,
                CaseRow.company,
                CaseRow.contact_person,
                CaseRow.sector_text,
                CaseRow.source,
                CaseRow.status,
                StaffRow.username,
                shortlist_size,
                CaseRow.created_at,
                CaseRow.updated_at,
                CaseRow.version,
            )
            .outerjoin(StaffRow, StaffRow.id == CaseRow.assigned_staff_id)
            .where(*conditions)
            .order_by(CaseRow.updated_at.desc(), CaseRow.id.desc())
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        with self._session() as session:
            rows = session.execute(query).all()
            total = session.scalar(select(func.count(CaseRow.id)).where(*conditions)) or 0
        return InboxPage(
            rows=tuple(
                CaseSummary(
                    id=r[0],
                    company=r[1],
                    contact_person=r[2],
                    sector_text=r[3],
                    source=CaseSource(r[4]),
                    status=CaseStatus(r[5]),
                    assigned_to=r[6],
                    shortlist_size=r[7],
                    created_at=r[8],
                    updated_at=r[9],
                    version=r[10],
                )
                for r in rows
            ),
            total=total,
        )

    def case(self, case_id: int) -> CaseView:
        """Everything the case page shows, read in one transaction."""
        with self._session() as session:
            row = session.get(CaseRow, case_id)
            if row is None:
                raise CaseNotFoundError(case_id)
            return self._case_view(session, row)

    def snapshots(self, case_id: int) -> list[Snapshot]:
        """Every ranking the case has had, oldest first: earlier ones stay readable."""
        with self._session() as session:
            if session.get(CaseRow, case_id) is None:
                raise CaseNotFoundError(case_id)
            rows = session.scalars(
                select(SnapshotRow).where(SnapshotRow.case_id == case_id).order_by(SnapshotRow.id)
            ).all()
            return [_snapshot_view(r) for r in rows]

    def _case_view(self, session: Session, row: CaseRow) -> CaseView:
        history = session.scalars(
            select(StatusChangeRow)
            .where(StatusChangeRow.case_id == row.id)
            .order_by(StatusChangeRow.id)
        ).all()
        snapshot_ids = session.scalars(
            select(SnapshotRow.id).where(SnapshotRow.case_id == row.id).order_by(SnapshotRow.id)
        ).all()
        latest = session.get(SnapshotRow, snapshot_ids[-1]) if snapshot_ids else None
        snapshot = _snapshot_view(latest) if latest else None
        entries = session.scalars(
            select(ShortlistEntryRow)
            .where(ShortlistEntryRow.case_id == row.id)
            .order_by(ShortlistEntryRow.position, ShortlistEntryRow.id)
        ).all()
        entry_requirements: dict[int, dict[str, Any]] = {
            snapshot_id: requirement
            for snapshot_id, requirement in session.execute(
                select(SnapshotRow.id, SnapshotRow.requirement).where(
                    SnapshotRow.id.in_({e.snapshot_id for e in entries})
                )
            )
        }
        exports = session.scalars(
            select(ExportRow).where(ExportRow.case_id == row.id).order_by(ExportRow.id)
        ).all()
        assigned = session.get(StaffRow, row.assigned_staff_id) if row.assigned_staff_id else None
        return CaseView(
            id=row.id,
            company=row.company,
            contact_person=row.contact_person,
            contact=row.contact,
            consent=row.consent,
            consent_at=row.consent_at,
            source=CaseSource(row.source),
            requirement=Requirement.model_validate(row.requirement),
            status=CaseStatus(row.status),
            assigned_staff_id=row.assigned_staff_id,
            assigned_to=assigned.username if assigned else None,
            created_at=row.created_at,
            updated_at=row.updated_at,
            created_by=row.created_by,
            updated_by=row.updated_by,
            version=row.version,
            history=tuple(
                StatusChange(
                    from_status=CaseStatus(h.from_status) if h.from_status else None,
                    to_status=CaseStatus(h.to_status),
                    changed_by=h.changed_by,
                    changed_at=h.changed_at,
                )
                for h in history
            ),
            snapshot=snapshot,
            snapshot_count=len(snapshot_ids),
            current_data_version=self.data_version,
            shortlist=tuple(
                _entry_view(e, entry_requirements[e.snapshot_id], snapshot) for e in entries
            ),
            shortlist_note=row.shortlist_note or "",
            exports=tuple(_export_view(x) for x in exports),
        )

    def update_case(
        self,
        case: CaseView | int,
        *,
        actor: str,
        company: str = _UNSET,
        contact_person: str = _UNSET,
        contact: str = _UNSET,
        consent: bool = _UNSET,
        assigned_staff_id: int | None = _UNSET,
        shortlist_note: str = _UNSET,
        now: datetime | None = None,
    ) -> CaseView:
        """Change the case's details (and the shortlist's overall note). With a CaseView as
        `case`, refuses if anyone saved the case since that view was loaded (StaleCaseError)."""
        now = now or utcnow()

        def edit(session: Session, row: CaseRow) -> None:
            if company is not _UNSET:
                row.company = company.strip()
            if contact_person is not _UNSET:
                row.contact_person = contact_person.strip()
            if contact is not _UNSET:
                row.contact = contact.strip()
            if shortlist_note is not _UNSET:
                row.shortlist_note = shortlist_note.strip()
            if consent is not _UNSET and consent != row.consent:
                row.consent = consent
                row.consent_at = now if consent else None
            if assigned_staff_id is not _UNSET:
                if assigned_staff_id is not None and not session.get(StaffRow, assigned_staff_id):
                    raise StaffError(f"staff {assigned_staff_id} does not exist (工作人员不存在)")
                row.assigned_staff_id = assigned_staff_id

        return self._edit(case, actor, now, edit)

    def set_requirement(
        self,
        case: CaseView | int,
        requirement: Requirement,
        *,
        actor: str,
        now: datetime | None = None,
    ) -> CaseView:
        """A changed requirement: stored, and ranked into a new snapshot (old ones stay)."""
        now = now or utcnow()

        def edit(session: Session, row: CaseRow) -> None:
            if Requirement.model_validate(row.requirement) == requirement:
                return
            row.requirement = _requirement_json(requirement)
            row.sector_text = _sector_summary(requirement)
            self._add_snapshot(session, row.id, requirement, actor, now)

        return self._edit(case, actor, now, edit)

    def refresh_ranking(
        self, case: CaseView | int, *, actor: str, now: datetime | None = None
    ) -> CaseView:
        """Rank the case's requirement again on today's data, if the data version changed."""
        now = now or utcnow()

        def edit(session: Session, row: CaseRow) -> None:
            latest = session.scalar(
                select(SnapshotRow.data_version)
                .where(SnapshotRow.case_id == row.id)
                .order_by(SnapshotRow.id.desc())
                .limit(1)
            )
            if latest != self.data_version:
                requirement = Requirement.model_validate(row.requirement)
                self._add_snapshot(session, row.id, requirement, actor, now)

        return self._edit(case, actor, now, edit)

    def set_status(
        self,
        case: CaseView | int,
        status: CaseStatus | str,
        *,
        actor: str,
        now: datetime | None = None,
    ) -> CaseView:
        """Move the case along new → in progress → shortlisted → sent → closed (see
        NEXT_STATUSES); the change is recorded with who and when."""
        now = now or utcnow()
        try:
            target = CaseStatus(status)
        except ValueError:
            raise StatusChangeError(
                f"unknown status '{status}'; one of {', '.join(s.value for s in CaseStatus)} "
                f"(未知状态)"
            ) from None

        def edit(session: Session, row: CaseRow) -> None:
            current = CaseStatus(row.status)
            if target == current:
                return
            if target not in NEXT_STATUSES[current]:
                allowed = ", ".join(s.value for s in NEXT_STATUSES[current])
                raise StatusChangeError(
                    f"case {row.id}: cannot go from {current.value} to {target.value}; from "
                    f"{current.value} it can go to {allowed} (不允许的状态变更)"
                )
            row.status = target.value
            session.add(
                StatusChangeRow(
                    case_id=row.id,
                    from_status=current.value,
                    to_status=target.value,
                    changed_by=actor,
                    changed_at=now,
                )
            )

        return self._edit(case, actor, now, edit)

    # ------------------------------------------------------------- shortlist

    def add_to_shortlist(
        self,
        case: CaseView | int,
        park_ids: Iterable[str],
        *,
        actor: str,
        note: str = "",
        now: datetime | None = None,
    ) -> CaseView:
        """Add parks (in order, after those already listed) with the match the latest ranking
        gives them, stored as it is now. A park already on the list keeps its entry."""
        now = now or utcnow()
        wanted = list(dict.fromkeys(p.strip().upper() for p in park_ids))
        known = {p.park_id for p in self.ranker.catalogue.parks}
        unknown = [p for p in wanted if p not in known]
        if unknown:
            raise UsageError(
                f"unknown park id {', '.join(unknown)}; the parks are P01–P{len(known):02d} "
                f"(园区编号不存在)"
            )

        def edit(session: Session, row: CaseRow) -> None:
            snapshot = session.scalar(
                select(SnapshotRow)
                .where(SnapshotRow.case_id == row.id)
                .order_by(SnapshotRow.id.desc())
                .limit(1)
            )
            if snapshot is None:  # pragma: no cover - every case is created with one
                snapshot = self._add_snapshot(
                    session, row.id, Requirement.model_validate(row.requirement), actor, now
                )
            existing: dict[str, int] = {
                park: position
                for park, position in session.execute(
                    select(ShortlistEntryRow.park_id, ShortlistEntryRow.position).where(
                        ShortlistEntryRow.case_id == row.id
                    )
                )
            }
            position = max(existing.values(), default=0)
            matches = {m["park_id"]: m for m in snapshot.matches}
            for park_id in wanted:
                if park_id in existing:
                    continue
                position += 1
                match = matches[park_id]
                session.add(
                    ShortlistEntryRow(
                        case_id=row.id,
                        park_id=park_id,
                        position=position,
                        note=note,
                        snapshot_id=snapshot.id,
                        match=match,
                        score=match["score"],
                        fit=match["fit"],
                        data_version=snapshot.data_version,
                        added_by=actor,
                        added_at=now,
                    )
                )

        return self._edit(case, actor, now, edit)

    def remove_from_shortlist(
        self, case: CaseView | int, park_id: str, *, actor: str, now: datetime | None = None
    ) -> CaseView:
        def edit(session: Session, row: CaseRow) -> None:
            entry = self._entry(session, row.id, park_id)
            session.delete(entry)

        return self._edit(case, actor, now or utcnow(), edit)

    def set_shortlist_note(
        self,
        case: CaseView | int,
        park_id: str,
        note: str,
        *,
        actor: str,
        now: datetime | None = None,
    ) -> CaseView:
        def edit(session: Session, row: CaseRow) -> None:
            self._entry(session, row.id, park_id).note = note

        return self._edit(case, actor, now or utcnow(), edit)

    def reorder_shortlist(
        self,
        case: CaseView | int,
        park_ids: Sequence[str],
        *,
        actor: str,
        now: datetime | None = None,
    ) -> CaseView:
        """Put the shortlist in the order given (it must name every listed park once)."""

        def edit(session: Session, row: CaseRow) -> None:
            entries = {
                e.park_id: e
                for e in session.scalars(
                    select(ShortlistEntryRow).where(ShortlistEntryRow.case_id == row.id)
                )
            }
            if sorted(park_ids) != sorted(entries):
                raise UsageError(
                    f"the new order must list exactly the shortlisted parks "
                    f"({', '.join(sorted(entries))}) (排序须包含全部入选园区)"
                )
            for position, park_id in enumerate(park_ids, start=1):
                entries[park_id].position = position

        return self._edit(case, actor, now or utcnow(), edit)

    def _entry(self, session: Session, case_id: int, park_id: str) -> ShortlistEntryRow:
        entry = session.scalar(
            select(ShortlistEntryRow).where(
                ShortlistEntryRow.case_id == case_id,
                ShortlistEntryRow.park_id == park_id.strip().upper(),
            )
        )
        if entry is None:
            raise UsageError(
                f"case {case_id}: {park_id} is not on the shortlist (该园区不在清单中)"
            )
        return entry

    # --------------------------------------------------------------- exports

    def export_shortlist(
        self,
        case_id: int,
        fmt: ExportFormat,
        lang: Lang,
        *,
        actor: str,
        now: datetime | None = None,
    ) -> tuple[bytes, ExportRecord]:
        """The case's shortlist as CSV, XLSX or a PDF brief, from the latest ranking (its
        requirement, matches and data version), and the record of that export."""
        from matcher.shortlist import Shortlist, ShortlistItem, shortlist_file

        now = now or utcnow()
        view = self.case(case_id)
        if not view.shortlist or view.snapshot is None:
            raise UsageError(
                f"case {case_id}: the shortlist is empty; nothing to export (清单为空)"
            )
        shortlist = Shortlist(
            items=tuple(ShortlistItem(park_id=e.park_id, note=e.note) for e in view.shortlist),
            note=view.shortlist_note,
            company=view.company,
            requirement=view.snapshot.requirement,
            data_version=view.snapshot.data_version,
            created_at=now,
        )
        matches = {m.park_id: m for m in view.snapshot.matches}
        data = shortlist_file(shortlist, self.ranker.catalogue, matches, lang, fmt)
        record = self.record_export(
            case_id=case_id,
            snapshot_id=view.snapshot.id,
            fmt=fmt,
            data=data,
            park_ids=shortlist.park_ids,
            data_version=view.snapshot.data_version,
            file_name=f"case-{case_id}-shortlist.{fmt}",
            actor=actor,
            now=now,
        )
        return data, record

    def record_export(
        self,
        *,
        case_id: int | None,
        fmt: str,
        data: bytes,
        park_ids: Sequence[str],
        data_version: str,
        actor: str,
        snapshot_id: int | None = None,
        file_name: str = "",
        now: datetime | None = None,
    ) -> ExportRecord:
        """Record an export: who, when, format, parks, data version and the file's SHA-256."""
        with self._session() as session:
            row = ExportRow(
                case_id=case_id,
                snapshot_id=snapshot_id,
                format=fmt,
                park_ids=list(park_ids),
                data_version=data_version,
                sha256=hashlib.sha256(data).hexdigest(),
                size_bytes=len(data),
                file_name=file_name,
                created_by=actor,
                created_at=now or utcnow(),
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError as error:
                raise CaseNotFoundError(case_id or 0) from error
            return _export_view(row)

    # ----------------------------------------------------------- batch runs

    def record_batch_run(
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

        digest = hashlib.sha256(result).hexdigest()
        suffix = result_suffix if result_suffix.startswith(".") else f".{result_suffix}"
        relative = f"{digest}{suffix}"
        target = self.results_dir / relative
        if not target.exists():
            self.results_dir.mkdir(parents=True, exist_ok=True)
            with atomic_output(target) as handle:
                handle.write(result)
        with self._session() as session:
            row = BatchRunRow(
                file_name=file_name,
                input_sha256=hashlib.sha256(input_data).hexdigest(),
                options=dict(options),
                rows_read=rows_read,
                rows_matched=rows_matched,
                rows_error=rows_error,
                data_version=self.data_version,
                result_path=relative,
                result_sha256=digest,
                created_by=actor,
                created_at=now or utcnow(),
            )
            session.add(row)
            session.commit()
            return _batch_view(row)

    def batch_runs(self, *, limit: int = 50) -> list[BatchRun]:
        with self._session() as session:
            rows = session.scalars(
                select(BatchRunRow).order_by(BatchRunRow.id.desc()).limit(limit)
            ).all()
            return [_batch_view(r) for r in rows]

    def batch_result(self, run_id: int) -> bytes:
        """The stored result file of a run, refused if missing or not the bytes recorded."""
        with self._session() as session:
            row = session.get(BatchRunRow, run_id)
            if row is None:
                raise UsageError(f"batch run {run_id} does not exist (批量任务不存在)")
            path, digest = self.results_dir / row.result_path, row.result_sha256
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DatabaseError(
                f"batch run {run_id}: result file {path} cannot be read: {error.strerror} "
                f"(结果文件无法读取)"
            ) from error
        if hashlib.sha256(data).hexdigest() != digest:
            raise DatabaseError(
                f"batch run {run_id}: result file {path} has changed since it was written "
                f"(SHA-256 differs) (结果文件已被改动)"
            )
        return data

    # ----------------------------------------------------------------- taught terms

    def taught_terms(self) -> list[TaughtEntry]:
        """Every term staff taught, retired ones included, newest first."""
        with self._session() as session:
            rows = session.scalars(
                select(TaughtTermRow).order_by(TaughtTermRow.taught_at.desc(), TaughtTermRow.id)
            )
            return [_taught_view(r) for r in rows]

    def teach_term(
        self, term: TaughtTerm, *, actor: str, now: datetime | None = None
    ) -> TaughtEntry:
        """Store a taught term after checking it against the catalogue it would join."""
        problems = term_problems(self.ranker.catalogue, term)
        if problems:
            raise TaughtTermError(tuple(problems))
        with self._session() as session:
            row = TaughtTermRow(
                term_zh=term.term_zh,
                term_key=normalize(term.term_zh),
                term_en="|".join(term.term_en),
                sector_id=term.sector_id,
                secondary_sector_id=term.secondary_sector_id,
                segment=term.segment,
                note=term.note,
                taught_by=actor,
                taught_at=now or utcnow(),
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError:  # a colleague taught it a moment ago
                raise TaughtTermError([msg.lexicon_just_taught(term.term_zh)]) from None
            self._taught_checked = None
            return _taught_view(row)

    def retire_term(self, entry_id: int, *, actor: str, now: datetime | None = None) -> TaughtEntry:
        """Stop using a taught term; the record (who taught and who retired it) stays."""
        with self._session() as session:
            row = session.get(TaughtTermRow, entry_id)
            if row is None:
                raise UsageError(f"taught term {entry_id} does not exist (该术语不存在)")
            if row.retired_at is not None:
                raise UsageError(
                    f"taught term {entry_id} ({row.term_zh}) was already retired by "
                    f"{row.retired_by} at {row.retired_at.isoformat(timespec='minutes')} "
                    f"(该术语已停用)"
                )
            row.retired_by, row.retired_at = actor, now or utcnow()
            session.commit()
            self._taught_checked = None
            return _taught_view(row)

    # ----------------------------------------------------------------- staff

    def add_staff(self, username: str, password: str, *, now: datetime | None = None) -> Staff:
        name = auth.check_username(username)
        password_hash = auth.hash_password(password)
        with self._session() as session:
            row = StaffRow(
                username=name,
                password_hash=password_hash,
                active=True,
                created_at=now or utcnow(),
                failed_attempts=0,
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                raise StaffError(f"username '{name}' is taken (用户名已存在)") from None
            return _staff_view(row)

    def bootstrap_staff(self, spec: str, *, now: datetime | None = None) -> Staff | None:
        """`name:password` (the MATCHER_BOOTSTRAP_STAFF variable): add that staff member if
        absent, so a fresh install or a test has someone who can sign in. None if present."""
        name, sep, password = spec.partition(":")
        if not sep or not name.strip() or not password:
            raise StaffError("MATCHER_BOOTSTRAP_STAFF must be name:password (格式应为 用户名:密码)")
        with self._session() as session:
            exists = session.scalar(
                select(StaffRow.id).where(StaffRow.username == name.strip().lower())
            )
        if exists is not None:
            return None
        try:
            return self.add_staff(name, password, now=now)
        except StaffError:
            if any(s.username == name.strip().lower() for s in self.staff()):
                return None  # another process added it at the same moment
            raise

    def staff(self) -> list[Staff]:
        with self._session() as session:
            return [
                _staff_view(r)
                for r in session.scalars(select(StaffRow).order_by(StaffRow.username))
            ]

    def set_staff_active(self, username: str, active: bool) -> Staff:
        with self._session() as session:
            row = self._staff_row(session, username)
            row.active = active
            if not active:
                session.execute(delete(SessionRow).where(SessionRow.staff_id == row.id))
            session.commit()
            return _staff_view(row)

    def set_password(self, username: str, password: str) -> Staff:
        password_hash = auth.hash_password(password)
        with self._session() as session:
            row = self._staff_row(session, username)
            row.password_hash = password_hash
            row.failed_attempts = 0
            row.locked_until = None
            session.commit()
            return _staff_view(row)

    def _staff_row(self, session: Session, username: str) -> StaffRow:
        row = session.scalar(select(StaffRow).where(StaffRow.username == username.strip().lower()))
        if row is None:
            raise StaffError(f"no staff member '{username}' (工作人员不存在)")
        return row

    def authenticate(self, username: str, password: str, now: datetime) -> Staff | None:
        """The staff member if the password is right and the account active and not locked.

        After MAX_FAILED_ATTEMPTS failures in a row the account is locked for LOCKOUT, during
        which even the right password is refused (and not counted). Unknown names take the
        same time as known ones."""
        with self._session() as session:
            row = session.scalar(
                select(StaffRow).where(StaffRow.username == username.strip().lower())
            )
            if row is None:
                auth.verify_password(None, password)
                return None
            if row.locked_until is not None and row.locked_until > now:
                return None
            if not auth.verify_password(row.password_hash, password):
                row.failed_attempts = (row.failed_attempts or 0) + 1
                if row.failed_attempts >= auth.MAX_FAILED_ATTEMPTS:
                    row.locked_until = now + auth.LOCKOUT
                    row.failed_attempts = 0
                session.commit()
                return None
            if not row.active:
                return None
            if auth.needs_rehash(row.password_hash):
                row.password_hash = auth.hash_password(password)
            row.failed_attempts = 0
            row.locked_until = None
            row.last_sign_in_at = now
            session.commit()
            return _staff_view(row)

    def locked_until(self, username: str, now: datetime) -> datetime | None:
        """When a locked account opens again (None: not locked), for the sign-in page."""
        with self._session() as session:
            until = session.scalar(
                select(StaffRow.locked_until).where(StaffRow.username == username.strip().lower())
            )
        return until if until is not None and until > now else None

    def start_session(self, staff: Staff, now: datetime) -> str:
        """A new session token for a signed-in staff member (only its SHA-256 is stored)."""
        token = auth.new_session_token()
        with self._session() as session:
            session.add(
                SessionRow(
                    token_sha256=auth.token_digest(token),
                    staff_id=staff.id,
                    created_at=now,
                    expires_at=now + auth.SESSION_LIFETIME,
                )
            )
            session.commit()
        return token

    def session_staff(self, token: str, now: datetime) -> Staff | None:
        """The staff member a session token belongs to, None if unknown, expired or inactive."""
        if not token:
            return None
        with self._session() as session:
            found = session.execute(
                select(SessionRow, StaffRow)
                .join(StaffRow, StaffRow.id == SessionRow.staff_id)
                .where(SessionRow.token_sha256 == auth.token_digest(token))
            ).first()
            if found is None:
                return None
            session_row, staff_row = found
            if session_row.expires_at <= now or not staff_row.active:
                session.delete(session_row)
                session.commit()
                return None
            return _staff_view(staff_row)

    def end_session(self, token: str) -> None:
        with self._session() as session:
            row = session.get(SessionRow, auth.token_digest(token))
            if row is not None:
                session.delete(row)
                session.commit()

    # -------------------------------------------------------------- internals

    def _add_snapshot(
        self,
        session: Session,
        case_id: int,
        requirement: Requirement,
        actor: str,
        now: datetime,
    ) -> SnapshotRow:
        matches = self.ranker.rank(requirement)
        row = SnapshotRow(
            case_id=case_id,
            requirement=_requirement_json(requirement),
            data_version=self.data_version,
            matches=[m.model_dump(mode="json") for m in matches],
            created_by=actor,
            created_at=now,
        )
        session.add(row)
        session.flush()
        return row

    def _edit(
        self,
        case: CaseView | int,
        actor: str,
        now: datetime,
        edit: Callable[[Session, CaseRow], None],
    ) -> CaseView:
        """Apply `edit` to the case and bump its version, in one transaction.

        The UPDATE names the version read (SQLAlchemy version_id_col): if another writer
        committed in between, it matches no row and nothing is saved (StaleCaseError)."""
        base = case if isinstance(case, CaseView) else None
        case_id = case.id if isinstance(case, CaseView) else case
        with self._session() as session:
            row = session.get(CaseRow, case_id)
            if row is None:
                raise CaseNotFoundError(case_id)
            if base is not None and row.version != base.version:
                raise self._stale(base, session, row)
            loaded = self._case_view(session, row) if base is None else base
            row.updated_at = now  # first, so an edit that flushes bumps the version only once
            row.updated_by = actor
            edit(session, row)
            try:
                session.commit()
            except StaleDataError:
                session.rollback()
                current = session.get(CaseRow, case_id)
                if current is None:
                    raise CaseNotFoundError(case_id) from None
                raise self._stale(loaded, session, current) from None
        return self.case(case_id)

    def _stale(self, base: CaseView, session: Session, row: CaseRow) -> StaleCaseError:
        session.expire(row)
        now = self._case_view(session, row)
        changes: dict[str, tuple[object, object]] = {}
        for field in (
            "company",
            "contact_person",
            "contact",
            "consent",
            "status",
            "assigned_to",
            "shortlist_note",
        ):
            old, new = getattr(base, field), getattr(now, field)
            if old != new:
                changes[field] = (_plain(old), _plain(new))
        if base.requirement != now.requirement:
            changes["requirement"] = (
                _sector_summary(base.requirement),
                _sector_summary(now.requirement),
            )
        old_list = [(e.park_id, e.note) for e in base.shortlist]
        new_list = [(e.park_id, e.note) for e in now.shortlist]
        if old_list != new_list:
            changes["shortlist"] = (
                ", ".join(p for p, _ in old_list) or "(empty)",
                ", ".join(p for p, _ in new_list) or "(empty)",
            )
            if [p for p, _ in old_list] == [p for p, _ in new_list]:
                changes["shortlist"] = ("notes", "notes changed")
        if (base.snapshot.id if base.snapshot else None) != (
            now.snapshot.id if now.snapshot else None
        ) and "requirement" not in changes:
            changes["ranking"] = ("earlier ranking", "ranked again on new data")
        return StaleCaseError(
            row.id, changes, now.updated_by, now.updated_at, base.version, now.version
        )


def _plain(value: object) -> object:
    return value.value if isinstance(value, CaseStatus) else value


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _sector_summary(requirement: Requirement) -> str:
    return (requirement.sector_text or ", ".join(requirement.sector_ids))[:500]


def _snapshot_view(row: SnapshotRow) -> Snapshot:
    return Snapshot(
        id=row.id,
        requirement=Requirement.model_validate(row.requirement),
        data_version=row.data_version,
        matches=tuple(Match.model_validate(m) for m in row.matches),
        created_by=row.created_by,
        created_at=row.created_at,
    )


def _entry_view(
    row: ShortlistEntryRow, requirement: dict[str, Any], latest: Snapshot | None
) -> ShortlistEntry:
    stored_requirement = Requirement.model_validate(requirement)
    return ShortlistEntry(
        park_id=row.park_id,
        position=row.position,
        note=row.note,
        added_by=row.added_by,
        added_at=row.added_at,
        stored=Match.model_validate(row.match),
        stored_data_version=row.data_version,
        stored_requirement=stored_requirement,
        current=latest.match(row.park_id) if latest else None,
        current_data_version=latest.data_version if latest else None,
        requirement_changed=latest is not None and latest.requirement != stored_requirement,
    )


def _export_view(row: ExportRow) -> ExportRecord:
    return ExportRecord(
        id=row.id,
        case_id=row.case_id,
        snapshot_id=row.snapshot_id,
        format=row.format,
        park_ids=tuple(row.park_ids),
        data_version=row.data_version,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        file_name=row.file_name,
        created_by=row.created_by,
        created_at=row.created_at,
    )


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
        result_path=row.result_path,
        result_sha256=row.result_sha256,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def _taught_view(row: TaughtTermRow) -> TaughtEntry:
    return TaughtEntry(
        id=row.id,
        term=TaughtTerm(
            term_zh=row.term_zh,
            term_en=tuple(row.term_en.split("|")),
            sector_id=row.sector_id,
            secondary_sector_id=row.secondary_sector_id,
            segment=row.segment,
            note=row.note,
        ),
        taught_by=row.taught_by,
        taught_at=row.taught_at,
        retired_by=row.retired_by,
        retired_at=row.retired_at,
    )


def _staff_view(row: StaffRow) -> Staff:
    return Staff(
        id=row.id,
        username=row.username,
        active=row.active,
        created_at=row.created_at,
        last_sign_in_at=row.last_sign_in_at,
        locked_until=row.locked_until,
    )
