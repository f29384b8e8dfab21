"""A bounded flood of the public enquiry form against a real `streamlit run serve.py`, and
what other visitors meet meanwhile: N flooding clients (browser contexts of one Debian
chromium, each filling the form with a phone and consent and submitting as fast as the app
answers) for a bounded time, while one more browser, in its own process, loads the public
page again and again. Prints the visitor's page-load times (median, p95) without and with
the flood, the submissions sent, the cases stored, and the server's peak RSS.

A page load is: a fresh browser context opens the app's address until the form's submit
button is on screen (the whole first script run drawn).

Run: .venv/bin/python benchmarks/flood.py [--clients 19] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matcher.i18n import label  # noqa: E402
from tests.e2e_fixtures import CHROMIUM, FLAGS, RUN_COUNTER, app_env, running_app  # noqa: E402

LANG = "zh"


def visitor(url: str, seconds: float, out: multiprocessing.Queue, go: Any) -> None:  # type: ignore[type-arg]
    """Loads the public page again and again for `seconds` from `go`; puts the load times."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        go.wait()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            start = time.perf_counter()
            page.goto(url, timeout=120_000)
            page.get_by_role("button", name=label("submit", LANG)).wait_for(timeout=120_000)
            times.append(time.perf_counter() - start)
            context.close()
        browser.close()
    out.put(times)


async def flooder(
    browser: Any, url: str, number: int, seconds: float, started: asyncio.Event, sent: list[int]
) -> None:
    context = await browser.new_context(locale="zh-CN")
    page = await context.new_page()
    page.set_default_timeout(300_000)  # 19 pages on a shared machine: slow, not stuck
    await page.add_init_script(RUN_COUNTER)
    await page.goto(url, timeout=300_000)
    main = page.locator('[data-testid="stMain"]')
    submit = page.get_by_role("button", name=label("submit", LANG))
    await submit.wait_for(timeout=300_000)
    sent[1] += 1
    await started.wait()  # every client has its page before the flood starts
    deadline = time.monotonic() + seconds
    round_ = 0
    while time.monotonic() < deadline:
        round_ += 1
        await main.get_by_role("textbox", name=label("sector_text", LANG)).fill(
            f"集成电路设计 {number}-{round_}"
        )
        await main.get_by_role("textbox", name=label("company", LANG)).fill(f"洪水公司{number}")
        await main.get_by_role("textbox", name=label("contact", LANG)).fill(
            f"139{number:04d}{round_:04d}"
        )
        consent = main.get_by_role("checkbox", name=label("consent", LANG))
        if not await consent.is_checked():
            await consent.check(force=True)  # the box is drawn over the input
        before = await page.evaluate("window.__matcherRunsDone")
        await submit.click()
        sent[0] += 1
        # The next submission once this one's run has finished (its answer, or a refusal).
        await page.wait_for_function(f"window.__matcherRunsDone > {before}", timeout=120_000)
    await context.close()


async def flood(url: str, clients: int, seconds: float, go: Any) -> int:
    """`clients` pages load the form, then (and the visitor with them, told by `go`) submit
    it as fast as the app answers for `seconds`; the submissions sent."""
    from playwright.async_api import async_playwright

    sent = [0, 0]  # submissions, clients ready
    started = asyncio.Event()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        tasks = [
            asyncio.create_task(flooder(browser, url, n, seconds, started, sent))
            for n in range(clients)
        ]
        while sent[1] + sum(t.done() for t in tasks) < clients:
            await asyncio.sleep(0.2)  # polling the clients' own count, not a guessed time
        started.set()
        go.set()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        for failed in {repr(o)[:300] for o in outcomes if isinstance(o, BaseException)}:
            print(f"a flooding client stopped: {failed}", file=sys.stderr)
        await browser.close()
    return sent[0]


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (the kernel's VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(url: str, seconds: float, clients: int) -> tuple[list[float], int]:
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    go = multiprocessing.Event()
    looker = multiprocessing.Process(target=visitor, args=(url, seconds, queue, go))
    looker.start()
    if clients:
        sent = asyncio.run(flood(url, clients, seconds, go))
    else:
        go.set()
        sent = 0
    times = queue.get()
    looker.join()
    return times, sent


def figures(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{len(times)} loads, median {statistics.median(times):.2f} s, p95 {p95:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=19)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db_url = f"sqlite:///{folder}/flood.db"
        with running_app(app_env(db_url)) as (url, process):
            quiet, _ = measure(url, args.seconds, 0)
            busy, sent = measure(url, args.seconds, args.clients)
            peak = peak_rss_mb(process.pid)
        from sqlalchemy import text

        from matcher.workspace import Database

        with Database.open(db_url).session() as session:
            stored = session.scalar(text("select count(*) from cases"))
    print(f"no flood:   {figures(quiet)}")
    print(f"{args.clients} clients, {args.seconds:.0f} s: {figures(busy)}")
    print(f"submissions sent {sent}, cases stored {stored}, server peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
