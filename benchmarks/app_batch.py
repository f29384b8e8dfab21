"""The Batch page end to end in AppTest: upload, match, rerun after a download, build the CSV.

Targets for 100k rows: upload-to-results <= 15 s, peak RSS of the process <= 1.5 GB.
Each size runs in a fresh process, so the peak RSS is that run's alone (it includes the
AppTest harness, which holds the uploaded bytes like a server would).

With --browser the same steps run against a real `streamlit run serve.py`, signed in as
staff, driven by Debian's chromium through Playwright; the server's memory is its VmRSS (now)
and VmHWM (peak) from /proc, after the match and after a CSV download.

Run:  .venv/bin/python benchmarks/app_batch.py [--sizes 20000 100000]
      [--browser [--mb 48.6] [--streamed]]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")


def synthetic_leads(path: Path, rows: int) -> None:
    """The same mixed zh/en lead lists as benchmarks/batch.py, a few rows malformed."""
    spec = importlib.util.spec_from_file_location("bench_batch", ROOT / "benchmarks" / "batch.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(path, rows)


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(rows: int) -> None:
    sys.path.insert(0, str(ROOT))
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "leads.csv"
        synthetic_leads(source, rows)
        content = source.read_bytes()
    # The batch page is for staff: a throwaway database with one signed-in staff member.
    os.environ["MATCHER_DB_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    from matcher.workspace import Database, StaffAccounts, utcnow

    accounts = StaffAccounts(Database.open())
    staff = accounts.add("bench", "bench-password-123")
    at = AppTest.from_file(APP, default_timeout=600)
    at.session_state["staff_token"] = accounts.start_session(staff, utcnow())
    at.run()
    at.switch_page("app_pages/batch.py")
    at.run()
    before = peak_rss_mb()

    started = time.perf_counter()
    at.get("file_uploader")[0].upload("leads.csv", content, "text/csv")
    at.run()
    at.button(key="batch_run").click()
    at.run()
    end_to_end = time.perf_counter() - started
    after_match = peak_rss_mb()
    assert not at.exception, at.exception
    summary = at.success[0].value

    # A browser click on a download does not rerun the page (on_click="ignore"); a rerun
    # from any other widget must not recompute either.
    started = time.perf_counter()
    at.get("download_button")[-2].click()
    at.run()
    rerun = time.perf_counter() - started
    assert not at.exception, at.exception

    run = at.session_state["batch_result"]
    started = time.perf_counter()
    size = len(run.csv())  # what the deferred download executes on the first click
    first_csv = time.perf_counter() - started
    started = time.perf_counter()
    run.csv()
    second_csv = time.perf_counter() - started

    print(f"{rows:>7} rows ({len(content) / 1e6:.1f} MB upload): {summary}")
    print(f"  upload + match, to results shown : {end_to_end:6.2f} s")
    print(f"  page rerun after a download click: {rerun:6.2f} s")
    print(f"  CSV download, first click        : {first_csv:6.2f} s ({size / 1e6:.0f} MB)")
    print(f"  CSV download, later clicks       : {second_csv:6.3f} s")
    print(
        f"  peak RSS: {peak_rss_mb():.0f} MB (app loaded: {before:.0f} MB, "
        f"after the match: {after_match:.0f} MB)"
    )


def server_memory_mb(pid: int) -> tuple[float, float]:
    """A process's resident memory now (VmRSS) and at its peak (VmHWM), in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            found[line[:5]] = int(line.split()[1]) / 1024
    return found["VmRSS"], found["VmHWM"]


def rows_for_mb(megabytes: float) -> int:
    """How many synthetic rows make a file of about `megabytes`."""
    with tempfile.TemporaryDirectory() as folder:
        sample = Path(folder) / "sample.csv"
        synthetic_leads(sample, 20_000)
        return int(megabytes * 1e6 / (sample.stat().st_size / 20_000))


def streamed_download(page: Page, url: str, saved: Path, from_history: bool) -> None:
    """The run's CSV through its link (app_pages/batch_download.py; the history's, checked
    on a click first, with `from_history`), read by this process in 1 MB pieces with the
    page's session cookie, so only the server's memory counts."""
    import urllib.request
    from urllib.parse import urljoin

    link = page.get_by_role("link", name="下载结果 CSV")
    if from_history:
        page.get_by_role("button", name="取回 #1 的结果").click()
        link = page.get_by_role("link", name="重新下载 #1")
    href = link.get_attribute("href", timeout=1_200_000)
    assert href is not None
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "matcher_session")
    request = urllib.request.Request(urljoin(f"{url}/batch", href))
    request.add_header("Cookie", f"matcher_session={cookie}")
    with urllib.request.urlopen(request, timeout=1_200) as answer, saved.open("wb") as out:
        while piece := answer.read(1024 * 1024):
            out.write(piece)


def one_in_browser(rows: int, streamed: bool = False) -> None:
    """The Batch page in a real `streamlit run serve.py` and chromium, signed in as staff:
    upload, match, then one CSV download (the run's link, or with `streamed` the history's);
    the server's memory at each step."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from tests.e2e_fixtures import CHROMIUM, FLAGS, PASSWORD, STAFF, app_env, running_app

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "leads.csv"
        synthetic_leads(source, rows)
        size_mb = source.stat().st_size / 1e6
        with running_app(app_env(f"sqlite:///{folder}/bench.db")) as (url, server):
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
                page = browser.new_page(accept_downloads=True, locale="zh-CN")
                page.goto(f"{url}/batch")
                page.get_by_role("textbox", name="用户名").fill(STAFF)
                page.get_by_role("textbox", name="密码").fill(PASSWORD)
                page.get_by_role("button", name="登录").click()
                page.get_by_role("button", name="开始匹配").or_(
                    page.locator("input[type=file]")
                ).first.wait_for(state="attached", timeout=60_000)
                loaded = server_memory_mb(server.pid)
                started = time.perf_counter()
                page.locator("input[type=file]").set_input_files(str(source))
                page.get_by_role("button", name="开始匹配").click(timeout=600_000)
                page.get_by_text(f"读取 {rows} 行").wait_for(timeout=1_200_000)
                end_to_end = time.perf_counter() - started
                after_match = server_memory_mb(server.pid)
                started = time.perf_counter()
                saved = Path(folder) / "matches.csv"
                streamed_download(page, url, saved, from_history=streamed)
                first_csv = time.perf_counter() - started
                after_download = server_memory_mb(server.pid)
                browser.close()
            print(f"{rows:>7} rows ({size_mb:.1f} MB upload), real server + chromium:")
            print(f"  upload + match, to results shown : {end_to_end:6.1f} s")
            print(
                f"  CSV download                     : {first_csv:6.1f} s "
                f"({saved.stat().st_size / 1e6:.0f} MB)"
            )
            print(f"  server RSS, page loaded          : {loaded[0]:6.0f} MB")
            print(
                f"  server RSS after the match       : {after_match[0]:6.0f} MB "
                f"(peak so far {after_match[1]:.0f} MB)"
            )
            print(
                f"  server RSS after the download    : {after_download[0]:6.0f} MB "
                f"(peak so far {after_download[1]:.0f} MB)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--browser", action="store_true", help="real server and chromium")
    parser.add_argument("--mb", type=float, help="with --browser: one upload of about this size")
    parser.add_argument(
        "--streamed", action="store_true", help="with --browser: download by the history's link"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.browser:
        for rows in [rows_for_mb(args.mb)] if args.mb else args.sizes:
            one_in_browser(rows, args.streamed)
        return
    if args.one:
        one(args.one)
        return
    for rows in args.sizes:
        subprocess.run([sys.executable, __file__, "--one", str(rows)], check=True)


if __name__ == "__main__":
    main()
