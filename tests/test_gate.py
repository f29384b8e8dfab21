"""The server's door (app_pages/gate.py), tried as an attacker would against `streamlit run
serve.py`:

- a Case tab left open after its staff member was deactivated, signed out in another tab, or
  whose session ended, downloads nothing: its CSV, Excel and PDF links answer 403;
- a case export's address fetched without the staff session's cookie answers 403, while the
  staff session is alive;
- an anonymous visitor cannot push a file through Streamlit's upload endpoint, even naming a
  live session; a signed-in staff member still can;
- /_stcore/metrics is not served;
- the session cookie is HttpOnly and its token is nowhere in the page;
- the investor's own ranking CSV still downloads for anyone;
- a batch result streams, as the library's CSV, to a signed-in staff member only.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from matcher.i18n import label, say
from tests.e2e_fixtures import CHROMIUM, FLAGS, RUN_COUNTER, STAFF, app_run, settle
from tests.test_screens import set_language
from tests.test_walk_case import COMPANY, new_page, prepare_case, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

LANG = "en"
LEADS = "需求\n集成电路设计\n".encode()


def anonymous_status(url: str, method: str = "GET", body: bytes | None = None) -> int:
    """The status a request without any cookie gets."""
    request = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        request.add_header("Content-Type", "multipart/form-data; boundary=x")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def open_case_signed_in(browser: Browser, server: str, case_id: int) -> Page:
    page = new_page(browser, LANG)
    page.goto(f"{server}/case?case={case_id}")
    settle(page)
    set_language(page, LANG)
    sign_in(page, STAFF, LANG)
    page.get_by_text(COMPANY).first.wait_for()
    settle(page)
    return page


def export_urls(page: Page) -> dict[str, str]:
    """The addresses of the case's CSV, Excel and PDF files, as the page's buttons give them
    (closing the preview would release the PDF: it stays open, as a tab left open would)."""
    main = page.locator('[data-testid="stMain"]')
    urls = {}
    for fmt in ("csv", "xlsx"):
        with page.expect_download() as download, app_run(page):
            main.get_by_role("button", name=label(f"download_{fmt}", LANG)).click()
        urls[fmt] = download.value.url
    with app_run(page):
        main.get_by_role("button", name=label("brief_preview", LANG)).click()
    dialog = page.get_by_role("dialog")
    with page.expect_download() as download, app_run(page):
        dialog.get_by_role("button", name=label("brief_preview_download", LANG)).click()
    urls["pdf"] = download.value.url
    return urls  # the brief's preview left open, its download in it


def statuses(page: Page, urls: dict[str, str]) -> dict[str, int]:
    """What this browser (its cookies included) gets for each address."""
    return {fmt: page.request.get(url).status for fmt, url in urls.items()}


@pytest.mark.parametrize("revoke", ("deactivate", "sign_out_elsewhere", "expire"))
def test_an_open_case_tab_downloads_nothing_once_access_is_revoked(
    revoke: str, own_server: tuple[str, str]
) -> None:
    from playwright.sync_api import sync_playwright

    from matcher.workspace import Database, StaffAccounts

    server, db_url = own_server
    case_id, _ = prepare_case(db_url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = open_case_signed_in(browser, server, case_id)
            urls = export_urls(page)
            assert statuses(page, urls) == {"csv": 200, "xlsx": 200, "pdf": 200}
            # Item 20: the same addresses, without the staff session's cookie, while it lives.
            assert {fmt: anonymous_status(url) for fmt, url in urls.items()} == {
                "csv": 403,
                "xlsx": 403,
                "pdf": 403,
            }
            accounts = StaffAccounts(Database.open(db_url))
            if revoke == "deactivate":
                accounts.set_active(STAFF, False)
            elif revoke == "sign_out_elsewhere":
                # Another tab of the same browser: signed in by the cookie, then signs out.
                other = page.context.new_page()
                other.add_init_script(RUN_COUNTER)
                other.goto(f"{server}/inbox")
                settle(other)
                with app_run(other):
                    other.get_by_role("button", name=label("sign_out", LANG)).click()
                other.close()
            else:
                cookies = page.context.cookies()
                token = next(c["value"] for c in cookies if c["name"] == "matcher_session")
                accounts.end_session(token)  # as the 8 hours' end does: signed_in says None
            # The tab is still open with its buttons; its files are refused.
            assert statuses(page, urls) == {"csv": 403, "xlsx": 403, "pdf": 403}
        finally:
            browser.close()


def test_the_session_cookie_is_httponly_and_its_token_is_not_in_the_page(
    own_server: tuple[str, str],
) -> None:
    from playwright.sync_api import sync_playwright

    from matcher.workspace import Database, StaffAccounts, utcnow

    server, db_url = own_server
    case_id, _ = prepare_case(db_url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = open_case_signed_in(browser, server, case_id)
            cookie = next(c for c in page.context.cookies() if c["name"] == "matcher_session")
            assert cookie["httpOnly"] is True
            assert cookie["sameSite"] == "Strict"
            token = cookie["value"]
            assert StaffAccounts(Database.open(db_url)).signed_in(token, utcnow()) is not None
            assert token not in page.content()
            assert "matcher_session" not in page.evaluate("document.cookie")
            # A reload keeps the staff member signed in, by that cookie.
            page.reload()
            settle(page)
            page.get_by_text(COMPANY).first.wait_for()
        finally:
            browser.close()


def test_anonymous_uploads_and_metrics_are_refused(own_server: tuple[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    server, _ = own_server
    assert anonymous_status(f"{server}/_stcore/metrics") == 404
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = new_page(browser, LANG)
            page.goto(f"{server}/batch")
            settle(page)
            set_language(page, LANG)
            sign_in(page, STAFF, LANG)
            page.get_by_role("heading", name=label("page_batch", LANG), exact=True).wait_for()
            settle(page)
            # A staff upload goes through, and shows which address names a live session.
            with page.expect_response(lambda r: "/_stcore/upload_file/" in r.url) as answer:
                page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
                    {"name": "leads.csv", "mimeType": "text/csv", "buffer": LEADS}
                )
            upload = answer.value
            assert upload.status == 204
            # The same address, a live session's, without the staff cookie: refused.
            body = (
                b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
                b"Content-Type: text/csv\r\n\r\n" + b"a" * 1_000_000 + b"\r\n--x--\r\n"
            )
            assert anonymous_status(upload.url, "PUT", body) == 403
        finally:
            browser.close()


def test_the_investors_ranking_still_downloads_for_anyone(own_server: tuple[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    server, _ = own_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = new_page(browser, LANG)
            page.goto(server)
            settle(page)
            set_language(page, LANG)
            main = page.locator('[data-testid="stMain"]')
            main.get_by_role("textbox", name=label("sector_text", LANG)).fill("集成电路设计")
            with app_run(page):
                page.get_by_role("button", name=label("submit", LANG)).click()
            with page.expect_download() as download:
                main.get_by_role("button", name=label("download_ranking", LANG)).click()
            assert download.value.failure() is None
            assert anonymous_status(download.value.url) == 200
        finally:
            browser.close()


def asgi_call(app: object, method: str, path: str, scheme: str, body: bytes = b"") -> list[dict]:  # type: ignore[type-arg]
    """One request straight through an ASGI app: the messages it sends back."""
    import asyncio

    sent: list[dict] = []  # type: ignore[type-arg]
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "scheme": scheme,
        "query_string": b"",
        "headers": [(b"host", b"example.org")],
        "server": ("example.org", 443 if scheme == "https" else 80),
        "client": ("203.0.113.9", 5000),
        "root_path": "",
        "http_version": "1.1",
    }
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict:  # type: ignore[type-arg]
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message: dict) -> None:  # type: ignore[type-arg]
        sent.append(message)

    asyncio.run(app(scope, receive, send))  # type: ignore[operator]
    return sent


def set_cookie(messages: list[dict]) -> str:  # type: ignore[type-arg]
    start = next(m for m in messages if m["type"] == "http.response.start")
    return next(
        (v.decode() for k, v in start["headers"] if k == b"set-cookie"), f"none ({start['status']})"
    )


@pytest.mark.parametrize(("scheme", "secure"), (("https", True), ("http", False)))
def test_a_ticket_buys_the_cookie_once_httponly_and_secure_over_https(
    scheme: str, secure: bool
) -> None:
    from starlette.applications import Starlette

    from app_pages.gate import SESSION_ROUTE, routes, ticket_for

    app = Starlette(routes=routes())
    ticket = ticket_for("the-token")
    cookie = set_cookie(asgi_call(app, "POST", SESSION_ROUTE, scheme, ticket.encode()))
    assert cookie.startswith("matcher_session=the-token;")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert ("Secure" in cookie) is secure
    # Used once: the same ticket again, or a made-up one, buys nothing.
    assert (
        set_cookie(asgi_call(app, "POST", SESSION_ROUTE, scheme, ticket.encode())) == "none (403)"
    )
    assert set_cookie(asgi_call(app, "POST", SESSION_ROUTE, scheme, b"guess")) == "none (403)"


def record_batch_run(db_url: str, folder: Path) -> tuple[int, bytes]:
    """A batch run kept in the database as the Batch page keeps it (Parquet, for any reader),
    with the library's CSV of it for an English reader."""
    from app_pages.batch_state import stored_for_reader
    from matcher.batch import run_batch
    from matcher.scoring import ranker_for
    from matcher.workspace import Workspace

    ws = Workspace.open(db_url, ranker=ranker_for())
    catalogue = ws.lexicon.ranker.catalogue
    source = folder / "leads.csv"
    source.write_bytes("需求,面积\n集成电路设计,3000\n人工智能,\n=1+2,abc\n".encode())
    result = folder / "result.parquet"
    summary, _ = run_batch(source, result, top_k=3, catalogue=catalogue, for_any_reader=True)
    kept = result.read_bytes()
    run = ws.batch_runs.record(
        file_name="leads.csv",
        input_data=source.read_bytes(),
        options={"top_k": 3},
        rows_read=summary.rows_read,
        rows_matched=summary.rows_matched,
        rows_error=summary.rows_with_errors,
        result=kept,
        result_suffix=".parquet",
        actor=STAFF,
    )
    expected = stored_for_reader(kept, run.result_path, LANG, catalogue.tuning.shown)
    ws.engine.dispose()
    return run.id, expected


def test_a_batch_result_streams_to_staff_only_as_the_librarys_csv(
    own_server: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright
    from sqlalchemy import delete

    from matcher.workspace import Database
    from matcher.workspace.schema import FilePartRow

    server, db_url = own_server
    run_id, expected = record_batch_run(db_url, tmp_path)
    url = f"{server}/batch-result/{run_id}.csv?lang={LANG}"
    assert anonymous_status(url) == 403
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = new_page(browser, LANG)
            page.goto(f"{server}/batch")
            settle(page)
            set_language(page, LANG)
            sign_in(page, STAFF, LANG)
            page.get_by_role("heading", name=label("page_batch", LANG), exact=True).wait_for()
            # The server sets the cookie after sign-in (HttpOnly: ask the browser for it).
            deadline = time.monotonic() + 30
            while not any(c["name"] == "matcher_session" for c in page.context.cookies()):
                assert time.monotonic() < deadline, "no session cookie 30 s after signing in"
                page.wait_for_timeout(100)
            answer = page.context.request.get(url)
            assert answer.status == 200
            assert answer.headers["content-type"].startswith("text/csv")
            assert answer.body() == expected and expected.startswith(b"\xef\xbb\xbf")
            # A result no longer in the database: said in the reader's words, no traceback.
            db = Database.open(db_url)
            with db.session() as session:
                session.execute(delete(FilePartRow))
                session.commit()
            db.engine.dispose()
            gone = page.context.request.get(url)
            assert gone.status == 404
            assert gone.text() == say("batch_result_missing", run=run_id).in_(LANG)
        finally:
            browser.close()
    assert anonymous_status(url) == 403
