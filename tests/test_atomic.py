"""Specification of matcher.atomic: an output replaces its target whole, or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from matcher.atomic import atomic_output, replaced_on_success
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
