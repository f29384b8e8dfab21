"""Every page, as an anonymous visitor and as signed-in staff, in Chinese and in English, at
1280 px and at 390 px: a full-page screenshot of each, and the checks a reader would make.
One test per language, each with an app and database of its own (they may run at once).

Screenshots go to $MATCHER_SCREENSHOT_DIR, else var/screenshots/ (gitignored), named
page-lang-width.png (pages a visitor and staff both see: page-staff-lang-width.png for the
signed-in view). Pages are taken from the sidebar's navigation, so a new page is visited
without changing this test; the pages that need something on them first (a submitted
requirement, an open case, three parks to compare, an uploaded lead list) say so in PREPARE.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from matcher.i18n import Lang, catalogue, label
from matcher.views import header
from tests.e2e_fixtures import (
    CHROMIUM,
    FLAGS,
    PASSWORD,
    ROOT,
    RUN_COUNTER,
    STAFF,
    app_run,
    settle,
)

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

LANGS: tuple[Lang, ...] = ("zh", "en")
WIDTHS = (1280, 390)
HEIGHT = 900
COMPANY = "屏幕测试芯片科技"
CONTACT = "李雷"
LEADS = (
    "编号,企业名称,行业,最小面积,最大面积,区位\n"
    "L001,示例芯片设计有限公司,集成电路设计,3000,5000,上地\n"
    "L002,示例生物科技有限公司,细胞治疗,2000,,温泉\n"
    "L003,示例软件有限公司,人工智能,,8000,中关村\n"
)
INTERNAL_NOTE = "芯片设计企业集中，优先推荐（内部：先问赵主任）"
RANKED: list[str] = []  # case #1's ranking, best first (prepare_workspace)
DB_URL: list[str] = []  # the app's database (prepare_workspace)
CJK = re.compile(r"[\u4e00-\u9fff]")
# A column or value named as the code names it (request_id, park_name_zh): never in a table.
RAW_NAMES = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
# What a user must never read: a crash, an internal name, a path, a missing value.
INTERNALS = re.compile(
    r"Traceback|\bis_a\b|\bfit_tier\b|/work/|\.py\b|\bNone\b|\bnan\b|\bNaN\b|\bundefined\b"
)


def shot_dir() -> Path:
    folder = Path(os.environ.get("MATCHER_SCREENSHOT_DIR") or ROOT / "var" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sidebar_open(page: Page) -> None:
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.count() and expand.is_visible():
        expand.click()
        page.locator('[data-testid="stSidebar"][data-collapsed="false"]').wait_for()
        settle(page)  # the sidebar has slid in


NAV_LINKS = ".st-key-nav a"  # the sidebar's menu (app_pages/navigation.py)


def link_path(href: str, server: str) -> str:
    return href.removeprefix(server).split("?")[0].strip("/")


def page_path(page: Page, server: str) -> str:
    """The page the browser shows ('' is the default page)."""
    path = link_path(page.url, server)
    return "" if path == "investor" else path


def nav_paths(page: Page, server: str) -> list[str]:
    """The url path of every page in the navigation, in order ('' is the default page)."""
    sidebar_open(page)
    links = page.locator(NAV_LINKS)
    return [
        link_path(links.nth(i).get_attribute("href") or "", server) for i in range(links.count())
    ]


def go(page: Page, server: str, path: str) -> None:
    sidebar_open(page)
    links = page.locator(NAV_LINKS)
    for i in range(links.count()):
        if link_path(links.nth(i).get_attribute("href") or "", server) == path:
            if page_path(page, server) == path:
                settle(page)  # already there: its link would only run the page again
                return
            with app_run(page):
                links.nth(i).click()
            page.wait_for_url(lambda url: page_path(page, server) == path)
            break
    else:
        raise AssertionError(f"no link to {path!r} in the navigation")


def nav_text(page: Page, server: str) -> str:
    """The menu's words for the page the browser shows."""
    links = page.locator(NAV_LINKS)
    for i in range(links.count()):
        if link_path(links.nth(i).get_attribute("href") or "", server) == page_path(page, server):
            return links.nth(i).inner_text().strip()
    return ""


def set_language(page: Page, lang: Lang) -> None:
    sidebar_open(page)
    choice = page.locator('[data-testid="stSidebar"]').get_by_role(
        "radio", name="English" if lang == "en" else "中文", exact=True
    )
    if choice.is_checked():
        settle(page)
        return
    with app_run(page):
        page.locator('[data-testid="stSidebar"]').get_by_text(
            "English" if lang == "en" else "中文", exact=True
        ).click()


# --- what a page needs before its picture ---


def prepare_investor(page: Page, lang: Lang) -> None:
    """A requirement submitted: the ranking shows."""
    main = page.locator('[data-testid="stMain"]')
    words = (
        ("集成电路设计", "3000", "上地") if lang == "zh" else ("IC design", "3000 sqm", "Shangdi")
    )
    for key, value in zip(("sector_text", "min_area", "location_text"), words, strict=True):
        main.get_by_role("textbox", name=label(key, lang)).fill(value)
    main.get_by_role("textbox", name=label("company", lang)).fill(COMPANY)
    main.get_by_role("textbox", name=label("contact_person", lang)).fill(CONTACT)
    main.get_by_role("textbox", name=label("contact", lang)).fill("screens@example.cn")
    main.get_by_text(label("consent", lang)).click()
    with app_run(page):
        main.get_by_role("button", name=label("submit", lang)).click()
    main.get_by_role("button", name=label("download_ranking", lang)).wait_for(timeout=60_000)
    settle(page)


def prepare_case(page: Page, lang: Lang) -> None:
    """The prepared case, opened from the inbox (the session keeps it open for Compare)."""
    with app_run(page):
        page.locator(f'{NAV_LINKS}[href$="inbox"]').click()
    with app_run(page):
        page.locator('[data-testid="stMain"]').get_by_role(
            "link", name=re.compile(f"#1 {COMPANY}")
        ).click()
    page.get_by_text(label("case_shortlist", lang), exact=True).wait_for(timeout=60_000)
    settle(page)


def prepare_compare(page: Page, lang: Lang) -> None:
    """The case's two shortlisted parks and the third of its ranking."""
    from playwright.sync_api import expect

    main = page.locator('[data-testid="stMain"]')
    main.locator('[data-testid="stMultiSelect"] input').first.click()
    page.keyboard.type(RANKED[2])
    options = page.get_by_role("option")
    expect(options).to_have_count(1)  # the list filtered to that one park
    expect(options).to_contain_text(RANKED[2])
    with app_run(page):
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")  # the choice counts once the list closes
    expect(main.locator("table thead th")).to_have_count(4, timeout=30_000)  # labels + 3
    settle(page)


def prepare_batch(page: Page, lang: Lang) -> None:
    """A small lead list uploaded and matched."""
    main = page.locator('[data-testid="stMain"]')
    with app_run(page):
        main.locator('input[type="file"]').set_input_files(
            files=[{"name": "leads.csv", "mimeType": "text/csv", "buffer": LEADS.encode("utf-8")}]
        )
    with app_run(page):
        main.get_by_role("button", name=label("batch_run", lang)).click()
    main.get_by_role("link", name=label("batch_download", lang)).wait_for(timeout=60_000)
    settle(page)


def prepare_dashboard(page: Page, lang: Lang) -> None:
    """A year of generated cases (matcher demo-data) behind the dashboard, shown per month.
    Added only now: the pages visited before (Inbox, Lexicon) keep their one case."""
    from datetime import UTC, datetime

    from matcher.scoring import ranker_for
    from matcher.workspace import Workspace
    from matcher.workspace.demo import generate

    ws = Workspace.open(DB_URL[0], ranker=ranker_for())
    generate(ws, cases=400, years=1, end=datetime.now(UTC), force=True)
    ws.engine.dispose()
    main = page.locator('[data-testid="stMain"]')
    with app_run(page):
        main.get_by_text(label("dashboard_period_month", lang), exact=True).click()
    main.get_by_role("heading", name=label("insights_title_funnel", lang)).wait_for()
    settle(page)


PREPARE: dict[str, Callable[[Page, Lang], None]] = {
    "": prepare_investor,
    "investor": prepare_investor,
    "case": prepare_case,
    "compare": prepare_compare,
    "batch": prepare_batch,
    "dashboard": prepare_dashboard,
}


def heading(path: str, lang: Lang, nav_text: str) -> str:
    """The title a page must show: its navigation label, except where it says more."""
    if path in ("", "investor"):
        return label("app_title", lang)
    if path == "case":
        return label("case_title", lang).format(case=1)
    return nav_text


# --- what must hold on every picture ---


def published_texts() -> str:
    """Everything the parks publish (shown as published, in Chinese, on every page) and what
    this test types: words that are data, not labels."""
    from matcher.catalogue import default_catalogue

    parks = default_catalogue().parks
    fields = [(p.name_zh, p.location_zh, p.positioning_zh, p.notes_zh) for p in parks]
    typed = ["集成电路设计", COMPANY, CONTACT, LEADS]
    return "\n".join([*(t for f in fields for t in f), *typed])


def other_language_words(lang: Lang) -> list[str]:
    """Labels of the other language that could not be data: a sign of a missed translation."""
    data = published_texts()
    words = []
    for message in catalogue().values():
        zh, en = message.zh, message.en
        if lang == "en" and len(zh) >= 4 and not re.search(r"[A-Za-z0-9]", zh) and zh not in data:
            words.append(zh)
        if lang == "zh" and " " in en and not CJK.search(en) and len(en) >= 10:
            words.append(en)
    return words


def check(page: Page, name: str, lang: Lang, width: int, title: str) -> list[str]:
    problems = []
    main = page.locator('[data-testid="stMain"]')
    if page.locator('[data-testid="stException"]').count():
        problems.append(f"{name}: an exception box")
    text = main.inner_text()
    for found in INTERNALS.findall(text):
        problems.append(f"{name}: {found!r} on the page")
    # A grid draws on a canvas and mirrors its cells in the DOM for screen readers: read
    # those (the table of accepted headers in Batch's help names them on purpose: left out).
    grids = main.locator('[data-testid="stDataFrame"]:not([data-testid="stExpander"] *)')
    for i in range(grids.count()):
        cells = grids.nth(i).text_content() or ""
        for found in INTERNALS.findall(cells) + RAW_NAMES.findall(cells):
            problems.append(f"{name}: {found!r} in a table")
    shown_title = page.locator("h1").first.inner_text().strip()
    if shown_title != title:
        problems.append(f"{name}: title {shown_title!r}, expected {title!r}")
    for word in other_language_words(lang):
        if word in text:
            problems.append(f"{name}: {word!r} is in the other language")
    overflow = page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            return Math.max(
                document.documentElement.scrollWidth - window.innerWidth,
                main ? main.scrollWidth - main.clientWidth : 0,
            );
        }"""
    )
    if overflow > 2:
        problems.append(f"{name}: {overflow} px wider than the {width} px window")
    if width >= 1280:  # a ranking's grid shows every column: none is cut or scrolled to
        cut = page.evaluate(
            """() => [...document.querySelectorAll('[class*="st-key-ranking_"] .dvn-scroller')]
                .map(e => e.scrollWidth - e.clientWidth)"""
        )
        if any(c > 2 for c in cut):
            problems.append(f"{name}: the ranking grid scrolls sideways by {max(cut)} px")
    return problems


def shoot(page: Page, name: str) -> None:
    """A full-page picture: the window grows to the height of the scrolling main block."""
    width = page.viewport_size["width"] if page.viewport_size else 1280
    height = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll(
            '[data-testid="stMain"], [data-testid="stAppViewContainer"], '
            + '[data-testid="stSidebarContent"]'
        )].map(e => e.scrollHeight))"""
    )
    page.set_viewport_size({"width": width, "height": max(HEIGHT, min(int(height), 16_000))})
    settle(page)
    page.screenshot(path=str(shot_dir() / f"{name}.png"), full_page=True)


def visit(page: Page, server: str, path: str, lang: Lang, who: str, seen: set[str]) -> list[str]:
    go(page, server, path)
    menu_words = nav_text(page, server)
    prepare = PREPARE.get(path)
    if prepare is not None:
        prepare(page, lang)
    problems = []
    exports = EXPORTS.get(path)
    if exports is not None and who == "staff":
        problems += exports(page, lang)
        settle(page)
    page_name = path or "investor"
    if who == "staff" and page_name in seen:
        page_name = f"{page_name}-staff"
    seen.add(page_name)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        settle(page)
        name = f"{page_name}-{lang}-{width}"
        problems += check(page, name, lang, width, heading(path, lang, menu_words))
        shoot(page, name)
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    settle(page)
    return problems


# --- what leaves the office says what the screen says ---

# Chromium saves a grid's "Download as CSV" through a save dialog; without that API the grid
# downloads the file, which the test can read: the screen's own table.
SAVE_PICKER_OFF = "delete window.showSaveFilePicker"


def downloaded(page: Page, click: Callable[[], None], reruns: bool = False) -> Path:
    """The file a click downloads, once the page is idle again (after the run the click
    starts, for a download that `reruns` the page: the case page records each export)."""
    settle(page)
    with contextlib.ExitStack() as waits:
        if reruns:
            waits.enter_context(app_run(page))
        download = waits.enter_context(page.expect_download(timeout=60_000))
        click()
    path = Path(download.value.path())
    settle(page)
    return path


def streamed(page: Page, link: Locator) -> Path:
    """The file a link the server streams (a batch result) holds, fetched with the page's
    cookies."""
    from urllib.parse import urljoin

    href = link.get_attribute("href", timeout=60_000)
    assert href is not None
    answer = page.context.request.get(urljoin(page.url, href))
    assert answer.status == 200, answer.text()
    path = Path(tempfile.mkdtemp()) / "streamed.csv"
    path.write_bytes(answer.body())
    return path


def grid_on_screen(page: Page, grid: Locator) -> pd.DataFrame:
    """The cells a grid shows, as the grid itself exports them."""
    button = grid.get_by_role("button", name="Download as CSV")

    def click() -> None:
        # The toolbar shows while the pointer is over the grid: hover right before the click
        # (a settle in between may have let it go, and the grid then takes the click).
        grid.hover()
        button.click()

    path = downloaded(page, click)
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def xlsx_frame(path: Path) -> pd.DataFrame:
    """The first sheet of a workbook, every cell as text."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    head, *rows = book.worksheets[0].iter_rows(values_only=True)
    texts = [["" if v is None else str(v) for v in row] for row in rows]
    return pd.DataFrame(texts, columns=[str(h) for h in head])


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def leaks(name: str, text: str) -> list[str]:
    """What a reader must never find in a file: a crash, an internal name, a path, a hash."""
    from matcher.catalogue import default_catalogue

    found = [f"{name}: {m!r}" for m in INTERNALS.findall(text)]
    for token in (default_catalogue().version, "seeds/", "data_version", "sha256"):
        if token in text:
            found.append(f"{name}: {token!r}")
    return found


def ranked(frame: pd.DataFrame, lang: Lang) -> list[tuple[str, str, str]]:
    """(park, shown score to 0.1, fit words) of each row, in order."""
    park, score, fit = (header(c, lang) for c in ("park_id", "score", "fit"))
    return [
        (row[park], f"{float(row[score]):.1f}" if row[score] else "", row[fit])
        for _, row in frame.iterrows()
    ]


def check_batch_exports(page: Page, lang: Lang) -> list[str]:
    """The results grid on the Batch page against its CSV and Excel downloads."""
    main = page.locator('[data-testid="stMain"]')
    screen = grid_on_screen(page, main.locator('[data-testid="stDataFrame"]').last)
    problems = []
    files = {
        "batch CSV": streamed(page, main.get_by_role("link", name=label("batch_download", lang))),
        "batch Excel": downloaded(
            page, main.get_by_role("button", name=label("batch_download_xlsx", lang)).click
        ),
    }
    for name, path in files.items():
        frame = (
            xlsx_frame(path)
            if name.endswith("Excel")
            else pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        )
        if list(frame.columns) != list(screen.columns):
            problems.append(f"{name}: headers {list(frame.columns)} != {list(screen.columns)}")
        if ranked(frame, lang)[: len(screen)] != ranked(screen, lang):
            problems.append(f"{name}: scores, fit words or order differ from the screen")
        problems += leaks(name, frame.to_csv(index=False))
    return problems


def check_case_exports(page: Page, lang: Lang) -> list[str]:
    """The case page's ranking grid against its ranking download, and its shortlist against
    the shortlist's CSV, Excel and PDF brief."""
    main = page.locator('[data-testid="stMain"]')
    problems = []
    grid = main.locator('[class*="st-key-ranking_ticks_"] [data-testid="stDataFrame"]')
    screen = grid_on_screen(page, grid.first)
    ranking_file = downloaded(
        page, main.get_by_role("button", name=label("download_ranking", lang)).click, reruns=True
    )
    ranking = pd.read_csv(ranking_file, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    if ranked(ranking, lang) != ranked(screen, lang):
        problems.append("ranking CSV: scores, fit words or order differ from the grid")
    problems += leaks("ranking CSV", ranking.to_csv(index=False))
    # The shortlist as the page says it: "1. P16 …" then "Score 70.0 · partial · when (who)".
    text = main.inner_text().split(label("case_shortlist", lang), 1)[1]
    text = text.split(label("exports", lang), 1)[0]  # the ranking follows the exports
    parks = re.findall(r"^\d+\. (P\d{2}) ", text, re.M)
    captions = re.findall(rf"^{re.escape(header('score', lang))} (.+)$", text, re.M)
    shortlist = [
        (park, parts[0], " · ".join(parts[1:-1]))
        for park, parts in zip(parks, (c.split(" · ") for c in captions), strict=True)
    ]
    if len(shortlist) != 2:
        problems.append(f"case: the shortlist on screen reads {shortlist}")
    buttons = {fmt: label(f"download_{fmt}", lang) for fmt in ("csv", "xlsx")}
    files = {
        fmt: downloaded(page, main.get_by_role("button", name=words).click, reruns=True)
        for fmt, words in buttons.items()
    }
    # The brief is downloaded from its preview, a dialog with its pages.
    with app_run(page):
        main.get_by_role("button", name=label("brief_preview", lang)).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("img").first.wait_for()
    for width in WIDTHS:  # the preview, as a phone and a desk see it
        page.set_viewport_size({"width": width, "height": HEIGHT})
        settle(page)
        page.screenshot(path=str(shot_dir() / f"case-brief-preview-{lang}-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": HEIGHT})
    settle(page)
    files["pdf"] = downloaded(
        page,
        dialog.get_by_role("button", name=label("brief_preview_download", lang)).click,
        reruns=True,
    )
    dialog.get_by_test_id("stAlertContentSuccess").wait_for()  # "downloaded and recorded"
    with app_run(page):  # closing the preview runs the page again: the export list grows
        page.keyboard.press("Escape")
    listed = main.locator('[data-testid="stTable"] td')
    if listed.filter(has_text=label("format_pdf", lang)).count() != 1:
        problems.append("case: the brief's download is not in the export list")
    csv_rows = pd.read_csv(files["csv"], encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for name, frame in (
        ("shortlist CSV", csv_rows),
        ("shortlist Excel", xlsx_frame(files["xlsx"])),
    ):
        if ranked(frame, lang) != shortlist:
            problems.append(f"{name}: {ranked(frame, lang)} != the screen's {shortlist}")
        problems += leaks(name, frame.to_csv(index=False))
    brief = pdf_text(files["pdf"])
    at = [brief.find(park) for park, _, _ in shortlist]
    if -1 in at or at != sorted(at):
        problems.append("PDF brief: the parks are not in the screen's order")
    for _, score, fit in shortlist:
        if f"{fit} · {float(score):.0f}" not in " ".join(brief.split()):
            problems.append(f"PDF brief: no '{fit} · {float(score):.0f}'")
    problems += leaks("PDF brief", brief)
    # What staff wrote for themselves never leaves the office.
    for name, text in (("PDF brief", brief), ("shortlist CSV", files["csv"].read_text("utf-8"))):
        if INTERNAL_NOTE in text:
            problems.append(f"{name}: prints the internal note")
    # The brief's headings follow the fit: a weak fit is never under "recommended".
    groups = {label(f"brief_group_{g}", lang): g for g in ("recommended", "considering", "other")}
    heading_at = sorted(
        (found.start(), g) for h, g in groups.items() for found in re.finditer(re.escape(h), brief)
    )
    for park, _, fit in shortlist:
        section = brief.rfind(park)  # its section, after the summary table
        group = next((g for at, g in reversed(heading_at) if at < section), None)
        expected = {
            label("fit_strong", lang): "recommended",
            label("fit_partial", lang): "considering",
        }.get(fit, "other")
        if group != expected:
            problems.append(f"PDF brief: {park} ({fit}) is under {group}, not {expected}")
    return problems


EXPORTS: dict[str, Callable[[Page, Lang], list[str]]] = {
    "case": check_case_exports,
    "batch": check_batch_exports,
}


def prepare_workspace(db_url: str) -> None:
    """Case #1: an investor's requirement with a shortlist of two parks and notes."""
    from matcher.models import Requirement
    from matcher.scoring import ranker_for
    from matcher.workspace import CaseSource, Workspace

    ranker = ranker_for()
    DB_URL[:] = [db_url]
    ws = Workspace.open(db_url, ranker=ranker)
    requirement = Requirement.from_cells(
        sector_text="集成电路设计", min_area="3000", location="上地"
    )
    case = ws.cases.create(
        requirement,
        actor="investor",
        source=CaseSource.INVESTOR_FORM,
        company=COMPANY,
        contact_person=CONTACT,
        contact="13800000000",
        consent=True,
    )
    assert case.id == 1 and case.snapshot is not None
    RANKED[:] = [m.park_id for m in case.snapshot.matches]
    picked = RANKED[:2]
    case = ws.shortlists.add(case, picked, actor=STAFF)
    ws.shortlists.set_note(case, picked[0], INTERNAL_NOTE, actor=STAFF)


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_at_both_widths(lang: Lang, own_server: tuple[str, str]) -> None:
    """One language per test, each with an app and database of its own, so that the two can
    run at once (pytest -n)."""
    from playwright.sync_api import sync_playwright

    server, db_url = own_server
    prepare_workspace(db_url)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            context = browser.new_context(viewport={"width": WIDTHS[0], "height": HEIGHT})
            page = context.new_page()
            page.add_init_script(RUN_COUNTER)
            page.add_init_script(SAVE_PICKER_OFF)
            page.goto(server, wait_until="networkidle")
            settle(page)
            set_language(page, lang)
            seen: set[str] = set()
            anonymous = nav_paths(page, server)
            for path in anonymous:
                problems += visit(page, server, path, lang, "anonymous", seen)
            go(page, server, "signin")
            main = page.locator('[data-testid="stMain"]')
            main.get_by_role("textbox", name=label("username", lang)).fill(STAFF)
            main.get_by_role("textbox", name=label("password", lang)).fill(PASSWORD)
            with app_run(page):
                main.get_by_role("button", name=label("sign_in", lang)).click()
            page.get_by_role("heading", name=label("page_inbox", lang)).wait_for(timeout=60_000)
            settle(page)
            staff = nav_paths(page, server)
            assert set(staff) > {"inbox", "case", "compare", "batch"}
            for path in staff:
                problems += visit(page, server, path, lang, "staff", seen)
            context.close()
        finally:
            browser.close()
    print(f"screenshots of {len(anonymous + staff)} page visits in {lang}: {shot_dir()}")
    assert problems == [], "\n".join(problems)
