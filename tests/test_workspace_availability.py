"""Space available per park in the workspace (`ws.availability`): the history, staleness,
"still accurate", and open cases re-matched with one Inbox notice per change.

Every test runs on a temporary SQLite file and on a throwaway PostgreSQL server."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from matcher.availability import AvailabilitySource, AvailabilityStatus
from matcher.models import Requirement
from matcher.workspace import Workspace, utcnow
from matcher.workspace.errors import AvailabilityError

# An IC-design requirement near Wenquan, 5,000 m²: P01 (Wenquan, IC) is first as published.
NEED = Requirement.from_cells(sector_text="集成电路设计", min_area="5000", location="温泉")


def top_three(workspace: Workspace, case_id: int) -> list[str]:
    return [m.park_id for m in workspace.cases.get(case_id).snapshot.matches[:3]]  # type: ignore[union-attr]


def test_every_figure_and_check_stays_in_the_history(workspace: Workspace) -> None:
    now = utcnow()
    ws = workspace.availability
    ws.record("P07", area_m2=8000, status="available", source="phone", actor="li", now=now)
    ws.record(
        "p07",
        area_m2=6000,
        underground_m2=2000,
        available_from=date(2027, 3, 1),
        status="under_negotiation",
        source="site_visit",
        actor="wang",
        now=now + timedelta(hours=1),
    )
    ws.confirm("P07", actor="zhao", now=now + timedelta(hours=2))
    history = ws.history("P07")
    assert [(e.kind, e.by, e.record.area_m2) for e in history] == [
        ("check", "zhao", 6000),
        ("record", "wang", 6000),
        ("record", "li", 8000),
    ]
    current = ws.current()["P07"]
    assert (current.area_m2, current.underground_m2, current.available_from) == (
        6000,
        2000,
        date(2027, 3, 1),
    )
    assert current.status is AvailabilityStatus.UNDER_NEGOTIATION
    assert current.source is AvailabilitySource.SITE_VISIT
    assert (current.recorded_by, current.checked_by) == ("wang", "zhao")
    assert set(ws.current()) == {"P07"}


def test_a_figure_goes_stale_and_still_accurate_makes_it_current_again(
    workspace: Workspace,
) -> None:
    ws = workspace.availability
    recorded = utcnow() - timedelta(days=120)
    ws.record("P07", area_m2=8000, status="available", source="phone", actor="li", now=recorded)
    assert ws.stale_after_days == 90
    assert ws.snapshot(now=recorded + timedelta(days=89)).current("P07") is not None
    assert ws.snapshot(now=utcnow()).stale == {"P07"}
    ws.confirm("P07", actor="zhao")
    assert ws.snapshot(now=utcnow()).stale == frozenset()
    assert [e.kind for e in ws.history("P07")] == ["check", "record"]


def test_what_cannot_be_recorded_is_refused_naming_it(workspace: Workspace) -> None:
    ws = workspace.availability
    cases: list[tuple[dict[str, object], str]] = [
        ({"park_id": "P99"}, "There is no park “P99”"),
        ({"status": "free"}, "Status “free” is not known"),
        ({"source": "rumour"}, "Source “rumour” is not known"),
        ({"area_m2": 300_000}, "must be between 0 and the park's total floor area of 238,300 m²"),
    ]
    for change, words in cases:
        given: dict[str, object] = {
            "park_id": "P07",
            "area_m2": 8000,
            "status": "available",
            "source": "phone",
        }
        given.update(change)
        park_id = str(given.pop("park_id"))
        with pytest.raises(AvailabilityError) as refused:
            ws.record(park_id, actor="li", **given)  # type: ignore[arg-type]
        assert words in refused.value.message.en
    with pytest.raises(AvailabilityError, match="no availability recorded"):
        ws.confirm("P03", actor="li")
    assert ws.current() == {}


def test_open_cases_whose_top_three_change_get_one_notice_per_change(
    workspace: Workspace,
) -> None:
    ws = workspace.availability
    case = workspace.cases.create(NEED, actor="li", company="Xinhe")
    closed = workspace.cases.create(NEED, actor="li", company="Closed Co")
    workspace.cases.set_status(closed.id, "closed", actor="li", outcome="withdrawn")
    before = top_three(workspace, case.id)
    assert before[0] == "P01"
    snapshots = len(workspace.cases.snapshots(case.id))

    # P01 is full: it is no longer first for the open case (a partial fit at best).
    ws.record("P01", area_m2=0, status="full", source="park_operator", actor="li")
    after = top_three(workspace, case.id)
    assert after[0] != "P01" and after != before
    assert len(workspace.cases.snapshots(case.id)) == snapshots + 1
    notices = workspace.inbox.notices()
    assert [(n.case_id, n.company, n.record.park_id) for n in notices] == [
        (case.id, "Xinhe", "P01")
    ]
    assert top_three(workspace, closed.id) == before  # a closed case is left alone

    # The same change re-matched again tells nobody twice.
    assert ws.rematch(notices[0].record.id, actor="li") == 0
    assert len(workspace.inbox.notices()) == 1

    # A change that leaves the top three as they are tells nobody.
    ws.record("P01", area_m2=0, status="full", source="phone", actor="wang")
    assert len(workspace.inbox.notices()) == 1

    # P01 has room again: a second change, a second notice.
    ws.record("P01", area_m2=9000, status="available", source="phone", actor="li")
    assert top_three(workspace, case.id) == before
    notices = workspace.inbox.notices()
    assert len(notices) == 2 and notices[0].record.area_m2 == 9000

    workspace.inbox.mark_read(notices[0].id, actor="li")
    assert [n.id for n in workspace.inbox.notices()] == [notices[1].id]
    read = [n for n in workspace.inbox.notices(unread_only=False) if n.id == notices[0].id]
    assert read[0].read_by == "li"


def test_a_notice_says_what_changed_in_words() -> None:
    from matcher.availability import AvailabilityRecord, change_words
    from matcher.i18n import both

    moment = utcnow()
    record = AvailabilityRecord(
        park_id="P07",
        area_m2=8000,
        available_from=date(2027, 3, 1),
        status="available",
        source="phone",
        recorded_by="li",
        recorded_at=moment,
        checked_by="li",
        checked_at=moment,
    )
    said = change_words(both("学院路科技园·东升园", "Dongsheng Park"), record)
    assert said.en == "Dongsheng Park now has 8,000 m² available from March 2027"
    assert said.zh == "学院路科技园·东升园2027年3月起有可用面积 8000㎡"


def test_confirming_a_stale_figure_re_matches_the_open_cases(workspace: Workspace) -> None:
    ws = workspace.availability
    long_ago = utcnow() - timedelta(days=120)
    ws.record("P01", area_m2=0, status="full", source="phone", actor="li", now=long_ago)
    case = workspace.cases.create(NEED, actor="li", company="Xinhe")
    assert top_three(workspace, case.id)[0] == "P01"  # a stale "full" is not relied on
    assert workspace.inbox.notices() == []
    ws.confirm("P01", actor="zhao")
    assert top_three(workspace, case.id)[0] != "P01"
    assert [(n.case_id, n.record.park_id) for n in workspace.inbox.notices()] == [(case.id, "P01")]
