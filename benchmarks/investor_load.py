"""Investors under load: 20 browser sessions at once submitting enquiries for two minutes
against two app replicas on one PostgreSQL behind nginx (deploy/replicas.py). Prints the time
from pressing submit to the ranking shown (p50, p95, max), errors, enquiries stored, and each
replica's memory (RSS) at the start, its peak and at the end.

Run: .venv/bin/python benchmarks/investor_load.py [--sessions 20] [--seconds 120]

The limits are real: at most 5 enquiries per address and per contact in 10 minutes. Each
simulated investor comes from an address of its own (198.18.0.0/15, the range set aside for
benchmarks; no traffic goes there), sent in X-Forwarded-For to nginx on this machine, which
this benchmark alone is told to believe (`trust_forwarded`: nginx's realip module), exactly
as a trusted front proxy would; the replicas believe nginx (MATCHER_TRUSTED_PROXIES). So each
address submits 5 enquiries in its browser session, then the next investor arrives from a
new address with a new contact, as real traffic would. A 6th from one address is refused, and
counted here as an error if it ever happens.

"Ranking shown": the script run the click started has finished and its frame is drawn (the
page's own count of finished runs, tests/e2e_fixtures.RUN_COUNTER), and the page shows the
"submitted as number N" message and the ranking's download button (the last thing the
ranking draws). Time in the browser is included: Chromium
runs on the same 2 cores as the servers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.replicas import running_replicas, throwaway_postgresql  # noqa: E402
from matcher.i18n import label  # noqa: E402
from tests.e2e_fixtures import _SETTLED, CHROMIUM, FLAGS, RUN_COUNTER  # noqa: E402

# When the click happened and when the page last heard from the server, in the page's own
# clock: their difference is the server's part (the run and its transfer), apart from drawing.
TIMES = """
(() => {
    document.addEventListener("click", () => { window.__clickAt = performance.now(); }, true);
    const Counted = window.WebSocket;
    window.WebSocket = class extends Counted {
        constructor(...args) {
            super(...args);
            this.addEventListener("message", () => { window.__heardAt = performance.now(); });
        }
    };
})();
"""
PER_ADDRESS = 5  # matcher.enquiry.SUBMISSIONS_PER_WINDOW
SECTORS = ["集成电路设计", "人工智能", "生物医药", "机器人", "医疗器械", "新能源汽车", "软件开发"]
AREAS = ["3000", "5000", "1万平方米", "800", ""]
PLACES = ["上地", "温泉", "中关村", "", "北部"]


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    server_times: list[float] = field(default_factory=list)  # click → the run's last message
    errors: list[str] = field(default_factory=list)
    sessions: int = 0


def addresses() -> itertools.count[int]:
    return itertools.count(1)


def address(number: int) -> str:
    """The number-th address of 198.18.0.0/15."""
    return f"198.{18 + number // 65536 % 2}.{number // 256 % 256}.{number % 256}"


async def settle(page: object, token: int) -> None:
    await page.wait_for_function(_SETTLED, arg=token, polling="raf", timeout=60_000)  # type: ignore[attr-defined]


async def investor(
    browser: object,
    url: str,
    deadline: float,
    numbers: itertools.count[int],
    tally: Tally,
    settles: itertools.count[int],
) -> None:
    """One visitor after another from this seat, each from a new address, until the deadline."""
    while time.monotonic() < deadline:
        number = next(numbers)
        context = await browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": 1280, "height": 1000},
            locale="zh-CN",
            extra_http_headers={"X-Forwarded-For": address(number)},
        )
        tally.sessions += 1
        try:
            page = await context.new_page()
            await page.add_init_script(RUN_COUNTER)
            await page.add_init_script(TIMES)
            await page.goto(url)
            await settle(page, next(settles))
            main = page.locator('[data-testid="stMain"]')
            await main.get_by_role("textbox", name=label("company", "zh")).fill(f"负载{number}")
            await main.get_by_role("textbox", name=label("contact_person", "zh")).fill("王")
            await main.get_by_role("textbox", name=label("contact", "zh")).fill(
                f"load{number}@example.com"
            )
            await main.get_by_text(label("consent", "zh")).click()
            for turn in range(PER_ADDRESS):
                if time.monotonic() >= deadline:
                    break
                pick = number * PER_ADDRESS + turn
                for key, values in (
                    ("sector_text", SECTORS),
                    ("min_area", AREAS),
                    ("location_text", PLACES),
                ):
                    box = main.get_by_role("textbox", name=label(key, "zh"))
                    await box.fill(values[pick % len(values)])
                before = await page.evaluate("window.__matcherRunsDone")
                started = time.monotonic()
                await main.get_by_role("button", name=label("submit", "zh")).click()
                await page.wait_for_function(
                    "(b) => window.__matcherRunsDone > b", arg=before, timeout=60_000
                )
                heard = await page.evaluate("window.__heardAt - window.__clickAt")
                tally.server_times.append(heard / 1000)
                ranking = main.get_by_role("button", name=label("download_ranking", "zh"))
                saved = main.get_by_test_id("stAlertContentSuccess")
                shown = True
                try:
                    await ranking.first.wait_for(timeout=30_000)
                    await saved.first.wait_for(timeout=30_000)
                except Exception:
                    shown = False
                elapsed = time.monotonic() - started
                problems = await page.locator(
                    '[data-testid="stException"], [data-testid="stAlertContentError"]'
                ).count()
                if problems or not shown:
                    alerts = page.locator(
                        '[data-testid^="stAlertContent"], [data-testid="stException"]'
                    )
                    said = [await a.inner_text() for a in await alerts.all()]
                    tally.errors.append(f"turn {turn}: " + " | ".join(said)[:300])
                else:
                    tally.times.append(elapsed)
                await settle(page, next(settles))
        except Exception as error:  # a timeout or a broken page: counted, the seat goes on
            tally.errors.append(f"{type(error).__name__}: {str(error)[:200]}")
        finally:
            await context.close()


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[max(0, round(share * len(ordered)) - 1)]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def watch_memory(
    pids: tuple[int, ...], stop: threading.Event, seen: dict[int, list[float]]
) -> None:
    while not stop.is_set():
        for pid in pids:
            with contextlib.suppress(OSError):
                seen[pid].append(rss_mb(pid))
        stop.wait(0.5)


async def load(url: str, replica_urls: tuple[str, ...], sessions: int, seconds: float) -> Tally:
    from playwright.async_api import async_playwright

    tally = Tally()
    settles = itertools.count()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        # Warm-up, not timed: each replica loads the catalogue and the ranker once.
        for replica in replica_urls:
            page = await browser.new_page()
            await page.goto(replica)
            await settle(page, next(settles))
            await page.close()
        deadline = time.monotonic() + seconds
        numbers = addresses()
        await asyncio.gather(
            *(investor(browser, url, deadline, numbers, tally, settles) for _ in range(sessions))
        )
        await browser.close()
    return tally


def enquiries_stored(db_url: str) -> int:
    from sqlalchemy import func, select

    from matcher.workspace.db import make_engine
    from matcher.workspace.schema import CaseRow

    engine = make_engine(db_url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(CaseRow)).scalar_one()
    engine.dispose()
    return int(count)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    with throwaway_postgresql() as db_url, running_replicas(db_url, trust_forwarded=True) as svc:
        replicas = svc.pids[:-1]  # the last is nginx
        seen: dict[int, list[float]] = {pid: [] for pid in replicas}
        stop = threading.Event()
        watcher = threading.Thread(target=watch_memory, args=(replicas, stop, seen))
        watcher.start()
        started = time.monotonic()
        try:
            tally = asyncio.run(load(svc.url, svc.replica_urls, args.sessions, args.seconds))
        finally:
            stop.set()
            watcher.join()
        wall = time.monotonic() - started
        stored = enquiries_stored(db_url)
    times = sorted(tally.times)
    print(f"{args.sessions} investor sessions for {args.seconds:.0f} s against 2 replicas")
    print(
        f"visitors (addresses): {tally.sessions}; submissions shown: {len(times)}; "
        f"errors: {len(tally.errors)}; enquiries stored: {stored}; wall {wall:.0f} s"
    )
    if times:
        p95 = percentile(times, 0.95)
        print(
            f"submit → ranking shown: p50 {statistics.median(times):.2f} s, p95 {p95:.2f} s, "
            f"max {times[-1]:.2f} s; {len(times) / args.seconds:.1f} submissions/s"
        )
    heard = sorted(tally.server_times)
    if heard:
        print(
            f"of which the server (click → the run's last message received): "
            f"p50 {statistics.median(heard):.2f} s, p95 {percentile(heard, 0.95):.2f} s"
        )
    print(f"load average at the end (1, 5, 15 min): {os.getloadavg()}")
    for number, pid in enumerate(replicas, start=1):
        series = seen[pid]
        if series:
            print(
                f"replica {number} RSS: start {series[0]:.0f} MB, peak {max(series):.0f} MB, "
                f"end {series[-1]:.0f} MB"
            )
    for error in tally.errors[:5]:
        print("error:", error)


if __name__ == "__main__":
    main()
