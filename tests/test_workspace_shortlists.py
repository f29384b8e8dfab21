"""Shortlists (`ws.shortlists`): a shortlisted match is kept as it was when added, whatever
changes later; order, notes and refusals; every export recorded with the hash of its bytes.

Every test runs on a temporary SQLite file and on a throwaway PostgreSQL server."""

from __future__ import annotations

import hashlib

import pytest

from matcher.errors import UsageError
from matcher.workspace import Workspace
from tests.workspace_fixtures import IC_DESIGN, ROBOTS, T0

# --------------------------------------------------------- shortlists bound to requirements


def test_a_shortlisted_match_does_not_follow_a_later_requirement_change(
    workspace: Workspace,
) -> None:
    """P05 added at 93.7 for IC design shows 93.7 after a robot search, the current value
    beside it."""
    case = workspace.cases.create(IC_DESIGN, actor="li")
    case = workspace.shortlists.add(case, ["P05"], actor="li", note="设计企业集聚")
    (entry,) = case.shortlist
    scale = workspace.lexicon.ranker.catalogue.tuning.shown
    assert entry.stored.score == 93.7 and not entry.changed
    assert entry.change_text("en", scale) == ""

    case = workspace.cases.set_requirement(case, ROBOTS, actor="li")
    (entry,) = case.shortlist
    assert entry.stored.score == 93.7 and entry.score == 93.7
    assert entry.stored_requirement == IC_DESIGN
    assert entry.current is not None and entry.current.score == 20.0
    assert entry.changed and entry.requirement_changed and not entry.data_changed
    # ... said in the score people read (the fit label's band), as the ranking shows it
    assert entry.change_text("en", scale) == (
        "now 4.8, was 72.5 when added (the requirement changed)"
    )
    assert entry.change_text("zh", scale) == "现为 4.8，加入时为 72.5（需求已修改）"
    assert entry.note == "设计企业集聚"
    # the earlier ranking stays readable
    first, latest = workspace.cases.snapshots(case.id)
    assert first.requirement == IC_DESIGN and first.match("P05").score == 93.7  # type: ignore[union-attr]
    assert latest.requirement == ROBOTS and case.snapshot == latest and case.snapshot_count == 2


def test_shortlist_order_notes_and_refusals(workspace: Workspace) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li")
    case = workspace.shortlists.add(case, ["p05", "P01", "P05"], actor="li")
    case = workspace.shortlists.add(case, ["P03", "P01"], actor="li")
    assert [(e.park_id, e.position) for e in case.shortlist] == [
        ("P05", 1),
        ("P01", 2),
        ("P03", 3),
    ]
    case = workspace.shortlists.reorder(case, ["P03", "P05", "P01"], actor="li")
    case = workspace.shortlists.set_note(case, "P05", "近地铁", actor="li")
    case = workspace.shortlists.remove(case, "P01", actor="li")
    assert [(e.park_id, e.note) for e in case.shortlist] == [("P03", ""), ("P05", "近地铁")]
    with pytest.raises(UsageError, match="P99"):
        workspace.shortlists.add(case, ["P99"], actor="li")
    with pytest.raises(UsageError, match="not on the shortlist"):
        workspace.shortlists.remove(case.id, "P01", actor="li")


# ---------------------------------------------------------------------------------- exports


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_record_hash_matches_the_bytes(workspace: Workspace, fmt: str) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li")
    workspace.shortlists.add(case, ["P05", "P01"], actor="li")
    data, record = workspace.shortlists.export(case.id, fmt, "zh", actor="zhao", now=T0)  # type: ignore[arg-type]
    assert record.sha256 == hashlib.sha256(data).hexdigest() and record.size_bytes == len(data)
    assert record.park_ids == ("P05", "P01") and record.format == fmt
    assert record.data_version == workspace.lexicon.ranker.catalogue.version
    assert record.created_by == "zhao" and record.created_at == T0
    assert workspace.cases.get(case.id).exports == (record,)


def test_an_empty_shortlist_is_not_exported(workspace: Workspace) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li")
    with pytest.raises(UsageError, match="empty"):
        workspace.shortlists.export(case.id, "csv", "en", actor="li")
