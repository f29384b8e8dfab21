"""Three staff sessions at once for two minutes against a real `streamlit run` (Debian's
chromium through Playwright), each signing in and working on its own case: pages loaded,
errors seen (a Streamlit exception box, a missing case header) and the server's peak RSS.

Run: .venv/bin/python benchmarks/concurrent_sessions.py [--seconds 120] [--sessions 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e_fixtures import FLAGS, running_app  # noqa: E402

PASSWORD = "a long enough password"


def session(url: str, user: str, case_id: int, seconds: float, out: dict[str, int]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(f"{url}/signin", wait_until="networkidle")
        page.get_by_role("textbox", name="用户名").fill(user)
        page.get_by_role("textbox", name="密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("heading", name="案件收件箱").wait_for(timeout=60_000)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for target, marker in (
                (f"{url}/case?case={case_id}", f"Company {user}"),
                (f"{url}/inbox", "案件收件箱"),
            ):
                page.goto(target, wait_until="networkidle")
                try:
                    page.get_by_text(marker).first.wait_for(timeout=30_000)
                except Exception:
                    out["errors"] += 1
                if page.locator('[data-testid="stException"]').count():
                    out["errors"] += 1
                out["pages"] += 1
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--sessions", type=int, default=3)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    db = f"sqlite:///{folder}/sessions.db"
    os.environ["MATCHER_DB_URL"] = db
    from matcher.models import Requirement
    from matcher.scoring import ranker_for
    from matcher.workspace import Workspace

    ws = Workspace.open(ranker=ranker_for())
    cases = {}
    for i in range(args.sessions):
        user = f"staff{i}"
        ws.staff.add(user, PASSWORD)
        view = ws.cases.create(
            Requirement.from_cells(sector_text="集成电路设计", min_area="5000"),
            actor=user,
            company=f"Company {user}",
        )
        cases[user] = view.id
    peak = 0
    with running_app({}) as (url, server):
        results = {user: {"pages": 0, "errors": 0} for user in cases}
        threads = [
            threading.Thread(
                target=session, args=(url, user, cases[user], args.seconds, results[user])
            )
            for user in cases
        ]
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            status = Path(f"/proc/{server.pid}/status").read_text()
            rss = next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")
            )
            peak = max(peak, rss // 1024)
            time.sleep(1)
    pages = sum(r["pages"] for r in results.values())
    errors = sum(r["errors"] for r in results.values())
    print(
        f"{len(cases)} staff sessions for {args.seconds:.0f} s: {pages} pages loaded, "
        f"{errors} errors; server peak RSS {peak} MB; per session {results}"
    )


if __name__ == "__main__":
    main()
