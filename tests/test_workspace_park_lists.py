"""Park list versions in the workspace (`ws.park_lists`): a list imported waits as a draft
with its diff, an administrator publishes it with who and when, rankings then use it, and
every version before stays readable; snapshots, exports and batch runs name their list.

Every test runs on a temporary SQLite file and on a throwaway PostgreSQL server."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from matcher.catalogue import Catalogue
from matcher.errors import UsageError
from matcher.models import Requirement
from matcher.park_lists import ParkList, read_park_list
from matcher.workspace import Staff, Workspace
from matcher.workspace.db import downgrade, upgrade
from matcher.workspace.roles import NotAllowedError, Role
from tests.park_list_fixtures import (
    ADDED,
    CHANGED,
    NEW_TOTAL,
    REMOVED,
    crafted_list,
    published_rows,
    write_csv,
)
from tests.workspace_fixtures import IC_DESIGN, T0

PASSWORD = "correct horse battery"


@pytest.fixture
def people(workspace: Workspace) -> dict[Role, Staff]:
    return {
        Role.ADMIN: workspace.staff.add("ada", PASSWORD, role=Role.ADMIN),
        Role.STAFF: workspace.staff.add("sam", PASSWORD),
        Role.OPERATOR: workspace.staff.add("olu", PASSWORD, role=Role.OPERATOR, park_id="P07"),
    }


@pytest.fixture
def new_list(tmp_path: Path, catalogue: Catalogue) -> ParkList:
    return read_park_list(crafted_list(tmp_path), catalogue)


def test_the_list_published_in_2025_is_version_1_while_none_is_published(
    workspace: Workspace, catalogue: Catalogue
) -> None:
    assert workspace.park_lists.current().number == 1
    assert workspace.park_lists.current().parks == catalogue.parks
    assert [v.number for v in workspace.park_lists.history()] == [1]
    assert workspace.lexicon.ranker.catalogue.park_list.number == 1
    assert workspace.park_lists.draft() is None
    with pytest.raises(UsageError, match="import one first"):
        workspace.park_lists.diff()


def test_an_imported_list_shows_its_diff_and_changes_nothing_until_published(
    workspace: Workspace, people: dict[Role, Staff], new_list: ParkList
) -> None:
    before = workspace.lexicon.data_version
    draft = workspace.park_lists.import_list(new_list, by=people[Role.STAFF], now=T0)
    assert draft.number is None and draft.imported_by == "sam" and draft.imported_at == T0
    diff = workspace.park_lists.diff()
    assert [p.park_id for p in diff.added] == [ADDED]
    assert [p.park_id for p in diff.removed] == [REMOVED]
    assert [c.after.park_id for c in diff.areas] == [CHANGED]
    assert workspace.lexicon.data_version == before
    assert workspace.park_lists.current().number == 1


def test_an_administrator_publishes_with_who_and_when_and_rankings_use_the_new_list(
    workspace: Workspace, people: dict[Role, Staff], new_list: ParkList
) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="sam")
    assert case.snapshot is not None and case.snapshot.park_list == 1
    workspace.park_lists.import_list(new_list, by=people[Role.STAFF], now=T0)
    published = workspace.park_lists.publish(by=people[Role.ADMIN], now=T0 + timedelta(hours=1))
    assert published.number == 2
    assert (published.published_by, published.published_at) == ("ada", T0 + timedelta(hours=1))
    assert workspace.park_lists.draft() is None
    ranker = workspace.lexicon.ranker  # the workspace's ranking, taught terms and all
    assert ranker.catalogue.park_list.number == 2
    ids = {m.park_id for m in ranker.rank(IC_DESIGN)}
    assert ADDED in ids and REMOVED not in ids
    assert ranker.catalogue.park(CHANGED).total_area_m2 == float(NEW_TOTAL)
    # The open case's top three changed with the new list: it was ranked again
    # on the new list when it was published, and ranking again uses the new list too.
    case = workspace.cases.get(case.id)
    assert not case.ranking_outdated
    assert [s.park_list for s in workspace.cases.snapshots(case.id)] == [1, 2]  # oldest first
    case = workspace.cases.refresh_ranking(case, actor="sam")
    assert case.snapshot is not None and case.snapshot.park_list == 2


def test_every_earlier_version_stays_readable(
    workspace: Workspace,
    people: dict[Role, Staff],
    new_list: ParkList,
    catalogue: Catalogue,
) -> None:
    admin = people[Role.ADMIN]
    workspace.park_lists.import_list(new_list, by=admin, now=T0)
    workspace.park_lists.publish(by=admin, now=T0)
    later = T0 + timedelta(days=30)
    workspace.park_lists.import_list(new_list, by=admin, now=later)
    workspace.park_lists.publish(by=admin, now=later)
    history = workspace.park_lists.history()
    assert [v.number for v in history] == [3, 2, 1]
    assert [v.published_at for v in history] == [later, T0, None]
    assert history[-1].parks == catalogue.parks
    assert workspace.park_lists.version(2).parks == new_list.parks
    assert workspace.park_lists.words(2).en == "Park list of 2 March 2026"  # T0 in Beijing
    assert workspace.park_lists.words(1).en == "Park list published in 2025"
    with pytest.raises(UsageError):
        workspace.park_lists.version(9)


def test_a_second_import_replaces_the_draft_and_a_draft_can_be_discarded(
    workspace: Workspace, people: dict[Role, Staff], new_list: ParkList
) -> None:
    staff = people[Role.STAFF]
    workspace.park_lists.import_list(new_list, by=staff, now=T0)
    second = workspace.park_lists.import_list(new_list, by=staff, now=T0 + timedelta(minutes=5))
    assert workspace.park_lists.draft() == second
    workspace.park_lists.discard(by=staff)
    assert workspace.park_lists.draft() is None
    with pytest.raises(UsageError, match="import one first"):
        workspace.park_lists.publish(by=people[Role.ADMIN])


def test_only_an_administrator_publishes_and_an_operator_cannot_import(
    workspace: Workspace, people: dict[Role, Staff], new_list: ParkList
) -> None:
    with pytest.raises(NotAllowedError, match="olu \\(park operator\\) may not import"):
        workspace.park_lists.import_list(new_list, by=people[Role.OPERATOR])
    workspace.park_lists.import_list(new_list, by=people[Role.STAFF])
    with pytest.raises(NotAllowedError, match="sam \\(staff member\\) may not publish"):
        workspace.park_lists.publish(by=people[Role.STAFF])
    with pytest.raises(NotAllowedError):
        workspace.park_lists.discard(by=people[Role.OPERATOR])
    assert workspace.park_lists.current().number == 1 and workspace.park_lists.draft()


def test_exports_and_batch_runs_record_the_list_they_were_made_on(
    workspace: Workspace, people: dict[Role, Staff], new_list: ParkList, tmp_path: Path
) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="sam")
    case = workspace.shortlists.add(case, ["P05"], actor="sam")
    _, before = workspace.shortlists.export(case.id, "csv", "zh", actor="sam")
    run = dict(
        input_data=b"sector\n",
        options={},
        rows_read=1,
        rows_matched=1,
        rows_error=0,
        result=b"x",
        result_suffix=".csv",
        actor="sam",
    )
    first_run = workspace.batch_runs.record(file_name="a.csv", **run)  # type: ignore[arg-type]
    workspace.park_lists.import_list(new_list, by=people[Role.ADMIN])
    workspace.park_lists.publish(by=people[Role.ADMIN])
    later_run = workspace.batch_runs.record(file_name="b.csv", **run)  # type: ignore[arg-type]
    case = workspace.cases.refresh_ranking(case.id, actor="sam")
    _, after = workspace.shortlists.export(case.id, "csv", "zh", actor="sam")
    assert (before.park_list, after.park_list) == (1, 2)
    assert (first_run.park_list, later_run.park_list) == (1, 2)
    assert [r.park_list for r in workspace.cases.get(case.id).exports] == [1, 2]


def test_a_park_the_new_list_removes_is_still_named_where_it_was_shortlisted(
    workspace: Workspace, people: dict[Role, Staff], new_list: ParkList, catalogue: Catalogue
) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="sam")
    case = workspace.shortlists.add(case, [REMOVED, "P05"], actor="sam")
    workspace.park_lists.import_list(new_list, by=people[Role.ADMIN])
    workspace.park_lists.publish(by=people[Role.ADMIN])
    ranker = workspace.lexicon.ranker
    assert REMOVED not in {m.park_id for m in ranker.rank(IC_DESIGN)}
    assert ranker.catalogue.park(REMOVED) == catalogue.park(REMOVED)  # as last published
    data, record = workspace.shortlists.export(case.id, "csv", "en", actor="sam")
    assert record.park_ids == (REMOVED, "P05")
    assert catalogue.park(REMOVED).name_zh in data.decode("utf-8-sig")


def test_publishing_a_list_that_drops_a_case_s_top_park_tells_that_open_case_once(
    workspace: Workspace, people: dict[Role, Staff], catalogue: Catalogue, tmp_path: Path
) -> None:
    admin = people[Role.ADMIN]
    case = workspace.cases.create(IC_DESIGN, actor="sam", company="Xinhe")
    closed = workspace.cases.create(IC_DESIGN, actor="sam", company="Closed Co")
    workspace.cases.set_status(closed.id, "closed", actor="sam", outcome="withdrawn")
    before = top_three(workspace, case.id)
    # A list without the case's first park: its top three cannot stay the same.
    rows = [r for r in published_rows() if r["park_id"] != before[0]]
    dropped = read_park_list(write_csv(tmp_path / "parks-2026.csv", rows), catalogue)
    workspace.park_lists.import_list(dropped, by=admin, now=T0)
    workspace.park_lists.publish(by=admin, now=T0)

    after = top_three(workspace, case.id)
    assert before[0] not in after
    assert workspace.cases.get(case.id).snapshot.park_list == 2  # type: ignore[union-attr]
    notices = workspace.inbox.notices()
    assert [(n.case_id, n.company, n.park_list, n.record) for n in notices] == [
        (case.id, "Xinhe", 2, None)
    ]
    assert list(notices[0].top) == after
    assert top_three(workspace, closed.id) == before  # a closed case is left alone
    words = workspace.inbox.notice_words(notices[0])
    assert words.en == f"Park list of 2 March 2026 was published: top three now {', '.join(after)}"
    assert words.zh == f"园区名录 2026年3月2日版已发布：排名前三变为 {'、'.join(after)}"

    # Re-ranking for the same list again tells nobody twice; nor does publishing the same
    # list once more (the top three no longer change).
    assert workspace.availability.rematch_park_list(2, actor="ada") == 0
    workspace.park_lists.import_list(dropped, by=admin, now=T0 + timedelta(days=1))
    workspace.park_lists.publish(by=admin, now=T0 + timedelta(days=1))
    assert [n.id for n in workspace.inbox.notices()] == [notices[0].id]

    # Read, it leaves the unread list and is not announced again.
    workspace.inbox.mark_read(notices[0].id, actor="sam")
    assert workspace.inbox.notices() == []
    assert workspace.availability.rematch_park_list(2, actor="ada") == 0
    assert workspace.inbox.notices() == []


def top_three(workspace: Workspace, case_id: int) -> list[str]:
    return [m.park_id for m in workspace.cases.get(case_id).snapshot.matches[:3]]  # type: ignore[union-attr]


def test_going_back_before_park_list_notices_keeps_the_availability_ones(
    workspace: Workspace, people: dict[Role, Staff], catalogue: Catalogue, tmp_path: Path
) -> None:
    admin = people[Role.ADMIN]
    need = Requirement.from_cells(sector_text="集成电路设计", min_area="5000", location="温泉")
    case = workspace.cases.create(need, actor="sam")
    assert top_three(workspace, case.id)[0] == "P01"
    workspace.availability.record(
        "P01", area_m2=0, status="full", source="park_operator", actor="sam"
    )
    first = top_three(workspace, case.id)[0]
    rows = [r for r in published_rows() if r["park_id"] != first]
    dropped = read_park_list(write_csv(tmp_path / "parks-2026.csv", rows), catalogue)
    workspace.park_lists.import_list(dropped, by=admin, now=T0)
    workspace.park_lists.publish(by=admin, now=T0)
    kinds = {(n.record is not None, n.park_list) for n in workspace.inbox.notices()}
    assert kinds == {(False, 2), (True, None)}

    downgrade(workspace.engine, "0009")
    with workspace.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM case_notices")).scalar() == 1
    upgrade(workspace.engine)
    assert [n.record is not None for n in workspace.inbox.notices()] == [True]
