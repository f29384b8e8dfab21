"""Republishing the park list in a real browser (Playwright, Debian's chromium), and a park
operator who sees no case: an administrator uploads a new list on the Park list page, reads
its diff, publishes it, and the app ranks on it; an operator signing in gets Find a park and
Parks only, and a case address leads nowhere near a case."""

from __future__ import annotations

import re
import time
from pathlib import Path

from matcher.i18n import label
from matcher.models import Requirement
from matcher.scoring import ranker_for
from matcher.workspace import Workspace
from matcher.workspace.roles import Role
from tests.e2e_fixtures import CHROMIUM, FLAGS, PASSWORD, RUN_COUNTER, STAFF, app_run, settle
from tests.park_list_fixtures import ADDED, REMOVED, crafted_list

NAV_LINKS = ".st-key-nav a"


def test_an_administrator_republishes_the_list_and_an_operator_sees_no_case(
    own_server: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import Page, expect, sync_playwright

    server, db_url = own_server
    ws = Workspace.open(db_url, ranker=ranker_for())
    ws.staff.add("olu", PASSWORD, role=Role.OPERATOR, park_id="P07")
    case = ws.cases.create(
        Requirement.from_cells(sector_text="量子"), actor="sam", company="Hidden Quantum Co"
    )
    ws.engine.dispose()

    def sign_in(page: Page, user: str) -> None:
        page.goto(f"{server}/signin", wait_until="networkidle")
        settle(page)
        main = page.locator('[data-testid="stMain"]')
        main.get_by_role("textbox", name=label("username", "en")).fill(user)
        main.get_by_role("textbox", name=label("password", "en")).fill(PASSWORD)
        with app_run(page):
            main.get_by_role("button", name=label("sign_in", "en")).click()
        # A typed address is a new session: it is signed in by the cookie the server sets
        # after sign-in (HttpOnly, so the page's scripts cannot see it: ask the browser).
        deadline = time.monotonic() + 30
        while not any(c["name"] == "matcher_session" for c in page.context.cookies()):
            assert time.monotonic() < deadline, "no session cookie 30 s after signing in"
            page.wait_for_timeout(100)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            admin = browser.new_context(locale="en-US").new_page()
            admin.add_init_script(RUN_COUNTER)
            sign_in(admin, STAFF)  # the bootstrap account: an administrator
            admin.goto(f"{server}/catalogue", wait_until="networkidle")
            settle(admin)
            main = admin.locator('[data-testid="stMain"]')
            expect(main.get_by_role("heading", name="Park list")).to_be_visible()
            with app_run(admin):
                admin.locator('input[type="file"]').set_input_files(str(crafted_list(tmp_path)))
            with app_run(admin):
                main.get_by_role("button", name="Import and compare").click()
            # plain() puts an invisible word joiner before each colon (no autolinks)
            expect(main.get_by_text(re.compile(f"^Added\u2060?: {ADDED} "))).to_be_visible()
            expect(main.get_by_text(re.compile(f"^Removed\u2060?: {REMOVED} "))).to_be_visible()
            with app_run(admin):
                main.get_by_role("button", name="Publish this list").click()
            expect(main.get_by_text("Published: Park list of")).to_be_visible()
            sidebar = admin.locator('[data-testid="stSidebar"]')
            expect(sidebar.get_by_text("Park data: Park list of")).to_be_visible()

            operator = browser.new_context(locale="en-US").new_page()
            operator.add_init_script(RUN_COUNTER)
            sign_in(operator, "olu")
            side = operator.locator('[data-testid="stSidebar"]')
            expect(side.get_by_text("Signed in as: olu (park operator P07)")).to_be_visible()
            settle(operator)
            expect(operator.get_by_role("heading", name="Parks")).to_be_visible()
            links = operator.locator(NAV_LINKS)
            names = [links.nth(i).inner_text().strip() for i in range(links.count())]
            assert names == ["Find a park", "Parks"]
            for path in ("inbox", f"case?case={case.id}", "catalogue", "batch"):
                operator.goto(f"{server}/{path}", wait_until="networkidle")
                settle(operator)
                body = operator.inner_text("body")
                assert "Hidden Quantum Co" not in body and "Inbox" not in body, path
        finally:
            browser.close()
