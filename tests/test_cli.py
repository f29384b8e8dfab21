"""The command line is a thin, honest wrapper: exit codes and output users can read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.cli import main
from tests.conftest import SHARED_GOLD


def test_rank_prints_a_table_with_scores_and_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", "集成电路", "--min-area", "3000", "--location", "温泉", "--top", "5"]) == 0
    out = capsys.readouterr().out
    assert "P01" in out and "区位匹配" in out and out.count("│ P") == 5


def test_rank_json_is_machine_readable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", "quantum", "--json", "--top", "2"]) == 0
    matches = json.loads(capsys.readouterr().out)
    assert [m["park_id"] for m in matches][:1] == ["P18"]
    assert matches[0]["sector"]["score"] > 0


def test_check_data_passes_on_the_shipped_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-data"]) == 0
    assert "18 parks" in capsys.readouterr().out


def test_check_data_fails_with_readable_errors(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (data_copy / "parks.csv").read_text(encoding="utf-8").replace("121000", "-121000", 1)
    (data_copy / "parks.csv").write_text(text, encoding="utf-8")
    assert main(["--data-dir", str(data_copy), "check-data"]) == 1
    assert "total_area_m2" in capsys.readouterr().err


def test_batch_writes_the_output_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("request_id,sector\nA,AI\nB,\n", encoding="utf-8")
    assert main(["batch", str(source), "--output", str(tmp_path / "out.csv"), "--no-progress"]) == 0
    assert "rows read: 2, matched: 1, with errors: 1" in capsys.readouterr().out


def test_batch_reports_an_unreadable_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"")
    assert main(["batch", str(source), "--output", str(tmp_path / "out.csv"), "--no-progress"]) == 1
    assert "empty" in capsys.readouterr().err


def test_a_land_unit_on_the_command_line_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["rank", "AI", "--min-area", "20亩"])
    assert "land area" in capsys.readouterr().err


@pytest.mark.skipif(not SHARED_GOLD.exists(), reason="no ../shared/eval/dev.csv")
def test_eval_prints_the_three_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(SHARED_GOLD)]) == 0
    out = capsys.readouterr().out
    assert (
        "nDCG@5" in out and "Hit@1" in out and "MRR" in out and "flagged weak/none: 2 of 2" in out
    )
