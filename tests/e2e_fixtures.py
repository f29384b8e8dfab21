"""A real browser against `streamlit run`: Debian's chromium, driven by Playwright.

`server` starts the app on a free port with a database of its own (`server_db_url`, so a
test may prepare cases in it) and one bootstrap staff member (STAFF, PASSWORD). Locally the
browser tests skip when /usr/bin/chromium is missing; under CI=true that is a failure.

The tests never sleep for a guessed time: they wait for what they need to see, and for
`settle` (the app is idle and the page has stopped moving) or `app_run` (the run an action
starts has finished, and then `settle`). A page must count runs for `app_run`: give it
RUN_COUNTER with `page.add_init_script` before it loads the app.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
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
STAFF = "e2e"
PASSWORD = "e2e-password-long"


# The page counts the script runs that have finished: each ends with a ForwardMsg whose field 6
# (script_finished) is set, read here from the websocket's frames (only the message's top-level
# fields are walked). The count goes up after the app has handled that message and a frame
# has been drawn, so a test can wait for the run its own click started rather than take the
# page before that run, still idle from the previous one, for the result. (Streamlit's own
# run state on stApp is no such signal: a quick run may start and end between two renders.)
RUN_COUNTER = """
(() => {
    window.__matcherRunsDone = 0;
    const finished = (data) => {
        const bytes = new Uint8Array(data);
        let at = 0;
        const varint = () => {
            let value = 0;
            for (let shift = 0; at < bytes.length; shift += 7) {
                const byte = bytes[at++];
                value += (byte & 0x7f) * 2 ** shift;
                if (!(byte & 0x80)) break;
            }
            return value;
        };
        while (at < bytes.length) {
            const tag = varint();
            const field = Math.floor(tag / 8), wire = tag % 8;
            if (field === 6 && wire === 0) return true;
            if (wire === 0) {
                varint();
            } else if (wire === 2) {
                const length = varint();  // not `at += varint()`: varint moves `at`
                at += length;
            } else if (wire === 1) at += 8;
            else if (wire === 5) at += 4;
            else return false;
        }
        return false;
    };
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener("message", (event) => {
                if (event.data instanceof ArrayBuffer && finished(event.data)) {
                    setTimeout(() => requestAnimationFrame(() => {
                        window.__matcherRunsDone += 1;
                    }), 0);
                }
            });
        }
    };
})();
"""

# Polled at every animation frame: true once the app is idle (the script is not running, the
# status widget and stale or skeleton elements are gone, fonts and images loaded, each chart
# drawn at its container's width) and nothing on the page has moved for three frames (the
# sidebar's slide, a grid or chart redrawn after a resize).
_SETTLED = """(token) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const busy = '[data-testid="stStatusWidget"], [data-stale="true"], '
        + '[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]';
    const idle = app !== null
        && app.getAttribute("data-test-script-state") === "notRunning"
        && app.getAttribute("data-test-connection-state") === "CONNECTED"
        && document.querySelector(busy) === null
        && document.fonts.status === "loaded"
        && [...document.images].every((image) => image.complete)
        && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every((chart) => {
            const drawn = chart.querySelector("svg, canvas");
            const width = (e) => e.getBoundingClientRect().width;
            return drawn !== null && Math.abs(width(drawn) - width(chart)) < 2;
        });
    const boxes = '[data-testid="stSidebar"], [data-testid="stMain"], '
        + '[data-testid="stElementContainer"], canvas, svg';
    const shape = idle ? JSON.stringify([
        window.innerWidth, window.innerHeight,
        ...[...document.querySelectorAll(boxes)].map((e) => {
            const r = e.getBoundingClientRect();
            return [r.x, r.y, r.width, r.height].map(Math.round).join(",");
        }),
    ]) : "";
    const w = window;
    if (w.__matcherSettle !== token) {
        w.__matcherSettle = token;
        w.__matcherShape = "";
        w.__matcherSame = 0;
    }
    w.__matcherSame = shape !== "" && shape === w.__matcherShape ? w.__matcherSame + 1 : 0;
    w.__matcherShape = shape;
    return w.__matcherSame >= 3;
}"""
_settles = itertools.count()


def settle(page: Page, timeout: float = 60_000) -> None:
    """Wait until the app is idle and the page has painted (see _SETTLED)."""
    page.wait_for_function(_SETTLED, arg=next(_settles), polling="raf", timeout=timeout)


def runs_done(page: Page) -> int:
    """How many script runs this page has seen finish (RUN_COUNTER)."""
    done = page.evaluate("window.__matcherRunsDone")
    if not isinstance(done, int):
        raise AssertionError("the page does not count runs: add_init_script(RUN_COUNTER) first")
    return done


@contextlib.contextmanager
def app_run(page: Page, timeout: float = 60_000) -> Iterator[None]:
    """`with app_run(page): button.click()` waits for the run the click starts to finish,
    then for `settle`: never the idle page from before the click."""
    before = runs_done(page)
    yield
    page.wait_for_function(
        "(before) => window.__matcherRunsDone > before", arg=before, timeout=timeout
    )
    settle(page, timeout)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database of the module's `server`."""
    return f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.db'}"


@contextlib.contextmanager
def running_app(env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`streamlit run` on a free port with `env` added to this process's environment: its
    URL and process once /_stcore/health answers (RuntimeError after 60 s), stopped after.
    A server that exits at once (another process took the port first) is started again on
    another port."""
    for _ in range(3):
        port = _free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "serve.py"),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",  # an edit while the tests run must not rerun pages
                "none",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            if _answers(url, process):
                yield url, process
                return
        finally:
            process.terminate()
            process.wait(timeout=20)
    raise RuntimeError("streamlit exited at start three times (no free port?)")


def _answers(url: str, process: subprocess.Popen[bytes]) -> bool:
    """True once the server answers on /_stcore/health; False if it exited first."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.1)  # polling: the server is still starting
    raise RuntimeError("streamlit did not answer on /_stcore/health within 60 s")


def needs_chromium() -> None:
    """Skip without Debian's chromium; under CI=true, fail."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but /usr/bin/chromium is missing: .ci/run must install it")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")


def app_env(db_url: str) -> dict[str, str]:
    """The app's database and its one bootstrap staff member (STAFF, PASSWORD)."""
    return {"MATCHER_DB_URL": db_url, "MATCHER_BOOTSTRAP_STAFF": f"{STAFF}:{PASSWORD}"}


@pytest.fixture(scope="module")
def server(server_db_url: str) -> Iterator[str]:
    """The app for a module's browser tests, shared by those of them that run in one process
    (under pytest -n each worker starts its own): a test must not count on another's data."""
    needs_chromium()
    with running_app(app_env(server_db_url)) as (url, _):
        yield url


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """An app and database of this test's own: its URL and its database URL."""
    needs_chromium()
    db_url = f"sqlite:///{tmp_path / 'app.db'}"
    with running_app(app_env(db_url)) as (url, _):
        yield url, db_url
