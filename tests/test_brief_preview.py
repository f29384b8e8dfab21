"""The brief's preview before download (app_pages/brief_preview.py), driven with AppTest: it
shows the brief's pages in a dialog with the download, and records no
export until the file is downloaded."""

from __future__ import annotations

import uuid

from streamlit.testing.v1 import AppTest

from matcher.models import Requirement
from matcher.scoring import ranker_for
from matcher.workspace import Workspace, utcnow


def _page(case_id: int) -> None:
    from app_pages.brief_preview import show_brief_preview
    from app_pages.common import workspace

    show_brief_preview(workspace().cases.get(case_id), "tester")


def _signed_in(ws: Workspace, at: AppTest) -> AppTest:
    """The component as a signed-in staff member runs it (the case's parts refuse others)."""
    staff = ws.staff.add(f"t{uuid.uuid4().hex[:10]}", "correct-horse-battery")
    at.session_state["staff_token"] = ws.staff.start_session(staff, utcnow())
    return at


def _case(ws: Workspace, park_ids: list[str]) -> int:
    case = ws.cases.create(Requirement.from_cells(sector_text="集成电路设计"), actor="li")
    if park_ids:
        case = ws.shortlists.add(case, park_ids, actor="li", note="ask Zhao before sending")
    return case.id


def test_the_preview_shows_the_pages_and_the_download_and_records_nothing() -> None:
    ws = Workspace.open(ranker=ranker_for())  # the tests' database ($MATCHER_DB_URL)
    case_id = _case(ws, ["P05", "P01"])
    at = _signed_in(ws, AppTest.from_function(_page, args=(case_id,), default_timeout=60))
    at.run()
    assert not at.exception
    at.button(key=f"case_{case_id}_brief_preview").click()
    at.run()
    assert not at.exception
    images = at.get("image")
    assert len(images) >= 1  # the brief's pages
    downloads = at.get("download_button")
    assert [d.proto.label for d in downloads] == ["下载此 PDF 简报"]
    assert ws.cases.get(case_id).exports == ()  # previewed, not exported


def test_nothing_is_offered_without_a_shortlist() -> None:
    ws = Workspace.open(ranker=ranker_for())
    at = _signed_in(ws, AppTest.from_function(_page, args=(_case(ws, []),), default_timeout=60))
    at.run()
    assert not at.exception and not at.button and not at.caption
