"""The command line is a thin, honest wrapper: exit codes and output users can read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from matcher.cli import main
from tests.cli_runner import Result
from tests.conftest import SHARED_GOLD

Cli = Callable[..., Result]


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


@pytest.mark.parametrize(
    ("lang", "heading", "problem"),
    [
        (
            "en",
            "data check failed:",
            "  - parks.csv line 2 (P01), field total_area_m2: Input should be greater than 0, "
            "value '-121000'\n",
        ),
        (
            "zh",
            "数据校验未通过：",
            "  - parks.csv 第 2 行（P01），字段 total_area_m2：应大于 0，当前值为“-121000”\n",
        ),
    ],
)
def test_check_data_fails_with_readable_errors_in_the_terminals_language(
    data_copy: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    heading: str,
    problem: str,
) -> None:
    monkeypatch.setenv("MATCHER_LANG", lang)
    text = (data_copy / "parks.csv").read_text(encoding="utf-8").replace("121000", "-121000", 1)
    (data_copy / "parks.csv").write_text(text, encoding="utf-8")
    assert main(["--data-dir", str(data_copy), "check-data"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(heading) and problem in err
    assert ("字段" if lang == "en" else "field ") not in err  # one language, not the mixed form


def test_check_data_says_ok_in_the_terminals_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATCHER_LANG", "zh")
    assert main(["check-data"]) == 0
    assert capsys.readouterr().out.startswith("数据校验通过：18 个园区、")


def test_batch_writes_the_output_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("request_id,sector\nA,AI\nB,\n", encoding="utf-8")
    assert main(["batch", str(source), "--output", str(tmp_path / "out.csv"), "--no-progress"]) == 0
    assert "Rows read 2, matched 1, with errors 1" in capsys.readouterr().out


def test_batch_reports_an_unreadable_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"")
    assert main(["batch", str(source), "--output", str(tmp_path / "out.csv"), "--no-progress"]) == 1
    assert "empty" in capsys.readouterr().err


def test_a_land_unit_on_the_command_line_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", "AI", "--min-area", "20亩"]) == 2
    assert "land area" in capsys.readouterr().err


@pytest.mark.skipif(not SHARED_GOLD.exists(), reason="no ../shared/eval/dev.csv")
def test_eval_prints_the_three_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(SHARED_GOLD)]) == 0
    out = capsys.readouterr().out
    assert (
        "nDCG@5" in out and "Hit@1" in out and "MRR" in out and "flagged weak/none: 2 of 2" in out
    )


def _matcher(*args: str, cwd: Path, lang: str = "en") -> subprocess.CompletedProcess[str]:
    """Run `python -m matcher` as a user would, in a directory of the test's own, with a
    terminal in `lang`."""
    return subprocess.run(
        [sys.executable, "-m", "matcher", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env={**os.environ, "MATCHER_LANG": lang},
        timeout=120,
        check=False,
    )


@pytest.fixture
def broken_data(data_copy: Path) -> Path:
    """A data directory whose parks.csv has been emptied: 0 parks once crashed rank and batch."""
    (data_copy / "parks.csv").write_bytes(b"")
    return data_copy


def test_check_data_passes_on_a_copy_of_the_data(data_copy: Path, tmp_path: Path) -> None:
    # The smoke test of the real command (`python -m matcher` in a process of its own); the
    # other command-line tests call matcher.cli.main in this process (tests/cli_runner.py).
    done = _matcher("--data-dir", str(data_copy), "check-data", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ok: 18 parks" in done.stdout


def test_rank_on_a_broken_catalogue_exits_1_naming_the_fault(
    cli: Cli, broken_data: Path, tmp_path: Path
) -> None:
    done = cli(["--data-dir", broken_data, "rank", "集成电路"], cwd=tmp_path)
    assert done.code == 1
    assert "parks.csv line 1: the file is empty" in done.err
    assert "Traceback" not in done.err


def test_batch_on_a_broken_catalogue_exits_1_naming_the_fault(
    cli: Cli, broken_data: Path, tmp_path: Path
) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text("request_id,sector\nA,集成电路\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    done = cli(
        ["--data-dir", broken_data, "batch", leads, "-o", out, "--no-progress"], cwd=tmp_path
    )
    assert done.code == 1
    assert "18 published park(s) missing" in done.err
    assert "Traceback" not in done.err
    assert not out.exists()


def test_check_data_names_a_gbk_file_instead_of_a_traceback(
    cli: Cli, data_copy: Path, tmp_path: Path
) -> None:
    parks = data_copy / "parks.csv"
    parks.write_bytes(parks.read_text(encoding="utf-8").encode("gbk"))
    done = cli(["--data-dir", data_copy, "check-data"], cwd=tmp_path)
    assert done.code == 1
    assert "parks.csv line 2: byte 0xd6 is not UTF-8" in done.err
    assert "Traceback" not in done.err
    done = cli(["--data-dir", data_copy, "check-data"], cwd=tmp_path, env={"MATCHER_LANG": "zh"})
    assert done.code == 1
    assert "  - parks.csv 第 2 行：字节 0xd6 不是 UTF-8 编码，请将文件另存为 UTF-8" in done.err
    assert "not UTF-8" not in done.err


# What `rank` must not load: each is only for other commands (batch files, exports, PDF,
# progress bars), or, for pypinyin, only until the place index is cached.
NOT_FOR_RANK = (
    "pandas",
    "pyarrow",
    "openpyxl",
    "rvgsrust_xlsxwriter",
    "fpdf",
    "charset_normalizer",
    "rich.progress",
    "pypinyin",
)


def test_rank_starts_without_the_modules_only_other_commands_need(tmp_path: Path) -> None:
    # Subprocesses on purpose: what a command imports shows only in a fresh interpreter.
    probe = (
        "import sys\n"
        "from matcher.cli import main\n"
        "main(['rank', '集成电路', '--location', 'Xibeiwan', '--top', '1'])\n"
        f"print([m for m in {NOT_FOR_RANK!r} if m in sys.modules])\n"
    )
    for run in ("cold", "warm"):
        done = subprocess.run(
            [sys.executable, "-c", probe],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**os.environ, "MATCHER_CACHE_DIR": str(tmp_path)},
            timeout=120,
            check=True,
        )
        loaded = done.stdout.strip().splitlines()[-1]
        assert loaded == ("['pypinyin']" if run == "cold" else "[]"), run


# --- the data on standard output stays pure (issue 22, item 13) ---


def _process(
    args: list[str], tmp_path: Path, *, stdout: int | object = subprocess.PIPE
) -> subprocess.CompletedProcess[bytes]:
    # A subprocess on purpose: what is at stake is the process's own descriptor 1.
    env = {**os.environ, "MATCHER_LANG": "en", "MATCHER_DB_URL": f"sqlite:///{tmp_path}/w.db"}
    return subprocess.run(
        [sys.executable, "-m", "matcher", *args], stdout=stdout, stderr=subprocess.PIPE,  # type: ignore[arg-type]
        cwd=tmp_path, env=env, timeout=180, check=False,
    )  # fmt: skip


def _leads(tmp_path: Path) -> Path:
    source = tmp_path / "in.csv"
    source.write_text("request_id,sector\nA,AI\nB,集成电路\n", encoding="utf-8")
    return source


COMMANDS = {
    "batch": (["batch", "in.csv", "--no-progress", "-o"], "Rows read 2"),
    "brief": (["brief", "AI", "--parks", "P05,P01", "-o"], "2 parks"),
    "lexicon": (["lexicon", "export"], "taught terms"),
}


@pytest.mark.parametrize("target", ["/dev/stdout", "-"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_output_to_standard_output_carries_only_the_data(
    tmp_path: Path, command: str, target: str
) -> None:
    _leads(tmp_path)
    args, summary = COMMANDS[command]
    to_file = _process([*args, "file.out"], tmp_path)
    assert to_file.returncode == 0, to_file.stderr.decode()
    expected = (tmp_path / "file.out").read_bytes()
    piped = _process([*args, target], tmp_path)
    assert piped.returncode == 0, piped.stderr.decode()
    stderr = piped.stderr.decode()
    assert summary in stderr and "standard output" in stderr
    if command == "brief":  # a PDF carries its creation time: same shape, nothing appended
        assert piped.stdout.startswith(b"%PDF-") and piped.stdout.rstrip().endswith(b"%%EOF")
        assert abs(len(piped.stdout) - len(expected)) < 64
    else:
        assert piped.stdout == expected


def test_standard_output_redirected_to_a_file_gets_the_data_and_nothing_else(
    tmp_path: Path,
) -> None:
    # /proc/self/fd/1 then names a regular file: it is written through the shell's
    # descriptor, not replaced by a rename (which for /dev/stdout, as root, would replace
    # the system's link), and the summary goes to standard error.
    _leads(tmp_path)
    assert (
        _process(["batch", "in.csv", "--no-progress", "-o", "file.csv"], tmp_path).returncode == 0
    )
    redirected = tmp_path / "redirected.csv"
    with redirected.open("wb") as out:
        done = _process(
            ["batch", "in.csv", "--no-progress", "-o", "/proc/self/fd/1"], tmp_path, stdout=out
        )
    assert done.returncode == 0, done.stderr.decode()
    assert "Rows read 2" in done.stderr.decode()
    assert redirected.read_bytes() == (tmp_path / "file.csv").read_bytes()
    assert Path("/dev/stdout").is_symlink()


def test_a_path_with_a_newline_or_an_escape_is_echoed_as_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("request_id,sector\nA,AI\n", encoding="utf-8")
    output = tmp_path / "evil\n\x1b[31mforged line.csv"
    assert main(["batch", str(source), "-o", str(output), "--no-progress"]) == 0
    missing = tmp_path / "gone\x1b]0;owned\x07.csv"
    assert main(["batch", str(missing), "-o", str(tmp_path / "x.csv"), "--no-progress"]) == 1
    said = capsys.readouterr()
    assert output.exists()
    for text in (said.out, said.err):
        assert "\x1b" not in text and "\x07" not in text
    assert "evil\\n\\x1b[31mforged line.csv" in said.out
    assert len(said.err.strip().splitlines()) == 1 and "gone\\x1b]0;owned\\x07.csv" in said.err
