"""Demand insights for the staff dashboard and the monthly report: what investors ask for,
what the parks cannot offer, how far cases get and how fast staff answer.

Every figure is one SQL aggregate (SQLAlchemy Core, the same on SQLite and PostgreSQL) over
the cases' own columns (the demand facts kept from their latest ranking, matcher.workspace.
demand; the milestones and the outcome), never a loop over cases in Python. The dashboard
page and `matcher report` both call `Insights.dashboard`, so they show the same figures.
Weeks (Monday first) and months are Beijing time, as are the filter's dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Float, case, cast, func, literal, or_, select

from matcher.i18n import BEIJING
from matcher.workspace.db import Database
from matcher.workspace.deadlines import first_response_overdue, shortlist_overdue
from matcher.workspace.schema import CaseRow, ShortlistEntryRow
from matcher.workspace.views import CaseOutcome, CaseSource, CaseStatus

_FROZEN = ConfigDict(frozen=True)

# Floor-area bands (m², lower bound included), smallest first; "unknown": no area asked.
SIZE_BANDS: tuple[tuple[str, float, float | None], ...] = (
    ("under_1k", 0, 1_000),
    ("1k_5k", 1_000, 5_000),
    ("5k_20k", 5_000, 20_000),
    ("20k_up", 20_000, None),
)
UNKNOWN = "unknown"  # the key of a requirement without the fact (no sector, area or zone)
FUNNEL = (CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.SHORTLISTED, CaseStatus.SENT)
LANDED = "landed"  # the funnel's last step: closed as landed in a park


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"


class Dimension(StrEnum):
    """What requirements received are counted by."""

    SECTOR = "sector"
    CHAIN = "chain"  # the chain segment a product or technology term placed
    SIZE = "size"
    ZONE = "zone"


class Filters(BaseModel):
    """Which cases count: received from `start` to `end` (Beijing dates, both included),
    in one sector (None: every sector)."""

    model_config = _FROZEN
    start: date | None = None
    end: date | None = None
    sector_id: str | None = None

    def conditions(self) -> list[Any]:
        """The filters as SQL conditions on the cases table."""
        found: list[Any] = []
        if self.start is not None:
            found.append(CaseRow.created_at >= beijing_midnight(self.start))
        if self.end is not None:
            found.append(CaseRow.created_at < beijing_midnight(self.end + timedelta(days=1)))
        if self.sector_id is not None:
            found.append(CaseRow.demand_sector_id == self.sector_id)
        return found


def beijing_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), BEIJING)


def month_filters(month: str, sector_id: str | None = None) -> Filters:
    """The filters of one month, written 'YYYY-MM' (ValueError for anything else)."""
    first = datetime.strptime(month, "%Y-%m").date()
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Filters(start=first, end=following - timedelta(days=1), sector_id=sector_id)


# -- Beijing weeks and months ---------------------------------------------------------------


def received_periods(moment: datetime) -> tuple[str, str]:
    """The Beijing week (its Monday, 'YYYY-MM-DD') and month ('YYYY-MM') of `moment`: what a
    case keeps as received_week and received_month when it arrives."""
    day = moment.astimezone(BEIJING).date()
    monday = day - timedelta(days=day.weekday())
    return monday.isoformat(), day.strftime("%Y-%m")


def period_of(period: Period) -> Any:
    """The cases' received week or month as SQL (a column of their own)."""
    return CaseRow.received_week if period == Period.WEEK else CaseRow.received_month


def size_band() -> Any:
    """The requirement's floor-area band (SIZE_BANDS) as SQL."""
    area = CaseRow.demand_min_area
    whens = [
        (area < high if high is not None else area >= low, literal(key))
        for key, low, high in SIZE_BANDS
    ]
    return case((area.is_(None), literal(UNKNOWN)), *whens, else_=literal(UNKNOWN))


def _as(name: str, column: Any) -> Any:
    """The column named `name` in the query (GROUP BY and ORDER BY then name it alone)."""
    return column.label(name)


def _key(column: Any) -> Any:
    return func.coalesce(column, literal(UNKNOWN))


DIMENSIONS: dict[Dimension, Any] = {
    Dimension.SECTOR: lambda: _key(CaseRow.demand_sector_id),
    Dimension.CHAIN: lambda: _key(CaseRow.demand_segment),
    Dimension.SIZE: size_band,
    Dimension.ZONE: lambda: _key(CaseRow.demand_zone),
}


# -- the figures ----------------------------------------------------------------------------


class Figure(BaseModel):
    """One table of the dashboard: its column ids and rows of plain values (keys, counts,
    rates); matcher.insight_tables words them for a reader."""

    model_config = _FROZEN
    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def column(self, name: str) -> list[Any]:
        at = self.columns.index(name)
        return [row[at] for row in self.rows]


class Medians(BaseModel):
    """Median hours from an investor's submission to the first staff action and to "sent",
    with how many cases each median is over."""

    model_config = _FROZEN
    first_action_hours: float | None
    first_action_cases: int
    sent_hours: float | None
    sent_cases: int


class Overdue(BaseModel):
    model_config = _FROZEN
    first_response: int  # nobody acted and the first response is past due
    shortlist: int  # not yet shortlisted and the shortlist is past due
    cases: int  # cases late for either (a case late for both counts once)


class Dashboard(BaseModel):
    """Every figure of the dashboard for one choice of filters and period."""

    model_config = _FROZEN
    filters: Filters
    period: Period
    total: int
    received: dict[Dimension, Figure]
    unmet: Figure
    unread_words: Figure
    parks: Figure
    funnel: Figure
    statuses: Figure
    outcomes: Figure
    medians: Medians
    overdue: Overdue


class Insights:
    """The dashboard's figures, each one query (reads, never writes)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def _rows(self, query: Any) -> tuple[tuple[Any, ...], ...]:
        with self._db.session() as session:
            return tuple(tuple(r) for r in session.execute(query).all())

    def total(self, filters: Filters) -> int:
        """Requirements received."""
        query = select(func.count(CaseRow.id)).where(*filters.conditions())
        return int(self._rows(query)[0][0])

    def received(self, filters: Filters, period: Period, dimension: Dimension) -> Figure:
        """Requirements received per period and per key of `dimension`: oldest period first,
        the most asked key first within it."""
        period, dimension = Period(period), Dimension(dimension)
        when, key = _as("period", period_of(period)), _as("key", DIMENSIONS[dimension]())
        query = (
            select(when, key, _as("n", func.count(CaseRow.id)))
            .where(*filters.conditions())
            .group_by(when, key)
            .order_by(when, func.count(CaseRow.id).desc(), key)
        )
        return Figure(
            name=f"received_{dimension.value}",
            columns=("period", dimension.value, "requirements"),
            rows=self._rows(query),
        )

    def unmet(self, filters: Filters) -> Figure:
        """Per sector and size band: requirements, how many are unmet (the best park only a
        weak fit or none, or no park can hold the area) and their share, most unmet first."""
        sector, band = _as("s", _key(CaseRow.demand_sector_id)), _as("b", size_band())
        unmet = func.sum(case((CaseRow.unmet.is_(True), 1), else_=0))
        cannot_hold = func.sum(case((CaseRow.space_fits.is_(False), 1), else_=0))
        total = func.count(CaseRow.id)
        query = (
            select(sector, band, total, unmet, cannot_hold)
            .where(*filters.conditions(), CaseRow.unmet.is_not(None))
            .group_by(sector, band)
            .order_by(unmet.desc(), sector, band)
        )
        rows = tuple(
            (s, b, int(n), int(u), int(c), round(int(u) / int(n), 3))
            for s, b, n, u, c in self._rows(query)
        )
        return Figure(
            name="unmet",
            columns=("sector", "size", "requirements", "unmet", "cannot_hold", "unmet_share"),
            rows=rows,
        )

    def unread_words(self, filters: Filters, limit: int = 20) -> Figure:
        """The words the matcher did not understand (no sector recognised), most asked first."""
        words = CaseRow.unread_words
        query = (
            select(words, _as("n", func.count(CaseRow.id)))
            .where(*filters.conditions(), words.is_not(None), words != "")
            .group_by(words)
            .order_by(func.count(CaseRow.id).desc(), words)
            .limit(limit)
        )
        return Figure(
            name="unread_words", columns=("words", "requirements"), rows=self._rows(query)
        )

    def parks(self, filters: Filters, limit: int = 18) -> Figure:
        """Per park: how many cases shortlisted it, how many of those were sent, and how many
        cases landed in it; most shortlisted first."""
        # The cases as id sets (read from the narrow insights index), the entries from their
        # own (park, case) index: no wide row of either table is read.
        chosen = select(CaseRow.id).where(*filters.conditions())
        sent = select(CaseRow.id).where(*filters.conditions(), CaseRow.sent_at.is_not(None))
        entries = (
            select(
                _as("park", ShortlistEntryRow.park_id),
                _as("shortlisted", func.count()),
                _as("sent", func.sum(case((ShortlistEntryRow.case_id.in_(sent), 1), else_=0))),
            )
            .where(ShortlistEntryRow.case_id.in_(chosen))
            .group_by(ShortlistEntryRow.park_id)
        )
        landed = dict(
            self._rows(
                select(CaseRow.outcome_park_id, func.count(CaseRow.id))
                .where(*filters.conditions(), CaseRow.outcome_park_id.is_not(None))
                .group_by(CaseRow.outcome_park_id)
            )
        )
        counted = {park: (int(n), int(sent)) for park, n, sent in self._rows(entries)}
        parks = sorted(set(counted) | set(landed), key=lambda p: (-counted.get(p, (0, 0))[0], p))
        rows = tuple(
            (p, counted.get(p, (0, 0))[0], counted.get(p, (0, 0))[1], int(landed.get(p, 0)))
            for p in parks[:limit]
        )
        return Figure(name="parks", columns=("park", "shortlisted", "sent", "landed"), rows=rows)

    def funnel(self, filters: Filters) -> Figure:
        """How many cases ever reached each step (received, taken up, shortlisted, sent,
        landed: the first time of each, kept on the case) and the share of the step before
        that went on to it."""

        def reached(column: Any) -> Any:
            return func.count(column)

        query = select(
            func.count(CaseRow.id),
            reached(CaseRow.in_progress_at),
            reached(CaseRow.shortlisted_at),
            reached(CaseRow.sent_at),
            func.sum(case((CaseRow.outcome == CaseOutcome.LANDED.value, 1), else_=0)),
        ).where(*filters.conditions())
        counts = [int(n or 0) for n in self._rows(query)[0]]
        steps = [s.value for s in FUNNEL] + [LANDED]
        rows: list[tuple[str, int, float | None]] = []
        before: int | None = None
        for step, count in zip(steps, counts, strict=True):
            rate: float | None = (
                None if before is None else (round(count / before, 3) if before else None)
            )
            rows.append((step, count, rate))
            before = count
        return Figure(name="funnel", columns=("step", "cases", "conversion"), rows=tuple(rows))

    def statuses(self, filters: Filters) -> Figure:
        """How many cases are at each status now."""
        found = dict(
            self._rows(
                select(CaseRow.status, func.count(CaseRow.id))
                .where(*filters.conditions())
                .group_by(CaseRow.status)
            )
        )
        rows = tuple((s.value, int(found.get(s.value, 0))) for s in CaseStatus)
        return Figure(name="statuses", columns=("status", "cases"), rows=rows)

    def outcomes(self, filters: Filters) -> Figure:
        """Closed cases by outcome, in the outcomes' order, with their share of the closed."""
        found = dict(
            self._rows(
                select(CaseRow.outcome, func.count(CaseRow.id))
                .where(*filters.conditions(), CaseRow.outcome.is_not(None))
                .group_by(CaseRow.outcome)
            )
        )
        closed = sum(int(n) for n in found.values())
        rows = tuple(
            (
                o.value,
                int(found.get(o.value, 0)),
                round(int(found.get(o.value, 0)) / closed, 3) if closed else None,
            )
            for o in CaseOutcome
        )
        return Figure(name="outcomes", columns=("outcome", "cases", "share"), rows=rows)

    def medians(self, filters: Filters) -> Medians:
        """Median hours from an investor's submission (the public form) to the first staff
        action and to "sent"."""
        submitted = [*filters.conditions(), CaseRow.source == CaseSource.INVESTOR_FORM.value]
        first, n_first = self._median(CaseRow.first_action_seconds, submitted)
        sent, n_sent = self._median(CaseRow.sent_seconds, submitted)
        return Medians(
            first_action_hours=None if first is None else round(first / 3600, 2),
            first_action_cases=n_first,
            sent_hours=None if sent is None else round(sent / 3600, 2),
            sent_cases=n_sent,
        )

    def _median(self, column: Any, conditions: Sequence[Any]) -> tuple[float | None, int]:
        """The median of a column over the cases matching `conditions`, and their number: the
        middle row(s) by ORDER BY ... OFFSET, which both databases answer from the sort."""
        where = [*conditions, column.is_not(None)]
        count = int(self._rows(select(func.count()).where(*where).select_from(CaseRow))[0][0])
        if count == 0:
            return None, 0
        ordered = select(cast(column, Float)).where(*where).order_by(column)
        low = self._rows(ordered.offset((count - 1) // 2).limit(1))[0][0]
        high = self._rows(ordered.offset(count // 2).limit(1))[0][0]
        return (float(low) + float(high)) / 2, count

    def overdue(self, filters: Filters, now: datetime) -> Overdue:
        """Cases late for their first response, for their shortlist, and for either, now."""
        late_first, late_list = first_response_overdue(now), shortlist_overdue(now)
        query = select(
            func.sum(case((late_first, 1), else_=0)),
            func.sum(case((late_list, 1), else_=0)),
            func.sum(case((or_(late_first, late_list), 1), else_=0)),
        ).where(*filters.conditions())
        first, listed, either = self._rows(query)[0]
        return Overdue(
            first_response=int(first or 0), shortlist=int(listed or 0), cases=int(either or 0)
        )

    def dashboard(self, filters: Filters, period: Period, now: datetime) -> Dashboard:
        """Every figure for these filters: what the page shows and the report prints."""
        period = Period(period)
        return Dashboard(
            filters=filters,
            period=period,
            total=self.total(filters),
            received={d: self.received(filters, period, d) for d in Dimension},
            unmet=self.unmet(filters),
            unread_words=self.unread_words(filters),
            parks=self.parks(filters),
            funnel=self.funnel(filters),
            statuses=self.statuses(filters),
            outcomes=self.outcomes(filters),
            medians=self.medians(filters),
            overdue=self.overdue(filters, now),
        )
