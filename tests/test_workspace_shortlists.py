"""Shortlists (`ws.shortlists`): a shortlisted match is kept as it was when added, whatever
changes later; order, notes and refusals; every export recorded with the hash of its bytes.

Every test runs on a temporary SQLite file and on a throwaway PostgreSQL server."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from matcher.errors import UsageError
from matcher.free_text import FreeTextError
from matcher.scoring import Ranker
from matcher.workspace import StaleCaseError, Workspace
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


# ------------------------------------------------- two kinds of note: internal, for the investor

INTERNAL = "先问赵主任再发"  # a colleague named: never to leave the office
INTERNAL_OVERALL = "zhao says: hold the price back"


def test_internal_and_investor_notes_are_kept_apart(workspace: Workspace) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li")
    case = workspace.shortlists.add(case, ["P05", "P01"], actor="li", note=INTERNAL)
    case = workspace.shortlists.set_note(case, "P05", "近地铁", actor="li", for_investor=True)
    case = workspace.shortlists.set_note(case, "P01", "ask wang", actor="li")  # internal
    case = workspace.cases.update(
        case, actor="li", shortlist_note=INTERNAL_OVERALL, investor_note="  欢迎实地考察  "
    )
    p05, p01 = case.shortlist
    assert (p05.note, p05.investor_note) == (INTERNAL, "近地铁")
    assert (p01.note, p01.investor_note) == ("ask wang", "")
    assert (case.shortlist_note, case.investor_note) == (INTERNAL_OVERALL, "欢迎实地考察")
    again = workspace.cases.get(case.id)
    assert again.shortlist == case.shortlist and again.investor_note == "欢迎实地考察"


def test_the_case_pages_notes_are_saved_all_or_none(workspace: Workspace) -> None:
    """Defect: one refused note left the others half saved, and the message named no park."""
    case = workspace.shortlists.add(
        workspace.cases.create(IC_DESIGN, actor="li"), ["P05", "P03"], actor="li"
    )
    notes = {
        ("P05", False): "near the metro",
        ("P05", True): "a metro station next door",
        ("P03", False): "bell\x07 and \u202eoverride",
        ("", True): "please find the parks below",
    }
    with pytest.raises(UsageError) as refused:
        workspace.shortlists.set_notes(case, notes, actor="li")
    assert "Internal note on P03" in str(refused.value) and "P05" not in str(refused.value)
    kept = workspace.cases.get(case.id)
    assert [(e.note, e.investor_note) for e in kept.shortlist] == [("", ""), ("", "")]
    assert kept.investor_note == "" and kept.version == case.version  # nothing saved
    notes[("P03", False)] = "big floor plates"
    saved = workspace.shortlists.set_notes(case, notes, actor="li")
    assert saved.version == case.version + 1  # one edit
    assert [(e.park_id, e.note, e.investor_note) for e in saved.shortlist] == [
        ("P05", "near the metro", "a metro station next door"),
        ("P03", "big floor plates", ""),
    ]
    assert saved.investor_note == "please find the parks below" and saved.shortlist_note == ""


def test_an_investor_note_on_a_stale_view_is_refused(workspace: Workspace) -> None:
    from matcher.workspace import StaleCaseError

    case = workspace.shortlists.add(
        workspace.cases.create(IC_DESIGN, actor="li"), ["P05"], actor="li"
    )
    workspace.cases.update(case, actor="zhao", investor_note="theirs")  # saved first
    with pytest.raises(StaleCaseError) as raised:
        workspace.shortlists.set_note(case, "P05", "mine", actor="li", for_investor=True)
    assert "the note for the investor" in raised.value.message.en
    assert "给投资方的说明" in raised.value.message.zh
    fresh = workspace.cases.get(case.id)
    workspace.shortlists.set_note(fresh, "P05", "theirs too", actor="zhao", for_investor=True)
    with pytest.raises(StaleCaseError):
        workspace.cases.update(fresh, actor="li", investor_note="mine")
    assert workspace.cases.get(case.id).shortlist[0].investor_note == "theirs too"


def _texts(fmt: str, data: bytes) -> str:
    """Every word a reader of the file can see: CSV text, every XLSX cell, the PDF's text."""
    import io
    import shutil
    import subprocess

    if fmt == "csv":
        return data.decode("utf-8-sig")
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data))
        return "\n".join(
            str(value)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return "".join(text.stdout.decode().split())  # the PDF wraps lines anywhere


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_export_carries_the_investor_notes_and_never_an_internal_one(
    workspace: Workspace, fmt: str, lang: str
) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li")
    case = workspace.shortlists.add(
        case, ["P05", "P01"], actor="li", note=INTERNAL, investor_note="业主可提供定制装修"
    )
    case = workspace.cases.update(
        case, actor="li", shortlist_note=INTERNAL_OVERALL, investor_note="欢迎实地考察"
    )
    data, _record = workspace.shortlists.export(case.id, fmt, lang, actor="li")  # type: ignore[arg-type]
    text = _texts(fmt, data)
    assert "业主可提供定制装修" in text
    if fmt != "csv":  # the CSV is the parks' table alone; the covering note is not a park's
        assert "欢迎实地考察" in text
    for internal in (INTERNAL, INTERNAL_OVERALL):
        squeezed = "".join(internal.split())
        assert internal not in text and squeezed not in text
    if fmt != "pdf":
        header = {"zh": "给投资方的说明", "en": "Note for the investor"}[lang]
        assert header in text


def test_a_file_made_for_a_preview_is_not_recorded(workspace: Workspace) -> None:
    case = workspace.shortlists.add(
        workspace.cases.create(IC_DESIGN, actor="li"), ["P05"], actor="li"
    )
    pdf = workspace.shortlists.prepare_export(case, "pdf", "zh").data
    assert pdf.startswith(b"%PDF-")
    assert workspace.cases.get(case.id).exports == ()
    with pytest.raises(UsageError, match="empty"):
        workspace.shortlists.prepare_export(
            workspace.cases.create(IC_DESIGN, actor="li"), "pdf", "zh"
        )


def test_the_notes_migration_applies_on_a_database_with_cases(
    workspace: Workspace, request: pytest.FixtureRequest, tmp_path: Path, ranker: Ranker
) -> None:
    """A database from before the investor notes (revision 0003), holding a case with its
    internal notes and a shortlist, is upgraded: the internal notes stay internal, and the
    notes for the investor start empty, never a copy of them."""
    from sqlalchemy import MetaData, select

    from matcher.workspace.db import current_revision, head_revision, make_engine, upgrade

    case = workspace.cases.create(IC_DESIGN, actor="li")
    case = workspace.shortlists.add(case, ["P05"], actor="li", note=INTERNAL)
    workspace.cases.update(case, actor="li", shortlist_note=INTERNAL_OVERALL)
    # The same rows in a database at 0003, copied column by column as that schema has them.
    if workspace.engine.dialect.name == "sqlite":
        old_url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        old_url = request.getfixturevalue("postgres_server").new_database()
    old = make_engine(old_url)
    upgrade(old, "0003")
    then = MetaData()
    then.reflect(old)
    assert "investor_note" not in then.tables["cases"].columns
    now = MetaData()
    now.reflect(workspace.engine)  # the stored values as they are, not as the models read them
    with workspace.engine.connect() as source, old.begin() as target:
        for name in ("cases", "case_status_changes", "ranking_snapshots", "shortlist_entries"):
            table = then.tables[name]
            rows = source.execute(select(*(now.tables[name].c[c.name] for c in table.c)))
            target.execute(table.insert(), [dict(row._mapping) for row in rows])
    upgrade(old)
    assert current_revision(old) == head_revision()
    upgraded = Workspace.open(old_url, ranker=ranker, results_dir=tmp_path / "results")
    view = upgraded.cases.get(case.id)
    assert (view.shortlist_note, view.investor_note) == (INTERNAL_OVERALL, "")
    assert [(e.note, e.investor_note) for e in view.shortlist] == [(INTERNAL, "")]
    upgraded.engine.dispose()
    old.dispose()


# --- under attack and faults (issue 22) ---


def test_simultaneous_adds_say_someone_else_changed_the_case_never_crash(
    workspace: Workspace,
) -> None:
    """Eight staff adding a park to one case at the same moment (as `matcher shortlist add`
    does, with the case's id): each add is saved, or refused as a change someone else made
    meanwhile (StaleCaseError, the message the command line prints); no StaleDataError
    escapes, nothing is half saved."""
    case = workspace.cases.create(IC_DESIGN, actor="li")
    parks = [f"P{n:02d}" for n in range(1, 9)]
    ready = threading.Barrier(len(parks))

    def add(park: str) -> str:
        ready.wait()
        try:
            workspace.shortlists.add(case.id, [park], actor=f"staff-{park}")
        except StaleCaseError as error:
            assert "changed" in error.message.en
            return "stale"
        return park

    with ThreadPoolExecutor(max_workers=len(parks)) as pool:
        outcomes = list(pool.map(add, parks))
    added = [p for p in outcomes if p != "stale"]
    assert added  # the first writer always gets through
    assert sorted(e.park_id for e in workspace.cases.get(case.id).shortlist) == sorted(added)


def test_notes_refuse_hidden_characters_and_oversized_text(workspace: Workspace) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="li")
    with pytest.raises(FreeTextError, match="Internal note on a park"):
        workspace.shortlists.add(case, ["P05"], actor="li", note="ok\x1b[2J")
    case = workspace.shortlists.add(case, ["P05"], actor="li")
    with pytest.raises(FreeTextError, match=r"\\u202e"):
        workspace.shortlists.set_note(case, "P05", "abc\u202egnp.exe", actor="li")
    with pytest.raises(FreeTextError, match="at most 1,000 characters"):
        workspace.shortlists.set_note(case, "P05", "x" * 1_001, actor="li", for_investor=True)
    with pytest.raises(FreeTextError, match=r"\\n"):  # a park's note is one line
        workspace.shortlists.set_note(case, "P05", "one\nforged row", actor="li")
    # The shortlist's overall notes have lines; a Windows line end is read as one.
    saved = workspace.cases.update(case, actor="li", shortlist_note="first\r\nsecond\tthird")
    assert saved.shortlist_note == "first\nsecond\tthird"
    with pytest.raises(FreeTextError, match=r"\\x00"):
        workspace.cases.update(saved, actor="li", investor_note="a\x00b")
    assert workspace.cases.get(case.id).investor_note == ""  # nothing of it was kept
