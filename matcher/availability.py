"""Space available per park: the records an office keeps, and the snapshot the ranker reads.

A record says how much above-ground floor area (and underground, where known) a park has
free, from when, in what state, where the figure came from, who recorded it and when; a
check ("still accurate") confirms it again. Records are never changed: the current one is
the newest, and it is stale once its last confirmation is older than the age set in
data/scoring.toml (`[availability] stale_after_days`).

The ranker never reads a database or a clock: it is handed an `Availability`, the current
records as they stand on one Beijing date (`Ranker.with_availability`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from matcher.errors import UserFacingError
from matcher.i18n import Text, date_words, in_beijing, say
from matcher.text import area_words

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class AvailabilityStatus(StrEnum):
    """Whether the space can be let."""

    AVAILABLE = "available"
    UNDER_NEGOTIATION = "under_negotiation"
    FULL = "full"


class AvailabilitySource(StrEnum):
    """Where a figure came from."""

    PARK_OPERATOR = "park_operator"
    PHONE = "phone"
    SITE_VISIT = "site_visit"
    PUBLISHED_LIST = "published_list"


class AvailabilityRecord(BaseModel):
    """One park's free space as recorded, with its last confirmation."""

    model_config = _FROZEN
    id: int = 0
    park_id: str
    area_m2: float = Field(ge=0)  # above ground
    underground_m2: float | None = Field(default=None, ge=0)  # None: not known
    available_from: date | None = None  # None: now
    status: AvailabilityStatus
    source: AvailabilitySource
    recorded_by: str
    recorded_at: datetime
    checked_by: str  # who last confirmed it (at first: who recorded it)
    checked_at: datetime

    def stale_on(self, now: datetime, stale_after_days: int) -> bool:
        """Not confirmed within `stale_after_days` of `now`."""
        return now - self.checked_at > timedelta(days=stale_after_days)

    @property
    def usable_m2(self) -> float:
        """The above-ground area that can be let (none when the park says it is full)."""
        return 0.0 if self.status is AvailabilityStatus.FULL else self.area_m2


class Availability(BaseModel):
    """The current record of each park as of one Beijing date: what the ranker is given.
    Parks without a record, and parks whose record is stale, are compared with their totals."""

    model_config = _FROZEN
    as_of: date  # today in Beijing, when the snapshot was taken
    records: Mapping[str, AvailabilityRecord] = Field(default_factory=dict)  # park id → current
    stale: frozenset[str] = frozenset()  # parks whose current record is stale

    @classmethod
    def of(
        cls, records: Mapping[str, AvailabilityRecord], now: datetime, stale_after_days: int
    ) -> Availability:
        """The snapshot of `records` (park id → newest) at `now`."""
        stale = frozenset(p for p, r in records.items() if r.stale_on(now, stale_after_days))
        return cls(as_of=in_beijing(now).date(), records=dict(records), stale=stale)

    def current(self, park_id: str) -> AvailabilityRecord | None:
        """The park's figure to compare with, if it has one that is not stale."""
        return None if park_id in self.stale else self.records.get(park_id)

    @property
    def in_use(self) -> bool:
        """Whether the office records availability at all (else matching is as published)."""
        return bool(self.records)


def read_day(text: str) -> date:
    """A date as people type it: 2027-03-01, 2027/3/1, or a month (2027-03: its first day).
    UserFacingError says what to write."""
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    parts = cleaned.split("-")
    try:
        if len(parts) == 2:
            return date(int(parts[0]), int(parts[1]), 1)
        if len(parts) == 3:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        pass
    raise UserFacingError(say("availability_bad_date", value=text.strip()[:40]))


def day_words(day: date) -> Text:
    """2027年3月1日 / 1 March 2027."""
    return say("date", year=day.year, month=say(f"month_{day.month}"), day=day.day)


def month_words(day: date) -> Text:
    """2027年3月 / March 2027."""
    return say("month_year", year=day.year, month=say(f"month_{day.month}"))


def source_words(source: AvailabilitySource) -> Text:
    return say(f"availability_source_{source.value}")


def status_words(status: AvailabilityStatus) -> Text:
    return say(f"availability_status_{status.value}")


def figure_words(record: AvailabilityRecord) -> Text:
    """'8,000 m² available from 1 March 2027' (or 'now', or 'full'), underground where known."""
    if record.status is AvailabilityStatus.FULL:
        return status_words(record.status)
    figure = area_words(record.area_m2)
    if record.underground_m2:
        figure = say(
            "availability_with_underground", area=figure, under=area_words(record.underground_m2)
        )
    if record.available_from is None:
        return say("availability_figure_now", area=figure, status=status_words(record.status))
    return say(
        "availability_figure_from",
        area=figure,
        day=day_words(record.available_from),
        status=status_words(record.status),
    )


def provenance_words(record: AvailabilityRecord, *, who: bool = True) -> Text:
    """'phone call, 2 December 2026 (li)': the figure's source and the day it was recorded
    or last confirmed; investors' reasons leave out who."""
    if not who:
        return say(
            "availability_provenance",
            source=source_words(record.source),
            when=date_words(record.checked_at),
        )
    return say(
        "availability_provenance_by",
        source=source_words(record.source),
        when=date_words(record.checked_at),
        who=record.checked_by,
    )


def change_words(park: Text, record: AvailabilityRecord) -> Text:
    """An Inbox notice: 'P07 Zhongguancun … now has 8,000 m² available from March 2027'."""
    area = area_words(record.area_m2)
    if record.status is AvailabilityStatus.FULL:
        return say("availability_notice_full", park=park)
    if record.status is AvailabilityStatus.UNDER_NEGOTIATION:
        return say("availability_notice_negotiating", park=park, area=area)
    if record.available_from is None:
        return say("availability_notice_now", park=park, area=area)
    return say(
        "availability_notice_from", park=park, area=area, month=month_words(record.available_from)
    )
