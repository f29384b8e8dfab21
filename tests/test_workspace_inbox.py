"""The Inbox (`ws.inbox`): cases newest-updated first, filtered, searched and paged.

Every test runs on a temporary SQLite file and on a throwaway PostgreSQL server."""

from __future__ import annotations

from datetime import timedelta

from matcher.workspace import CaseStatus, Workspace
from tests.workspace_fixtures import IC_DESIGN, ROBOTS, T0


def test_the_inbox_filters_searches_and_pages(workspace: Workspace) -> None:
    alice = workspace.staff.add("alice", "correct horse battery")
    ids = []
    for i in range(5):
        case = workspace.cases.create(
            ROBOTS if i % 2 else IC_DESIGN,
            actor="li",
            company=f"Company {i}",
            now=T0 + timedelta(minutes=i),
        )
        ids.append(case.id)
    workspace.cases.set_status(ids[1], "in_progress", actor="li", now=T0 + timedelta(hours=1))
    workspace.cases.update(ids[3], assigned_staff_id=alice.id, actor="li", now=T0)
    workspace.shortlists.add(ids[0], ["P01", "P05"], actor="li", now=T0)
    everything = workspace.inbox.page()
    assert everything.total == 5 and everything.rows[0].id == ids[1]  # latest update first
    assert {r.id: r.shortlist_size for r in everything.rows}[ids[0]] == 2
    assert [r.id for r in workspace.inbox.page(status=CaseStatus.IN_PROGRESS).rows] == [ids[1]]
    assert [r.id for r in workspace.inbox.page(status="new", search="机器人").rows] == [ids[3]]
    assert [r.id for r in workspace.inbox.page(search="company 2").rows] == [ids[2]]
    assert [r.id for r in workspace.inbox.page(search="100%").rows] == []
    assert [r.assigned_to for r in workspace.inbox.page(assigned_staff_id=alice.id).rows] == [
        "alice"
    ]
    assert workspace.inbox.page(unassigned=True).total == 4
    page = workspace.inbox.page(limit=2, offset=2)
    assert len(page.rows) == 2 and page.total == 5
