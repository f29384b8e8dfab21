"""The workspace's tables (SQLAlchemy 2 ORM). Migrations in migrations/ create exactly these.

Times are stored in UTC and read back as aware datetimes on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import json
import zlib
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime; naive values are refused so no local time slips in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the workspace stores aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class CompressedJSON(TypeDecorator[Any]):
    """JSON, zlib-compressed: a ranking of 18 matches is ~33 kB as text, ~3 kB compressed."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return zlib.compress(text.encode("utf-8"), 6)

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(zlib.decompress(value).decode("utf-8"))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class StaffRow(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Not read or written since 0005: sign-in failures are counted in `throttle`, per
    # address as well as per account. Kept because dropping a column rebuilds the table on
    # SQLite, which would cascade to sessions and cases' assignees.
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # matcher.workspace.roles: admin, staff or operator; an operator's own park (else None).
    role: Mapped[str] = mapped_column(String(16), default="staff", server_default="staff")
    park_id: Mapped[str | None] = mapped_column(String(16), nullable=True)


class SessionRow(Base):
    __tablename__ = "staff_sessions"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


INSIGHT_COLUMNS = (
    "created_at",
    "demand_sector_id",
    "received_week",
    "received_month",
    "status",
    "source",
    "unmet",
    "space_fits",
    "demand_min_area",
    "demand_zone",
    "demand_segment",
    "outcome",
    "outcome_park_id",
    "first_action_at",
    "in_progress_at",
    "shortlisted_at",
    "sent_at",
    "first_response_due",
    "shortlist_due",
)


class CaseRow(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company: Mapped[str] = mapped_column(String(200), default="")
    contact_person: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")  # phone or e-mail
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    source: Mapped[str] = mapped_column(String(20))
    requirement: Mapped[dict[str, Any]] = mapped_column(JSON)
    sector_text: Mapped[str] = mapped_column(String(500), default="")  # for the Inbox
    status: Mapped[str] = mapped_column(String(20), default="new")
    # Internal: the staff's note on the shortlist as a whole (colleagues' names, remarks).
    # Never printed in the brief nor written in any export; per-park notes live on entries.
    shortlist_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # For the investor: the brief's covering note, printed and exported.
    investor_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    assigned_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100), default="")
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    # -- the pipeline (issue 21): deadlines, milestones and the outcome -------------------
    # Due dates are set when the case is created (matcher.workspace.deadlines); a case
    # created before them has none and is never overdue.
    first_response_due: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    shortlist_due: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Milestones, each set once, the first time it happens. The durations are kept beside
    # them in seconds so medians are one ORDER BY on either database (no date arithmetic,
    # which SQLite and PostgreSQL spell differently).
    first_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    first_action_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    in_progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    shortlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    outcome_park_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # The Beijing week (its Monday, 'YYYY-MM-DD') and month ('YYYY-MM') the case arrived in:
    # grouped by as they are, where a date function per row and per query cost more.
    received_week: Mapped[str | None] = mapped_column(String(10), nullable=True)
    received_month: Mapped[str | None] = mapped_column(String(7), nullable=True)
    # -- demand facts, read from the latest ranking (matcher.workspace.demand) -------------
    # Kept as columns so the dashboard aggregates in SQL: the snapshots are compressed JSON.
    demand_sector_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    demand_segment: Mapped[str | None] = mapped_column(String(64), nullable=True)
    demand_min_area: Mapped[float | None] = mapped_column(Float, nullable=True)
    demand_zone: Mapped[str | None] = mapped_column(String(16), nullable=True)
    best_fit: Mapped[str | None] = mapped_column(String(16), nullable=True)
    space_fits: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    unmet: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    unread_words: Mapped[str | None] = mapped_column(String(200), nullable=True)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        Index("ix_cases_status_updated", "status", "updated_at"),
        Index("ix_cases_updated", "updated_at"),
        # The dashboard's: every column its aggregates read, so each scans this index, a
        # sixth of the table's width (the requirement's JSON stays out), never the rows.
        Index("ix_cases_insights", *INSIGHT_COLUMNS),
        Index("ix_cases_sector_created", "demand_sector_id", "created_at"),
        # Medians walk these in order instead of sorting.
        Index("ix_cases_first_action", "source", "first_action_seconds", "created_at"),
        Index("ix_cases_sent", "source", "sent_seconds", "created_at"),
    )


class StatusChangeRow(Base):
    __tablename__ = "case_status_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_status: Mapped[str] = mapped_column(String(20))
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SnapshotRow(Base):
    __tablename__ = "ranking_snapshots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    requirement: Mapped[dict[str, Any]] = mapped_column(JSON)
    data_version: Mapped[str] = mapped_column(String(64))
    # The park list ranked against (park_lists.number; 1: the list published in 2025, data/).
    park_list: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    matches: Mapped[list[dict[str, Any]]] = mapped_column(CompressedJSON())
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ShortlistEntryRow(Base):
    __tablename__ = "shortlist_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    park_id: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")  # internal: never exported
    # For the investor: printed in the brief and written in the exports.
    investor_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("ranking_snapshots.id"))
    match: Mapped[dict[str, Any]] = mapped_column(JSON)  # the Match as it was when added
    score: Mapped[float] = mapped_column()
    fit: Mapped[str] = mapped_column(String(16))
    data_version: Mapped[str] = mapped_column(String(64))
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("case_id", "park_id"),
        Index("ix_shortlist_entries_park", "park_id", "case_id"),
    )


class ExportRow(Base):
    __tablename__ = "exports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), nullable=True, index=True
    )
    snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("ranking_snapshots.id"), nullable=True
    )
    format: Mapped[str] = mapped_column(String(16))
    park_ids: Mapped[list[str]] = mapped_column(JSON)
    data_version: Mapped[str] = mapped_column(String(200))
    park_list: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BatchRunRow(Base):
    __tablename__ = "batch_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    input_sha256: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_matched: Mapped[int] = mapped_column(Integer)
    rows_error: Mapped[int] = mapped_column(Integer)
    data_version: Mapped[str] = mapped_column(String(64))
    park_list: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The result's name: its SHA-256 and format (".parquet"; ".csv" from older versions).
    # The file itself is kept in `file_parts` under result_sha256 (matcher.workspace.files).
    result_path: Mapped[str] = mapped_column(String(1000))
    result_sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the retention rule (matcher.workspace.batch_runs.Retention) let the result go;
    # the run's record stays.
    result_dropped_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class FilePartRow(Base):
    """A part of a file the workspace keeps (matcher.workspace.files), named by the whole
    file's SHA-256 and the part's number."""

    __tablename__ = "file_parts"
    file_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class TaughtTermRow(Base):
    """A term staff taught the matcher (matcher.lexicon); retired terms stay for the record."""

    __tablename__ = "taught_terms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    term_zh: Mapped[str] = mapped_column(String(100))
    term_key: Mapped[str] = mapped_column(String(100))  # normalised term_zh: one in use each
    term_en: Mapped[str] = mapped_column(String(500))  # variants joined by '|', as chains.csv
    sector_id: Mapped[str] = mapped_column(String(64))
    secondary_sector_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    segment: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    taught_by: Mapped[str] = mapped_column(String(100))
    taught_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retired_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)

    # Two staff teaching one word at the same moment: the database keeps one in use.
    __table_args__ = (
        Index(
            "uq_taught_terms_in_use",
            "term_key",
            unique=True,
            sqlite_where=text("retired_at IS NULL"),
            postgresql_where=text("retired_at IS NULL"),
        ),
    )


class ThrottleRow(Base):
    """How many attempts one subject (an address, an account, a contact) made in its current
    window (matcher.workspace.throttle). Subjects are kept as digests: no address, typed
    username or contact is stored here in clear."""

    __tablename__ = "throttle"
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class AvailabilityRow(Base):
    """One park's free space as recorded (matcher.availability); never changed afterwards:
    the newest record of a park is its current figure."""

    __tablename__ = "park_availability"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    park_id: Mapped[str] = mapped_column(String(16), index=True)
    area_m2: Mapped[float] = mapped_column(Float)
    underground_m2: Mapped[float | None] = mapped_column(Float, nullable=True)
    available_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AvailabilityCheckRow(Base):
    """A record confirmed as still accurate, by whom and when ("still accurate")."""

    __tablename__ = "availability_checks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("park_availability.id", ondelete="CASCADE"), index=True
    )
    checked_by: Mapped[str] = mapped_column(String(100))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CaseNoticeRow(Base):
    """What changed for an open case since staff last saw its ranking (an Inbox notice): one
    per case and change (an availability record, or a published park list), so a change is
    never announced twice."""

    __tablename__ = "case_notices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("park_availability.id", ondelete="CASCADE"), nullable=True
    )
    # The park list published (park_lists.number) when that, not a park's figure, changed.
    park_list: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The case's top three park ids after the change (what the notice says).
    top: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        UniqueConstraint("case_id", "record_id"),
        UniqueConstraint("case_id", "park_list", name="uq_case_notices_case_id_park_list"),
        CheckConstraint("(record_id IS NULL) <> (park_list IS NULL)", name="one_change"),
    )


class ParkListRow(Base):
    """A park list staff imported (matcher.park_lists): a draft until an admin publishes it,
    then one numbered version of the catalogue. Version 1, the list published in 2025, is
    data/parks.csv itself and has no row."""

    __tablename__ = "park_lists"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # draft, published, discarded
    number: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    parks: Mapped[list[dict[str, Any]]] = mapped_column(CompressedJSON())  # parks.csv cells
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    imported_by: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
