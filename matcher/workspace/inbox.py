"""The Inbox: the cases staff work through, newest-updated first, filtered by status,
assignee or source, searched by company, contact, sector or case number, one page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, case, cast, func, or_, select, update

from matcher.availability import change_words
from matcher.i18n import Text
from matcher.park_lists import republished_words
from matcher.reasons import park_named
from matcher.workspace.availability import record_view
from matcher.workspace.db import Database, utcnow
from matcher.workspace.deadlines import first_response_overdue, shortlist_overdue
from matcher.workspace.park_lists import ParkLists
from matcher.workspace.schema import (
    AvailabilityRow,
    CaseNoticeRow,
    CaseRow,
    ShortlistEntryRow,
    StaffRow,
)
from matcher.workspace.views import CaseNotice, CaseSource, CaseStatus, CaseSummary, InboxPage


class Inbox:
    """Lists cases (one query for the page, one for the total); reads, never writes."""

    def __init__(self, db: Database, park_lists: ParkLists) -> None:
        self._db = db
        self._park_lists = park_lists

    def page(
        self,
        *,
        status: CaseStatus | Sequence[CaseStatus] | None = None,
        assigned_staff_id: int | None = None,
        unassigned: bool = False,
        source: CaseSource | None = None,
        search: str = "",
        limit: int | None = 200,
        offset: int = 0,
        overdue_only: bool = False,
        now: datetime | None = None,
    ) -> InboxPage:
        """The Inbox: cases newest-updated first, filtered, one page of them and the total;
        each marked late for its first response or its shortlist at `now` (default: now)."""
        now = now or utcnow()
        late_first, late_list = first_response_overdue(now), shortlist_overdue(now)
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
        if overdue_only:
            conditions.append(or_(late_first, late_list))
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
                case((late_first, True), else_=False),
                case((late_list, True), else_=False),
            )
            .outerjoin(StaffRow, StaffRow.id == CaseRow.assigned_staff_id)
            .where(*conditions)
            .order_by(CaseRow.updated_at.desc(), CaseRow.id.desc())
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        with self._db.session() as session:
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
                    first_response_overdue=bool(r[11]),
                    shortlist_overdue=bool(r[12]),
                )
                for r in rows
            ),
            total=total,
        )

    def notices(self, *, unread_only: bool = True, limit: int = 50) -> list[CaseNotice]:
        """Open cases whose top three parks changed with a park's availability or a park
        list published, newest first (one per case and change: matcher.workspace.availability)."""
        query = (
            select(CaseNoticeRow, CaseRow.company, CaseRow.sector_text, AvailabilityRow)
            .join(CaseRow, CaseRow.id == CaseNoticeRow.case_id)
            .outerjoin(AvailabilityRow, AvailabilityRow.id == CaseNoticeRow.record_id)
            .order_by(CaseNoticeRow.created_at.desc(), CaseNoticeRow.id.desc())
            .limit(limit)
        )
        if unread_only:
            query = query.where(CaseNoticeRow.read_at.is_(None))
        with self._db.session() as session:
            return [
                CaseNotice(
                    id=notice.id,
                    case_id=notice.case_id,
                    company=company,
                    sector_text=sector_text,
                    record=None if record is None else record_view(record),
                    park_list=notice.park_list,
                    top=tuple(notice.top or ()),
                    created_at=notice.created_at,
                    read_by=notice.read_by,
                    read_at=notice.read_at,
                )
                for notice, company, sector_text, record in session.execute(query).all()
            ]

    def notice_words(self, notice: CaseNotice) -> Text:
        """What a notice says: the park's new figure, or the park list published and the
        case's top three now."""
        if notice.record is not None:
            park = self._park_lists.ranker.catalogue.park(notice.record.park_id)
            named = park_named(park.park_id, park.name_zh, park.name_en)
            return change_words(named, notice.record)
        return republished_words(self._park_lists.words(notice.park_list or 1), notice.top)

    def mark_read(self, notice_id: int, *, actor: str, now: datetime | None = None) -> None:
        """Done with a notice: it leaves the unread list (kept, with who read it and when)."""
        with self._db.session() as session:
            session.execute(
                update(CaseNoticeRow)
                .where(CaseNoticeRow.id == notice_id, CaseNoticeRow.read_at.is_(None))
                .values(read_by=actor, read_at=now or utcnow())
            )
            session.commit()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
