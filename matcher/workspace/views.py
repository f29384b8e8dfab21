"""What the workspace hands to its callers (pages, CLI): frozen pydantic models, no ORM rows."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from matcher.availability import AvailabilityRecord
from matcher.models import Fit, Match, Requirement
from matcher.tuning import ShownScale
from matcher.workspace.roles import Role

_FROZEN = ConfigDict(frozen=True)


class CaseStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    SHORTLISTED = "shortlisted"
    SENT = "sent"
    CLOSED = "closed"


class CaseOutcome(StrEnum):
    """How a closed case ended; only LANDED names a park."""

    LANDED = "landed"  # the investor settled in one of the parks
    LOST_ELSEWHERE = "lost_elsewhere"  # lost to another district
    NO_SPACE = "no_space"  # no suitable space
    NO_SECTOR_FIT = "no_sector_fit"
    WITHDRAWN = "withdrawn"  # the investor gave up the project
    OTHER = "other"


class CaseSource(StrEnum):
    INVESTOR_FORM = "investor_form"
    STAFF = "staff"
    BATCH = "batch"


# The usual path is new → in progress → shortlisted → sent → closed; a case can step back one
# stage (a shortlist reworked), be closed from anywhere, and a closed case can be reopened.
NEXT_STATUSES: dict[CaseStatus, tuple[CaseStatus, ...]] = {
    CaseStatus.NEW: (CaseStatus.IN_PROGRESS, CaseStatus.CLOSED),
    CaseStatus.IN_PROGRESS: (CaseStatus.SHORTLISTED, CaseStatus.CLOSED),
    CaseStatus.SHORTLISTED: (CaseStatus.SENT, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED),
    CaseStatus.SENT: (CaseStatus.CLOSED, CaseStatus.SHORTLISTED),
    CaseStatus.CLOSED: (CaseStatus.IN_PROGRESS,),
}


class Staff(BaseModel):
    """A staff account: its role (matcher.workspace.roles) and, for a park operator, the
    one park it speaks for."""

    model_config = _FROZEN
    id: int
    username: str
    active: bool
    created_at: datetime
    last_sign_in_at: datetime | None = None
    role: Role = Role.STAFF
    park_id: str | None = None


class StatusChange(BaseModel):
    model_config = _FROZEN
    from_status: CaseStatus | None  # None: the case was created
    to_status: CaseStatus
    changed_by: str
    changed_at: datetime


class Snapshot(BaseModel):
    """The ranking computed for one version of a case's requirement, with its data version."""

    model_config = _FROZEN
    id: int
    requirement: Requirement
    data_version: str
    matches: tuple[Match, ...]
    park_list: int = 1  # the park list ranked against (ws.park_lists.words names it)
    created_by: str
    created_at: datetime

    def match(self, park_id: str) -> Match | None:
        return next((m for m in self.matches if m.park_id == park_id), None)


class ShortlistEntry(BaseModel):
    """A shortlisted park: the match as it was when added, and the one the latest ranking gives.

    The stored match never follows a later change; `changed` says when the two differ, so a
    page can show both ("now 71.2, was 93.7 when added")."""

    model_config = _FROZEN
    park_id: str
    position: int
    note: str  # internal (the staff's): never printed in the brief nor exported
    investor_note: str = ""  # for the investor: what the brief and every export carry
    added_by: str
    added_at: datetime
    stored: Match
    stored_data_version: str
    stored_requirement: Requirement
    current: Match | None
    current_data_version: str | None
    requirement_changed: bool  # the latest ranking is for another requirement

    @property
    def score(self) -> float:
        return self.stored.score

    @property
    def fit(self) -> Fit:
        return self.stored.fit

    @property
    def data_changed(self) -> bool:
        return self.current_data_version is not None and (
            self.current_data_version != self.stored_data_version
        )

    @property
    def changed(self) -> bool:
        """The stored match and the current one differ (score, fit, requirement or data)."""
        if self.current is None:
            return True
        return (
            self.current.score != self.stored.score
            or self.current.fit != self.stored.fit
            or self.requirement_changed
            or self.data_changed
        )

    def change_text(self, lang: Literal["zh", "en"], scale: ShownScale) -> str:
        """'' when nothing a reader would see changed; else both scores (as shown everywhere:
        the fit label's band) and why they may differ."""
        from matcher.display import shown_score
        from matcher.i18n import joined, say

        was = shown_score(self.stored, scale)
        if self.current is None:
            now = say("shortlist_not_ranked_now")
        else:
            shown_now = shown_score(self.current, scale)
            if (shown_now, self.current.fit) == (was, self.stored.fit) and (
                not self.requirement_changed
            ):
                return ""  # only the data changed, and nothing it shows
            now = say("shortlist_now", score=f"{shown_now:.1f}")
        causes = []
        if self.requirement_changed:
            causes.append(say("shortlist_requirement_changed"))
        if self.data_changed:
            causes.append(say("shortlist_data_changed"))
        change = say("shortlist_change", now=now, was=f"{was:.1f}")
        if causes:
            change = say("gloss", text=change, gloss=joined(causes, "reason_separator"))
        return change.in_(lang)


class ExportRecord(BaseModel):
    model_config = _FROZEN
    id: int
    case_id: int | None
    snapshot_id: int | None
    format: str
    park_ids: tuple[str, ...]
    data_version: str
    sha256: str
    park_list: int = 1
    size_bytes: int
    file_name: str
    created_by: str
    created_at: datetime


class PreparedExport(BaseModel):
    """An export's file made for a case, before anyone downloads (and so records) it."""

    model_config = _FROZEN
    case_id: int
    snapshot_id: int
    format: str
    data: bytes
    park_ids: tuple[str, ...]
    data_version: str
    file_name: str
    prepared_at: datetime
    park_list: int = 1


class BatchRun(BaseModel):
    """A batch run; its result is kept in the database by SHA-256 (`result_path` adds its
    format), until the retention rule lets it go (`result_kept` False)."""

    model_config = _FROZEN
    id: int
    file_name: str
    input_sha256: str
    options: dict[str, object]
    rows_read: int
    rows_matched: int
    rows_error: int
    data_version: str
    park_list: int = 1
    result_path: str
    result_sha256: str
    result_kept: bool = True
    created_by: str
    created_at: datetime


class CaseSummary(BaseModel):
    """One row of the Inbox."""

    model_config = _FROZEN
    id: int
    company: str
    contact_person: str
    sector_text: str
    source: CaseSource
    status: CaseStatus
    assigned_to: str | None
    shortlist_size: int
    created_at: datetime
    updated_at: datetime
    version: int
    first_response_overdue: bool = False
    shortlist_overdue: bool = False

    @property
    def overdue(self) -> bool:
        return self.first_response_overdue or self.shortlist_overdue


class InboxPage(BaseModel):
    model_config = _FROZEN
    rows: tuple[CaseSummary, ...]
    total: int  # matching the filters, all pages


class CaseView(BaseModel):
    """Everything a case page shows. Pass it back to an edit as `base`: an edit made while
    someone else changed the case raises StaleCaseError naming what they changed."""

    model_config = _FROZEN
    id: int
    company: str
    contact_person: str
    contact: str
    consent: bool
    consent_at: datetime | None
    source: CaseSource
    requirement: Requirement
    status: CaseStatus
    assigned_staff_id: int | None
    assigned_to: str | None
    created_at: datetime
    updated_at: datetime
    created_by: str
    updated_by: str
    version: int
    history: tuple[StatusChange, ...]
    snapshot: Snapshot | None  # the latest ranking
    snapshot_count: int
    current_data_version: str  # the catalogue's version now
    shortlist: tuple[ShortlistEntry, ...]
    shortlist_note: str = ""  # internal note on the shortlist as a whole: never exported
    investor_note: str = ""  # the brief's covering note, for the investor: exported
    exports: tuple[ExportRecord, ...]
    first_response_due: datetime | None = None
    shortlist_due: datetime | None = None
    first_action_at: datetime | None = None
    outcome: CaseOutcome | None = None  # set while the case is closed
    outcome_park_id: str | None = None  # the park it landed in

    @property
    def ranking_outdated(self) -> bool:
        """The data changed since the latest ranking: `refresh_ranking` makes a new one."""
        return self.snapshot is None or self.snapshot.data_version != self.current_data_version

    @property
    def shortlist_changed(self) -> bool:
        return any(entry.changed for entry in self.shortlist)

    @property
    def next_statuses(self) -> tuple[CaseStatus, ...]:
        return NEXT_STATUSES[self.status]


class AvailabilityEntry(BaseModel):
    """One line of a park's availability history: a record set, or a check confirming it."""

    model_config = _FROZEN
    kind: Literal["record", "check"]
    record: AvailabilityRecord
    by: str
    at: datetime


class CaseNotice(BaseModel):
    """An open case's top three parks changed when a park's availability did, or when a
    park list was published (the Inbox): exactly one of `record` and `park_list` is set."""

    model_config = _FROZEN
    id: int
    case_id: int
    company: str
    sector_text: str
    record: AvailabilityRecord | None = None  # the availability change that re-ranked the case
    park_list: int | None = None  # or the park list version published
    top: tuple[str, ...] = ()  # the case's top three park ids after the change
    created_at: datetime
    read_by: str | None = None
    read_at: datetime | None = None
