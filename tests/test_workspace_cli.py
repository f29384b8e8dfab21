"""The workspace commands are a contract: `matcher db upgrade`, `cases add|list|show`,
`shortlist add`, `staff add|list`, `backup`. Run as a user would, through `matcher.cli.main`
in this process (tests/cli_runner.py: the environment, working folder and standard input are
the command's own for each call); the one test that needs a fresh interpreter says so."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_runner import Result
from tests.workspace_fixtures import IC_DESIGN

Matcher = Callable[..., Result]


@pytest.fixture
def matcher(cli: Callable[..., Result]) -> Matcher:
    """`matcher(*args, db=..., cwd=..., stdin=..., env=...)`: one command on database `db`,
    done by staff member li."""

    def run(
        *args: str, db: str, cwd: Path, stdin: str = "", env: dict[str, str] | None = None
    ) -> Result:
        return cli(
            args,
            env={"MATCHER_DB_URL": db, "MATCHER_STAFF": "li", **(env or {})},
            stdin=stdin,
            cwd=cwd,
        )

    return run


def _ok(done: Result) -> str:
    assert done.code == 0, done.err
    assert "Traceback" not in done.err
    return done.out


def _refused(done: Result, code: int, words: str) -> None:
    assert done.code == code, (done.out, done.err)
    assert "Traceback" not in done.err and words in done.err
    assert sum(line.startswith("error") for line in done.err.splitlines()) == 1


def test_the_case_commands_keep_a_case_and_its_shortlist(
    matcher: Matcher, empty_db_url: str, tmp_path: Path
) -> None:
    db = empty_db_url
    assert "upgraded from empty to" in _ok(matcher("db", "upgrade", db=db, cwd=tmp_path))
    assert "already at" in _ok(matcher("db", "upgrade", db=db, cwd=tmp_path))

    added = json.loads(
        _ok(
            matcher(
                "cases", "add", "集成电路设计", "--min-area", "3000", "--location", "温泉",
                "--company", "芯片科技", "--contact", "王芳", "--json", db=db, cwd=tmp_path,
            )
        )
    )  # fmt: skip
    case_id = added["id"]
    assert added["company"] == "芯片科技" and added["contact_person"] == "王芳"
    assert added["status"] == "new" and added["requirement"]["min_area_m2"] == 3000
    assert added["snapshot"]["data_version"] and len(added["snapshot"]["matches"]) == 18

    listed = _ok(matcher("shortlist", "add", str(case_id), "P05", "P01", "--note", "看过",
                         "--json", db=db, cwd=tmp_path))  # fmt: skip
    entries = json.loads(listed)["shortlist"]
    # --note is the internal note, as it always was; --for-investor makes it the one exported.
    assert [(e["park_id"], e["score"], e["note"], e["investor_note"]) for e in entries] == [
        ("P05", 93.7, "看过", ""),
        ("P01", 96.7, "看过", ""),
    ]
    listed = _ok(matcher("shortlist", "add", str(case_id), "P03", "--note", "近地铁",
                         "--for-investor", "--json", db=db, cwd=tmp_path))  # fmt: skip
    p03 = json.loads(listed)["shortlist"][2]
    assert (p03["park_id"], p03["note"], p03["investor_note"]) == ("P03", "", "近地铁")

    shown = json.loads(_ok(matcher("cases", "show", str(case_id), "--json", db=db, cwd=tmp_path)))
    assert shown["company"] == "芯片科技" and shown["status"] == "new"
    assert shown["requirement"]["sector_text"] == "集成电路设计"
    entry = shown["shortlist"][0]
    for key in ("park_id", "score", "fit", "reasons_zh", "reasons_en", "data_version", "note"):
        assert key in entry
    assert entry["fit"] == "partial" and entry["reasons_en"] and not entry["changed"]
    assert entry["data_version"] == shown["snapshot"]["data_version"]
    assert shown["exports"] == [] and shown["history"][0]["changed_by"] == "li"

    text = _ok(matcher("cases", "show", str(case_id), db=db, cwd=tmp_path))
    # The score the case page shows (the fit label's band), not the ordering total 93.7.
    assert "P05 72.5 partial" in text and "芯片科技" in text and "93.7" not in text

    rows = json.loads(_ok(matcher("cases", "list", "--json", db=db, cwd=tmp_path)))
    assert [(r["id"], r["shortlist_size"]) for r in rows] == [(case_id, 3)]
    assert json.loads(_ok(matcher("cases", "list", "--status", "sent", "--json", db=db,
                                  cwd=tmp_path))) == []  # fmt: skip
    assert "1 of 1 cases" in _ok(matcher("cases", "list", db=db, cwd=tmp_path))


def test_staff_passwords_come_from_stdin_never_arguments(matcher: Matcher, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.db'}"
    assert "Added staff member alice" in _ok(
        matcher("staff", "add", "alice", db=db, cwd=tmp_path, stdin="correct horse battery\n")
    )
    _refused(matcher("staff", "add", "alice", db=db, cwd=tmp_path, stdin="x" * 12), 2, "taken")
    _refused(matcher("staff", "add", "bob", db=db, cwd=tmp_path, stdin=""), 2, "no password")
    _refused(matcher("staff", "add", "bob", db=db, cwd=tmp_path, stdin="short\n"), 2, "at least")
    _refused(
        matcher("staff", "add", "bob", "--password", "x", db=db, cwd=tmp_path), 2, "unrecognized"
    )
    listed = _ok(matcher("staff", "list", db=db, cwd=tmp_path))
    assert "alice" in listed and "active" in listed and "bob" not in listed
    with sqlite3.connect(tmp_path / "w.db") as connection:
        (stored,) = connection.execute("SELECT password_hash FROM staff").fetchone()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


def test_mistakes_are_one_message_with_exit_1_or_2(matcher: Matcher, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.db'}"
    _refused(matcher("cases", "show", "7", db=db, cwd=tmp_path), 1, "case 7 does not exist")
    _refused(matcher("cases", "add", "AI", "--min-area", "1,2,3", db=db, cwd=tmp_path), 2,
            "--min-area")  # fmt: skip
    _refused(matcher("cases", "add", "", db=db, cwd=tmp_path), 2, "SECTOR")
    _ok(matcher("cases", "add", "AI", db=db, cwd=tmp_path))
    _refused(matcher("shortlist", "add", "1", "P99", db=db, cwd=tmp_path), 2, "P99")
    _refused(matcher("shortlist", "add", "9", "P01", db=db, cwd=tmp_path), 1, "case 9")
    _refused(matcher("cases", "list", "--status", "done", db=db, cwd=tmp_path), 2, "invalid")
    _refused(matcher("cases", "status", "1", "sent", db=db, cwd=tmp_path), 2, "cannot go")
    _refused(matcher("cases", "list", db="mysql://x@y/z", cwd=tmp_path), 1, "not supported")
    _refused(matcher("cases", "list", db="postgresql://u@/x?host=/nonexistent", cwd=tmp_path),
            1, "cannot open the database")  # fmt: skip


def test_postgresql_needs_an_explicit_upgrade(
    matcher: Matcher, postgres_server: object, tmp_path: Path
) -> None:
    db = postgres_server.new_database()  # type: ignore[attr-defined]
    _refused(matcher("cases", "list", db=db, cwd=tmp_path), 1, "matcher db upgrade")


def test_backup_is_a_consistent_copy_never_over_the_database(
    matcher: Matcher, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'w.db'}"
    _ok(matcher("cases", "add", "AI", "--company", "Backup Co", db=db, cwd=tmp_path))
    assert "backed up" in _ok(matcher("backup", "copy.db", db=db, cwd=tmp_path))
    with sqlite3.connect(tmp_path / "copy.db") as connection:
        assert connection.execute("SELECT company FROM cases").fetchall() == [("Backup Co",)]
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copy = f"sqlite:///{tmp_path / 'copy.db'}"
    shown = json.loads(_ok(matcher("cases", "show", "1", "--json", db=copy, cwd=tmp_path)))
    assert shown["company"] == "Backup Co"
    _refused(matcher("backup", "w.db", db=db, cwd=tmp_path), 2, "database itself")
    _refused(matcher("backup", str(tmp_path), db=db, cwd=tmp_path), 1, "folder")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    _refused(matcher("backup", "x.db", db=f"sqlite:///{tmp_path / 'none.db'}", cwd=tmp_path), 1,
            "nothing to back up")  # fmt: skip
    # nothing listens there: pg_dump's own reason, in one line
    _refused(matcher("backup", "x.dump", db="postgresql://u@127.0.0.1:9/db", cwd=tmp_path), 1,
            "pg_dump did not complete")  # fmt: skip
    assert not (tmp_path / "x.dump").exists()


def test_restore_brings_back_the_workspace_as_it_was_backed_up(
    matcher: Matcher, empty_db_url: str, tmp_path: Path
) -> None:
    db = empty_db_url
    _ok(matcher("db", "upgrade", db=db, cwd=tmp_path))
    _ok(matcher("cases", "add", "AI", "--company", "Kept Co", db=db, cwd=tmp_path))
    assert "backed up" in _ok(matcher("backup", "ws.backup", db=db, cwd=tmp_path))
    _ok(matcher("cases", "add", "AI", "--company", "Later Co", db=db, cwd=tmp_path))
    assert "restored" in _ok(matcher("restore", "ws.backup", db=db, cwd=tmp_path))
    listed = json.loads(_ok(matcher("cases", "list", "--json", db=db, cwd=tmp_path)))
    assert [c["company"] for c in listed] == ["Kept Co"]
    _refused(matcher("restore", "missing.backup", db=db, cwd=tmp_path), 2, "cannot be read")


def test_the_default_database_is_var_matcher_db(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without MATCHER_DB_URL: var/matcher.db in the project folder (checked, not written)."""
    from matcher.workspace.db import PROJECT_DIR, database_url

    monkeypatch.delenv("MATCHER_DB_URL", raising=False)
    assert database_url() == f"sqlite:///{PROJECT_DIR / 'var' / 'matcher.db'}"
    monkeypatch.setenv("MATCHER_DB_URL", "postgresql://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"


def test_rank_never_loads_the_workspace(tmp_path: Path) -> None:
    # A subprocess on purpose: what a command imports shows only in a fresh interpreter.
    probe = (
        "import sys\n"
        "from matcher.cli import main\n"
        "main(['rank', 'AI', '--top', '1'])\n"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'psycopg', 'argon2') "
        "if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, encoding="utf-8",
        timeout=120, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_lexicon_commands_teach_list_export_and_retire(
    matcher: Matcher, db_url: str, tmp_path: Path
) -> None:
    db = db_url
    before = json.loads(_ok(matcher("cases", "add", "质子治疗", "--json", db=db, cwd=tmp_path)))
    assert {m["fit"] for m in before["snapshot"]["matches"]} == {"none"}
    taught = _ok(
        matcher(
            "lexicon", "teach", "质子治疗", "--en", "proton beam therapy", "--sector", "devices",
            "--segment", "design", "--note", "radiotherapy equipment", db=db, cwd=tmp_path,
        )
    )  # fmt: skip
    assert "taught term 1: 质子治疗 → devices" in taught
    after = json.loads(_ok(matcher("cases", "add", "质子治疗", "--json", db=db, cwd=tmp_path)))
    top = {m["park_id"] for m in after["snapshot"]["matches"][:2]}
    assert top == {"P14", "P15"}  # the parks listing medical devices as a lead industry
    assert after["snapshot"]["data_version"] != before["snapshot"]["data_version"]
    [listed] = json.loads(_ok(matcher("lexicon", "list", "--json", db=db, cwd=tmp_path)))
    assert (listed["term_zh"], listed["taught_by"], listed["retired_at"]) == (
        "质子治疗",
        "li",
        None,
    )
    out = tmp_path / "taught.csv"
    _ok(matcher("lexicon", "export", str(out), db=db, cwd=tmp_path))
    assert out.read_text(encoding="utf-8-sig").splitlines()[1].startswith("质子治疗,proton beam")
    _refused(
        matcher(
            "lexicon", "teach", "质子治疗", "--en", "proton", "--sector", "devices",
            "--segment", "design", db=db, cwd=tmp_path,
        ),
        2,
        "already in the chain knowledge",
    )  # fmt: skip
    assert "retired term 1" in _ok(matcher("lexicon", "retire", "1", db=db, cwd=tmp_path))
    _refused(matcher("lexicon", "retire", "7", db=db, cwd=tmp_path), 2, "does not exist")
    _refused(
        matcher(
            "lexicon", "teach", "质子治疗", "--en", "", "--sector", "devices", "--segment",
            "design", db=db, cwd=tmp_path,
        ),
        2,
        "--en",
    )  # fmt: skip


# --- under attack (issue 22) ---

ESCAPES = "\x1b[31m\x1b]0;owned\x07"
RAW = ("\x1b", "\x07", "\x00", "\u202e", "\x9b")


def test_staff_are_deactivated_and_passwords_reset_from_the_command_line(
    matcher: Matcher, empty_db_url: str, tmp_path: Path
) -> None:
    from matcher.workspace import Database, StaffAccounts, utcnow

    db = empty_db_url
    _ok(matcher("db", "upgrade", db=db, cwd=tmp_path))
    _ok(matcher("staff", "add", "alice", db=db, cwd=tmp_path, stdin="correct horse battery\n"))
    database = Database.open(db)
    try:
        accounts = StaffAccounts(database)
        alice = accounts.find("alice")
        open_tab = accounts.start_session(alice, utcnow())  # a Case tab left open
        said = _ok(matcher("staff", "deactivate", "alice", db=db, cwd=tmp_path))
        assert "deactivated" in said and "sessions ended" in said
        assert accounts.signed_in(open_tab, utcnow()) is None  # the open tab is signed out
        assert accounts.authenticate("alice", "correct horse battery", utcnow()) is None
        assert "inactive" in _ok(matcher("staff", "list", db=db, cwd=tmp_path))
        _ok(matcher("staff", "activate", "alice", db=db, cwd=tmp_path))

        open_tab = accounts.start_session(alice, utcnow())
        # The new password from stdin (or a prompt), never an argument.
        _refused(matcher("staff", "reset-password", "alice", "pw-in-argv", db=db, cwd=tmp_path),
                 2, "unrecognized")  # fmt: skip
        _refused(matcher("staff", "reset-password", "nobody", db=db, cwd=tmp_path,
                         stdin="a new long password\n"), 2, "no staff member")  # fmt: skip
        said = _ok(matcher("staff", "reset-password", "alice", db=db, cwd=tmp_path,
                           stdin="a new long password\n"))  # fmt: skip
        assert "new password for staff alice" in said
        assert accounts.signed_in(open_tab, utcnow()) is None
        assert accounts.authenticate("alice", "correct horse battery", utcnow()) is None
        assert accounts.authenticate("alice", "a new long password", utcnow()) is not None
    finally:
        database.engine.dispose()


def test_cases_list_and_show_never_print_raw_escapes_even_from_old_rows(
    matcher: Matcher, empty_db_url: str, tmp_path: Path
) -> None:
    """Text stored before it was checked (or written into the database by hand) holding
    terminal escapes, a NUL, a bidi override and a newline that would forge a row."""
    from sqlalchemy import update

    from matcher.scoring import ranker_for
    from matcher.workspace import Workspace
    from matcher.workspace.schema import CaseRow, ShortlistEntryRow

    db = empty_db_url
    _ok(matcher("db", "upgrade", db=db, cwd=tmp_path))
    ws = Workspace.open(db, ranker=ranker_for())
    nul = "\x00" if db.startswith("sqlite") else ""  # PostgreSQL cannot store a NUL at all
    try:
        case = ws.shortlists.add(
            ws.cases.create(IC_DESIGN, actor="li", company="clean"), ["P05"], actor="li"
        )
        with ws.engine.begin() as connection:  # past the checks, as an old row would be
            connection.execute(
                update(CaseRow).values(
                    company=f"Evil{ESCAPES}Co{nul}",
                    contact_person="abc\u202egnp.exe",
                    sector_text="chips\n     2  new          2026-01-01 00:00  Forged",
                )
            )
            connection.execute(update(ShortlistEntryRow).values(note="\x9b2J wiped"))
    finally:
        ws.engine.dispose()
    listed = _ok(matcher("cases", "list", db=db, cwd=tmp_path))
    shown = _ok(matcher("cases", "show", str(case.id), db=db, cwd=tmp_path))
    as_json = _ok(matcher("cases", "show", str(case.id), "--json", db=db, cwd=tmp_path))
    for out in (listed, shown, as_json):
        assert not any(c in out for c in RAW), repr(out)
    assert len(listed.splitlines()) == 2  # one case, one summary: no forged row
    assert "Evil\\x1b[31m\\x1b]0;owned\\x07Co" + nul.encode("unicode_escape").decode() in listed
    assert "abc\\u202egnp.exe" in shown and "\\x9b2J wiped" in shown
    # JSON keeps the data exactly, escaped as JSON.
    loaded = json.loads(as_json)
    assert loaded["company"] == f"Evil{ESCAPES}Co{nul}"
    assert loaded["shortlist"][0]["note"] == "\x9b2J wiped"


def test_a_taught_term_reaches_chains_csv_exactly_as_taught(
    matcher: Matcher, db_url: str, tmp_path: Path, data_copy: Path
) -> None:
    # A term that looks like a formula: the spreadsheet export neutralises it, the data-file
    # form keeps it as taught, so appending that form to chains.csv carries no apostrophe.
    db, data = db_url, str(data_copy)
    _ok(
        matcher(
            "--data-dir", data, "lexicon", "teach", "=1+2项", "--en", "one plus two", "--sector",
            "devices", "--segment", "design", db=db, cwd=tmp_path,
        )
    )  # fmt: skip
    _ok(
        matcher(
            "--data-dir", data, "lexicon", "teach", "质子治疗", "--en", "proton beam therapy",
            "--sector", "devices", "--segment", "design", db=db, cwd=tmp_path,
        )
    )  # fmt: skip
    _ok(matcher("--data-dir", data, "lexicon", "retire", "2", db=db, cwd=tmp_path))
    sheet, rows = tmp_path / "review.csv", tmp_path / "rows.csv"
    _ok(matcher("--data-dir", data, "lexicon", "export", str(sheet), db=db, cwd=tmp_path))
    said = _ok(
        matcher(
            "--data-dir", data, "lexicon", "export", "--for-data", str(rows), db=db, cwd=tmp_path
        )
    )
    assert "wrote 1 taught terms" in said
    assert "\n'=1+2项,one plus two," in sheet.read_text(encoding="utf-8-sig")
    header, *terms = rows.read_bytes().decode("utf-8").split("\n")[:-1]
    chains = data_copy / "chains.csv"
    assert header == chains.read_text(encoding="utf-8").split("\n", 1)[0]
    assert terms == ["=1+2项,one plus two,devices,,design,"]  # retired terms are not promoted
    # Never over the curated file: the reviewer appends the rows, the export does not replace.
    before = chains.read_bytes()
    _refused(
        matcher(
            "--data-dir", data, "lexicon", "export", "--for-data", str(chains), db=db, cwd=tmp_path
        ),
        2,
        "chains.csv",
    )  # fmt: skip
    assert chains.read_bytes() == before
    with chains.open("a", encoding="utf-8") as curated:
        curated.write("\n".join(terms) + "\n")
    assert _ok(matcher("--data-dir", data, "check-data", db=db, cwd=tmp_path))
    ranked = json.loads(
        _ok(
            matcher(
                "--data-dir", data, "rank", "=1+2项", "--json", "--top", "1", db=db, cwd=tmp_path
            )
        )
    )
    assert ranked[0]["sector"]["score"] > 0


def test_the_monthly_report_prints_the_dashboard_s_figures(
    matcher: Matcher, db_url: str, tmp_path: Path
) -> None:
    """`demo-data` then `report`: the PDF says the month's figures (checked against the
    library's, computed apart) in Chinese; the workbook holds every table; a case closed from
    the command line names its outcome."""
    from matcher.scoring import ranker_for
    from matcher.workspace import Period, Workspace
    from matcher.workspace.db import utcnow
    from matcher.workspace.insights import month_filters

    db = db_url
    generate = ("demo-data", "--cases", "300", "--years", "1", "--end", "2026-11-30")
    assert "300" in _ok(matcher(*generate, db=db, cwd=tmp_path))
    pdf, xlsx = tmp_path / "report.pdf", tmp_path / "report.xlsx"
    report = ("report", "--month", "2026-11", "--lang", "zh", "--output")
    _ok(matcher(*report, str(pdf), db=db, cwd=tmp_path))
    _ok(matcher(*report, str(xlsx), db=db, cwd=tmp_path))
    ws = Workspace.open(db, ranker=ranker_for())
    figures = ws.insights.dashboard(month_filters("2026-11"), Period.MONTH, utcnow())
    ws.engine.dispose()
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert figures.total > 0
    assert f"本月收到需求 {figures.total:,} 个" in text
    assert "匹配器未识别的说法" in text and "案件漏斗与转化率" in text
    from openpyxl import load_workbook

    sheets = load_workbook(xlsx, read_only=True).sheetnames
    assert len(sheets) == 11 and "收到的需求：按产业" in sheets
    _refused(
        matcher("report", "--month", "2026-13", "--output", str(pdf), db=db, cwd=tmp_path),
        2,
        "2026-13",
    )
    added = json.loads(_ok(matcher("cases", "add", "机器人", "--json", db=db, cwd=tmp_path)))
    _refused(matcher("demo-data", "--cases", "5", db=db, cwd=tmp_path), 2, "--force")
    closing = ("cases", "status", str(added["id"]), "closed")
    _refused(matcher(*closing, db=db, cwd=tmp_path), 2, "before closing")
    closed = _ok(
        matcher(*closing, "--outcome", "landed", "--park", "P03", "--json", db=db, cwd=tmp_path)
    )
    assert json.loads(closed)["status"] == "closed"
