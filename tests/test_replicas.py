"""Several app replicas on one PostgreSQL behind nginx (deploy/, `make replicas`): nothing a
person does depends on which replica serves them. One browser signs in on one replica and
works on the other: the session, a batch run's result and a colleague's change all cross.

Runs under CI against a throwaway PostgreSQL, with Debian's nginx and chromium."""

from __future__ import annotations

import io
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urljoin

import pandas as pd
import pytest

from deploy.replicas import NGINX, Replicas, running_replicas
from matcher.i18n import label
from tests.e2e_fixtures import CHROMIUM, FLAGS, RUN_COUNTER, STAFF, app_env, app_run, settle
from tests.test_walk_case import sign_in
from tests.workspace_fixtures import IC_DESIGN, PostgresServer

COMPANY = "跨副本芯片科技"
LEADS = "编号,行业,面积需求\nR1,集成电路,5000\nR2,人工智能,3000\n"


@pytest.fixture(scope="module")
def service(postgres_server: PostgresServer) -> Iterator[Replicas]:
    if not CHROMIUM.exists() or not NGINX.exists():
        message = "Debian's chromium and nginx-light are needed (apt-get install)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)
    db_url = postgres_server.new_database()
    with running_replicas(db_url, env=app_env(db_url)) as running:
        yield running


def a_case(db_url: str) -> int:
    from matcher.scoring import ranker_for
    from matcher.workspace import Workspace

    ws = Workspace.open(db_url, ranker=ranker_for())
    case = ws.cases.create(IC_DESIGN, actor=STAFF, company=COMPANY)
    assert case.snapshot is not None
    ws.shortlists.add(case, [case.snapshot.matches[0].park_id], actor=STAFF)
    ws.engine.dispose()
    return case.id


def test_a_session_a_batch_result_and_a_change_cross_replicas(service: Replicas) -> None:
    from playwright.sync_api import expect, sync_playwright

    one, other = service.replica_urls
    case_id = a_case(service.db_url)
    title = label("case_title", "zh", case=case_id)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            context = browser.new_context(
                viewport={"width": 1280, "height": 1400}, locale="zh-CN", accept_downloads=True
            )
            context.add_init_script(RUN_COUNTER)
            # Signed in on one replica, a lead list matched there.
            first = context.new_page()
            first.goto(f"{one}/signin")
            settle(first)
            sign_in(first, STAFF, "zh")
            first.get_by_role("heading", name=label("page_inbox", "zh")).wait_for(timeout=60_000)
            first.goto(f"{one}/batch")
            settle(first)
            main = first.locator('[data-testid="stMain"]')
            with app_run(first):
                main.locator('input[type="file"]').set_input_files(
                    files=[{"name": "leads.csv", "mimeType": "text/csv", "buffer": LEADS.encode()}]
                )
            with app_run(first):
                main.get_by_role("button", name=label("batch_run", "zh")).click()
            main.get_by_role("link", name=label("batch_download", "zh")).wait_for()

            # The other replica: still signed in, the case opens, the result downloads.
            second = context.new_page()
            second.goto(f"{other}/case?case={case_id}")
            settle(second)
            second.get_by_role("heading", name=title).wait_for(timeout=60_000)
            expect(second.get_by_text(COMPANY).first).to_be_visible()
            second.goto(f"{other}/batch")
            settle(second)
            there = second.locator('[data-testid="stMain"]')
            get = there.get_by_role("button", name=label("batch_get_result", "zh", run=1))
            with app_run(second):
                get.click()
            # A link the server streams from the database (this replica never ran the batch).
            link = there.get_by_role("link", name=label("batch_redownload", "zh", run=1))
            href = link.get_attribute("href", timeout=60_000)
            assert href is not None
            answer = second.context.request.get(urljoin(second.url, href))
            assert answer.status == 200
            frame = pd.read_csv(io.BytesIO(answer.body()), encoding="utf-8-sig")
            assert set(frame[label("column_request_id", "zh")]) == {"R1", "R2"}

            # A change saved on one replica: the case open on the other refuses a stale edit.
            first.goto(f"{one}/case?case={case_id}")
            settle(first)
            first.get_by_role("heading", name=title).wait_for(timeout=60_000)
            second.goto(f"{other}/case?case={case_id}")
            settle(second)
            note = label("shortlist_note", "zh")
            second.get_by_role("textbox", name=note).fill("saved on the other replica")
            with app_run(second):
                second.get_by_role("button", name=label("save_notes", "zh")).click()
            expect(second.get_by_test_id("stAlertContentSuccess").first).to_be_visible()
            first.get_by_role("textbox", name=note).fill("typed on this one")
            with app_run(first):
                first.get_by_role("button", name=label("save_notes", "zh")).click()
            refusal = first.locator('[data-testid="stMain"]').get_by_test_id("stAlertContentError")
            expect(refusal.first).to_contain_text(STAFF)
            expect(first.get_by_text("saved on the other replica").first).to_be_visible()

            # Through nginx (its WebSocket proxying included): the same session, the case.
            front = context.new_page()
            front.goto(f"{service.url}/case?case={case_id}")
            settle(front)
            front.get_by_role("heading", name=title).wait_for(timeout=60_000)
            expect(front.get_by_text("saved on the other replica").first).to_be_visible()
        finally:
            browser.close()


def test_nginx_hides_the_metrics_and_refuses_an_oversized_upload(service: Replicas) -> None:
    with urllib.request.urlopen(f"{service.url}/_stcore/health", timeout=10) as response:
        assert response.status == 200
        cookies = response.headers.get_all("Set-Cookie") or []
        assert any(c.startswith("matcher_replica=") for c in cookies)  # sticky sessions
    for path, body, status in (
        ("/_stcore/metrics", None, 404),
        ("/_stcore/upload_file/session/file", b"x" * (51 * 1024 * 1024), 413),
    ):
        request = urllib.request.Request(
            f"{service.url}{path}", data=body, method="GET" if body is None else "PUT"
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == status, path
