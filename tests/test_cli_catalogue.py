"""`matcher catalogue import|diff|publish|discard|history` and `matcher staff add --role`:
an office republishing its park list from a terminal, and who may do it. The command line
acts as the account $MATCHER_STAFF names (its role applies), else as the server's
administrator. Run on SQLite and PostgreSQL through `matcher.cli.main` in this process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_runner import Result
from tests.park_list_fixtures import (
    ADDED,
    CHANGED,
    REMOVED,
    crafted_list,
    crafted_rows,
    write_csv,
    write_xlsx,
)

Matcher = Callable[..., Result]
PASSWORD = "correct horse battery\n"


@pytest.fixture
def matcher(cli: Callable[..., Result], db_url: str, tmp_path: Path) -> Matcher:
    """`matcher(*args, staff=..., stdin=..., lang=...)` on this test's database."""

    def run(*args: str, staff: str = "", stdin: str = "", lang: str = "en") -> Result:
        env = {"MATCHER_DB_URL": db_url, "MATCHER_STAFF": staff, "MATCHER_LANG": lang}
        return cli(args, env=env, stdin=stdin, cwd=tmp_path)

    return run


def _ok(done: Result) -> str:
    assert done.code == 0, done.err
    return done.out


def test_an_office_imports_sees_the_diff_publishes_and_reads_the_history(
    matcher: Matcher, tmp_path: Path
) -> None:
    history = _ok(matcher("catalogue", "history"))
    assert history.splitlines() == [
        "Park list published in 2025: 18 parks, shipped with the matcher (in use)"
    ]
    imported = _ok(matcher("catalogue", "import", str(crafted_list(tmp_path, "gb18030"))))
    assert "Imported parks-2026.csv (18 parks), waiting for an administrator" in imported
    diff = _ok(matcher("catalogue", "diff")).splitlines()
    assert [line.split(":")[0].strip() for line in diff] == [
        "- Added",
        "- Removed",
        f"- {CHANGED} Xueyuan Road Science Park · Dongsheng Park, total floor area",
    ]
    assert ADDED in diff[0] and REMOVED in diff[1]
    published = _ok(matcher("catalogue", "publish"))
    assert published.startswith("Published: Park list of ") and ", by cli:" in published
    lines = _ok(matcher("catalogue", "history", lang="zh")).splitlines()
    assert len(lines) == 2 and lines[0].startswith("园区名录 20") and lines[0].endswith("（现行）")
    assert lines[1] == "园区名录 2025年公布版：18 个园区，随本软件提供"


def test_an_excel_list_imports_like_a_csv(matcher: Matcher, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "parks.xlsx", crafted_rows())
    assert "Imported parks.xlsx (18 parks)" in _ok(matcher("catalogue", "import", str(path)))


def test_a_faulty_list_is_refused_naming_line_and_field_and_nothing_is_kept(
    matcher: Matcher, tmp_path: Path
) -> None:
    rows = crafted_rows()
    rows[1]["sectors"] = "no_such_sector:primary"  # line 3 of the file
    path = write_csv(tmp_path / "bad.csv", rows)
    refused = matcher("catalogue", "import", str(path))
    assert refused.code == 1 and "Traceback" not in refused.err
    assert "bad.csv line 3" in refused.err and "no_such_sector" in refused.err
    assert matcher("catalogue", "diff").code == 2  # nothing waits to be published


def test_staff_may_import_but_only_an_administrator_publishes(
    matcher: Matcher, tmp_path: Path
) -> None:
    _ok(matcher("staff", "add", "sam", stdin=PASSWORD))
    _ok(matcher("staff", "add", "ada", "--role", "admin", stdin=PASSWORD))
    _ok(matcher("catalogue", "import", str(crafted_list(tmp_path)), staff="sam"))
    refused = matcher("catalogue", "publish", staff="sam")
    assert refused.code == 2
    assert "sam (staff member) may not publish a park list: nothing was done" in refused.err
    still = _ok(matcher("catalogue", "history")).splitlines()
    assert still[0].startswith("Park list published in 2025") and still[0].endswith("(in use)")
    assert still[1].startswith(
        "Waiting to be published: parks-2026.csv (18 parks), imported by sam"
    )
    assert _ok(matcher("catalogue", "publish", staff="ada")).startswith("Published:")
    assert "published by ada," in _ok(matcher("catalogue", "history")).splitlines()[0]


def test_staff_add_takes_a_role_and_an_operator_their_park(matcher: Matcher) -> None:
    assert "Added park operator olu (park P07)" in _ok(
        matcher("staff", "add", "olu", "--role", "operator", "--park", "P07", stdin=PASSWORD)
    )
    unknown = matcher("staff", "add", "oz", "--role", "operator", "--park", "P99", stdin=PASSWORD)
    assert unknown.code == 2 and "the park list in use has no park P99" in unknown.err
    missing = matcher("staff", "add", "oz", "--role", "operator", stdin=PASSWORD)
    assert missing.code == 2 and "needs its park's id" in missing.err
    listed = _ok(matcher("staff", "list"))
    assert "park operator P07" in listed
    # An operator (or staff) at the terminal cannot add accounts or publish.
    refused = matcher("staff", "add", "eve", stdin=PASSWORD, staff="olu")
    assert refused.code == 2 and "olu (park operator) may not manage staff accounts" in refused.err
    refused = matcher("catalogue", "history", staff="olu")
    assert refused.code == 2 and "may not import a park list" in refused.err
    assert "olu is now a administrator" not in _ok(
        matcher("staff", "set-role", "olu", "--role", "admin")
    )
    assert "admin" in _ok(matcher("staff", "list")) or "administrator" in _ok(
        matcher("staff", "list")
    )


def test_publishing_a_list_leaves_open_cases_a_notice_read_by_cases_notices(
    matcher: Matcher, tmp_path: Path
) -> None:
    _ok(matcher("cases", "add", "集成电路设计", "--min-area", "5000", "--location", "温泉"))
    assert _ok(matcher("cases", "notices")) == ""
    _ok(matcher("catalogue", "import", str(crafted_list(tmp_path))))
    _ok(matcher("catalogue", "publish"))
    # The crafted list changes this case's top three: one notice, in either language.
    (line,) = _ok(matcher("cases", "notices")).splitlines()
    assert "Park list of " in line and " was published: top three now P" in line
    (zh,) = _ok(matcher("cases", "notices", lang="zh")).splitlines()
    assert "已发布：排名前三变为 P" in zh
