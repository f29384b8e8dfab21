"""The workspace keeps what staff saw: cases, rankings, shortlists, exports, batch runs, staff.

Every test runs on a temporary SQLite file and on a throwaway PostgreSQL server
(tests/workspace_fixtures.py)."""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from matcher import Catalogue, Requirement
from matcher.errors import UsageError
from matcher.scoring import Ranker
from matcher.workspace import (
    CaseNotFoundError,
    CaseSource,
    CaseStatus,
    Database,
    DatabaseError,
    StaffAccounts,
    StaffError,
    StaleCaseError,
    StatusChangeError,
    Workspace,
)
from matcher.workspace.auth import LOCKOUT, MAX_FAILED_ATTEMPTS, SESSION_LIFETIME
from matcher.workspace.db import current_revision, downgrade, head_revision, make_engine, upgrade
from matcher.workspace.editing import CaseEditor

IC_DESIGN = Requirement.from_cells(sector_text="集成电路设计", min_area="3000", location="温泉")
ROBOTS = Requirement.from_cells(sector_text="机器人")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TABLES = {
    "staff",
    "staff_sessions",
    "cases",
    "case_status_changes",
    "ranking_snapshots",
    "shortlist_entries",
    "exports",
    "batch_runs",
}


# ------------------------------------------------------------------------------- migrations


def test_migrations_go_up_from_empty_and_round_trip(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) >= TABLES
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    upgrade(engine)  # idempotent
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


def test_the_schema_matches_the_models(db_url: str) -> None:
    """Migrations create exactly what the ORM models describe (nothing to autogenerate)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from matcher.workspace.schema import Base

    engine = make_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_sqlite_is_created_on_first_use_in_wal_mode(tmp_path: Path, ranker: Ranker) -> None:
    path = tmp_path / "var" / "nested" / "matcher.db"
    ws = Workspace.open(f"sqlite:///{path}", ranker=ranker)
    ws.cases.create(IC_DESIGN, actor="li")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with ws.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_postgresql_is_never_migrated_implicitly(postgres_server: object, ranker: Ranker) -> None:
    url = postgres_server.new_database()  # type: ignore[attr-defined]
    with pytest.raises(DatabaseError, match="matcher db upgrade"):
        Workspace.open(url, ranker=ranker)


def test_an_unreachable_database_is_one_clear_message(tmp_path: Path, ranker: Ranker) -> None:
    with pytest.raises(DatabaseError, match="cannot open the database"):
        Workspace.open("postgresql://nobody@/nothing?host=" + str(tmp_path), ranker=ranker)
    with pytest.raises(DatabaseError, match="not supported"):
        Workspace.open("mysql://x@localhost/db", ranker=ranker)


def test_the_workspace_ranks_on_the_catalogue_it_is_given(
    db_url: str, catalogue: Catalogue
) -> None:
    """No default catalogue behind the caller's back: rankings, data versions and the parks a
    shortlist may name all come from the ranker passed in."""
    given = Ranker(dataclasses.replace(catalogue, version="given0000001"))
    ws = Workspace.open(db_url, ranker=given)
    try:
        assert ws.lexicon.base_ranker is given and ws.lexicon.ranker is given
        case = ws.cases.create(IC_DESIGN, actor="li")
        assert case.snapshot is not None and case.snapshot.data_version == "given0000001"
        assert case.current_data_version == "given0000001" and not case.ranking_outdated
    finally:
        ws.engine.dispose()
    with pytest.raises(TypeError, match="ranker"):
        Workspace.open(db_url)  # type: ignore[call-arg]


def test_each_part_needs_only_what_it_uses(db_url: str) -> None:
    """Staff accounts need the database alone (the `staff` command builds no ranker)."""
    db = Database.open(db_url)
    try:
        accounts = StaffAccounts(db)
        alice = accounts.add("alice", "correct horse battery", now=T0)
        signed_in = accounts.authenticate("alice", "correct horse battery", T0)
        assert signed_in is not None and signed_in.id == alice.id
    finally:
        db.engine.dispose()


# ------------------------------------------------------------------------------------ cases


def test_a_new_case_has_its_requirement_history_and_first_ranking(workspace: Workspace) -> None:
    case = workspace.cases.create(
        IC_DESIGN,
        actor="li",
        source=CaseSource.INVESTOR_FORM,
        company="芯片科技",
        contact_person="王芳",
        contact="wang@example.com",
        consent=True,
        now=T0,
    )
    assert case.requirement == IC_DESIGN
    assert case.status is CaseStatus.NEW and case.version == 1
    assert case.consent and case.consent_at == T0
    assert [(h.from_status, h.to_status, h.changed_by, h.changed_at) for h in case.history] == [
        (None, CaseStatus.NEW, "li", T0)
    ]
    assert case.snapshot is not None and case.snapshot_count == 1
    assert case.snapshot.data_version == workspace.lexicon.ranker.catalogue.version
    assert case.snapshot.matches == tuple(workspace.lexicon.ranker.rank(IC_DESIGN))
    assert not case.ranking_outdated
    assert case.created_at.tzinfo is not None and case.created_at == T0
    assert workspace.cases.get(case.id) == case


def test_unknown_cases_are_named(workspace: Workspace) -> None:
    with pytest.raises(CaseNotFoundError, match="case 404"):
        workspace.cases.get(404)
    with pytest.raises(CaseNotFoundError):
        workspace.shortlists.add(404, ["P01"], actor="li")


def test_status_moves_along_the_workflow_and_keeps_its_history(workspace: Workspace) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li", now=T0)
    steps = ["in_progress", "shortlisted", "sent", "closed"]
    for minutes, status in enumerate(steps, start=1):
        case = workspace.cases.set_status(
            case, status, actor="zhao", now=T0 + timedelta(minutes=minutes)
        )
    assert case.status is CaseStatus.CLOSED
    assert [(h.from_status, h.to_status) for h in case.history][1:] == [
        (CaseStatus.NEW, CaseStatus.IN_PROGRESS),
        (CaseStatus.IN_PROGRESS, CaseStatus.SHORTLISTED),
        (CaseStatus.SHORTLISTED, CaseStatus.SENT),
        (CaseStatus.SENT, CaseStatus.CLOSED),
    ]
    assert case.history[-1].changed_by == "zhao"
    assert case.history[-1].changed_at == T0 + timedelta(minutes=4)
    with pytest.raises(StatusChangeError, match="cannot go from closed to sent"):
        workspace.cases.set_status(case, "sent", actor="zhao")
    assert (
        workspace.cases.set_status(case, "in_progress", actor="zhao").status
        is CaseStatus.IN_PROGRESS
    )


# --------------------------------------------------------------- shortlists bound to requirements


def test_a_shortlisted_match_does_not_follow_a_later_requirement_change(
    workspace: Workspace,
) -> None:
    """P05 added at 93.7 for IC design shows 93.7 after a robot search, the current value
    beside it."""
    case = workspace.cases.create(IC_DESIGN, actor="li")
    case = workspace.shortlists.add(case, ["P05"], actor="li", note="设计企业集聚")
    (entry,) = case.shortlist
    assert entry.stored.score == 93.7 and not entry.changed and entry.change_text("en") == ""

    case = workspace.cases.set_requirement(case, ROBOTS, actor="li")
    (entry,) = case.shortlist
    assert entry.stored.score == 93.7 and entry.score == 93.7
    assert entry.stored_requirement == IC_DESIGN
    assert entry.current is not None and entry.current.score == 20.0
    assert entry.changed and entry.requirement_changed and not entry.data_changed
    # ... said in the score people read (the fit label's band), as the ranking shows it
    assert entry.change_text("en") == "now 4.8, was 72.5 when added (the requirement changed)"
    assert entry.change_text("zh") == "现为 4.8，加入时为 72.5（需求已修改）"
    assert entry.note == "设计企业集聚"
    # the earlier ranking stays readable
    first, latest = workspace.cases.snapshots(case.id)
    assert first.requirement == IC_DESIGN and first.match("P05").score == 93.7  # type: ignore[union-attr]
    assert latest.requirement == ROBOTS and case.snapshot == latest and case.snapshot_count == 2


def test_the_same_requirement_makes_no_new_ranking(workspace: Workspace) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li")
    assert workspace.cases.set_requirement(case, IC_DESIGN, actor="li").snapshot_count == 1


def test_a_data_change_is_shown_not_applied_silently(
    workspace: Workspace, catalogue: Catalogue
) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li")
    workspace.shortlists.add(case, ["P05"], actor="li")
    newer = Workspace(
        workspace.engine,
        ranker=Ranker(dataclasses.replace(catalogue, version="newdata00001")),
    )
    seen = newer.cases.get(case.id)
    assert seen.ranking_outdated and not seen.shortlist[0].changed  # nothing re-ranked yet
    refreshed = newer.cases.refresh_ranking(seen, actor="li")
    assert refreshed.snapshot_count == 2 and refreshed.snapshot.data_version == "newdata00001"  # type: ignore[union-attr]
    (entry,) = refreshed.shortlist
    assert entry.data_changed and entry.changed and entry.stored_data_version == catalogue.version
    assert f"data {catalogue.version} → newdata00001" in entry.change_text("en")
    assert newer.cases.refresh_ranking(refreshed, actor="li").snapshot_count == 2


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


# ------------------------------------------------------------------------- optimistic locking


def test_two_editors_never_lose_an_update_silently(workspace: Workspace) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li", company="Old Co")
    mine, theirs = workspace.cases.get(case.id), workspace.cases.get(case.id)
    saved = workspace.cases.update(theirs, company="New Co", actor="zhao")
    assert saved.version == mine.version + 1
    with pytest.raises(StaleCaseError) as caught:
        workspace.cases.update(mine, contact_person="王芳", actor="li")
    error = caught.value
    assert error.changes == {"company": ("Old Co", "New Co")} and error.by == "zhao"
    assert "company: 'Old Co' → 'New Co'" in str(error) and "reload" in str(error)
    after = workspace.cases.get(case.id)
    assert after.company == "New Co" and after.contact_person == "" and after.version == 2
    # a shortlist or status change by someone else is named too
    workspace.shortlists.add(after, ["P05"], actor="zhao")
    with pytest.raises(StaleCaseError, match="shortlist: '\\(empty\\)' → 'P05'"):
        workspace.cases.set_status(after, "in_progress", actor="li")


def test_a_write_racing_between_read_and_save_is_refused(workspace: Workspace) -> None:
    """The UPDATE itself names the version read: a commit slipping in between is caught."""
    case = workspace.cases.create(IC_DESIGN, actor="li", company="Old Co")
    other = Workspace(workspace.engine, ranker=workspace.lexicon.ranker)

    def edit(session: object, row: object) -> None:
        other.cases.update(case.id, company="Racer Co", actor="zhao")  # commits meanwhile
        row.company = "Mine Co"  # type: ignore[attr-defined]

    editor = CaseEditor(workspace.db, workspace.lexicon)  # what every case edit goes through
    with pytest.raises(StaleCaseError, match="Racer Co"):
        editor.edit(case.id, "li", datetime.now(UTC), edit)  # type: ignore[arg-type]
    assert workspace.cases.get(case.id).company == "Racer Co"


# ------------------------------------------------------------------------- exports and batches


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


def test_a_batch_run_keeps_its_result_file_and_checks_it(workspace: Workspace) -> None:
    run = workspace.batch_runs.record(
        file_name="leads.csv",
        input_data=b"request_id,sector\nA,AI\n",
        options={"top": 5, "format": "long"},
        rows_read=1,
        rows_matched=1,
        rows_error=0,
        result=b"request_id,rank\nA,1\n",
        result_suffix=".csv",
        actor="li",
    )
    assert run.result_sha256 == hashlib.sha256(b"request_id,rank\nA,1\n").hexdigest()
    assert workspace.batch_runs.result(run.id) == b"request_id,rank\nA,1\n"
    assert workspace.batch_runs.recent() == [run] and run.options == {"top": 5, "format": "long"}
    (workspace.batch_runs.results_dir / run.result_path).write_bytes(b"tampered")
    with pytest.raises(DatabaseError, match="SHA-256 differs"):
        workspace.batch_runs.result(run.id)


# ------------------------------------------------------------------------------------ staff


def test_staff_accounts_and_passwords(workspace: Workspace) -> None:
    alice = workspace.staff.add("Alice", "correct horse battery", now=T0)
    assert alice.username == "alice" and alice.active
    with pytest.raises(StaffError, match="taken"):
        workspace.staff.add("alice", "another long password")
    with pytest.raises(StaffError, match="at least"):
        workspace.staff.add("bob", "short")
    with pytest.raises(StaffError, match="username"):
        workspace.staff.add("a b", "long enough password")
    assert [s.username for s in workspace.staff.all()] == ["alice"]
    assert (
        workspace.staff.authenticate("alice", "correct horse battery", T0)
        == workspace.staff.all()[0]
    )
    assert workspace.staff.authenticate("alice", "wrong password!", T0) is None
    assert workspace.staff.authenticate("nobody", "correct horse battery", T0) is None
    workspace.staff.set_active("alice", False)
    assert workspace.staff.authenticate("alice", "correct horse battery", T0) is None


def test_sign_in_is_throttled_after_repeated_failures(workspace: Workspace) -> None:
    workspace.staff.add("alice", "correct horse battery")
    for attempt in range(MAX_FAILED_ATTEMPTS):
        assert workspace.staff.authenticate("alice", f"guess {attempt}", T0) is None
    assert workspace.staff.locked_until("alice", T0) == T0 + LOCKOUT
    # locked: even the right password is refused until the lockout ends
    assert workspace.staff.authenticate("alice", "correct horse battery", T0 + LOCKOUT / 2) is None
    opened = T0 + LOCKOUT + timedelta(seconds=1)
    assert workspace.staff.locked_until("alice", opened) is None
    assert workspace.staff.authenticate("alice", "correct horse battery", opened) is not None
    # a success resets the count: four more failures do not lock
    for attempt in range(MAX_FAILED_ATTEMPTS - 1):
        workspace.staff.authenticate("alice", f"guess {attempt}", opened)
    assert workspace.staff.authenticate("alice", "correct horse battery", opened) is not None


def test_sessions_expire_and_end(workspace: Workspace) -> None:
    staff = workspace.staff.add("alice", "correct horse battery")
    token = workspace.staff.start_session(staff, T0)
    assert workspace.staff.signed_in(token, T0 + timedelta(hours=1)) == staff
    assert workspace.staff.signed_in(token, T0 + SESSION_LIFETIME) is None
    token = workspace.staff.start_session(staff, T0)
    workspace.staff.end_session(token)
    assert workspace.staff.signed_in(token, T0) is None
    assert workspace.staff.signed_in("not-a-token", T0) is None
    token = workspace.staff.start_session(staff, T0)
    workspace.staff.set_active("alice", False)
    assert workspace.staff.signed_in(token, T0) is None


def test_assignment_refuses_unknown_staff(workspace: Workspace) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li")
    alice = workspace.staff.add("alice", "correct horse battery")
    case = workspace.cases.update(case, assigned_staff_id=alice.id, actor="li")
    assert case.assigned_to == "alice"
    with pytest.raises(StaffError):
        workspace.cases.update(case, assigned_staff_id=999, actor="li")


# ------------------------------------------------------------------------------------ inbox


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
