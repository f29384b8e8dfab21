"""Cases: investor enquiries kept with their details, their requirement and every ranking
made for it (snapshots), and their status along the workflow. The Inbox lists them (inbox.py).

Every edit goes through CaseEditor.edit: pass back the CaseView you loaded and an edit made
after someone else saved the case raises StaleCaseError instead of overwriting theirs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from matcher.enquiry import (
    SAME_ENQUIRY_WITHIN,
    SUBMISSIONS_PER_WINDOW,
    UNADDRESSED_SUBMISSIONS_PER_WINDOW,
    WINDOW,
    enquiry_key,
    normalised_contact,
    reaches_team,
)
from matcher.free_text import checked
from matcher.i18n import joined, say
from matcher.models import Requirement
from matcher.workspace import throttle
from matcher.workspace.db import Database, utcnow
from matcher.workspace.deadlines import Deadlines, first_response_overdue, shortlist_overdue
from matcher.workspace.demand import demand_facts
from matcher.workspace.editing import (
    CaseEditor,
    check_requirement,
    mark_first_action,
    requirement_json,
    sector_summary,
    set_demand_facts,
    snapshot_view,
)
from matcher.workspace.errors import (
    CaseNotFoundError,
    StaffError,
    StatusChangeError,
    SubmissionLimitError,
)
from matcher.workspace.insights import received_periods
from matcher.workspace.lexicon import Lexicon
from matcher.workspace.schema import CaseRow, SnapshotRow, StaffRow, StatusChangeRow
from matcher.workspace.views import (
    NEXT_STATUSES,
    CaseOutcome,
    CaseSource,
    CaseStatus,
    CaseView,
    Snapshot,
)

_UNSET: Any = object()
ENQUIRY_ADDRESS, ENQUIRY_CONTACT = "enquiry_address", "enquiry_contact"


def address_limit(client: str | None) -> int:
    """Enquiries allowed per window from `client` (None: every visitor without an address)."""
    return SUBMISSIONS_PER_WINDOW if client else UNADDRESSED_SUBMISSIONS_PER_WINDOW


class Cases:
    """Opening, reading and changing cases."""

    def __init__(
        self,
        db: Database,
        editor: CaseEditor,
        lexicon: Lexicon,
        deadlines: Deadlines | None = None,
    ) -> None:
        self._db = db
        self._editor = editor
        self._lexicon = lexicon
        self.deadlines = deadlines or Deadlines.from_env()

    def create(
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
        """A new case (status new) with its first ranking snapshot. Every typed text is
        checked first (matcher.free_text: FreeTextError names a field too long or holding a
        hidden character)."""
        now = now or utcnow()
        check_requirement(requirement)
        company, contact_person = (
            checked("company", company),
            checked("contact_person", contact_person),
        )
        contact, actor = checked("contact", contact), checked("actor", actor)
        ranker = self._lexicon.ranker  # before the transaction: see matcher.workspace.editing
        with self._db.session() as session:
            row = CaseRow(
                company=company,
                contact_person=contact_person,
                contact=contact,
                consent=consent,
                consent_at=now if consent else None,
                source=CaseSource(source).value,
                requirement=requirement_json(requirement),
                sector_text=sector_summary(requirement),
                status=CaseStatus.NEW.value,
                assigned_staff_id=assigned_staff_id,
                created_at=now,
                updated_at=now,
                created_by=actor,
                updated_by=actor,
            )
            matches = ranker.rank(requirement)
            set_demand_facts(row, requirement, ranker, matches)
            row.first_response_due, row.shortlist_due = self.deadlines.due(now)
            row.received_week, row.received_month = received_periods(now)
            if source != CaseSource.INVESTOR_FORM:
                # Staff opened it (by hand or from a lead list): that is its first action.
                mark_first_action(row, now)
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
            self._editor.add_snapshot(session, row.id, requirement, actor, now, ranker, matches)
            session.commit()
            case_id = row.id
        return self.get(case_id)

    def find_same_enquiry(
        self, requirement: Requirement, contact: str, since: datetime
    ) -> CaseView | None:
        """The investor-form case sent since `since` with the same requirement and the same
        phone or e-mail (both normalised: see matcher.enquiry), newest first; None if there
        is none. A contact that normalises to nothing matches nothing."""
        wanted = normalised_contact(contact)
        if not wanted:
            return None
        key = enquiry_key(requirement)
        with self._db.session() as session:
            rows = session.execute(
                select(CaseRow.id, CaseRow.contact, CaseRow.requirement)
                .where(
                    CaseRow.source == CaseSource.INVESTOR_FORM.value,
                    CaseRow.created_at >= since,
                )
                .order_by(CaseRow.created_at.desc(), CaseRow.id.desc())
            ).all()
        for case_id, stored_contact, stored in rows:
            if normalised_contact(stored_contact) != wanted:
                continue
            if enquiry_key(Requirement.model_validate(stored)) == key:
                return self.get(case_id)
        return None

    def create_enquiry(
        self,
        requirement: Requirement,
        *,
        company: str,
        contact_person: str,
        contact: str,
        consent: bool,
        client: str | None = None,
        now: datetime | None = None,
        within: timedelta = SAME_ENQUIRY_WITHIN,
    ) -> tuple[CaseView, bool]:
        """An investor's enquiry from the public form: (the case, True) for a new one, or
        (the case already sent, False) when the same requirement came from the same contact
        within `within` (an investor pressing submit twice is one lead, not two).

        Every enquiry is counted, sent anew or again, per `client` address and per contact
        (matcher.enquiry: SUBMISSIONS_PER_WINDOW in WINDOW; without an address, everyone
        without one shares UNADDRESSED_SUBMISSIONS_PER_WINDOW); one beyond a limit raises
        SubmissionLimitError and stores nothing. A text that may not be stored raises
        FreeTextError first, and is not counted."""
        if not reaches_team(contact, consent):
            # The page decides this before calling; a case nobody may answer is a bug.
            raise ValueError("an enquiry needs a phone or e-mail and the consent to use it")
        now = now or utcnow()
        check_requirement(requirement)
        for field, text in (
            ("company", company),
            ("contact_person", contact_person),
            ("contact", contact),
        ):
            checked(field, text)
        self._count_enquiry(client, contact, now)
        same = self.find_same_enquiry(requirement, contact, now - within)
        if same is not None:
            return same, False
        case = self.create(
            requirement,
            actor="investor",
            source=CaseSource.INVESTOR_FORM,
            company=company,
            contact_person=contact_person,
            contact=contact,
            consent=consent,
            now=now,
        )
        return case, True

    def _count_enquiry(self, client: str | None, contact: str, now: datetime) -> None:
        """Count one enquiry from `client` and `contact` (matcher.workspace.throttle), both
        in one transaction; SubmissionLimitError if either is over its limit."""
        limits = (
            (ENQUIRY_ADDRESS, throttle.subject(client), address_limit(client)),
            (
                ENQUIRY_CONTACT,
                throttle.subject(normalised_contact(contact)),
                SUBMISSIONS_PER_WINDOW,
            ),
        )
        with self._db.session() as session:
            counts = [throttle.take(session, kind, key, now, WINDOW) for kind, key, _ in limits]
            session.commit()
        over = [c for c, (_, _, limit) in zip(counts, limits, strict=True) if c.over(limit)]
        if over:
            # "Arriving right now" only when the shared allowance alone is spent: a limit of
            # this contact's own is said as the investor's limit.
            shared = client is None and not counts[1].over(SUBMISSIONS_PER_WINDOW)
            raise SubmissionLimitError(max(c.ends_at for c in over), shared=shared)

    def get(self, case_id: int) -> CaseView:
        """Everything the case page shows, read in one transaction; its ranking may name
        parks of a list published a moment ago elsewhere, which this process then reads."""
        view = self._editor.load(case_id)
        if view.snapshot is not None:
            self._lexicon.catch_up(view.snapshot.park_list)
        return view

    def overdue(self, case_id: int, now: datetime | None = None) -> tuple[bool, bool]:
        """(late for its first response, late for its shortlist) at `now`: the Inbox's rule
        (matcher.workspace.deadlines), asked of one case."""
        now = now or utcnow()
        query = select(
            case((first_response_overdue(now), True), else_=False),
            case((shortlist_overdue(now), True), else_=False),
        ).where(CaseRow.id == case_id)
        with self._db.session() as session:
            found = session.execute(query).first()
        if found is None:
            raise CaseNotFoundError(case_id)
        return bool(found[0]), bool(found[1])

    def fill_demand_facts(self, chunk: int = 500) -> int:
        """Cases kept before the dashboard (no demand facts yet) get them from their latest
        ranking as it was shown, not ranked again; returns how many were filled."""
        ranker = self._lexicon.ranker
        filled = 0
        while True:
            with self._db.session() as session:
                rows = session.scalars(
                    select(CaseRow)
                    .where(CaseRow.best_fit.is_(None))
                    .order_by(CaseRow.id)
                    .limit(chunk)
                ).all()
                if not rows:
                    return filled
                for row in rows:
                    latest = session.scalar(
                        select(SnapshotRow)
                        .where(SnapshotRow.case_id == row.id)
                        .order_by(SnapshotRow.id.desc())
                        .limit(1)
                    )
                    requirement = Requirement.model_validate(row.requirement)
                    matches = (
                        snapshot_view(latest).matches if latest else tuple(ranker.rank(requirement))
                    )
                    facts = demand_facts(requirement, ranker.understand(requirement), matches)
                    # Written without a version bump: facts are derived, nobody edited the case.
                    session.execute(
                        update(CaseRow)
                        .where(CaseRow.id == row.id)
                        .values(**facts.columns())
                        .execution_options(synchronize_session=False)
                    )
                session.commit()
                filled += len(rows)

    def snapshots(self, case_id: int) -> list[Snapshot]:
        """Every ranking the case has had, oldest first: earlier ones stay readable."""
        with self._db.session() as session:
            if session.get(CaseRow, case_id) is None:
                raise CaseNotFoundError(case_id)
            rows = session.scalars(
                select(SnapshotRow).where(SnapshotRow.case_id == case_id).order_by(SnapshotRow.id)
            ).all()
            return [snapshot_view(r) for r in rows]

    def update(
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
        investor_note: str = _UNSET,
        now: datetime | None = None,
    ) -> CaseView:
        """Change the case's details and the shortlist's overall notes: `shortlist_note` is
        internal (never exported), `investor_note` the brief's covering note for the investor.
        With a CaseView as `case`, refuses if anyone saved the case since that view was loaded
        (StaleCaseError)."""
        now = now or utcnow()
        # Checked before the transaction: a refused text changes nothing.
        texts = {
            field: checked(field, value)
            for field, value in (
                ("company", company),
                ("contact_person", contact_person),
                ("contact", contact),
                ("shortlist_note", shortlist_note),
                ("investor_note", investor_note),
            )
            if value is not _UNSET
        }

        def edit(session: Session, row: CaseRow) -> None:
            for field, value in texts.items():
                setattr(row, field, value)
            if consent is not _UNSET and consent != row.consent:
                row.consent = consent
                row.consent_at = now if consent else None
            if assigned_staff_id is not _UNSET:
                if assigned_staff_id is not None and not session.get(StaffRow, assigned_staff_id):
                    raise StaffError(say("staff_id_not_found", staff=assigned_staff_id))
                row.assigned_staff_id = assigned_staff_id

        return self._editor.edit(case, actor, now, edit)

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
        check_requirement(requirement)
        ranker = self._lexicon.ranker  # before the transaction: see matcher.workspace.editing

        def edit(session: Session, row: CaseRow) -> None:
            if Requirement.model_validate(row.requirement) == requirement:
                return
            row.requirement = requirement_json(requirement)
            row.sector_text = sector_summary(requirement)
            self._editor.add_snapshot(session, row.id, requirement, actor, now, ranker)

        return self._editor.edit(case, actor, now, edit)

    def refresh_ranking(
        self, case: CaseView | int, *, actor: str, now: datetime | None = None
    ) -> CaseView:
        """Rank the case's requirement again on today's data, if the data version changed."""
        now = now or utcnow()
        ranker = self._lexicon.ranker  # before the transaction: see matcher.workspace.editing

        def edit(session: Session, row: CaseRow) -> None:
            latest = session.scalar(
                select(SnapshotRow.data_version)
                .where(SnapshotRow.case_id == row.id)
                .order_by(SnapshotRow.id.desc())
                .limit(1)
            )
            if latest != ranker.catalogue.version:
                requirement = Requirement.model_validate(row.requirement)
                self._editor.add_snapshot(session, row.id, requirement, actor, now, ranker)

        return self._editor.edit(case, actor, now, edit)

    def set_status(
        self,
        case: CaseView | int,
        status: CaseStatus | str,
        *,
        actor: str,
        outcome: CaseOutcome | str | None = None,
        outcome_park_id: str | None = None,
        now: datetime | None = None,
    ) -> CaseView:
        """Move the case along new → in progress → shortlisted → sent → closed (see
        NEXT_STATUSES); the change is recorded with who and when. Closing needs the
        `outcome`, and a landed case the park it landed in (`outcome_park_id`); reopening
        clears them. The first shortlisted and sent times are kept for the dashboard."""
        now = now or utcnow()
        try:
            target = CaseStatus(status)
        except ValueError:
            known = joined(say(f"status_{s.value}") for s in CaseStatus)
            raise StatusChangeError(
                say("status_unknown", status=str(status)[:40], known=known)
            ) from None
        ending = self._checked_outcome(target, outcome, outcome_park_id)

        def edit(session: Session, row: CaseRow) -> None:
            current = CaseStatus(row.status)
            if target == current:
                return
            if target not in NEXT_STATUSES[current]:
                raise StatusChangeError(
                    say(
                        "status_not_allowed",
                        case=row.id,
                        current=say(f"status_{current.value}"),
                        target=say(f"status_{target.value}"),
                        allowed=joined(say(f"status_{s.value}") for s in NEXT_STATUSES[current]),
                    )
                )
            row.status = target.value
            if target == CaseStatus.IN_PROGRESS and row.in_progress_at is None:
                row.in_progress_at = now
            if target == CaseStatus.SHORTLISTED and row.shortlisted_at is None:
                row.shortlisted_at = now
            if target == CaseStatus.SENT and row.sent_at is None:
                row.sent_at = now
                row.sent_seconds = max(0, int((now - row.created_at).total_seconds()))
            row.closed_at = now if target == CaseStatus.CLOSED else None
            row.outcome, row.outcome_park_id = ending
            session.add(
                StatusChangeRow(
                    case_id=row.id,
                    from_status=current.value,
                    to_status=target.value,
                    changed_by=actor,
                    changed_at=now,
                )
            )

        return self._editor.edit(case, actor, now, edit)

    def _checked_outcome(
        self, target: CaseStatus, outcome: CaseOutcome | str | None, park_id: str | None
    ) -> tuple[str | None, str | None]:
        """(outcome, park) to store for a move to `target`; StatusChangeError when closing
        without an outcome, landing without a known park, or naming a park otherwise."""
        if target != CaseStatus.CLOSED:
            return None, None
        known = joined(say(f"outcome_{o.value}") for o in CaseOutcome)
        if outcome is None or not str(outcome).strip():
            raise StatusChangeError(say("outcome_needed", known=known))
        try:
            ending = CaseOutcome(outcome)
        except ValueError:
            raise StatusChangeError(
                say("outcome_unknown", outcome=str(outcome)[:40], known=known)
            ) from None
        park_id = (park_id or "").strip() or None
        if ending != CaseOutcome.LANDED:
            if park_id is not None:
                raise StatusChangeError(say("outcome_park_only_landed"))
            return ending.value, None
        parks = {p.park_id for p in self._lexicon.base_ranker.catalogue.parks}
        if park_id is None:
            raise StatusChangeError(say("outcome_park_needed"))
        if park_id not in parks:
            raise StatusChangeError(say("outcome_park_unknown", park=park_id[:20]))
        return ending.value, park_id
