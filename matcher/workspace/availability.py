"""Space available per park, kept with its full history (matcher.availability), and the
re-matching of open cases each change sets off.

Records are only ever added: setting a park's figure appends a record, "still accurate"
appends a check of the current one. Every ranking the workspace makes reads the snapshot
of the current records (`Lexicon.ranker`). A change re-ranks the open cases at once (the
newest-updated REMATCH_LIMIT of them); a case whose top three parks changed gets a new
snapshot and one Inbox notice for that change, never a second one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError

from matcher.availability import (
    Availability,
    AvailabilityRecord,
    AvailabilitySource,
    AvailabilityStatus,
)
from matcher.i18n import say
from matcher.models import Park, Requirement
from matcher.text import area_words
from matcher.workspace.db import Database, utcnow
from matcher.workspace.editing import CaseEditor
from matcher.workspace.errors import AvailabilityError
from matcher.workspace.lexicon import Lexicon
from matcher.workspace.roles import Action, require
from matcher.workspace.schema import (
    AvailabilityCheckRow,
    AvailabilityRow,
    CaseNoticeRow,
    CaseRow,
    SnapshotRow,
)
from matcher.workspace.views import AvailabilityEntry, CaseStatus, Staff

# Open cases re-ranked per change, newest-updated first: a change answers within seconds.
REMATCH_LIMIT = 500
SNAPSHOT_RECHECK_SECONDS = 2.0
TOP = 3  # a case is told when its top three parks change


def actor_name(actor: Staff | str) -> str:
    """The name recorded for an actor: a staff member's username, or the name given."""
    return actor.username if isinstance(actor, Staff) else actor


class Availabilities:
    """Each park's space available: recording, confirming, reading, and re-matching."""

    def __init__(self, db: Database, editor: CaseEditor, lexicon: Lexicon) -> None:
        self._db = db
        self._editor = editor
        self._lexicon = lexicon
        self._cached: tuple[float, tuple[object, ...], Availability] | None = None
        lexicon.availability = self.snapshot  # every workspace ranking reads the space free

    @property
    def stale_after_days(self) -> int:
        """How old a figure may be before it is stale (scoring.toml's [availability])."""
        # Read when needed, not when the workspace opens: asking the ranker then would fix
        # the park list in use before anything is published.
        return self._lexicon.base_ranker.tuning.availability.stale_after_days

    def record(
        self,
        park_id: str,
        *,
        area_m2: float,
        status: AvailabilityStatus | str,
        source: AvailabilitySource | str,
        actor: Staff | str,
        underground_m2: float | None = None,
        available_from: date | None = None,
        now: datetime | None = None,
        rematch: bool = True,
    ) -> AvailabilityRecord:
        """Append a park's current figure (its earlier ones stay in the history) and re-match
        the open cases. AvailabilityError names an unknown park, status or source, or an
        area below 0 or above the park's total floor area; NotAllowedError a role that may
        not record this park's figure (an operator, another park)."""
        _may_record(actor, park_id)
        now = now or utcnow()
        park = self._park(park_id)
        the_status = _member(AvailabilityStatus, status, "availability_status_unknown")
        the_source = _member(AvailabilitySource, source, "availability_source_unknown")
        for figure in (area_m2, underground_m2):
            if figure is not None and not 0 <= figure <= park.total_area_m2:
                raise AvailabilityError(
                    say(
                        "availability_area_implausible",
                        park=park.park_id,
                        area=area_words(figure),
                        total=area_words(park.total_area_m2),
                    )
                )
        name = actor_name(actor)
        with self._db.session() as session:
            row = AvailabilityRow(
                park_id=park.park_id,
                area_m2=float(area_m2),
                underground_m2=None if underground_m2 is None else float(underground_m2),
                available_from=available_from,
                status=the_status.value,
                source=the_source.value,
                recorded_by=name,
                recorded_at=now,
            )
            session.add(row)
            session.commit()
            record_id = row.id
        self._cached = None
        if rematch:
            self.rematch(record_id, actor=actor, now=now)
        return self._current_of(park.park_id)

    def confirm(
        self, park_id: str, *, actor: Staff | str, now: datetime | None = None
    ) -> AvailabilityRecord:
        """ "Still accurate": a check of the park's current figure, recorded with who and when;
        a stale figure counts again, so the open cases are re-matched."""
        _may_record(actor, park_id)
        now = now or utcnow()
        park = self._park(park_id)
        current = self._current_of(park.park_id)
        was_stale = current.stale_on(now, self.stale_after_days)
        with self._db.session() as session:
            session.add(
                AvailabilityCheckRow(
                    record_id=current.id, checked_by=actor_name(actor), checked_at=now
                )
            )
            session.commit()
        self._cached = None
        if was_stale:  # a current figure confirmed changes no ranking
            self.rematch(current.id, actor=actor, now=now)
        return self._current_of(park.park_id)

    def history(self, park_id: str) -> list[AvailabilityEntry]:
        """Every record of the park and every check, newest first."""
        park = self._park(park_id)
        with self._db.session() as session:
            records = session.scalars(
                select(AvailabilityRow)
                .where(AvailabilityRow.park_id == park.park_id)
                .order_by(AvailabilityRow.id.desc())
            ).all()
            checks = session.execute(
                select(AvailabilityCheckRow, AvailabilityRow)
                .join(AvailabilityRow, AvailabilityRow.id == AvailabilityCheckRow.record_id)
                .where(AvailabilityRow.park_id == park.park_id)
            ).all()
            entries = [
                AvailabilityEntry(
                    kind="record", record=record_view(r), by=r.recorded_by, at=r.recorded_at
                )
                for r in records
            ]
            entries += [
                AvailabilityEntry(
                    kind="check", record=record_view(r), by=c.checked_by, at=c.checked_at
                )
                for c, r in checks
            ]
        return sorted(entries, key=lambda e: (e.at, e.kind == "check"), reverse=True)

    def current(self, now: datetime | None = None) -> dict[str, AvailabilityRecord]:
        """Each park's newest record with its last check (parks never recorded: absent)."""
        with self._db.session() as session:
            newest = (
                select(func.max(AvailabilityRow.id))
                .group_by(AvailabilityRow.park_id)
                .scalar_subquery()
            )
            rows = session.scalars(
                select(AvailabilityRow).where(AvailabilityRow.id.in_(newest))
            ).all()
            checks = {
                record_id: (by, at)
                for record_id, by, at in session.execute(
                    select(
                        AvailabilityCheckRow.record_id,
                        AvailabilityCheckRow.checked_by,
                        AvailabilityCheckRow.checked_at,
                    )
                    .where(AvailabilityCheckRow.record_id.in_([r.id for r in rows]))
                    .order_by(AvailabilityCheckRow.checked_at, AvailabilityCheckRow.id)
                )
            }
        return {r.park_id: record_view(r, checks.get(r.id)) for r in rows}

    def snapshot(self, now: datetime | None = None) -> Availability:
        """The current records as of `now` (default: this moment), for the ranker. Read
        again after SNAPSHOT_RECHECK_SECONDS, or at once after this process changed one."""
        if now is not None:
            return Availability.of(self.current(), now, self.stale_after_days)
        clock = time.monotonic()
        if self._cached is not None and clock - self._cached[0] < SNAPSHOT_RECHECK_SECONDS:
            return self._cached[2]
        moment = utcnow()
        made = Availability.of(self.current(), moment, self.stale_after_days)
        key = (made.as_of, tuple(sorted(made.records.items())), made.stale)
        if self._cached is not None and self._cached[1] == key:
            made = self._cached[2]  # the same snapshot: the ranker built on it is kept
        self._cached = (clock, key, made)
        return made

    def rematch(self, record_id: int, *, actor: Staff | str, now: datetime | None = None) -> int:
        """Rank the open cases again (the newest-updated REMATCH_LIMIT); each whose top three
        parks changed gets a new snapshot and one notice of record `record_id`, once. Returns
        how many cases were told."""
        with self._db.session() as session:
            park_id = session.get_one(AvailabilityRow, record_id).park_id
        return self._rematch(
            CaseNoticeRow.record_id == record_id,
            # Only this park's figure changed: a top three it is in neither before nor after
            # changed for another reason (taught terms, say), which this notice would misname.
            lambda before, after: park_id in (*before, *after),
            lambda case_id, top, at: CaseNoticeRow(
                case_id=case_id, record_id=record_id, top=top, created_at=at
            ),
            actor=actor,
            now=now,
        )

    def rematch_park_list(
        self, number: int, *, actor: Staff | str, now: datetime | None = None
    ) -> int:
        """As `rematch`, for the park list published as version `number` (which may change
        any case's top three): one notice per case of that list, once."""
        return self._rematch(
            CaseNoticeRow.park_list == number,
            lambda before, after: True,
            lambda case_id, top, at: CaseNoticeRow(
                case_id=case_id, park_list=number, top=top, created_at=at
            ),
            actor=actor,
            now=now,
        )

    def _rematch(
        self,
        of_this_change: ColumnElement[bool],
        concerns: Callable[[list[str], list[str]], bool],
        notice: Callable[[int, list[str], datetime], CaseNoticeRow],
        *,
        actor: Staff | str,
        now: datetime | None,
    ) -> int:
        """Re-rank the open cases not yet told of this change (`of_this_change` selects its
        notices); a case whose top three changed and `concerns` the change is told once."""
        now = now or utcnow()
        ranker = self._lexicon.ranker  # before any transaction: see matcher.workspace.editing
        name = actor_name(actor)
        with self._db.session() as session:
            cases = session.execute(
                select(CaseRow.id, CaseRow.requirement)
                .where(CaseRow.status != CaseStatus.CLOSED.value)
                .order_by(CaseRow.updated_at.desc(), CaseRow.id.desc())
                .limit(REMATCH_LIMIT)
            ).all()
            told = set(session.scalars(select(CaseNoticeRow.case_id).where(of_this_change)))
        changed = 0
        for case_id, stored in cases:
            if case_id in told:
                continue
            requirement = Requirement.model_validate(stored)
            now_top = [m.park_id for m in ranker.rank(requirement)[:TOP]]
            before = self._last_top(case_id)
            if now_top == before or not concerns(before, now_top):
                continue
            with self._db.session() as session:
                self._editor.add_snapshot(session, case_id, requirement, name, now, ranker)
                session.add(notice(case_id, now_top, now))
                try:
                    session.commit()
                except IntegrityError:  # another process told this case of this change
                    session.rollback()
                    continue
            changed += 1
        return changed

    def _last_top(self, case_id: int) -> list[str]:
        with self._db.session() as session:
            latest = session.scalar(
                select(SnapshotRow)
                .where(SnapshotRow.case_id == case_id)
                .order_by(SnapshotRow.id.desc())
                .limit(1)
            )
            if latest is None:
                return []
            return [str(m["park_id"]) for m in latest.matches[:TOP]]

    def _park(self, park_id: str) -> Park:
        wanted = park_id.strip().upper()
        try:
            return self._lexicon.ranker.catalogue.park(wanted)
        except KeyError:
            raise AvailabilityError(
                say("availability_park_unknown", park=park_id.strip()[:20])
            ) from None

    def _current_of(self, park_id: str) -> AvailabilityRecord:
        """The park's current record; AvailabilityError if it has none."""
        record = self.current().get(park_id)
        if record is None:
            raise AvailabilityError(say("availability_none_recorded", park=park_id))
        return record


_Kind = TypeVar("_Kind", AvailabilityStatus, AvailabilitySource)


def _member(kind: type[_Kind], value: _Kind | str, message: str) -> _Kind:
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(member.value for member in kind)
        raise AvailabilityError(say(message, value=str(value)[:40], known=known)) from None


def _may_record(actor: Staff | str, park_id: str) -> None:
    # A plain name is the command line acting as the server's administrator.
    if isinstance(actor, Staff):
        require(actor, Action.RECORD_AVAILABILITY, park_id=park_id.strip().upper())


def record_view(
    row: AvailabilityRow, check: tuple[str, datetime] | None = None
) -> AvailabilityRecord:
    by, at = check if check is not None else (row.recorded_by, row.recorded_at)
    return AvailabilityRecord(
        id=row.id,
        park_id=row.park_id,
        area_m2=row.area_m2,
        underground_m2=row.underground_m2,
        available_from=row.available_from,
        status=AvailabilityStatus(row.status),
        source=AvailabilitySource(row.source),
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        checked_by=by,
        checked_at=at,
    )


__all__: Sequence[str] = ["REMATCH_LIMIT", "Availabilities", "actor_name"]
