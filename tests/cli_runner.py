"""Run `matcher ...` inside the test process, as a user would see it from a shell.

`run_cli(capsys, args, env=..., stdin=..., cwd=...)` (or the `cli` fixture: the same without
capsys) calls `matcher.cli.main(args)` and gives
back the exit code and what it printed (`Result`). A subprocess per command paid the imports
(numpy, pydantic, SQLAlchemy, ...) again each time; in-process they are paid once. What the
command line would get from its process is recreated for the one call and undone after:

- the environment (`env` is added to this process's) and the working directory (`cwd`);
- standard input: `stdin` as a pipe that is not a terminal (so passwords are read from it,
  as `echo pw | matcher staff add` would);
- the exit code: argparse's usage errors end in SystemExit, which is turned into the code;
- the end of the process: every SQLAlchemy engine the command opened is disposed of, as exit
  would close its connections (the PostgreSQL server allows a few dozen; an SQLite file's
  write-ahead log is merged back on the last close).

The subprocess tests that remain are named in their own comments: one smoke test of the
real `python -m matcher`, and those whose point is a fresh interpreter (what `rank` imports).
"""

from __future__ import annotations

import io
import os
import sys
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Result:
    """What a shell would see: the exit code, standard output and standard error."""

    code: int
    out: str
    err: str


def run_cli(
    capsys: pytest.CaptureFixture[str],
    args: Iterable[str | os.PathLike[str]],
    *,
    env: Mapping[str, str] | None = None,
    stdin: str = "",
    cwd: Path | None = None,
) -> Result:
    from sqlalchemy import Engine, event

    from matcher.cli import main

    capsys.readouterr()  # what the test printed before is not the command's
    engines: weakref.WeakSet[Engine] = weakref.WeakSet()

    def opened(connection: object) -> None:
        engines.add(connection.engine)  # type: ignore[attr-defined]

    event.listen(Engine, "engine_connect", opened)
    try:
        with pytest.MonkeyPatch.context() as patch:
            # The terminal's language is English unless a test says otherwise.
            patch.setenv("MATCHER_LANG", "en")
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            if cwd is not None:
                patch.chdir(cwd)
            patch.setattr(sys, "stdin", io.StringIO(stdin))
            try:
                code = main([os.fspath(a) for a in args])
            except SystemExit as done:  # argparse: usage errors and --help
                if isinstance(done.code, int) or done.code is None:
                    code = done.code or 0
                else:  # as the interpreter does with a message for an exit code
                    print(done.code, file=sys.stderr)
                    code = 1
    finally:
        event.remove(Engine, "engine_connect", opened)
        for engine in list(engines):
            engine.dispose()
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """`run_cli` with this test's capsys: `cli(["rank", "AI"], env={...}, cwd=tmp_path)`."""
    return partial(run_cli, capsys)
