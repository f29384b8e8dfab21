"""The space available per park in the app (AppTest): the Parks page shows each park's current
figure, its date and source; staff confirm it in one click or record a new one; the Inbox
lists the cases it re-ranked. Each test has a database of its own: availability recorded
here would change every other test's rankings."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from matcher.models import Requirement
from matcher.scoring import ranker_for
from matcher.workspace import Workspace, utcnow
from tests.conftest import ROOT

APP = str(ROOT / "streamlit_app.py")


@pytest.fixture
def own_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    monkeypatch.setenv("MATCHER_DB_URL", f"sqlite:///{tmp_path / 'availability.db'}")
    ws = Workspace.open(ranker=ranker_for())
    yield ws
    ws.engine.dispose()


def parks_page(ws: Workspace, *, staff: bool = False, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    if staff:
        member = ws.staff.add(f"t{uuid.uuid4().hex[:10]}", "correct-horse-battery")
        at.session_state["staff_token"] = ws.staff.start_session(member, utcnow())
    at.run()
    at.switch_page("app_pages/parks.py")
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_parks_page_shows_the_current_figure_its_date_and_source(own_db: Workspace) -> None:
    own_db.availability.record(
        "P07",
        area_m2=8000,
        available_from=date(2027, 3, 1),
        status="available",
        source="phone",
        actor="li",
    )
    at = parks_page(own_db)
    shown = at.dataframe[0].value.set_index("Park ID")
    assert shown.loc["P07", "Space available"] == "8,000 m² free from 1 March 2027 (available)"
    assert shown.loc["P07", "Source of the figure"] == "phone call"
    assert str(shown.loc["P07", "Recorded or checked on"]).endswith(str(utcnow().year))
    assert str(shown.loc["P01", "Space available"]).startswith("Not recorded")
    assert not [b for b in at.button if b.key == "availability_confirm"]  # staff only


def test_staff_confirm_a_figure_in_one_click_and_the_inbox_lists_re_ranked_cases(
    own_db: Workspace,
) -> None:
    case = own_db.cases.create(
        Requirement.from_cells(sector_text="集成电路设计", min_area="5000", location="温泉"),
        actor="li",
        company="Xinhe",
    )
    own_db.availability.record("P01", area_m2=0, status="full", source="phone", actor="li")
    # In Chinese: AppTest words the park list's options outside the session, in Chinese.
    at = parks_page(own_db, staff=True, lang="zh")
    at.session_state["availability_park"] = "P01"
    at.run()
    at.button(key="availability_confirm").click()
    at.run()
    assert not at.exception
    assert [e.kind for e in own_db.availability.history("P01")] == ["check", "record"]

    # A new figure from the form, its source chosen (none is guessed).
    at.session_state["availability_park"] = "P07"
    at.run()
    at.number_input(key="availability_area").set_value(6000)
    at.button(key="availability_save").click()
    at.run()
    assert "请选择数据来源" in [e.value for e in at.error]
    assert "P07" not in own_db.availability.current()
    assert at.number_input(key="availability_area").value == 6000  # kept, not lost
    at.selectbox(key="availability_source").set_value("site_visit")
    at.button(key="availability_save").click()
    at.run()
    assert not at.exception
    recorded = own_db.availability.current()["P07"]
    assert (recorded.area_m2, recorded.source.value, recorded.available_from) == (
        6000,
        "site_visit",
        None,
    )
    assert at.number_input(key="availability_area").value is None  # ready for the next park

    at.switch_page("app_pages/inbox.py")
    at.run()
    assert not at.exception
    assert "P01 中关村综保区(一期)现已满" in [t.value for t in at.text]
    notices = own_db.inbox.notices()
    assert [n.case_id for n in notices] == [case.id]
    at.button(key=f"notice_done_{notices[0].id}").click()
    at.run()
    assert own_db.inbox.notices() == []


# --- The date the investor needs the space by, asked in the requirement form ---


def investor_page(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def submit_requirement(at: AppTest, *, min_area: str, needed_by: str) -> None:
    at.text_input(key="sector_text").input("新一代信息技术")
    at.text_input(key="min_area").input(min_area)
    at.text_input(key="location").input("东升")
    at.text_input(key="needed_by").input(needed_by)
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception


def every_card(at: AppTest) -> list[str]:
    """The reason cards of every park (the first five, then the rest when shown)."""
    more = [t for t in at.toggle if t.label == "Show all parks"]
    if more:
        more[0].set_value(True)
        at.run()
    return [e.value for e in at.text if e.value.startswith("•")]


def test_an_investor_needing_space_before_a_park_frees_it_is_told_from_when(
    own_db: Workspace,
) -> None:
    # A start always ahead of today, and a month needed before it.
    start = date(utcnow().year + 1, 3, 1)
    own_db.availability.record(
        "P07",
        area_m2=8000,
        available_from=start,
        status="available",
        source="phone",
        actor="li",
    )
    at = investor_page()
    submit_requirement(at, min_area="5000", needed_by=f"{start.year}-01")
    p07 = [c for c in every_card(at) if "8,000 m²" in c]
    assert p07, every_card(at)  # its card, and the detail view when it ranks first
    assert f"Available only from 1 March {start.year}" in p07[0]
    assert f"later than the 1 January {start.year} needed" in p07[0]
    assert "(phone call" in p07[0]


def test_a_month_after_the_park_frees_its_space_is_in_time(own_db: Workspace) -> None:
    start = date(utcnow().year + 1, 3, 1)
    own_db.availability.record(
        "P07",
        area_m2=8000,
        available_from=start,
        status="available",
        source="phone",
        actor="li",
    )
    at = investor_page()
    submit_requirement(at, min_area="5000", needed_by=f"{start.year}-06")
    p07 = [c for c in every_card(at) if "8,000 m²" in c]
    assert p07
    assert "Available in time" in p07[0]
    assert f"free from 1 March {start.year}, before the 1 June {start.year} needed" in p07[0]


def test_the_date_needed_survives_a_refused_submit(own_db: Workspace) -> None:
    at = investor_page()
    submit_requirement(at, min_area="20亩", needed_by="2027-03")  # land, not floor area
    assert len(at.error) == 1 and at.error[0].value.startswith("Minimum floor area")
    assert at.text_input(key="needed_by").value == "2027-03"
    assert not at.dataframe


def test_a_date_that_cannot_be_read_is_one_message_naming_the_field(own_db: Workspace) -> None:
    at = investor_page(lang="zh")
    submit_requirement(at, min_area="5000", needed_by="明年春天")
    # One message, naming the field and quoting the text (markdown-escaped on the page).
    assert len(at.error) == 1
    shown = at.error[0].value
    assert shown.startswith("需要入驻日期") and "“明年春天”不是日期" in shown
    assert at.text_input(key="needed_by").value == "明年春天"
    assert at.text_input(key="min_area").value == "5000"
    assert not at.dataframe


def test_a_case_edit_refused_by_anothers_save_keeps_the_date_typed(own_db: Workspace) -> None:
    case = own_db.cases.create(
        Requirement.from_cells(sector_text="集成电路", min_area="5000"), actor="li", company="Xinhe"
    )
    assert case.snapshot is not None
    # In Chinese: AppTest words the page's select options outside the session, in Chinese.
    at = investor_page(lang="zh")
    member = own_db.staff.add(f"t{uuid.uuid4().hex[:10]}", "correct-horse-battery")
    at.session_state["staff_token"] = own_db.staff.start_session(member, utcnow())
    at.run()
    at.query_params["case"] = str(case.id)
    at.switch_page("app_pages/case.py")
    at.run()
    assert not at.exception, at.exception
    theirs = Requirement.from_cells(sector_text="人工智能", min_area="2000")
    own_db.cases.set_requirement(case, theirs, actor="other")  # saved first
    at.text_input(key=f"case{case.id}_s{case.snapshot.id}_needed_by").input("2027-09")
    save = next(b for b in at.button if b.label == "保存需求并重新排名")
    save.click()
    at.run()
    assert not at.exception and at.error  # refused: someone else saved first
    stored = own_db.cases.get(case.id)
    assert stored.requirement.needed_by is None and stored.snapshot is not None
    # The form, under the new snapshot's keys, holds this person's date, read as its day.
    kept = at.text_input(key=f"case{case.id}_s{stored.snapshot.id}_needed_by")
    assert kept.value == "2027-09-01"
    next(b for b in at.button if b.label == "保存需求并重新排名").click()
    at.run()
    assert own_db.cases.get(case.id).requirement.needed_by == date(2027, 9, 1)
