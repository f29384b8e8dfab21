"""The app when its database fails (AppTest, in each language): the public pages keep working
on the curated data, an enquiry that could not be stored says so, staff pages say the
database cannot be used, and a wrong MATCHER_BOOTSTRAP_STAFF takes no page down. Each fault is
real: a database nothing listens on, and SQLite's own "database or disk is full"."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.pool import Pool
from streamlit.testing.v1 import AppTest

from matcher.i18n import Lang, label
from matcher.workspace import Database
from tests.conftest import ROOT
from tests.test_app import fill

APP = str(ROOT / "streamlit_app.py")
# Nothing listens on port 1: every connection is refused at once.
UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"


def started(lang: Lang) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    shown = [*at.error, *at.warning, *at.success, *at.info, *at.markdown, *at.caption]
    return "\n".join(str(e.value) for e in shown)


@pytest.fixture
def no_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHER_DB_URL", UNREACHABLE)


@pytest.mark.parametrize("lang", ("zh", "en"))
def test_without_a_database_the_parks_and_the_investors_ranking_still_work(
    lang: Lang, no_database: None
) -> None:
    at = started(lang)
    fill(at, "集成电路设计", "3000", "温泉", "某公司", "王芳", consent=True, contact="a@b.cn")
    assert not at.exception
    assert label("enquiry_not_saved", lang) in [e.value for e in at.error]
    assert label("enquiry_saved", lang, case=1)[:4] not in texts(at)
    at.switch_page("app_pages/parks.py")
    at.run()
    assert not at.exception
    assert at.dataframe, "the catalogue is shown"


@pytest.mark.parametrize("lang", ("zh", "en"))
def test_without_a_database_sign_in_says_so(lang: Lang, no_database: None) -> None:
    at = started(lang)
    at.switch_page("app_pages/signin.py")
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [label("database_unavailable", lang)]


@pytest.mark.parametrize("lang", ("zh", "en"))
def test_a_wrong_bootstrap_account_takes_no_page_down(
    lang: Lang, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MATCHER_DB_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("MATCHER_BOOTSTRAP_STAFF", "no-colon-here")
    at = started(lang)
    assert at.title[0].value == label("app_title", lang)
    at.switch_page("app_pages/signin.py")
    at.run()
    assert not at.exception
    said = label("bootstrap_not_created", lang, reason="")
    assert any(w.value.startswith(said) for w in at.warning)
    assert at.text_input(key="signin_username") is not None


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Every SQLite connection, when taken from its pool, may not grow the database by a page:
    SQLite's own SQLITE_FULL, as on a full disk, once the schema exists."""
    url = f"sqlite:///{tmp_path / 'full.db'}"
    monkeypatch.setenv("MATCHER_DB_URL", url)
    Database.open(url).engine.dispose()  # the app was started before the disk filled
    # Migrations that rebuild a table leave free pages, which new rows would reuse without
    # growing the file: give them back, so the next row needs a page the disk has not got.
    connection = sqlite3.connect(tmp_path / "full.db")
    connection.execute("VACUUM")
    connection.close()

    def no_room(connection: object, _record: object, _proxy: object) -> None:
        cursor = connection.cursor()  # type: ignore[attr-defined]
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    event.listen(Pool, "checkout", no_room)
    try:
        yield
    finally:
        event.remove(Pool, "checkout", no_room)


@pytest.mark.parametrize("lang", ("zh", "en"))
def test_an_enquiry_lost_to_a_full_disk_is_said_lost(lang: Lang, full_disk: None) -> None:
    at = started(lang)
    company = "满盘公司" * 30  # rows that need new pages
    fill(at, "集成电路设计" * 50, "3000", "温泉", company[:200], "王芳", True, "full@b.cn")
    assert not at.exception
    assert label("enquiry_not_saved", lang) in [e.value for e in at.error]
