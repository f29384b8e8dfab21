"""Investors under load: 20 sessions at once submitting enquiries for two minutes against
two app replicas on one PostgreSQL behind nginx (deploy/replicas.py). Prints the time from
submit to the ranking delivered (p50, p95, max), errors, enquiries stored, and each replica's
memory (RSS) at the start, its peak and at the end.

Run: .venv/bin/python benchmarks/investor_load.py [--sessions 20] [--seconds 120] [--no-browser]
     [--pause SECONDS]   (time each visitor takes to type before each submit; 0: back to back)

The 20 sessions speak Streamlit's own protocol over its WebSocket, as the browser does (a
BackMsg with the form's widget values and the submit button's trigger; the ForwardMsgs back),
without drawing: 20 Chromium pages cannot be drawn on this machine's 2 shared cores without
the browsers, not the servers, being what is measured (tried: at a load average of 30 no page
even loaded within 2 minutes). "Ranking delivered": the run the submit started has finished
(script_finished) and its messages held the "submitted as number N" success and the ranking's
download button. Beside them one real browser (Chromium, Playwright) submits the same way
throughout and its time to the ranking *shown* (drawn) is printed apart.

The limits are real: at most 5 enquiries per address and per contact in 10 minutes. Each
simulated investor comes from an address of its own (198.18.0.0/15, the range set aside for
benchmarks; no traffic goes there), sent in X-Forwarded-For to nginx on this machine, which
this benchmark alone is told to believe (`trust_forwarded`: nginx's realip module), exactly
as a trusted front proxy would; the replicas believe nginx (MATCHER_TRUSTED_PROXIES). So each
visitor submits 5 enquiries in its session, then the next one arrives from a new address with
a new contact and a new sticky-session cookie, as real traffic would. The figures end with
the number of distinct addresses the database counted: one per visitor when forwarding works.
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
import urllib.request
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
    await page.wait_for_function(_SETTLED, arg=token, polling="raf", timeout=120_000)  # type: ignore[attr-defined]


async def investor(
    browser: object,
    url: str,
    deadline: float,
    numbers: itertools.count[int],
    tally: Tally,
    settles: itertools.count[int],
) -> None:
    """One visitor after another at this seat, each from a new address (a new page, the
    browser's cache kept, as a returning browser has it), until the deadline."""
    context = await browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1280, "height": 1000}, locale="zh-CN"
    )
    await context.add_init_script(RUN_COUNTER)
    await context.add_init_script(TIMES)
    while time.monotonic() < deadline:
        number = next(numbers)
        tally.sessions += 1
        page = await context.new_page()
        try:
            await page.set_extra_http_headers({"X-Forwarded-For": address(number)})
            await page.goto(url, wait_until="domcontentloaded", timeout=120_000)
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
            await page.close()
    await context.close()


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[max(0, round(share * len(ordered)) - 1)]


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def widget_values(number: int, turn: int) -> dict[str, str]:
    pick = number * PER_ADDRESS + turn
    return {
        "sector_text": SECTORS[pick % len(SECTORS)],
        "min_area": AREAS[pick % len(AREAS)],
        "location": PLACES[pick % len(PLACES)],
        "company": f"负载{number}",
        "contact_person": "王",
        "contact": f"load{number}@example.com",
    }


async def protocol_visitor(
    url: str, number: int, deadline: float, tally: Tally, pause: float = 0.0
) -> None:
    """One visitor over Streamlit's WebSocket: the page's first run, then up to 5 submits,
    each `pause` seconds after the ranking before it (the time a person takes to type)."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    # nginx's sticky-session cookie first, as a browser gets it with the page.
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=60) as response:
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
    headers = {"X-Forwarded-For": address(number), "Cookie": "; ".join(cookies)}

    async def run(socket: object, states: dict[str, tuple[str, object]]) -> dict[str, object]:
        """Send one rerun; read its messages to script_finished: what it drew."""
        message = BackMsg()
        rerun = message.rerun_script
        rerun.context_info.locale = "zh-CN"
        rerun.context_info.timezone = "Asia/Shanghai"
        for widget_id, (kind, value) in states.items():
            state = rerun.widget_states.widgets.add()
            state.id = widget_id
            setattr(state, kind, value)
        await socket.send(message.SerializeToString())  # type: ignore[attr-defined]
        drawn: dict[str, object] = {"ids": {}, "success": [], "errors": [], "buttons": []}
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await socket.recv())  # type: ignore[attr-defined]
            kind = reply.WhichOneof("type")
            if kind == "script_finished":
                return drawn
            if kind != "delta" or reply.delta.WhichOneof("type") != "new_element":
                continue
            element = reply.delta.new_element
            inner = getattr(element, element.WhichOneof("type"))
            if getattr(inner, "id", ""):
                # "$$ID-<hash>-<key>": the page's own key names each widget
                name = "submit" if "FormSubmitter" in inner.id else inner.id.rsplit("-", 1)[-1]
                drawn["ids"][name] = inner.id  # type: ignore[index]
            if element.WhichOneof("type") == "alert":
                target = "success" if inner.format == inner.SUCCESS else "errors"
                if inner.format in (inner.SUCCESS, inner.ERROR):
                    drawn[target].append(inner.body)  # type: ignore[attr-defined]
            if element.WhichOneof("type") == "exception":
                drawn["errors"].append(inner.message)  # type: ignore[attr-defined]
            if element.WhichOneof("type") == "download_button":
                drawn["buttons"].append(inner.label)  # type: ignore[attr-defined]

    async with websockets.connect(
        url.replace("http", "ws", 1) + "/_stcore/stream",
        subprotocols=["streamlit"],  # type: ignore[list-item]
        origin=url,  # type: ignore[arg-type]
        additional_headers=headers,
        max_size=None,
    ) as socket:
        first = await run(socket, {})
        ids: dict[str, str] = first["ids"]  # type: ignore[assignment]
        for turn in range(PER_ADDRESS):
            await asyncio.sleep(pause)
            if time.monotonic() >= deadline:
                return
            states: dict[str, tuple[str, object]] = {
                ids[key]: ("string_value", value)
                for key, value in widget_values(number, turn).items()
            }
            states[ids["consent"]] = ("bool_value", True)
            states[ids["submit"]] = ("trigger_value", True)
            started = time.monotonic()
            drawn = await run(socket, states)
            elapsed = time.monotonic() - started
            saved = [s for s in drawn["success"] if "已提交" in s]  # type: ignore[attr-defined]
            ranked = label("download_ranking", "zh") in drawn["buttons"]  # type: ignore[operator]
            if drawn["errors"] or not saved or not ranked:
                tally.errors.append(f"turn {turn}: {drawn['errors'] or 'no ranking'}"[:300])
            else:
                tally.times.append(elapsed)


async def protocol_seat(
    url: str,
    deadline: float,
    numbers: itertools.count[int],
    tally: Tally,
    start: float,
    pause: float,
) -> None:
    await asyncio.sleep(start)
    while time.monotonic() < deadline:
        number = next(numbers)
        tally.sessions += 1
        try:
            await protocol_visitor(url, number, deadline, tally, pause)
        except Exception as error:  # a dropped connection or a timeout: counted, goes on
            tally.errors.append(f"{type(error).__name__}: {str(error)[:200]}")


async def browser_probe(
    url: str,
    replica_urls: tuple[str, ...],
    deadline: float,
    numbers: itertools.count[int],
    tally: Tally,
) -> None:
    from playwright.async_api import async_playwright

    settles = itertools.count()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        await investor(browser, url, deadline, numbers, tally, settles)
        await browser.close()


async def load(
    url: str,
    replica_urls: tuple[str, ...],
    sessions: int,
    seconds: float,
    browser: bool,
    pause: float = 0.0,
) -> tuple[Tally, Tally]:
    """The protocol sessions' tally, and the browser probe's."""
    # Warm-up, not timed: each replica loads the catalogue and the ranker once.
    for replica in replica_urls:
        await protocol_visitor(replica, 0, 0, Tally())
    deadline = time.monotonic() + seconds
    numbers = addresses()
    load_tally, probe_tally = Tally(), Tally()
    tasks = [
        protocol_seat(url, deadline, numbers, load_tally, start=0.25 * i, pause=pause)
        for i in range(sessions)
    ]
    if browser:
        tasks.append(browser_probe(url, replica_urls, deadline, numbers, probe_tally))
    await asyncio.gather(*tasks)
    return load_tally, probe_tally


def stored(db_url: str) -> tuple[int, int]:
    """Enquiries stored, and the distinct addresses the database counted them under (each
    visitor's own when the forwarded address reached the replicas)."""
    from sqlalchemy import func, select

    from matcher.workspace.cases import ENQUIRY_ADDRESS
    from matcher.workspace.db import make_engine
    from matcher.workspace.schema import CaseRow, ThrottleRow

    engine = make_engine(db_url)
    with engine.connect() as connection:
        cases = connection.execute(select(func.count()).select_from(CaseRow)).scalar_one()
        addresses = connection.execute(
            select(func.count()).where(ThrottleRow.kind == ENQUIRY_ADDRESS)
        ).scalar_one()
    engine.dispose()
    return int(cases), int(addresses)


def summary(name: str, tally: Tally, seconds: float) -> None:
    times = sorted(tally.times)
    print(
        f"{name}: visitors (addresses) {tally.sessions}, submissions {len(times)}, "
        f"errors {len(tally.errors)}"
    )
    if times:
        print(
            f"  p50 {statistics.median(times):.2f} s, p95 {percentile(times, 0.95):.2f} s, "
            f"max {times[-1]:.2f} s; {len(times) / seconds:.1f} submissions/s"
        )
    heard = sorted(tally.server_times)
    if heard:
        print(
            f"  of which until the run's last message was handled in the page: "
            f"p50 {statistics.median(heard):.2f} s, p95 {percentile(heard, 0.95):.2f} s"
        )
    for error in tally.errors[:3]:
        print("  error:", error)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--no-browser", action="store_true", help="no real-browser probe")
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds each visitor takes to type before each submit (0: back to back)",
    )
    args = parser.parse_args()
    with throwaway_postgresql() as db_url, running_replicas(db_url, trust_forwarded=True) as svc:
        replicas = svc.pids[:-1]  # the last is nginx
        seen: dict[int, list[float]] = {pid: [] for pid in replicas}
        stop = threading.Event()
        watcher = threading.Thread(target=watch_memory, args=(replicas, stop, seen))
        watcher.start()
        started = time.monotonic()
        cpu_before = sum(cpu_seconds(pid) for pid in replicas)
        try:
            tallies = asyncio.run(
                load(
                    svc.url,
                    svc.replica_urls,
                    args.sessions,
                    args.seconds,
                    not args.no_browser,
                    args.pause,
                )
            )
        finally:
            stop.set()
            watcher.join()
        wall = time.monotonic() - started
        cpu = sum(cpu_seconds(pid) for pid in replicas) - cpu_before
        cases, counted_under = stored(db_url)
    print(
        f"{args.sessions} investor sessions for {args.seconds:.0f} s, 2 replicas behind nginx, "
        f"{args.pause:g} s typing before each submit"
    )
    summary("submit → ranking delivered (protocol sessions)", tallies[0], args.seconds)
    if not args.no_browser:
        summary("submit → ranking shown (one real browser beside them)", tallies[1], args.seconds)
    print(
        f"enquiries stored: {cases}, counted under {counted_under} distinct addresses; "
        f"wall {wall:.0f} s; load average (1, 5, 15 min) {os.getloadavg()}"
    )
    submitted = len(tallies[0].times) + len(tallies[1].times)
    if submitted:
        print(
            f"CPU of the two replicas: {cpu:.0f} s in all, {cpu / submitted:.2f} s per "
            f"submission (page loads included): what 2 idle cores could serve is about "
            f"{2 * submitted / cpu:.1f} submissions/s"
        )
    for number, pid in enumerate(replicas, start=1):
        series = seen[pid]
        if series:
            print(
                f"replica {number} RSS: start {series[0]:.0f} MB, peak {max(series):.0f} MB, "
                f"end {series[-1]:.0f} MB"
            )


if __name__ == "__main__":
    main()
