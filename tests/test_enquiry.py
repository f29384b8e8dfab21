"""The investor form's rules (matcher/enquiry.py) and the workspace pieces the app added:
the staff bootstrap and the shortlist's overall note."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from matcher.enquiry import (
    SUBMISSIONS_PER_WINDOW,
    UNADDRESSED_SUBMISSIONS_PER_WINDOW,
    WINDOW,
    enquiry_key,
    enquiry_problems,
    normalised_contact,
    reaches_team,
)
from matcher.free_text import FreeTextError
from matcher.models import Requirement
from matcher.workspace import (
    CaseView,
    StaffError,
    StaleCaseError,
    SubmissionLimitError,
    Workspace,
)

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


# --- limits kept in the database (issue 22): a reload, another browser or app process, or a
# burst of parallel submissions gets no more than the limit ---

ADDRESS, OTHER_ADDRESS = "203.0.113.9", "198.51.100.4"


def enquire(
    ws: Workspace,
    contact: str,
    client: str | None = ADDRESS,
    now: datetime = NOW,
    sector: str = "集成电路",
    company: str = "",
) -> tuple[CaseView, bool]:
    return ws.cases.create_enquiry(
        Requirement(sector_text=sector),
        company=company,
        contact_person="",
        contact=contact,
        consent=True,
        client=client,
        now=now,
    )


def cases_kept(ws: Workspace) -> int:
    return ws.inbox.page().total


def test_at_most_five_enquiries_per_address_in_ten_minutes(workspace: Workspace) -> None:
    for n in range(SUBMISSIONS_PER_WINDOW):
        enquire(workspace, f"lead{n}@example.cn")
    with pytest.raises(SubmissionLimitError, match="at most 5 in 10 minutes") as refused:
        enquire(workspace, "lead-new@example.cn", now=NOW + timedelta(minutes=3))
    assert refused.value.until == NOW + WINDOW
    assert cases_kept(workspace) == SUBMISSIONS_PER_WINDOW  # nothing stored
    # Another address is not held back; ten minutes on, this one may send again.
    enquire(workspace, "lead-new@example.cn", client=OTHER_ADDRESS)
    enquire(workspace, "lead-later@example.cn", now=NOW + WINDOW)


def test_at_most_five_per_contact_whatever_the_address(workspace: Workspace) -> None:
    for n in range(SUBMISSIONS_PER_WINDOW):  # sent again counts too: it reached the team
        enquire(workspace, "+86 138-0013-8000", client=f"198.51.100.{n}")
    with pytest.raises(SubmissionLimitError):
        enquire(workspace, "13800138000", client=OTHER_ADDRESS, sector="机器人")
    assert cases_kept(workspace) == 1  # the same enquiry each time: one case


def test_a_burst_of_parallel_enquiries_from_one_address_stores_five(
    workspace: Workspace,
) -> None:
    """Twenty submissions at the same moment (a script, or many tabs): the count is taken in
    one statement per submission, so no two read the same count and both pass."""
    ready = threading.Barrier(20)

    def submit(n: int) -> str:
        ready.wait()
        try:
            enquire(workspace, f"flood{n}@example.cn", sector=f"集成电路 {n}")
        except SubmissionLimitError:
            return "refused"
        return "stored"

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(submit, range(20)))
    assert outcomes.count("stored") == SUBMISSIONS_PER_WINDOW
    assert cases_kept(workspace) == SUBMISSIONS_PER_WINDOW


def test_visitors_without_an_address_share_a_larger_allowance(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matcher.workspace.cases

    assert UNADDRESSED_SUBMISSIONS_PER_WINDOW > SUBMISSIONS_PER_WINDOW
    monkeypatch.setattr(matcher.workspace.cases, "UNADDRESSED_SUBMISSIONS_PER_WINDOW", 7)
    for n in range(7):
        enquire(workspace, f"local{n}@example.cn", client=None)
    with pytest.raises(SubmissionLimitError, match="arriving right now"):
        enquire(workspace, "local-new@example.cn", client=None)
    enquire(workspace, "local-new@example.cn", client=ADDRESS)


def test_an_oversized_or_hidden_text_is_refused_before_anything_is_stored_or_counted(
    workspace: Workspace,
) -> None:
    # The 8-million-character sector text, and a company name longer than the
    # column (PostgreSQL refused it with a raw DataError; SQLite kept it).
    with pytest.raises(FreeTextError, match="Sector: at most 2,000 characters"):
        enquire(workspace, "big@example.cn", sector="集成电路" * 2_000_000)
    with pytest.raises(FreeTextError, match="Company: at most 200 characters"):
        enquire(workspace, "big@example.cn", company="芯" * 300)
    with pytest.raises(FreeTextError, match=r"\\x1b"):
        enquire(workspace, "big@example.cn", company="\x1b]0;owned\x07芯片")
    assert cases_kept(workspace) == 0
    for n in range(SUBMISSIONS_PER_WINDOW):  # the refusals used none of the allowance
        enquire(workspace, "big@example.cn", sector=f"集成电路 {n}")


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
