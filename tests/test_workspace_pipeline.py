"""The case pipeline: due dates in working days, the first staff action, how a closed case
ended, and the generated history for demos (`matcher demo-data`). Workspace tests run on
SQLite and on PostgreSQL."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta

import pytest

from matcher.workspace import CaseOutcome, CaseSource, Deadlines, StatusChangeError, Workspace
from matcher.workspace.deadlines import add_working_days
from matcher.workspace.demo import DemoDataRefusedError, generate
from matcher.workspace.insights import Dimension, Filters, Period
from tests.workspace_fixtures import IC_DESIGN

# Friday 6 March 2026, 10:00 Beijing time.
FRIDAY = datetime(2026, 3, 6, 2, 0, tzinfo=UTC)


def test_working_days_skip_the_weekend_in_beijing_time() -> None:
    assert add_working_days(FRIDAY, 1) == FRIDAY + timedelta(days=3)  # Monday, same hour
    assert add_working_days(FRIDAY, 7) == FRIDAY + timedelta(days=11)  # Tuesday week
    assert add_working_days(FRIDAY, 0) == FRIDAY
    # Saturday 7 March, 15:00 Beijing: the clock starts on Monday at midnight.
    saturday = datetime(2026, 3, 7, 7, 0, tzinfo=UTC)
    monday_midnight = datetime(2026, 3, 8, 16, 0, tzinfo=UTC)  # Mon 9 Mar 00:00 Beijing
    assert add_working_days(saturday, 1) == monday_midnight + timedelta(days=1)
    # Friday 23:30 UTC is already Saturday in Beijing.
    assert add_working_days(datetime(2026, 3, 6, 23, 30, tzinfo=UTC), 1) == datetime(
        2026, 3, 9, 16, 0, tzinfo=UTC
    )


def test_deadlines_are_the_office_s_own_when_configured() -> None:
    assert Deadlines.from_env({}) == Deadlines(first_response_days=1, shortlist_days=7)
    own = Deadlines.from_env({"MATCHER_FIRST_RESPONSE_DAYS": "2", "MATCHER_SHORTLIST_DAYS": "5"})
    assert (own.first_response_days, own.shortlist_days) == (2, 5)
    with pytest.raises(ValueError):
        Deadlines.from_env({"MATCHER_SHORTLIST_DAYS": "a week"})


def test_a_new_case_gets_its_due_dates_and_an_investor_s_waits_for_staff(
    workspace: Workspace,
) -> None:
    case = workspace.cases.create(
        IC_DESIGN,
        actor="investor",
        source=CaseSource.INVESTOR_FORM,
        contact="a@example.com",
        consent=True,
        now=FRIDAY,
    )
    assert case.first_response_due == FRIDAY + timedelta(days=3)
    assert case.shortlist_due == FRIDAY + timedelta(days=11)
    assert case.first_action_at is None
    assert workspace.cases.overdue(case.id, FRIDAY + timedelta(days=3, minutes=1)) == (True, False)
    acted = workspace.cases.set_status(
        case, "in_progress", actor="li", now=FRIDAY + timedelta(hours=5)
    )
    assert acted.first_action_at == FRIDAY + timedelta(hours=5)
    assert workspace.cases.overdue(case.id, FRIDAY + timedelta(days=4)) == (False, False)
    assert workspace.cases.overdue(case.id, FRIDAY + timedelta(days=12)) == (False, True)
    # A case staff open themselves has had its first action: they opened it.
    by_staff = workspace.cases.create(IC_DESIGN, actor="li", now=FRIDAY)
    assert by_staff.first_action_at == FRIDAY


def test_closing_names_the_outcome_and_a_landed_case_its_park(workspace: Workspace) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li")
    with pytest.raises(StatusChangeError, match="Say how the case ended"):
        workspace.cases.set_status(case, "closed", actor="li")
    with pytest.raises(StatusChangeError, match="needs the park"):
        workspace.cases.set_status(case, "closed", actor="li", outcome="landed")
    with pytest.raises(StatusChangeError, match="no park P99"):
        workspace.cases.set_status(
            case, "closed", actor="li", outcome="landed", outcome_park_id="P99"
        )
    with pytest.raises(StatusChangeError, match="only for a case that landed"):
        workspace.cases.set_status(
            case, "closed", actor="li", outcome="withdrawn", outcome_park_id="P05"
        )
    with pytest.raises(StatusChangeError, match="unknown outcome 'won'"):
        workspace.cases.set_status(case, "closed", actor="li", outcome="won")
    assert workspace.cases.get(case.id).status == "new"  # every refusal saved nothing
    closed = workspace.cases.set_status(
        case, "closed", actor="li", outcome="landed", outcome_park_id="P05"
    )
    assert (closed.outcome, closed.outcome_park_id) == (CaseOutcome.LANDED, "P05")
    reopened = workspace.cases.set_status(closed, "in_progress", actor="li")
    assert (reopened.outcome, reopened.outcome_park_id) == (None, None)


END = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_demo_data_is_the_same_for_a_seed_and_refused_beside_real_cases(
    workspace: Workspace,
) -> None:
    assert generate(workspace, cases=120, end=END, seed=3) == 120
    first = workspace.insights.dashboard(Filters(), "month", END)  # type: ignore[arg-type]
    assert first.total == 120
    # Over two years, as offices see them: most closed ones with an outcome, some landed.
    closed = dict((o, n) for o, n, _ in first.outcomes.rows)
    assert sum(closed.values()) > 30 and closed["landed"] > 0
    months = {row[0] for row in first.received["sector"].rows}
    assert min(months) < "2025-06" and max(months) == "2026-11"
    # The same seed again gives the same figures (on top of the first, so each doubles).
    generate(workspace, cases=120, end=END, seed=3)
    again = workspace.insights.dashboard(Filters(), "month", END)  # type: ignore[arg-type]
    assert again.total == 240
    assert dict((o, n) for o, n, _ in again.outcomes.rows) == {o: 2 * n for o, n in closed.items()}
    workspace.cases.create(IC_DESIGN, actor="li")  # a real case
    with pytest.raises(DemoDataRefusedError, match="1 real cases"):
        generate(workspace, cases=10, end=END)
    assert generate(workspace, cases=10, end=END, force=True) == 10
    # PostgreSQL: ids given in bulk moved the sequences on, so a new case still gets one.
    assert workspace.cases.create(IC_DESIGN, actor="li").id == 252


def test_cases_kept_before_the_pipeline_get_their_milestones_from_their_history(
    db_url: str, ranker: object
) -> None:
    """Migration 0007 on a database with cases: when each was taken up, shortlisted and sent
    comes from its status changes, and the week and month it arrived from its time."""
    from sqlalchemy import text

    from matcher.workspace.db import MIGRATIONS_DIR, downgrade, make_engine, upgrade

    spec = importlib.util.spec_from_file_location(
        "m0007", MIGRATIONS_DIR / "versions" / "0007_pipeline_insights.py"
    )
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)

    ws = Workspace.open(db_url, ranker=ranker)  # type: ignore[arg-type]
    sunday_night = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)  # Monday 2 March 01:00 Beijing
    case = ws.cases.create(IC_DESIGN, actor="investor", source=CaseSource.INVESTOR_FORM,
                           contact="a@example.com", consent=True, now=sunday_night)  # fmt: skip
    for hours, status in ((3, "in_progress"), (30, "shortlisted"), (50, "sent")):
        ws.cases.set_status(case.id, status, actor="li", now=sunday_night + timedelta(hours=hours))
    ws.engine.dispose()
    engine = make_engine(db_url)
    downgrade(engine, "0007")  # what later migrations added goes first, as they undo it
    with engine.begin() as connection:  # as a database before 0007 holds it: no pipeline columns
        connection.execute(text("DELETE FROM alembic_version"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('0006')"))
        connection.execute(
            text(
                "UPDATE cases SET first_action_at = NULL, first_action_seconds = NULL, "
                "in_progress_at = NULL, shortlisted_at = NULL, sent_at = NULL, "
                "sent_seconds = NULL, received_week = NULL, received_month = NULL"
            )
        )
        for index, _, _ in migration.INDEXES:
            connection.execute(text(f"DROP INDEX {index}"))
        for column, _ in migration.COLUMNS:
            connection.execute(text(f"ALTER TABLE cases DROP COLUMN {column}"))
    upgrade(engine)
    engine.dispose()
    ws = Workspace.open(db_url, ranker=ranker)  # type: ignore[arg-type]
    view = ws.cases.get(case.id)
    assert view.first_action_at == sunday_night + timedelta(hours=3)
    medians = ws.insights.medians(Filters())
    assert (medians.first_action_hours, medians.sent_hours) == (3.0, 50.0)
    funnel = ws.insights.funnel(Filters()).rows
    assert [n for _, n, _ in funnel] == [1, 1, 1, 1, 0]
    # Its demand (sector, area, best fit) is read from its latest ranking when asked.
    week = ws.insights.received(Filters(), Period.WEEK, Dimension.SECTOR).rows
    assert week == (("2026-03-02", "unknown", 1),)
    assert ws.cases.fill_demand_facts() == 1
    week = ws.insights.received(Filters(), Period.WEEK, Dimension.SECTOR).rows
    assert week == (("2026-03-02", "ic", 1),)
    assert ws.cases.get(case.id).version == view.version  # derived facts: nobody edited it
    ws.engine.dispose()
