"""Specification of matcher.atomic: an output replaces its target whole, or not at all."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from matcher.atomic import STALE_AFTER, atomic_output, replaced_on_success, sweep_stale
from matcher.errors import OutputError, UsageError


def test_a_finished_output_replaces_the_target_and_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    with atomic_output(target) as handle:
        handle.write(b"new ")
        handle.write(b"content")
    assert target.read_bytes() == b"new content"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_the_target_is_untouched_until_the_output_is_complete(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    with atomic_output(target) as handle:
        handle.write(b"half")
        handle.flush()
        assert target.read_bytes() == b"old"
    assert target.read_bytes() == b"half"


def test_a_failure_midway_keeps_the_old_target_and_removes_the_temporary_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_output(target) as handle:
        handle.write(b"partial")
        raise RuntimeError("the batch failed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_new_file_gets_the_mode_open_would_give_it(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    previous = os.umask(0o027)
    try:
        with atomic_output(target) as handle:
            handle.write(b"x")
    finally:
        os.umask(previous)
    # mkstemp makes 0600 files; a user's output must be readable as any file they write.
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_the_input_file_is_refused_as_output_also_through_a_link(tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_bytes(b"request_id\n1\n")
    link = tmp_path / "link.csv"
    link.symlink_to(source)
    with (
        pytest.raises(UsageError, match="overwrite the input"),
        atomic_output(link, protect=(source,)),
    ):
        pass
    assert source.read_bytes() == b"request_id\n1\n"


def test_a_folder_as_output_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a folder"), atomic_output(tmp_path):
        pass


def test_an_unwritable_folder_is_one_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who may write anywhere")
        with (
            pytest.raises(OutputError, match="cannot write in folder"),
            atomic_output(folder / "out.csv"),
        ):
            pass
    finally:
        folder.chmod(0o700)


def test_replaced_on_success_gives_a_path_renamed_onto_the_target(tmp_path: Path) -> None:
    target = tmp_path / "backup.db"
    with replaced_on_success(target) as temp:
        assert temp.parent == tmp_path and temp != target
        temp.write_bytes(b"copy")
    assert target.read_bytes() == b"copy"
    assert not temp.exists()


def test_a_dash_and_the_names_of_standard_output_are_standard_output(tmp_path: Path) -> None:
    from matcher.atomic import is_stdout, is_stream

    assert is_stdout(Path("-")) and is_stream(Path("-"))
    assert is_stdout(Path(f"/proc/self/fd/{1}")) == os.path.samefile(
        "/proc/self/fd/1", "/dev/stdout"
    )
    assert not is_stdout(tmp_path / "out.csv") and not is_stream(tmp_path / "out.csv")
    (tmp_path / "out.csv").write_bytes(b"")
    assert not is_stream(tmp_path / "out.csv") and not is_stream(tmp_path)
    assert is_stream(Path("/dev/null"))


# --- a writer killed outright (issue 22, item 22) ---

KILLED_MIDWAY = """
import os, signal, sys
from pathlib import Path
from matcher.atomic import atomic_output
with atomic_output(Path(sys.argv[1])) as handle:
    handle.write(b"half a batch" * 100_000)
    handle.flush()
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _parts(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".part"))


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_a_temporary_file_left_by_kill_9_is_removed_by_the_next_write_to_its_folder(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.csv"
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MIDWAY, str(target)], timeout=120, check=False
    )
    assert killed.returncode == -signal.SIGKILL
    [left] = _parts(tmp_path)
    assert left.stat().st_size == 1_200_000 and not target.exists()
    # Young, it is kept (a writer this host cannot see may own it); an hour old, it goes.
    with atomic_output(tmp_path / "other.csv") as handle:
        handle.write(b"x")
    assert _parts(tmp_path) == [left]
    _age(left, STALE_AFTER + 1)
    with atomic_output(tmp_path / "other.csv") as handle:
        handle.write(b"y")
    assert _parts(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.csv"]


def test_only_temporary_files_whose_writer_is_gone_are_removed(tmp_path: Path) -> None:
    import hashlib
    import socket

    host = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]
    me = os.getpid()
    started = int(Path(f"/proc/{me}/stat").read_text().rsplit(")", 1)[1].split()[19])
    names = {
        "live": f".a.csv.h{host}-p{me}-s{started}.x1.part",  # this process: still writing
        "reused": f".b.csv.h{host}-p{me}-s{started + 1}.x2.part",  # its pid, another process
        "other_host": f".c.csv.h{'0' if host[0] != '0' else '1'}{host[1:]}-p999999-s1.x3.part",
        "gone": f".d.csv.h{host}-p{_free_pid()}-s1.x4.part",
        "not_ours": ".e.csv.k2j3abcd.part",  # no writer in the name: left alone
        "user_file": "results.part",
    }
    for name in names.values():
        (tmp_path / name).write_bytes(b"x")
        _age(tmp_path / name, STALE_AFTER + 60)
    removed = {p.name for p in sweep_stale(tmp_path)}
    assert removed == {names["reused"], names["gone"]}
    assert {p.name for p in tmp_path.iterdir()} == set(names.values()) - removed


def _free_pid() -> int:
    limit = int(Path("/proc/sys/kernel/pid_max").read_text())
    return next(p for p in range(limit - 1, 1, -1) if not Path(f"/proc/{p}").exists())
