"""Demand insights (`ws.insights`): every figure of the dashboard and the monthly report
checked against one counted by hand on six cases, on SQLite and on PostgreSQL.

The six cases (times UTC; Beijing is 8 hours ahead; deadlines 1 and 7 working days):
  A  集成电路设计 3000 m² at 温泉, investor form, Mon 2 Mar 09:00. In progress +2 h, P05
     shortlisted +1 d, sent +2 d, closed landed in P05 +10 d.
  B  机器人, investor form, Tue 3 Mar 09:00. In progress +4 h, P01 and P05 shortlisted.
  C  宠物医疗 500 m² (no sector recognised), investor form, Mon 9 Mar 09:00. Untouched.
  D  光刻胶 (an IC chain's upstream material) 1,000,000 m² (no park holds it), staff,
     Mon 9 Mar 10:00. Closed, no suitable space, a day later.
  E  机器人, investor form, Tue 31 Mar 20:00 UTC = Wed 1 Apr 04:00 Beijing: April in Beijing.
     Closed, lost to another district, an hour later.
  F  人工智能, staff, Mon 2 Mar 09:00. In progress an hour later, never shortlisted.
Now: Thu 12 Mar 10:00 UTC (18:00 Beijing).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from matcher.models import Requirement
from matcher.workspace import CaseSource, Dimension, Filters, Period, Workspace
from matcher.workspace.insights import month_filters
from tests.workspace_fixtures import IC_DESIGN, ROBOTS

MON = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
PET_CARE = Requirement.from_cells(sector_text="宠物医疗", min_area="500")
PHOTORESIST = Requirement.from_cells(sector_text="光刻胶", min_area="1000000")
AI = Requirement.from_cells(sector_text="人工智能")
FORM = CaseSource.INVESTOR_FORM


def _open(ws: Workspace, requirement: Requirement, at: datetime, source: CaseSource) -> int:
    contact = {"contact": "x@example.com", "consent": True} if source == FORM else {}
    return ws.cases.create(requirement, actor="li", source=source, now=at, **contact).id


@pytest.fixture
def six(workspace: Workspace) -> Workspace:
    ws = workspace
    a = _open(ws, IC_DESIGN, MON, FORM)
    ws.cases.set_status(a, "in_progress", actor="li", now=MON + 2 * HOUR)
    ws.shortlists.add(a, ["P05"], actor="li", now=MON + DAY)
    ws.cases.set_status(a, "shortlisted", actor="li", now=MON + DAY)
    ws.cases.set_status(a, "sent", actor="li", now=MON + 2 * DAY)
    ws.cases.set_status(
        a, "closed", actor="li", outcome="landed", outcome_park_id="P05", now=MON + 10 * DAY
    )
    b = _open(ws, ROBOTS, MON + DAY, FORM)
    ws.cases.set_status(b, "in_progress", actor="li", now=MON + DAY + 4 * HOUR)
    ws.shortlists.add(b, ["P01", "P05"], actor="li", now=MON + 2 * DAY)
    ws.cases.set_status(b, "shortlisted", actor="li", now=MON + 2 * DAY)
    _open(ws, PET_CARE, MON + 7 * DAY, FORM)
    d = _open(ws, PHOTORESIST, MON + 7 * DAY + HOUR, CaseSource.STAFF)
    ws.cases.set_status(d, "closed", actor="li", outcome="no_space", now=MON + 8 * DAY)
    e_at = datetime(2026, 3, 31, 20, 0, tzinfo=UTC)
    e = _open(ws, ROBOTS, e_at, FORM)
    ws.cases.set_status(e, "closed", actor="li", outcome="lost_elsewhere", now=e_at + HOUR)
    f = _open(ws, AI, MON, CaseSource.STAFF)
    ws.cases.set_status(f, "in_progress", actor="li", now=MON + HOUR)
    return ws


ALL = Filters()


def test_requirements_received_are_counted_per_beijing_week_and_month(six: Workspace) -> None:
    insights = six.insights
    assert insights.total(ALL) == 6
    by_month = insights.received(ALL, Period.MONTH, Dimension.SECTOR).rows
    assert sorted(by_month) == sorted(
        [
            ("2026-03", "ai", 1),
            ("2026-03", "embodied", 1),
            ("2026-03", "ic", 2),
            ("2026-03", "unknown", 1),
            ("2026-04", "embodied", 1),  # E: still March in UTC, April in Beijing
        ]
    )
    by_week = insights.received(ALL, Period.WEEK, Dimension.SIZE).rows
    assert sorted(by_week) == sorted(
        [
            ("2026-03-02", "1k_5k", 1),  # A
            ("2026-03-02", "unknown", 2),  # B, F: no area asked
            ("2026-03-09", "under_1k", 1),  # C
            ("2026-03-09", "20k_up", 1),  # D
            ("2026-03-30", "unknown", 1),  # E: Wednesday 1 April's week starts Monday 30 March
        ]
    )
    by_zone = insights.received(ALL, Period.MONTH, Dimension.ZONE).rows
    assert sorted(by_zone) == [
        ("2026-03", "north", 1),  # A: 温泉
        ("2026-03", "unknown", 4),
        ("2026-04", "unknown", 1),
    ]
    by_chain = insights.received(ALL, Period.MONTH, Dimension.CHAIN).rows
    assert ("2026-03", "upstream_materials", 1) in by_chain  # D: 光刻胶


def test_unmet_demand_is_a_weak_or_no_fit_or_an_area_no_park_holds(six: Workspace) -> None:
    unmet = six.insights.unmet(ALL)
    # C finds no sector (none), D cannot be held anywhere; A, B, E, F have a strong fit.
    rows = {(r[0], r[1]): r[2:] for r in unmet.rows}
    assert rows[("unknown", "under_1k")] == (1, 1, 0, 1.0)
    assert rows[("ic", "20k_up")] == (1, 1, 1, 1.0)
    assert rows[("ic", "1k_5k")] == (1, 0, 0, 0.0)
    assert rows[("embodied", "unknown")] == (2, 0, 0, 0.0)
    assert sum(r[3] for r in unmet.rows) == 2
    assert six.insights.unread_words(ALL).rows == (("宠物医疗", 1),)


def test_parks_are_counted_as_shortlisted_sent_and_landed(six: Workspace) -> None:
    assert six.insights.parks(ALL).rows == (("P05", 2, 1, 1), ("P01", 1, 0, 0))


def test_the_funnel_counts_cases_that_reached_each_step(six: Workspace) -> None:
    funnel = six.insights.funnel(ALL).rows
    assert funnel == (
        ("new", 6, None),
        ("in_progress", 3, 0.5),  # A, B, F
        ("shortlisted", 2, 0.667),  # A, B
        ("sent", 1, 0.5),  # A
        ("landed", 1, 1.0),  # A
    )
    assert six.insights.statuses(ALL).rows == (
        ("new", 1),
        ("in_progress", 1),
        ("shortlisted", 1),
        ("sent", 0),
        ("closed", 3),
    )
    outcomes = dict((o, (n, share)) for o, n, share in six.insights.outcomes(ALL).rows)
    assert outcomes["landed"] == outcomes["no_space"] == outcomes["lost_elsewhere"] == (1, 0.333)
    assert outcomes["withdrawn"] == (0, 0.0)


def test_median_response_times_are_over_investor_submissions(six: Workspace) -> None:
    medians = six.insights.medians(ALL)
    # First actions: A 2 h, B 4 h, E 1 h (C none yet; D and F were opened by staff).
    assert (medians.first_action_hours, medians.first_action_cases) == (2.0, 3)
    assert (medians.sent_hours, medians.sent_cases) == (48.0, 1)
    # An even count takes the mean of the middle two: A and E only (March 9 onwards: none).
    march_2_to_8 = Filters(start=date(2026, 3, 2), end=date(2026, 3, 8))
    assert six.insights.medians(march_2_to_8).first_action_hours == 3.0  # A 2 h, B 4 h


def test_overdue_cases_are_counted_now(six: Workspace) -> None:
    overdue = six.insights.overdue(ALL, NOW)
    # C: first response due Tue 10 Mar 17:00 Beijing, nobody acted. F: shortlist due Wed
    # 11 Mar 17:00 Beijing (seven working days after Mon 2 Mar), still in progress.
    assert (overdue.first_response, overdue.shortlist, overdue.cases) == (1, 1, 2)
    page = six.inbox.page(now=NOW)
    marked = {
        r.company or r.sector_text: (r.first_response_overdue, r.shortlist_overdue)
        for r in page.rows
    }
    assert marked["宠物医疗"] == (True, False)
    assert marked["人工智能"] == (False, True)
    assert sum(r.overdue for r in page.rows) == 2


def test_filters_take_beijing_dates_and_one_sector(six: Workspace) -> None:
    assert six.insights.total(Filters(sector_id="ic")) == 2  # A, D
    late_march = Filters(start=date(2026, 3, 9), end=date(2026, 3, 31))
    assert six.insights.total(late_march) == 2  # C, D; E arrived on 1 April in Beijing
    assert six.insights.total(month_filters("2026-04")) == 1
    assert six.insights.total(month_filters("2026-03", "embodied")) == 1
    whole = six.insights.dashboard(month_filters("2026-03"), Period.WEEK, NOW)
    assert whole.total == 5 and whole.overdue.cases == 2
