"""Promises kept against hostile lead lists: no input overwritten, every row and column
back in place, no silent guess, one clear message and never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from matcher.batch import LONG_COLUMNS, run_batch
from matcher.batch_io import BatchError
from matcher.errors import OutputError, UsageError
from tests import hostile_files as hostile
from tests.cli_runner import Result
from tests.conftest import ROOT


def run(path: Path, **kwargs: object) -> pd.DataFrame:
    summary, frame = run_batch(path, None, **kwargs)  # type: ignore[arg-type]
    assert frame is not None
    frame.attrs["summary"] = summary
    return frame


def firsts(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per input row: its error row or its rank-1 match."""
    return frame[(frame["status"] == "error") | (frame["rank"] == 1)].reset_index(drop=True)


Matcher = Callable[..., Result]


@pytest.fixture
def matcher(cli: Matcher) -> Matcher:
    """`matcher(*args)`: the command line, in this process (tests/cli_runner.py)."""
    return lambda *args: cli(args, cwd=ROOT)


# -- the input is sacred -----------------------------------------------------------------------


def test_an_output_that_is_the_input_is_refused_and_the_input_is_unchanged(
    matcher: Matcher, tmp_path: Path
) -> None:
    leads = hostile.good_leads(tmp_path)
    before = leads.read_bytes()
    done = matcher("batch", leads, "-o", leads)
    assert done.code == 2 and "overwrite the input" in done.err
    assert "Traceback" not in done.err
    assert leads.read_bytes() == before


def test_an_output_that_reaches_the_input_through_a_link_is_refused(tmp_path: Path) -> None:
    leads = hostile.good_leads(tmp_path)
    before = leads.read_bytes()
    (tmp_path / "link.csv").symlink_to(leads)
    with pytest.raises(UsageError, match="overwrite the input"):
        run_batch(leads, tmp_path / "link.csv")
    assert leads.read_bytes() == before


def test_a_run_that_fails_midway_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    source = hostile.breaks_late(tmp_path)
    output = tmp_path / "out.csv"
    output.write_text("yesterday's results", encoding="utf-8")
    with pytest.raises(BatchError, match="not valid utf-16"):
        run_batch(source, output, chunk_rows=500)
    assert output.read_text(encoding="utf-8") == "yesterday's results"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["late.csv", "out.csv"]


def test_writing_to_a_full_disk_or_a_folder_says_so_in_one_line(
    matcher: Matcher, tmp_path: Path
) -> None:
    leads = hostile.good_leads(tmp_path)
    for target, words in (("/dev/full", "No space"), (tmp_path, "is a folder")):
        done = matcher("batch", leads, "-o", target, "--no-progress")
        assert done.code == 1, done.err
        assert words in done.err and "Traceback" not in done.err
        assert len(done.err.strip().splitlines()) == 1


def test_an_output_in_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write in folder"):
        run_batch(hostile.good_leads(tmp_path), tmp_path / "no" / "such" / "out.csv")


# -- every column comes back -------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["long", "wide"])
def test_columns_the_matcher_does_not_use_come_back_under_their_own_headers(
    tmp_path: Path, output_format: str
) -> None:
    frame = run(hostile.good_leads(tmp_path), top_k=2, output_format=output_format)
    for header in hostile.HEADER:
        assert header in frame.columns
    rows = frame if output_format == "wide" else firsts(frame)
    assert rows["企业名称"].tolist() == ["芯片公司", "机器人公司", "药企"]
    assert rows["联系人"].tolist() == ["张三", "李四", "王五"]


def test_an_input_column_named_like_an_output_column_is_kept_with_an_input_prefix(
    tmp_path: Path,
) -> None:
    frame = run(hostile.output_named_columns(tmp_path), top_k=1)
    row = frame.iloc[0]
    assert list(frame.columns[: len(LONG_COLUMNS)]) == LONG_COLUMNS
    assert row["status"] == "ok" and row["park_id"].startswith("P")
    assert (row["input_status"], row["input_score"], row["input_rank"]) == ("新", "9", "A")
    assert (row["input_error"], row["input_fit"], row["input_park_id"]) == ("无", "好", "X")
    assert (row["input_reason_zh"], row["input_park_1"]) == ("理由", "P99")
    wide = run(hostile.output_named_columns(tmp_path), top_k=1, output_format="wide")
    assert wide.loc[0, "park_1"].startswith("P") and wide.loc[0, "input_park_1"] == "P99"


# -- every row comes back, in place ------------------------------------------------------------


def test_malformed_lines_become_error_rows_and_their_neighbours_keep_their_ids(
    tmp_path: Path,
) -> None:
    frame = firsts(run(hostile.ragged_rows(tmp_path), top_k=1))
    assert frame["编号"].tolist() == ["A1", "A2", "A3", "A4", "A5", "A6", "A7"]
    assert frame["request_id"].tolist() == ["A1", "A2", "A3", "A4", "A5", "A6", "A7"]
    assert frame["status"].tolist() == ["ok", "error", "ok", "error", "error", "ok", "ok"]
    errors = frame.set_index("request_id")["error"]
    assert "line 3" in errors["A2"] and "7 fields" in errors["A2"] and "多余" in errors["A2"]
    assert "line 5" in errors["A4"] and "2 fields" in errors["A4"]
    assert "line 6" in errors["A5"] and "quote" in errors["A5"]


def test_wide_output_has_one_row_per_input_row_whatever_the_ids(tmp_path: Path) -> None:
    frame = run(hostile.colliding_ids(tmp_path), top_k=3, output_format="wide")
    assert len(frame) == 5
    assert frame["request_id"].tolist() == ["A1", "row-3", "A1", "row-3", "B2"]
    assert frame["status"].tolist() == ["ok", "ok", "error", "error", "ok"]
    assert "duplicate id 'A1'" in frame.loc[2, "error"] and "编号" in frame.loc[2, "error"]
    assert "duplicate id 'row-3'" in frame.loc[3, "error"]


def test_a_generated_id_never_takes_an_id_a_user_wrote_earlier(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("编号,产业方向\nrow-3,量子\n,机器人\n", encoding="utf-8")
    frame = firsts(run(path, top_k=1))
    assert frame["request_id"].tolist() == ["row-3", "row-3-2"]
    assert frame["status"].tolist() == ["ok", "ok"]


def test_top_below_one_is_refused(matcher: Matcher, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="at least 1"):
        run(hostile.good_leads(tmp_path), top_k=0)
    done = matcher("batch", hostile.good_leads(tmp_path), "-o", tmp_path / "o.csv", "--top", "0")
    assert done.code == 2 and "at least 1" in done.err


# -- no guessing -------------------------------------------------------------------------------


def test_areas_no_person_would_read_that_way_are_errors_naming_the_users_column(
    tmp_path: Path,
) -> None:
    frame = firsts(run(hostile.unreadable_areas(tmp_path), top_k=1))
    errors = frame.set_index("request_id")["error"]
    assert "最小面积" in errors["C1"] and "commas" in errors["C1"]
    assert "最大面积" in errors["C2"] and "no space" in errors["C2"]
    assert "最小面积" in errors["C3"] and "not a finite number" in errors["C3"]
    assert "ten times the largest park" in errors["C6"] and "8,070,000" in errors["C6"]
    assert "最大面积" in errors["C4"] and "5,000" in errors["C4"] and "8,000" in errors["C4"]
    assert frame.set_index("request_id").loc["C5", "status"] == "ok"


def test_a_line_in_another_encoding_is_an_error_row_not_garbled_text(tmp_path: Path) -> None:
    frame = firsts(run(hostile.mixed_encodings(tmp_path), top_k=1))
    assert frame["status"].tolist() == ["ok", "error", "ok"]
    assert "line 3" in frame.loc[1, "error"] and "mixes text encodings" in frame.loc[1, "error"]
    assert frame.loc[1, "企业名称"] == "机器人公司"  # shown as written, never as mojibake
    assert frame.loc[2, "产业方向"] == "生物医药"


def test_a_nul_byte_anywhere_makes_its_row_an_error_and_is_never_written(tmp_path: Path) -> None:
    source = hostile.nul_after_sniffing(tmp_path)
    assert source.read_bytes().index(b"\x00") > 1 << 16
    output = tmp_path / "out.csv"
    run_batch(source, output, top_k=1)
    written = output.read_bytes()
    assert b"\x00" not in written
    frame = pd.read_csv(output, dtype=str, keep_default_na=False)
    bad = frame[frame["status"] == "error"]
    assert bad["request_id"].tolist() == ["R2998"] and "NUL" in bad["error"].iloc[0]
    assert len(frame) == 3000


def test_a_huge_cell_is_reported_and_the_rows_around_it_are_matched(tmp_path: Path) -> None:
    frame = firsts(run(hostile.huge_cell(tmp_path), top_k=1))
    assert frame["request_id"].tolist() == ["H1", "H2", "H3"]
    assert frame["status"].tolist() == ["ok", "error", "ok"]
    assert "line 3" in frame.loc[1, "error"]


def test_old_mac_line_endings_are_read(tmp_path: Path) -> None:
    frame = firsts(run(hostile.old_mac_line_endings(tmp_path), top_k=1))
    assert frame["request_id"].tolist() == ["1", "2"] and (frame["status"] == "ok").all()


# -- never a traceback -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("batch", "{dir}", "-o", "{dir}/o.csv"), 1, "is a folder"),
        (("batch", "{leads}", "-o", "{dir}/o.csv", "--input-encoding", "klingon"), 2, "encoding"),
        (("batch", "{leads}", "-o", "{dir}/o.csv", "--encoding", "klingon"), 2, "encoding"),
        (("rank", "AI", "--weights", "-1", "0", "0"), 2, "weight"),
        (("rank", "AI", "--weights", "0", "0", "0"), 2, "weight"),
        (("rank", "AI", "--min-area", "1,2,3"), 2, "--min-area"),
        (("rank", "AI", "--max-area", "0"), 2, "--max-area"),
        (("rank", "AI", "--top", "0"), 2, "--top"),
        (("eval", "{leads}"), 1, "not a gold file"),
        (("eval", "{dir}/empty.csv"), 1, "not a gold file"),
        (("eval", "{dir}/missing.csv"), 1, "missing.csv"),
    ],
)
def test_every_mistake_ends_in_one_clear_message_and_an_exit_code(
    matcher: Matcher, tmp_path: Path, args: tuple[str, ...], code: int, words: str
) -> None:
    leads = hostile.good_leads(tmp_path)
    (tmp_path / "empty.csv").write_bytes(b"")
    done = matcher(*(a.format(dir=tmp_path, leads=leads) for a in args))
    assert done.code == code, done.err
    assert words in done.err
    assert "Traceback" not in done.err and "validation error" not in done.err
