"""Writing an output file so that the user's files are never lost or half-written.

The result goes to a temporary file beside the target and is renamed into place only when
complete; on any failure the temporary file is removed and an existing target is untouched.
A writer killed outright (kill -9, a power cut) cannot remove its temporary file, so each
one's name says who wrote it (host, process id and that process's start time) and the next
write to the folder removes those whose writer is gone (`sweep_stale`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import socket
import stat
import sys
import tempfile
import time
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


# The output name that means standard output, as in most command-line tools.
STDOUT_NAME = "-"


def is_stdout(target: Path) -> bool:
    """True for "-" and for any name of this process's standard output (/dev/stdout,
    /proc/self/fd/1, or the very file the shell redirected it to)."""
    if str(target) == STDOUT_NAME:
        return True
    try:
        out, named = os.fstat(1), os.stat(target)
    except (OSError, ValueError):
        return False
    return (out.st_dev, out.st_ino) == (named.st_dev, named.st_ino)


def is_stream(target: Path) -> bool:
    """True if writing to `target` is writing to a stream another program reads (standard
    output, a pipe, a terminal) rather than to a file: a caller's own words must then go to
    standard error, or they would be mixed into the data."""
    if is_stdout(target):
        return True
    try:
        return not stat.S_ISREG(target.stat().st_mode) and not target.is_dir()
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def atomic_output(target: Path, *, protect: Sequence[Path] = ()) -> Iterator[BinaryIO]:
    """A binary handle whose content replaces `target` only if the block ends without error.

    Refuses a target that is one of `protect` (the inputs) or a folder. Standard output ("-",
    /dev/stdout, even when redirected to a file) and a target that exists and is not a
    regular file (a pipe) are written directly, never replaced.
    """
    for source in protect:
        if same_file(target, source):
            raise UsageError(on_file(str(target), say("output_is_input")))
    if is_stdout(target):
        # Renaming a file onto /dev/stdout would replace the system's link (run as root),
        # and onto a redirected file would bypass the shell's descriptor: write through it.
        with _standard_output() as handle:
            yield handle
        return
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


# A temporary file left by a writer that is gone is removed only once it is this old, so a
# writer this host cannot see (another container sharing the folder under the same host
# name, a clock set back) is given time. Seconds.
STALE_AFTER = 3600.0
# ".leads.csv.h3f9a2c-p1234-s567890.k2j3.part": the target's name, then who is writing it.
_TEMP = re.compile(r"^\..*\.h([0-9a-f]{6})-p([0-9]+)-s([0-9]+)\.[^.]+\.part$")


def _host_tag() -> str:
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def _started(pid: int) -> int | None:
    """When process `pid` started (clock ticks since boot), None if there is no such process."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name in parentheses may hold spaces; the fields after it are fixed.
    fields = stat_line.rsplit(")", 1)[-1].split()
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def _writer_tag() -> str:
    pid = os.getpid()
    return f"h{_host_tag()}-p{pid}-s{_started(pid) or 0}"


def writer_gone(name: str, *, host: str | None = None) -> bool:
    """True if `name` is one of our temporary files and the process that wrote it, on this
    host, no longer runs (its process id is free, or taken by a process started later)."""
    found = _TEMP.match(name)
    if found is None or found[1] != (host or _host_tag()):
        return False
    pid, started = int(found[2]), int(found[3])
    return _started(pid) != started


def sweep_stale(folder: Path, *, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove the temporary files in `folder` whose writer is gone and that have not been
    written for `older_than` seconds; what was removed. Never fails: this is tidying."""
    removed: list[Path] = []
    now = time.time()
    host = _host_tag()
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not entry.name.endswith(".part") or not writer_gone(entry.name, host=host):
                continue
            with contextlib.suppress(OSError):
                if (
                    entry.is_file(follow_symlinks=False)
                    and now - entry.stat(follow_symlinks=False).st_mtime >= older_than
                ):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def temporary_beside(target: Path) -> tuple[int, Path]:
    """A new temporary file in `target`'s folder, open (its descriptor) and named for this
    writer; stale ones there are removed first. OSError if the folder cannot take it."""
    folder = target.parent if str(target.parent) else Path(".")
    sweep_stale(folder)
    # The target's name is cut so that a long one still leaves room for the writer's tag.
    prefix = f".{target.name[:120]}.{_writer_tag()}."
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".part", dir=folder)
    return fd, Path(name)


@contextlib.contextmanager
def _replacing(target: Path, mode: int | None = None) -> Iterator[tuple[int, Path]]:
    """replaced_on_success, giving the temporary file's open descriptor too (the caller
    closes it)."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temp = temporary_beside(target)
    except OSError as error:
        problem = say(
            "output_folder_unwritable", folder=str(folder), reason=str(error.strerror or error)
        )
        raise OutputError(on_file(str(target), problem)) from error
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


@contextlib.contextmanager
def _standard_output() -> Iterator[BinaryIO]:
    """The binary stream under sys.stdout (what print writes to), flushed, never closed."""
    sys.stdout.flush()
    handle: BinaryIO = getattr(sys.stdout, "buffer", None) or os.fdopen(1, "wb", closefd=False)
    try:
        yield handle
        handle.flush()
    except OSError as error:
        problem = say("output_unwritable", reason=str(error.strerror or error))
        raise OutputError(on_file(STDOUT_NAME, problem)) from error


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
