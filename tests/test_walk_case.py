"""Staff work is never lost, never misread: the case page walked in a real browser, as two
staff members on one case would, in each language. Each step is a defect users met:

- a case link opened while signed out lands on sign-in, and signing in goes to that case;
- ranked again on changed data with nothing shown changed, no "now 98.8, was 98.8";
- what the investor asked is in sight without opening anything; the shortlist and its
  exports come before the full ranking;
- a typed but unsaved note survives a reorder;
- a save refused because a colleague saved first says so where the person is looking, keeps
  what they typed, shows the colleague's version beside it, and the next save keeps theirs;
  or, "use their version" taken, the field shows the colleague's note and saving keeps it;
- "added to the shortlist" appears beside the button; a download shows in the export list
  at once;
- the browser's back button leaves the case page in one press.

Screenshots of the new states, at 1280 and 390 px, go where tests/test_screens.py puts its.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from matcher.i18n import Lang, label
from tests.e2e_fixtures import CHROMIUM, FLAGS, PASSWORD, RUN_COUNTER, STAFF, app_run, settle
from tests.test_screens import HEIGHT, NAV_LINKS, WIDTHS, set_language
from tests.test_screens import shoot as full_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

COLLEAGUE = "colleague"
COMPANY = "走查芯片科技"


def prepare_case(db_url: str) -> tuple[int, list[str]]:
    """A case with two shortlisted parks, and a second staff member."""
    from matcher.lexicon import TaughtTerm
    from matcher.models import Requirement
    from matcher.scoring import ranker_for
    from matcher.workspace import CaseSource, Workspace

    ws = Workspace.open(db_url, ranker=ranker_for())
    ws.staff.add(COLLEAGUE, PASSWORD)
    case = ws.cases.create(
        Requirement.from_cells(sector_text="集成电路设计", min_area="3000", location="上地"),
        actor="investor",
        source=CaseSource.INVESTOR_FORM,
        company=COMPANY,
        contact_person="韩梅梅",
        contact="13900000000",
        consent=True,
    )
    assert case.snapshot is not None
    ranked = [m.park_id for m in case.snapshot.matches]
    ws.shortlists.add(case, ranked[:2], actor=STAFF)
    # A word taught since: the data changed (a new version), but nothing this case shows.
    ws.lexicon.teach(
        TaughtTerm(
            term_zh="质子治疗",
            term_en=("proton beam therapy",),
            sector_id="devices",
            segment="design",
        ),
        actor=COLLEAGUE,
    )
    return case.id, ranked


def stored_note(db_url: str, case_id: int, park: str) -> str:
    from matcher.scoring import ranker_for
    from matcher.workspace import Workspace

    view = Workspace.open(db_url, ranker=ranker_for()).cases.get(case_id)
    return next(e.note for e in view.shortlist if e.park_id == park)


def new_page(browser: Browser, lang: Lang) -> Page:
    context = browser.new_context(
        viewport={"width": 1280, "height": HEIGHT},
        locale="en-US" if lang == "en" else "zh-CN",
        accept_downloads=True,
    )
    page = context.new_page()
    page.add_init_script(RUN_COUNTER)
    return page


def sign_in(page: Page, user: str, lang: Lang) -> None:
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("textbox", name=label("username", lang)).fill(user)
    main.get_by_role("textbox", name=label("password", lang)).fill(PASSWORD)
    with app_run(page):
        main.get_by_role("button", name=label("sign_in", lang)).click()


def in_view(page: Page, element: Locator) -> bool:
    """The element is on the screen as it is scrolled now."""
    box = element.bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def shoot(page: Page, name: str, lang: Lang) -> None:
    """The state at each width, the whole page tall; then back to where the walk was."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        settle(page)
        full_page(page, f"walk-{name}-{lang}-{width}")
    page.set_viewport_size({"width": 1280, "height": HEIGHT})
    settle(page)


def note(page: Page, park: str, lang: Lang) -> Locator:
    return page.get_by_role("textbox", name=label("note_for", lang, park=park))


@pytest.mark.parametrize("lang", ("zh", "en"))
def test_two_staff_on_one_case_lose_nothing_and_miss_nothing(
    lang: Lang, own_server: tuple[str, str]
) -> None:
    from playwright.sync_api import expect, sync_playwright

    server, db_url = own_server
    case_id, ranked = prepare_case(db_url)
    first, second = ranked[:2]
    title = label("case_title", lang, case=case_id)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            # A shared case link, opened signed out: sign-in first, then that very case.
            mine = new_page(browser, lang)
            mine.goto(f"{server}/case?case={case_id}")
            settle(mine)
            set_language(mine, lang)
            expect(mine.get_by_role("heading", name=label("page_signin", lang))).to_be_visible()
            assert "next=case" in mine.url
            sign_in(mine, STAFF, lang)
            mine.get_by_role("heading", name=title).wait_for(timeout=60_000)
            assert f"case={case_id}" in mine.url

            # Top-down: the requirement in words, then the shortlist and exports, then the
            # ranking; nothing to open first.
            main = mine.locator('[data-testid="stMain"]')
            expect(main.get_by_text("集成电路设计").first).to_be_visible()
            shortlist_at = main.get_by_text(label("case_shortlist", lang), exact=True)
            ranking_tab = main.get_by_role("tab", name=label("case_ranking_tab", lang))
            assert shortlist_at.bounding_box()["y"] < ranking_tab.bounding_box()["y"]  # type: ignore[index]
            shoot(mine, "case", lang)

            # Ranked again on the new data: the same scores, so no "now X, was X" warning.
            with app_run(mine):
                main.get_by_role("button", name=label("rank_again", lang)).click()
            expect(main.get_by_text(label("ranking_outdated", lang))).to_have_count(0)
            changed = main.get_by_test_id("stAlertContentWarning").filter(
                has_text=label("shortlist_data_changed", lang)
            )
            expect(changed).to_have_count(0)

            # A note typed, not saved, then the park moved up: the note moves with it.
            note(mine, second, lang).fill("typed, not saved")
            with app_run(mine):
                main.get_by_role("button", name=label("move_up", lang)).nth(1).click()
            expect(main.get_by_text(f"1. {second}", exact=False).first).to_be_visible()
            expect(note(mine, second, lang)).to_have_value("typed, not saved")

            # A colleague saves a note on the first park meanwhile.
            theirs = new_page(browser, lang)
            theirs.goto(f"{server}/case?case={case_id}")
            settle(theirs)
            set_language(theirs, lang)
            sign_in(theirs, COLLEAGUE, lang)
            theirs.get_by_role("heading", name=title).wait_for(timeout=60_000)
            note(theirs, first, lang).fill("their note")
            with app_run(theirs):
                theirs.get_by_role("button", name=label("save_notes", lang)).click()

            # This person saves at the bottom of the shortlist: refused, said right there.
            note(mine, first, lang).fill("my note")
            save = main.get_by_role("button", name=label("save_notes", lang))
            save.scroll_into_view_if_needed()
            with app_run(mine):
                save.click()
            refusal = main.get_by_test_id("stAlertContentError").first
            expect(refusal).to_contain_text(COLLEAGUE)
            assert in_view(mine, refusal), "the refusal is not where the person is looking"
            expect(mine.get_by_test_id("stToast").first).to_be_visible()
            expect(note(mine, first, lang)).to_have_value("my note")
            expect(note(mine, second, lang)).to_have_value("typed, not saved")
            expect(main.get_by_text("their note", exact=True)).to_be_visible()
            shoot(mine, "case-refused", lang)
            with app_run(mine):
                main.get_by_role("button", name=label("save_notes", lang)).click()
            expect(main.get_by_test_id("stAlertContentSuccess").first).to_be_visible()
            expect(note(mine, first, lang)).to_have_value("my note")
            settle(mine)  # a save runs the page twice (the edit, then the page it leaves)

            # Refused again, this person takes the colleague's version instead: the field
            # shows theirs (not what the browser held), and saving keeps it.
            theirs.reload()
            settle(theirs)
            note(theirs, first, lang).fill("their second note")
            with app_run(theirs):
                theirs.get_by_role("button", name=label("save_notes", lang)).click()
            note(mine, first, lang).fill("my second note")
            with app_run(mine):
                main.get_by_role("button", name=label("save_notes", lang)).click()
            with app_run(mine):
                main.get_by_role("button", name=label("use_their_version", lang)).click()
            expect(note(mine, first, lang)).to_have_value("their second note")
            with app_run(mine):
                main.get_by_role("button", name=label("save_notes", lang)).click()
            # (up to its colon: the page keeps a colon from being read as a link's scheme)
            expect(main.get_by_test_id("stAlertContentSuccess").first).to_contain_text(
                label("notes_unchanged", lang).split(":")[0]
            )
            assert stored_note(db_url, case_id, first) == "their second note"
            settle(mine)

            # A download is listed at once, no reload.
            with app_run(mine), mine.expect_download(timeout=60_000):
                main.get_by_role("button", name=label("download_csv", lang)).click()
            listed = main.locator('[data-testid="stTable"] td').filter(
                has_text=label("format_csv", lang)
            )
            expect(listed).to_have_count(1)

            # Ticking a third park and adding it: the confirmation beside the button.
            ranking_tab.click()  # tabs switch in the browser: no run
            grid = main.locator('[class*="st-key-ranking_ticks_"] [data-testid="stDataFrame"]')
            grid.first.scroll_into_view_if_needed()
            settle(mine)
            box = grid.first.bounding_box()
            assert box is not None
            with app_run(mine):  # the third row's tick, in the grid's first column
                mine.mouse.click(box["x"] + 15, box["y"] + 35 * 3 + 17)
            add = main.get_by_role("button", name=label("add_to_shortlist", lang))
            with app_run(mine):
                add.click()
            added = main.get_by_test_id("stAlertContentSuccess").filter(
                has_text=label("added", lang)
            )
            expect(added).to_be_visible()
            gap = added.bounding_box()["y"] - add.bounding_box()["y"]  # type: ignore[index]
            assert 0 < gap < 200, f"the confirmation is {gap:.0f} px from the button"
            shoot(mine, "case-added", lang)

            # Case → Compare → Case by the menu; back once is Compare, back again the case.
            with app_run(mine):
                mine.locator(f'{NAV_LINKS}[href*="compare"]').click()
            mine.get_by_role("heading", name=label("page_compare", lang)).wait_for()
            with app_run(mine):
                mine.locator(f'{NAV_LINKS}[href*="case"]').click()
            mine.get_by_role("heading", name=title).wait_for()
            mine.go_back()
            mine.get_by_role("heading", name=label("page_compare", lang)).wait_for()
            assert "/compare" in mine.url
            mine.go_forward()
            mine.get_by_role("heading", name=title).wait_for()
            assert f"case={case_id}" in mine.url
        finally:
            browser.close()
