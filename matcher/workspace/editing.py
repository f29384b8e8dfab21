"""A case read whole and edited as one: what Cases and Shortlists share.

`CaseEditor.view` reads everything a case page shows in one transaction. `CaseEditor.edit`
applies a change under optimistic locking on `cases.version`: checked against the version
the caller loaded, so a lost update is impossible and a stale one raises StaleCaseError
naming what the other person changed. `CaseEditor.add_snapshot` ranks a requirement into
a new snapshot, on the data the lexicon's ranker has now.

The ranker (and its data version) is asked for before a transaction opens, never inside
one: asking may read the taught terms on a second connection, and a transaction holding
SQLite's write lock while it waits for a connection that others hold while they wait for
that lock stalls every writer until the busy timeout (20 parallel enquiries did).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matcher.free_text import checked
from matcher.models import Match, Requirement
from matcher.workspace.db import Database
from matcher.workspace.demand import demand_facts
from matcher.workspace.errors import DETAIL_FIELDS, CaseNotFoundError, StaleCaseError
from matcher.workspace.lexicon import Lexicon
from matcher.workspace.schema import (
    CaseRow,
    ExportRow,
    ShortlistEntryRow,
    SnapshotRow,
    StaffRow,
    StatusChangeRow,
)

if TYPE_CHECKING:
    from matcher.scoring import Ranker
from matcher.workspace.views import (
    CaseOutcome,
    CaseSource,
    CaseStatus,
    CaseView,
    ExportRecord,
    ShortlistEntry,
    Snapshot,
    StatusChange,
)


class CaseEditor:
    """Reads a case whole and edits it under its version (see the module's docstring)."""

    def __init__(self, db: Database, lexicon: Lexicon) -> None:
        self._db = db
        self._lexicon = lexicon

    def load(self, case_id: int) -> CaseView:
        """Everything the case page shows, read in one transaction."""
        data_version = self._lexicon.data_version
        with self._db.session() as session:
            row = session.get(CaseRow, case_id)
            if row is None:
                raise CaseNotFoundError(case_id)
            return self.view(session, row, data_version)

    def view(self, session: Session, row: CaseRow, data_version: str) -> CaseView:
        history = session.scalars(
            select(StatusChangeRow)
            .where(StatusChangeRow.case_id == row.id)
            .order_by(StatusChangeRow.id)
        ).all()
        snapshot_ids = session.scalars(
            select(SnapshotRow.id).where(SnapshotRow.case_id == row.id).order_by(SnapshotRow.id)
        ).all()
        latest = session.get(SnapshotRow, snapshot_ids[-1]) if snapshot_ids else None
        snapshot = snapshot_view(latest) if latest else None
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
            current_data_version=data_version,
            shortlist=tuple(
                _entry_view(e, entry_requirements[e.snapshot_id], snapshot) for e in entries
            ),
            shortlist_note=row.shortlist_note or "",
            investor_note=row.investor_note or "",
            exports=tuple(export_view(x) for x in exports),
            first_response_due=row.first_response_due,
            shortlist_due=row.shortlist_due,
            first_action_at=row.first_action_at,
            outcome=CaseOutcome(row.outcome) if row.outcome else None,
            outcome_park_id=row.outcome_park_id,
        )

    def edit(
        self,
        case: CaseView | int,
        actor: str,
        now: datetime,
        change: Callable[[Session, CaseRow], None],
    ) -> CaseView:
        """Apply `change` to the case and bump its version, in one transaction.

        The UPDATE names the version read (SQLAlchemy version_id_col): if another writer
        committed in between, it matches no row and nothing is saved (StaleCaseError)."""
        base = case if isinstance(case, CaseView) else None
        case_id = case.id if isinstance(case, CaseView) else case
        actor = checked("actor", actor)
        data_version = self._lexicon.data_version
        with self._db.session() as session:
            row = session.get(CaseRow, case_id)
            if row is None:
                raise CaseNotFoundError(case_id)
            if base is not None and row.version != base.version:
                raise self._stale(base, session, row, data_version)
            loaded = self.view(session, row, data_version) if base is None else base
            row.updated_at = now  # first, so an edit that flushes bumps the version only once
            row.updated_by = actor
            mark_first_action(row, now)
            # The version is checked at the first flush, which may come inside `change` (a
            # query autoflushes the case's UPDATE) as well as at the commit: a writer who
            # committed in between is reported from either.
            try:
                change(session, row)
                session.commit()
            except StaleDataError:
                session.rollback()
                current = session.get(CaseRow, case_id)
                if current is None:
                    raise CaseNotFoundError(case_id) from None
                raise self._stale(loaded, session, current, data_version) from None
        return self.load(case_id)

    @staticmethod
    def add_snapshot(
        session: Session,
        case_id: int,
        requirement: Requirement,
        actor: str,
        now: datetime,
        ranker: Ranker,
        matches: Sequence[Match] | None = None,
    ) -> SnapshotRow:
        """The requirement ranked by `ranker` (the lexicon's, asked for before the transaction),
        kept as the case's latest ranking, its demand facts on the case (`matches`: the
        ranking already made, whose facts the caller set)."""
        if matches is None:
            matches = ranker.rank(requirement)
            case = session.get(CaseRow, case_id)
            if case is not None:
                set_demand_facts(case, requirement, ranker, matches)
        row = SnapshotRow(
            case_id=case_id,
            requirement=requirement_json(requirement),
            data_version=ranker.catalogue.version,
            park_list=ranker.catalogue.park_list.number,
            matches=[m.model_dump(mode="json") for m in matches],
            created_by=actor,
            created_at=now,
        )
        session.add(row)
        session.flush()
        return row

    def _stale(
        self, base: CaseView, session: Session, row: CaseRow, data_version: str
    ) -> StaleCaseError:
        session.expire(row)
        now = self.view(session, row, data_version)
        changes: dict[str, tuple[object, object]] = {}
        for field in DETAIL_FIELDS:
            old, new = getattr(base, field), getattr(now, field)
            if old != new:
                changes[field] = (_plain(old), _plain(new))
        if base.requirement != now.requirement:
            changes["requirement"] = (
                sector_summary(base.requirement),
                sector_summary(now.requirement),
            )
        old_list = [(e.park_id, (e.note, e.investor_note)) for e in base.shortlist]
        new_list = [(e.park_id, (e.note, e.investor_note)) for e in now.shortlist]
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


def set_demand_facts(
    row: CaseRow, requirement: Requirement, ranker: Ranker, matches: Sequence[Match]
) -> None:
    """Keep what the requirement and its ranking say about demand on the case."""
    facts = demand_facts(requirement, ranker.understand(requirement), matches)
    for column, value in facts.columns().items():
        setattr(row, column, value)


def mark_first_action(row: CaseRow, now: datetime) -> None:
    """The case's first staff action is `now`, unless one came before."""
    if row.first_action_at is None:
        row.first_action_at = now
        row.first_action_seconds = max(0, int((now - row.created_at).total_seconds()))


def requirement_json(requirement: Requirement) -> dict[str, Any]:
    return requirement.model_dump(mode="json")


def check_requirement(requirement: Requirement) -> None:
    """Refuse a requirement whose typed texts may not be stored (matcher.free_text). Asked
    of a new or changed requirement only: one stored before these checks is still ranked."""
    checked("sector_text", requirement.sector_text)
    checked("preferred_location", requirement.preferred_location)
    checked("request_id", requirement.request_id or "")


def sector_summary(requirement: Requirement) -> str:
    return (requirement.sector_text or ", ".join(requirement.sector_ids))[:500]


def _plain(value: object) -> object:
    return value.value if isinstance(value, CaseStatus) else value


def snapshot_view(row: SnapshotRow) -> Snapshot:
    return Snapshot(
        id=row.id,
        requirement=Requirement.model_validate(row.requirement),
        data_version=row.data_version,
        park_list=row.park_list,
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
        investor_note=row.investor_note or "",
        added_by=row.added_by,
        added_at=row.added_at,
        stored=Match.model_validate(row.match),
        stored_data_version=row.data_version,
        stored_requirement=stored_requirement,
        current=latest.match(row.park_id) if latest else None,
        current_data_version=latest.data_version if latest else None,
        requirement_changed=latest is not None and latest.requirement != stored_requirement,
    )


def export_view(row: ExportRow) -> ExportRecord:
    return ExportRecord(
        id=row.id,
        case_id=row.case_id,
        snapshot_id=row.snapshot_id,
        format=row.format,
        park_ids=tuple(row.park_ids),
        data_version=row.data_version,
        park_list=row.park_list,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        file_name=row.file_name,
        created_by=row.created_by,
        created_at=row.created_at,
    )
