"""The investor's submission walked as users walked it (issue 17), in a real browser: Debian's
chromium driven by Playwright against `streamlit run` (tests/e2e_fixtures.py).

What users met, and what each walk now checks:
- an English phone opened in Chinese, the language switch hidden in the collapsed sidebar:
  an en-US browser at 390 px opens in English and sees 中文 | English at the top;
- a submission without contact was promised a follow-up and became a case: the ranking
  shows, no case is made, and the page says nothing was sent and how to be contacted;
- every try became a case: the same submission twice with contact and consent is one case;
- an empty submit changed nothing visible: a message under the button says what to fill;
- an unrecognised sector echoed the whole sentence, area included: only its own words are
  quoted, the area is not, and sectors that work are suggested.

Each state is also pictured at 1280 and 390 px in both languages, beside the screenshot
test's pictures (tests/test_screens.py: shot_dir), named walk-<state>-<lang>-<width>.png.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest

from matcher.i18n import Lang, label
from matcher.reasons import sector_examples
from matcher.scoring import Ranker
from matcher.workspace import Workspace
from tests.e2e_fixtures import CHROMIUM, FLAGS, RUN_COUNTER, app_run, settle
from tests.test_screens import HEIGHT, WIDTHS, check, shoot, sidebar_open

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

LOCALES: dict[Lang, str] = {"zh": "zh-CN", "en": "en-US"}
# What each language's investor types: a sector the matcher knows, and one it cannot place
# written with an area (and a place) in the same sentence.
KNOWN: dict[Lang, str] = {"zh": "集成电路设计", "en": "IC design"}
UNKNOWN: dict[Lang, tuple[str, str, str]] = {
    # (the sentence, its sector words as quoted, its area: said by the area's reason alone)
    "zh": ("做宠物食品，需要5000平米", "“宠物食品”", "5000"),
    "en": ("We make pet food, 3000 sqm near Wudaokou", "“pet food”", "3000"),
}


def cases_of(db_url: str, ranker: Ranker, company: str) -> list[int]:
    """The ids of the cases the server's database holds for `company`."""
    ws = Workspace.open(db_url, ranker=ranker)
    try:
        return [row.id for row in ws.inbox.page(search=company).rows]
    finally:
        ws.engine.dispose()


def open_app(browser: Browser, server: str, lang: Lang, width: int) -> Page:
    context = browser.new_context(locale=LOCALES[lang], viewport={"width": width, "height": HEIGHT})
    page = context.new_page()
    page.add_init_script(RUN_COUNTER)
    page.goto(server, wait_until="networkidle")
    page.get_by_role("heading", name=label("app_title", lang)).wait_for(timeout=60_000)
    settle(page)
    return page


def switch(page: Page) -> Locator:
    """The language switch at the top of the main area."""
    return page.locator('[data-testid="stMain"] .st-key-language_switch')


def chosen(page: Page) -> str:
    """The language the top switch shows as chosen (its active button's words)."""
    return switch(page).locator('[role="radio"][aria-checked="true"]').inner_text().strip()


def picture(page: Page, state: str, lang: Lang) -> list[str]:
    """The state at each width, checked as the screenshot test checks every page."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        settle(page)
        name = f"walk-{state}-{lang}-{width}"
        problems += check(page, name, lang, width, label("app_title", lang))
        shoot(page, name)
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    settle(page)
    return problems


def fill(page: Page, lang: Lang, sector: str, company: str = "", contact: str = "") -> None:
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("textbox", name=label("sector_text", lang)).fill(sector)
    main.get_by_role("textbox", name=label("company", lang)).fill(company)
    main.get_by_role("textbox", name=label("contact", lang)).fill(contact)


def submit(page: Page, lang: Lang) -> None:
    with app_run(page):
        page.get_by_role("button", name=label("submit", lang)).click()


def text_of(page: Page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


# --- the language ---


def test_an_english_phone_opens_in_english_with_the_switch_in_sight(server: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = open_app(browser, server, "en", 390)
            # the sidebar, and its radio, are folded away on a phone ...
            assert page.locator('[data-testid="stExpandSidebarButton"]').is_visible()
            # ... and the switch is in sight, each language named in its own words
            assert switch(page).is_visible()
            assert switch(page).get_by_role("radio", name="中文").is_visible()
            assert chosen(page) == "English"
            assert label("investor_intro", "en") in text_of(page)
            with app_run(page):
                switch(page).get_by_role("radio", name="中文").click()
            page.get_by_role("heading", name=label("app_title", "zh")).wait_for()
            assert chosen(page) == "中文"
            # the sidebar's radio says the same, and the choice outlives a page switch
            sidebar_open(page)
            sidebar = page.locator('[data-testid="stSidebar"]')
            assert sidebar.get_by_role("radio", name="中文", exact=True).is_checked()
            with app_run(page):
                sidebar.get_by_role("link", name=label("page_parks", "zh")).click()
            page.get_by_role("heading", name=label("page_parks", "zh")).wait_for()
            assert chosen(page) == "中文"
            with app_run(page):
                sidebar.get_by_text("English", exact=True).click()
            page.get_by_role("heading", name=label("page_parks", "en")).wait_for()
            assert chosen(page) == "English"
        finally:
            browser.close()


def test_a_chinese_browser_opens_in_chinese(server: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = open_app(browser, server, "zh", 1280)
            assert chosen(page) == "中文"
            assert label("investor_intro", "zh") in text_of(page)
        finally:
            browser.close()


# --- the submission, in each language ---


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_investors_submissions_walked(
    server: str, server_db_url: str, ranker: Ranker, lang: Lang
) -> None:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = open_app(browser, server, lang, 1280)
            problems += picture(page, "open", lang)

            # An empty submit: a message under the button says what to fill.
            submit(page, lang)
            button = page.get_by_role("button", name=label("submit", lang))
            said = page.locator('[data-testid="stForm"] [data-testid="stAlert"]')
            said.wait_for()
            examples = sector_examples(ranker.catalogue.parks, ranker.taxonomy.sectors)
            assert examples.in_(lang) in said.inner_text()
            assert label("min_area", lang).casefold() in said.inner_text().casefold()
            under, at = said.bounding_box(), button.bounding_box()
            assert under is not None and at is not None
            assert 0 <= under["y"] - (at["y"] + at["height"]) < 100  # right under the button
            assert page.locator('[data-testid="stToast"]').first.is_visible()
            problems += picture(page, "empty", lang)

            # No contact: the ranking, no case, and what to do to be contacted.
            company = f"Walk {lang} {uuid.uuid4().hex[:8]}"
            fill(page, lang, KNOWN[lang], company)
            submit(page, lang)
            page.get_by_role("button", name=label("download_ranking", lang)).wait_for()
            assert label("enquiry_not_sent", lang) in text_of(page)
            assert label("enquiry_saved", lang).split("{case}")[0] not in text_of(page)
            assert cases_of(server_db_url, ranker, company) == []
            problems += picture(page, "not-sent", lang)

            # With contact and consent, twice the same: one case, given back the second time.
            mail = f"{uuid.uuid4().hex[:10]}@example.cn"
            fill(page, lang, KNOWN[lang], company, mail)
            page.get_by_text(label("consent", lang)).click()
            submit(page, lang)
            [case_id] = cases_of(server_db_url, ranker, company)
            page.get_by_text(label("enquiry_saved", lang).format(case=case_id)).wait_for()
            submit(page, lang)
            page.get_by_text(label("enquiry_already_sent", lang).format(case=case_id)).wait_for()
            assert cases_of(server_db_url, ranker, company) == [case_id]
            problems += picture(page, "already-sent", lang)

            # An unrecognised sector written with an area: its words alone, and advice.
            sentence, quoted, area = UNKNOWN[lang]
            fill(page, lang, sentence)
            page.get_by_text(label("consent", lang)).click()  # consent off: nothing sent
            submit(page, lang)
            warning = page.locator('[data-testid="stAlert"]').filter(
                has_text=label("no_sector_fit", lang)
            )
            said_there = warning.inner_text()
            assert quoted in said_there and examples.in_(lang) in said_there
            assert area not in said_there
            # nowhere, cards included, is the sentence quoted with its area
            shown = text_of(page)
            assert sentence not in shown and sentence.split("，")[0] + "，" not in shown
            assert sentence[: sentence.index(area) + len(area)] not in shown
            assert cases_of(server_db_url, ranker, company) == [case_id]
            problems += picture(page, "unrecognised", lang)
        finally:
            browser.close()
    assert problems == []
