"""The investor form's rules (matcher/enquiry.py) and the workspace pieces the app added:
the staff bootstrap and the shortlist's overall note."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from matcher.enquiry import (
    SUBMISSIONS_PER_WINDOW,
    WINDOW,
    enquiry_key,
    enquiry_problems,
    next_submission_at,
    normalised_contact,
    reaches_team,
    recent_submissions,
)
from matcher.models import Requirement
from matcher.workspace import StaffError, StaleCaseError, Workspace

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_an_enquiry_without_contact_details_needs_nothing_else() -> None:
    assert enquiry_problems("", "", "", consent=False) == []
    assert enquiry_problems("芯片科技", "", "", consent=False) == []


@pytest.mark.parametrize("contact", ["13800138000", "+86 10 6275-1234", "a.b@example.cn"])
def test_contact_details_with_consent_are_accepted(contact: str) -> None:
    assert enquiry_problems("芯片科技", "王芳", contact, consent=True) == []


def test_only_a_contact_with_consent_reaches_the_team() -> None:
    assert reaches_team("13800138000", consent=True)
    assert not reaches_team("13800138000", consent=False)
    assert not reaches_team("", consent=True)
    assert not reaches_team("   ", consent=True)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("+86 138-0013-8000", "13800138000"),
        ("0086 13800138000", "(138) 0013 8000"),
        ("Wang@Example.CN ", "wang@example.cn"),
        ("１３８００１３８０００", "13800138000"),
    ],
)
def test_one_phone_or_address_is_one_contact_however_written(one: str, other: str) -> None:
    assert normalised_contact(one) == normalised_contact(other)


def test_different_contacts_stay_different() -> None:
    assert normalised_contact("13800138000") != normalised_contact("13900139000")
    assert normalised_contact("wang@example.cn") != normalised_contact("li@example.cn")


def test_a_requirement_is_the_same_enquiry_however_its_text_is_spaced_or_cased() -> None:
    one = Requirement.from_cells(sector_text="IC  Design", location="Wenquan", min_area="3000")
    other = Requirement.from_cells(sector_text="ic design", location=" wenquan", min_area="3,000")
    assert enquiry_key(one) == enquiry_key(other)
    assert enquiry_key(one) != enquiry_key(one.model_copy(update={"min_area_m2": 4000.0}))


def test_contact_details_need_consent_and_a_usable_contact() -> None:
    assert enquiry_problems("", "王芳", "", consent=False) == ["enquiry_need_consent"]
    assert enquiry_problems("", "王芳", "call me", consent=True) == ["enquiry_bad_contact"]
    assert enquiry_problems("x" * 201, "", "", consent=False) == ["enquiry_too_long"]


def test_at_most_five_submissions_in_ten_minutes() -> None:
    times = [NOW + timedelta(minutes=i) for i in range(SUBMISSIONS_PER_WINDOW - 1)]
    assert next_submission_at(times, NOW + timedelta(minutes=5)) is None
    times.append(NOW + timedelta(minutes=4))
    assert next_submission_at(times, NOW + timedelta(minutes=5)) == NOW + WINDOW
    # Ten minutes after the first, one more is allowed again.
    assert next_submission_at(times, NOW + WINDOW) is None
    assert recent_submissions(times, NOW + WINDOW) == times[1:]


def test_bootstrap_adds_the_staff_member_once(workspace: Workspace) -> None:
    added = workspace.staff.bootstrap("boot:long-enough-pass")
    assert added is not None and added.username == "boot"
    assert workspace.staff.bootstrap("boot:another-password") is None  # kept, not replaced
    assert workspace.staff.authenticate("boot", "long-enough-pass", NOW) is not None
    with pytest.raises(StaffError):
        workspace.staff.bootstrap("no-colon")


def test_the_overall_notes_are_kept_guarded_and_only_the_investors_exported(
    workspace: Workspace,
) -> None:
    case = workspace.cases.create(
        Requirement(sector_text="集成电路"), actor="li", company="芯片科技"
    )
    case = workspace.shortlists.add(case, ["P05"], actor="li")
    saved = workspace.cases.update(case, actor="li", shortlist_note="先看 P05")
    assert workspace.cases.get(case.id).shortlist_note == "先看 P05"
    with pytest.raises(StaleCaseError, match="the shortlist note"):
        workspace.cases.update(case, actor="wang", shortlist_note="mine")  # an old view
    saved = workspace.cases.update(saved, actor="li", investor_note="请先看 P05")
    data, _ = workspace.shortlists.export(saved.id, "xlsx", "zh", actor="li")
    book = load_workbook(io.BytesIO(data))
    cells = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    # The note for the investor goes out; the internal one stays in the workspace.
    assert "请先看 P05" in cells and "先看 P05" not in cells
