"""Cases (`ws.cases`): a new case with its first ranking, its status along the workflow, a
changed requirement or data version ranked again only when it should be, and two people
editing one case never losing an update silently.

Every test runs on a temporary SQLite file and on a throwaway PostgreSQL server."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from matcher import Catalogue
from matcher.models import Requirement
from matcher.scoring import Ranker
from matcher.workspace import (
    CaseNotFoundError,
    CaseSource,
    CaseStatus,
    StaffError,
    StaleCaseError,
    StatusChangeError,
    Workspace,
)
from matcher.workspace.editing import CaseEditor
from tests.workspace_fixtures import IC_DESIGN, ROBOTS, T0

# ------------------------------------------------------------------ a case and its rankings


def test_a_new_case_has_its_requirement_history_and_first_ranking(workspace: Workspace) -> None:
    case = workspace.cases.create(
        IC_DESIGN,
        actor="li",
        source=CaseSource.INVESTOR_FORM,
        company="芯片科技",
        contact_person="王芳",
        contact="wang@example.com",
        consent=True,
        now=T0,
    )
    assert case.requirement == IC_DESIGN
    assert case.status is CaseStatus.NEW and case.version == 1
    assert case.consent and case.consent_at == T0
    assert [(h.from_status, h.to_status, h.changed_by, h.changed_at) for h in case.history] == [
        (None, CaseStatus.NEW, "li", T0)
    ]
    assert case.snapshot is not None and case.snapshot_count == 1
    assert case.snapshot.data_version == workspace.lexicon.ranker.catalogue.version
    assert case.snapshot.matches == tuple(workspace.lexicon.ranker.rank(IC_DESIGN))
    assert not case.ranking_outdated
    assert case.created_at.tzinfo is not None and case.created_at == T0
    assert workspace.cases.get(case.id) == case


def test_unknown_cases_are_named(workspace: Workspace) -> None:
    with pytest.raises(CaseNotFoundError, match="case 404"):
        workspace.cases.get(404)
    with pytest.raises(CaseNotFoundError):
        workspace.shortlists.add(404, ["P01"], actor="li")


def test_status_moves_along_the_workflow_and_keeps_its_history(workspace: Workspace) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li", now=T0)
    steps = ["in_progress", "shortlisted", "sent", "closed"]
    for minutes, status in enumerate(steps, start=1):
        case = workspace.cases.set_status(
            case,
            status,
            actor="zhao",
            outcome="withdrawn" if status == "closed" else None,
            now=T0 + timedelta(minutes=minutes),
        )
    assert case.status is CaseStatus.CLOSED
    assert [(h.from_status, h.to_status) for h in case.history][1:] == [
        (CaseStatus.NEW, CaseStatus.IN_PROGRESS),
        (CaseStatus.IN_PROGRESS, CaseStatus.SHORTLISTED),
        (CaseStatus.SHORTLISTED, CaseStatus.SENT),
        (CaseStatus.SENT, CaseStatus.CLOSED),
    ]
    assert case.history[-1].changed_by == "zhao"
    assert case.history[-1].changed_at == T0 + timedelta(minutes=4)
    with pytest.raises(StatusChangeError, match="cannot go from closed to sent"):
        workspace.cases.set_status(case, "sent", actor="zhao")
    assert (
        workspace.cases.set_status(case, "in_progress", actor="zhao").status
        is CaseStatus.IN_PROGRESS
    )


def test_the_same_requirement_makes_no_new_ranking(workspace: Workspace) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li")
    assert workspace.cases.set_requirement(case, IC_DESIGN, actor="li").snapshot_count == 1


def test_a_data_change_is_shown_not_applied_silently(
    workspace: Workspace, catalogue: Catalogue
) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li")
    workspace.shortlists.add(case, ["P05"], actor="li")
    newer = Workspace(
        workspace.engine,
        ranker=Ranker(dataclasses.replace(catalogue, version="newdata00001")),
    )
    seen = newer.cases.get(case.id)
    assert seen.ranking_outdated and not seen.shortlist[0].changed  # nothing re-ranked yet
    refreshed = newer.cases.refresh_ranking(seen, actor="li")
    assert refreshed.snapshot_count == 2 and refreshed.snapshot.data_version == "newdata00001"  # type: ignore[union-attr]
    (entry,) = refreshed.shortlist
    assert entry.data_changed and entry.changed and entry.stored_data_version == catalogue.version
    # The same ranking on new data: nothing a reader would see changed, nothing to warn of.
    assert entry.change_text("en", catalogue.tuning.shown) == ""
    assert newer.cases.refresh_ranking(refreshed, actor="li").snapshot_count == 2


def test_assignment_refuses_unknown_staff(workspace: Workspace) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li")
    alice = workspace.staff.add("alice", "correct horse battery")
    case = workspace.cases.update(case, assigned_staff_id=alice.id, actor="li")
    assert case.assigned_to == "alice"
    with pytest.raises(StaffError):
        workspace.cases.update(case, assigned_staff_id=999, actor="li")


# ----------------------------------------------------------------------- optimistic locking


def test_two_editors_never_lose_an_update_silently(workspace: Workspace) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li", company="Old Co")
    mine, theirs = workspace.cases.get(case.id), workspace.cases.get(case.id)
    saved = workspace.cases.update(theirs, company="New Co", actor="zhao")
    assert saved.version == mine.version + 1
    with pytest.raises(StaleCaseError) as caught:
        workspace.cases.update(mine, contact_person="王芳", actor="li")
    error = caught.value
    assert error.changes == {"company": ("Old Co", "New Co")} and error.by == "zhao"
    assert "the company (“Old Co” → “New Co”)" in error.message.en and "reload" in error.message.en
    assert "企业名称（“Old Co” → “New Co”）" in error.message.zh
    after = workspace.cases.get(case.id)
    assert after.company == "New Co" and after.contact_person == "" and after.version == 2
    # a shortlist or status change by someone else is named too
    workspace.shortlists.add(after, ["P05"], actor="zhao")
    with pytest.raises(StaleCaseError, match="the shortlist"):
        workspace.cases.set_status(after, "in_progress", actor="li")


def test_a_write_racing_between_read_and_save_is_refused(workspace: Workspace) -> None:
    """The UPDATE itself names the version read: a commit slipping in between is caught."""
    case = workspace.cases.create(IC_DESIGN, actor="li", company="Old Co")
    other = Workspace(workspace.engine, ranker=workspace.lexicon.ranker)

    def edit(session: object, row: object) -> None:
        other.cases.update(case.id, company="Racer Co", actor="zhao")  # commits meanwhile
        row.company = "Mine Co"  # type: ignore[attr-defined]

    editor = CaseEditor(workspace.db, workspace.lexicon)  # what every case edit goes through
    with pytest.raises(StaleCaseError, match="Racer Co"):
        editor.edit(case.id, "li", datetime.now(UTC), edit)  # type: ignore[arg-type]
    assert workspace.cases.get(case.id).company == "Racer Co"


# ------------------------------------------------------------------ the investor's enquiry


def enquire(
    workspace: Workspace,
    requirement: Requirement = IC_DESIGN,
    contact: str = "13800138000",
    now: datetime = T0,
) -> tuple[int, bool]:
    case, created = workspace.cases.create_enquiry(
        requirement,
        company="芯片科技",
        contact_person="王芳",
        contact=contact,
        consent=True,
        now=now,
    )
    return case.id, created


def test_an_enquiry_sent_twice_is_one_case(workspace: Workspace) -> None:
    first, created = enquire(workspace)
    assert created
    again, created_again = enquire(workspace, now=T0 + timedelta(minutes=1))
    assert (again, created_again) == (first, False)
    assert workspace.inbox.page().total == 1
    case = workspace.cases.get(first)
    assert case.source is CaseSource.INVESTOR_FORM and case.created_by == "investor"


def test_the_same_enquiry_is_found_whatever_the_spelling_of_text_and_contact(
    workspace: Workspace,
) -> None:
    first, _ = enquire(workspace, contact="+86 138-0013-8000")
    spelt_otherwise = Requirement.from_cells(
        sector_text="  集成电路设计 ", min_area="3,000㎡", location="温泉"
    )
    assert enquire(workspace, spelt_otherwise, "13800138000", T0 + timedelta(hours=1)) == (
        first,
        False,
    )
    mail, _ = enquire(workspace, contact="Wang@Example.CN")
    assert enquire(workspace, contact=" wang@example.cn", now=T0 + timedelta(hours=2)) == (
        mail,
        False,
    )


def test_a_different_requirement_or_contact_is_a_new_case(workspace: Workspace) -> None:
    first, _ = enquire(workspace)
    other_need, created = enquire(workspace, ROBOTS)
    assert created and other_need != first
    other_person, created = enquire(workspace, contact="13900139000")
    assert created and other_person not in (first, other_need)
    bigger = IC_DESIGN.model_copy(update={"min_area_m2": 5000.0})
    assert enquire(workspace, bigger)[1]
    assert workspace.inbox.page().total == 4


def test_the_same_enquiry_a_day_later_is_a_new_case(workspace: Workspace) -> None:
    first, _ = enquire(workspace)
    later, created = enquire(workspace, now=T0 + timedelta(hours=24, minutes=1))
    assert created and later != first
    # within a day of the newest one, the newest one is given back
    assert enquire(workspace, now=T0 + timedelta(hours=25)) == (later, False)


def test_a_staff_case_is_not_an_enquiry_already_sent(workspace: Workspace) -> None:
    staff_case = workspace.cases.create(IC_DESIGN, actor="li", contact="13800138000", now=T0)
    case_id, created = enquire(workspace)
    assert created and case_id != staff_case.id
    assert workspace.cases.find_same_enquiry(IC_DESIGN, "", T0) is None


def test_an_enquiry_nobody_may_answer_is_refused(workspace: Workspace) -> None:
    for contact, consent in (("", True), ("13800138000", False), ("   ", True)):
        with pytest.raises(ValueError, match="phone or e-mail"):
            workspace.cases.create_enquiry(
                IC_DESIGN, company="", contact_person="", contact=contact, consent=consent
            )
    assert workspace.inbox.page().total == 0
