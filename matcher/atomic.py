"""Writing an output file so that the user's files are never lost or half-written.

The result goes to a temporary file beside the target and is renamed into place only when
complete; on any failure the temporary file is removed and an existing target is untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from matcher.errors import OutputError, UsageError, on_file
from matcher.i18n import say


def same_file(a: Path, b: Path) -> bool:
    """True if both paths name one file, also through links."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


@contextlib.contextmanager
def atomic_output(target: Path, *, protect: Sequence[Path] = ()) -> Iterator[BinaryIO]:
    """A binary handle whose content replaces `target` only if the block ends without error.

    Refuses a target that is one of `protect` (the inputs) or a folder. A target that exists
    and is not a regular file (/dev/stdout, a pipe) is written directly, never replaced.
    """
    for source in protect:
        if same_file(target, source):
            raise UsageError(on_file(str(target), say("output_is_input")))
    if target.is_dir():
        raise OutputError(on_file(str(target), say("output_is_folder")))
    if target.exists() and not stat.S_ISREG(target.stat().st_mode):
        with _opened(target) as handle:
            yield handle
        return
    # Written through the descriptor mkstemp opened: reopening the file would truncate it,
    # and ext4 then flushes the whole file to disk when it is closed (0.1 s per 300 MB).
    with _replacing(target) as (fd, _), os.fdopen(fd, "wb") as handle:
        yield handle
        handle.flush()


@contextlib.contextmanager
def replaced_on_success(target: Path, *, mode: int | None = None) -> Iterator[Path]:
    """A temporary path beside `target` that is renamed onto it when the block ends without
    error; on any failure it is removed and an existing target is untouched. `mode`: the
    file's permissions (else what open() would give), whatever the target had."""
    with _replacing(target, mode) as (fd, temp):
        os.close(fd)
        yield temp


@contextlib.contextmanager
def _replacing(target: Path, mode: int | None = None) -> Iterator[tuple[int, Path]]:
    """replaced_on_success, giving the temporary file's open descriptor too (the caller
    closes it)."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as error:
        problem = say(
            "output_folder_unwritable", folder=str(folder), reason=str(error.strerror or error)
        )
        raise OutputError(on_file(str(target), problem)) from error
    temp = Path(temp_name)
    try:
        yield fd, temp
        os.chmod(temp, _default_mode() if mode is None else mode)
        os.replace(temp, target)
    except OSError as error:
        temp.unlink(missing_ok=True)
        problem = say("output_unwritable", reason=str(error.strerror or error))
        raise OutputError(on_file(str(target), problem)) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _opened(target: Path) -> Iterator[BinaryIO]:
    try:
        with target.open("wb") as handle:
            yield handle
    except OSError as error:
        problem = say("output_unwritable", reason=str(error.strerror or error))
        raise OutputError(on_file(str(target), problem)) from error


def _default_mode() -> int:
    """What open() would have given a new file: rw for all, less the process umask.

    Read from /proc rather than by setting os.umask, which would race other threads.
    """
    umask = 0o022
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                umask = int(line.split()[1], 8)
    return 0o666 & ~umask
