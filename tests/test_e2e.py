"""End to end in a real browser: Debian's chromium driven by Playwright against `streamlit run`.

Locally the test skips when /usr/bin/chromium is missing; under CI=true that is a failure.
"""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but /usr/bin/chromium is missing: .ci/run must install it")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "streamlit_app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not answer on /_stcore/health within 60 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_an_investor_goes_from_form_to_ranking_to_a_download(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800}, accept_downloads=True)
            page.goto(server, wait_until="networkidle")
            page.get_by_role("textbox", name="产业方向（可写一句话）").fill("集成电路")
            page.get_by_role("textbox", name="最小面积").fill("0.5万平方米")
            page.get_by_role("textbox", name="意向区位").fill("温泉")
            page.get_by_role("button", name="匹配园区").click()
            # The grid mirrors its cells in hidden DOM for screen readers: wait for what shows.
            page.get_by_role("button", name="下载排名 CSV").wait_for(timeout=30_000)
            page.locator("text=中关村综保区(一期) >> visible=true").first.wait_for(timeout=30_000)
            page.wait_for_timeout(1500)  # let the table and charts paint before the picture
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
