"""The app by role (AppTest): a park operator gets no case page and is refused at every staff
page's door; staff see the Park list page's diff but cannot publish; an administrator
publishes, and the app ranks on the new list at once. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from matcher.catalogue import default_catalogue
from matcher.models import Requirement
from matcher.park_lists import read_park_list
from matcher.scoring import ranker_for
from matcher.workspace import Staff, Workspace, utcnow
from matcher.workspace.roles import Role
from tests.conftest import ROOT
from tests.park_list_fixtures import ADDED, REMOVED, crafted_list

APP = str(ROOT / "streamlit_app.py")
PASSWORD = "correct-horse-battery"
CASE_PAGES = ("inbox", "case", "compare", "batch", "lexicon")


@pytest.fixture
def ws(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Workspace]:
    """The app's database for this test (the app opens $MATCHER_DB_URL), and a hand on it."""
    monkeypatch.setenv("MATCHER_DB_URL", db_url)
    workspace = Workspace.open(db_url, ranker=ranker_for())
    yield workspace
    workspace.engine.dispose()


def signed_in(ws: Workspace, role: Role, park: str | None = None, page: str = APP) -> AppTest:
    account = ws.staff.add(f"t{uuid.uuid4().hex[:10]}", PASSWORD, role=role, park_id=park)
    at = AppTest.from_file(page, default_timeout=60)
    at.session_state["lang"] = "en"
    at.session_state["staff_token"] = ws.staff.start_session(account, utcnow())
    at.run()
    assert not at.exception, at.exception
    return at


def as_read(markdown: str) -> str:
    """Markdown as a reader sees it: escapes resolved, invisible word joiners gone."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def account_of(at: AppTest, ws: Workspace) -> Staff:
    found = ws.staff.signed_in(at.session_state["staff_token"], utcnow())
    assert found is not None
    return found


def test_a_park_operator_gets_no_case_page(ws: Workspace) -> None:
    at = signed_in(ws, Role.OPERATOR, "P07")
    for page in (*CASE_PAGES, "catalogue"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"app_pages/{page}.py")
    assert any("park operator P07" in c.value for c in at.sidebar.caption)
    at.switch_page("app_pages/parks.py")
    at.run()
    assert not at.exception and at.title[0].value == "Parks"


@pytest.mark.parametrize("page", [*CASE_PAGES, "catalogue"])
def test_every_staff_page_refuses_a_park_operator_at_its_door(ws: Workspace, page: str) -> None:
    # The second lock: the page run directly (as if navigation had let it through).
    at = signed_in(ws, Role.OPERATOR, "P07", page=str(ROOT / "app_pages" / f"{page}.py"))
    assert not at.title
    (warning,) = at.warning
    assert "(park operator) may not" in warning.value and "nothing was done" in warning.value


def test_staff_see_the_diff_but_only_an_administrator_publishes(
    ws: Workspace, tmp_path: Path
) -> None:
    staff = signed_in(ws, Role.STAFF)
    me = account_of(staff, ws)
    ws.park_lists.import_list(read_park_list(crafted_list(tmp_path), default_catalogue()), by=me)
    staff.switch_page("app_pages/catalogue.py")
    staff.run()
    assert not staff.exception and staff.title[0].value == "Park list"
    changes = "\n".join(as_read(m.value) for m in staff.markdown)
    assert f"Added: {ADDED}" in changes and f"Removed: {REMOVED}" in changes
    publish = staff.button(key="park_list_publish")
    assert publish.disabled
    assert "Only an administrator can publish a park list." in [c.value for c in staff.caption]

    admin = signed_in(ws, Role.ADMIN)
    admin.switch_page("app_pages/catalogue.py")
    admin.run()
    assert not admin.button(key="park_list_publish").disabled
    admin.button(key="park_list_publish").click()
    admin.run()
    assert not admin.exception
    assert admin.success[0].value.startswith("Published: Park list of ")
    assert ws.park_lists.current().number == 2
    # The sidebar names the list in use, and the app ranks on it.
    assert any(c.value.startswith("Park data: Park list of ") for c in admin.sidebar.caption)
    assert ADDED in {p.park_id for p in ws.lexicon.ranker.catalogue.parks}


def test_staff_still_work_on_cases(ws: Workspace) -> None:
    at = signed_in(ws, Role.STAFF)
    at.switch_page("app_pages/inbox.py")
    at.run()
    assert not at.exception and at.title[0].value == "Inbox"


def test_a_park_operator_signing_in_lands_on_the_parks_page(ws: Workspace) -> None:
    name = f"o{uuid.uuid4().hex[:10]}"
    ws.staff.add(name, PASSWORD, role=Role.OPERATOR, park_id="P07")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "en"
    at.query_params["next"] = "inbox"  # a case link sent to them: not theirs to open
    at.run()
    at.switch_page("app_pages/signin.py")
    at.run()
    at.text_input(key="signin_username").input(name)
    at.text_input(key="signin_password").input(PASSWORD)
    at.button[0].click()
    at.run()
    assert not at.exception and at.title[0].value == "Parks"


def test_a_case_whose_shortlisted_park_the_new_list_removed_still_opens(
    ws: Workspace, tmp_path: Path
) -> None:
    case = ws.cases.create(Requirement.from_cells(sector_text="量子"), actor="sam")
    ws.shortlists.add(case, [REMOVED], actor="sam")
    admin = signed_in(ws, Role.ADMIN)
    new_list = read_park_list(crafted_list(tmp_path), default_catalogue())
    ws.park_lists.import_list(new_list, by=account_of(admin, ws))
    ws.park_lists.publish(by=account_of(admin, ws))
    admin.query_params["case"] = str(case.id)
    admin.switch_page("app_pages/case.py")
    admin.run()
    assert not admin.exception, admin.exception
    # Its top three changed with the new list, which re-ranked it (published in this test's
    # process a moment ago: the app's own process catches up rather than failing).
    assert any(c.value.startswith("Ranked on: Park list of ") for c in admin.caption)


def test_the_inbox_shows_the_notice_a_published_list_left_an_open_case(
    ws: Workspace, tmp_path: Path
) -> None:
    case = ws.cases.create(Requirement.from_cells(sector_text="量子"), actor="sam")
    admin = signed_in(ws, Role.ADMIN)
    new_list = read_park_list(crafted_list(tmp_path), default_catalogue())
    ws.park_lists.import_list(new_list, by=account_of(admin, ws))
    ws.park_lists.publish(by=account_of(admin, ws))
    (notice,) = ws.inbox.notices()
    assert notice.case_id == case.id and notice.park_list == 2
    admin.switch_page("app_pages/inbox.py")
    admin.run()
    assert not admin.exception, admin.exception
    said = [t.value for t in admin.text if "was published: top three now" in t.value]
    assert said == [ws.inbox.notice_words(notice).en]
    assert ", ".join(notice.top) in said[0]
