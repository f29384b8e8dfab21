"""A real browser against `streamlit run`: Debian's chromium, driven by Playwright.

`server` starts the app on a free port with a database of its own (`server_db_url`, so a
test may prepare cases in it) and one bootstrap staff member (STAFF, PASSWORD). Locally the
browser tests skip when /usr/bin/chromium is missing; under CI=true that is a failure.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

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
    URL and process once /_stcore/health answers (RuntimeError after 60 s), stopped after."""
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
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("streamlit did not answer on /_stcore/health within 60 s")
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def server(server_db_url: str) -> Iterator[str]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but /usr/bin/chromium is missing: .ci/run must install it")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    env = {"MATCHER_DB_URL": server_db_url, "MATCHER_BOOTSTRAP_STAFF": f"{STAFF}:{PASSWORD}"}
    with running_app(env) as (url, _):
        yield url
