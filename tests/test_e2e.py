"""End to end in a real browser: Debian's chromium driven by Playwright against `streamlit run`
(the `server` fixture: tests/e2e_fixtures.py). The tests of this module share one app; none
counts on another having run first (under pytest -n they may run on different workers, each
with an app of its own).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from matcher.models import Requirement
from matcher.scoring import Ranker
from matcher.workspace import CaseSource, Workspace
from tests.e2e_fixtures import CHROMIUM, FLAGS, PASSWORD, RUN_COUNTER, STAFF, app_run, settle

# The anonymous browser's test makes a case of its own, so that there is something to hide
# whichever test ran first (the first test's case, with E2E 芯片科技 · 王芳, may be there too).
HIDDEN_COMPANY = "匿名检查生物科技"
HIDDEN_CONTACT = "赵敏"
# The browsers these tests drive are Chinese ones: the app opens in the browser's language.
ZH = "zh-CN"


def test_an_investor_submits_and_staff_shortlist_export_and_reload(
    server: str, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            investor = browser.new_page(viewport={"width": 1280, "height": 1800}, locale=ZH)
            investor.add_init_script(RUN_COUNTER)
            investor.goto(server, wait_until="networkidle")
            investor.get_by_role("textbox", name="产业方向（可写一句话）").fill("集成电路")
            investor.get_by_role("textbox", name="最小面积").fill("0.5万平方米")
            investor.get_by_role("textbox", name="意向区位").fill("温泉")
            investor.get_by_role("textbox", name="企业名称").fill("E2E 芯片科技")
            investor.get_by_role("textbox", name="联系人").fill("王芳")
            investor.get_by_role("textbox", name="电话或电子邮箱（选填）").fill("13800138000")
            investor.get_by_text("我同意海淀区招商人员就此需求与我联系").click()
            investor.get_by_role("button", name="匹配园区").click()
            investor.get_by_text("招商团队会联系您").wait_for(timeout=30_000)
            investor.locator("text=中关村综保区(一期) >> visible=true").first.wait_for()
            settle(investor)
            investor.screenshot(path=str(tmp_path / "investor.png"), full_page=True)

            staff = browser.new_page(
                viewport={"width": 1280, "height": 1800}, accept_downloads=True, locale=ZH
            )
            staff.add_init_script(RUN_COUNTER)
            staff.goto(f"{server}/signin", wait_until="networkidle")
            staff.get_by_role("textbox", name="用户名").fill(STAFF)
            staff.get_by_role("textbox", name="密码").fill(PASSWORD)
            staff.get_by_role("button", name="登录").click()
            staff.get_by_role("heading", name="案件收件箱").wait_for(timeout=30_000)
            staff.get_by_role("textbox", name="搜索企业、联系人、产业或编号").fill("E2E 芯片")
            staff.keyboard.press("Enter")
            staff.get_by_role("link", name="E2E 芯片科技").click()
            staff.get_by_text("E2E 芯片科技 · 王芳", exact=True).wait_for(timeout=30_000)
            assert "case=" in staff.url
            case_url = staff.url
            # Tick the first two parks of this ranking, then shortlist them.
            grid = staff.locator('[data-testid="stDataFrame"]').first
            grid.wait_for()
            settle(staff)
            grid.scroll_into_view_if_needed()
            settle(staff)
            box = grid.bounding_box()
            assert box is not None
            for row in (1, 2):  # the row checkboxes live in the grid's first column
                with app_run(staff):  # each tick runs the page again
                    staff.mouse.click(box["x"] + 15, box["y"] + 35 * row + 17)
            staff.get_by_role("button", name="加入短名单").click()
            # Said beside the button (and as a toast, wherever the page was scrolled).
            staff.get_by_test_id("stAlertContentSuccess").get_by_text("已加入短名单").wait_for(
                timeout=30_000
            )
            with staff.expect_download(timeout=30_000) as download_info:
                staff.get_by_role("button", name="下载 Excel").click()
            saved = tmp_path / "shortlist.xlsx"
            download_info.value.save_as(saved)
            staff.reload(wait_until="networkidle")
            staff.get_by_text("E2E 芯片科技 · 王芳", exact=True).wait_for(timeout=30_000)
            assert staff.url == case_url
            staff.get_by_text("本案短名单").wait_for()
            staff.locator("text=1. P01 >> visible=true").first.wait_for(timeout=30_000)
            staff.locator("text=2. P03 >> visible=true").first.wait_for(timeout=30_000)
            settle(staff)
            staff.screenshot(path=str(tmp_path / "case.png"), full_page=True)
        finally:
            browser.close()
    from openpyxl import load_workbook

    book = load_workbook(saved)
    ids = [row[1].value for row in book["短名单"].iter_rows(min_row=2)]
    assert ids == ["P01", "P03"]
    print(f"screenshots: {tmp_path}")


def test_an_anonymous_browser_sees_no_case_data(
    server: str, server_db_url: str, ranker: Ranker
) -> None:
    from playwright.sync_api import sync_playwright

    ws = Workspace.open(server_db_url, ranker=ranker)
    ws.cases.create(
        Requirement.from_cells(sector_text="细胞治疗", min_area="2000", location="温泉"),
        actor="investor",
        source=CaseSource.INVESTOR_FORM,
        company=HIDDEN_COMPANY,
        contact_person=HIDDEN_CONTACT,
        contact="13900000000",
        consent=True,
    )
    ws.engine.dispose()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1200}, locale=ZH)
            for path in ("inbox", "case?case=1", "compare", "batch", "signin", "parks", ""):
                page.goto(f"{server}/{path}", wait_until="networkidle")
                settle(page)  # a new page: its first run has finished
                body = page.inner_text("body")
                assert "E2E 芯片科技" not in body and "王芳" not in body, path
                assert HIDDEN_COMPANY not in body and HIDDEN_CONTACT not in body, path
                assert "案件收件箱" not in body.replace("工作人员登录", ""), path
        finally:
            browser.close()


def test_an_investor_goes_from_form_to_ranking_to_a_download(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page(
                viewport={"width": 1400, "height": 1800}, accept_downloads=True, locale=ZH
            )
            page.goto(server, wait_until="networkidle")
            page.get_by_role("textbox", name="产业方向（可写一句话）").fill("集成电路")
            page.get_by_role("textbox", name="最小面积").fill("0.5万平方米")
            page.get_by_role("textbox", name="意向区位").fill("温泉")
            page.get_by_role("button", name="匹配园区").click()
            # The grid mirrors its cells in hidden DOM for screen readers: wait for what shows.
            page.get_by_role("button", name="下载排名 CSV").wait_for(timeout=30_000)
            page.locator("text=中关村综保区(一期) >> visible=true").first.wait_for(timeout=30_000)
            settle(page)  # the table and charts have painted before the picture
            page.screenshot(path=str(tmp_path / "match.png"), full_page=True)
            with page.expect_download(timeout=30_000) as download_info:
                page.get_by_role("button", name="下载排名 CSV").click()
            saved = tmp_path / "ranking.csv"
            download_info.value.save_as(saved)
        finally:
            browser.close()
    rows = list(csv.reader(io.StringIO(saved.read_bytes().decode("utf-8-sig"))))
    assert rows[1][1] == "P01"
    assert (tmp_path / "match.png").stat().st_size > 10_000
    print(f"screenshot: {tmp_path / 'match.png'}")
