"""Time `matcher rank` as a whole process against bare imports of its base libraries.

Target: `matcher rank` takes at most 1.5x `python -c "import pandas, numpy, rapidfuzz, pydantic"`.
The commands run interleaved, so a busy neighbour slows all of them alike; CPU time (user +
system) is printed too, being less sensitive to other load than wall time.

Run: .venv/bin/python benchmarks/startup.py [--runs 15] [--tree DIR]
     --tree: the project tree whose matcher/ is timed (e.g. an export of an older commit).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "import pandas, numpy, rapidfuzz, pydantic"
QUERY = ["rank", "集成电路", "--top", "3"]


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one run; a failing command stops the benchmark."""
    cpu, start = _child_cpu(), time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start, _child_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tree", type=Path, default=ROOT)
    args = parser.parse_args()
    python = sys.executable
    tree = args.tree.resolve()
    # `python -m` looks in the working directory first, the console script in PYTHONPATH.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    with tempfile.TemporaryDirectory() as cold_dir:
        # Emptied before every run: the first run after a data or pypinyin change.
        cold_env = {**env, "MATCHER_CACHE_DIR": cold_dir}
        runs = [
            ("baseline: import pandas, numpy, rapidfuzz, pydantic", [python, "-c", BASELINE], env),
            ("python -m matcher rank", [python, "-m", "matcher", *QUERY], env),
            ("matcher rank (console script)", [str(Path(python).parent / "matcher"), *QUERY], env),
            ("python -m matcher rank, empty cache", [python, "-m", "matcher", *QUERY], cold_env),
        ]
        for _, command, command_env in runs:  # warm-up: .pyc files, the disk cache
            _run(command, command_env, tree)
        walls: list[list[float]] = [[] for _ in runs]
        cpus: list[list[float]] = [[] for _ in runs]
        for _ in range(args.runs):
            for i, (_, command, command_env) in enumerate(runs):
                for entry in Path(cold_dir).iterdir():
                    entry.unlink()
                wall, cpu = _run(command, command_env, tree)
                walls[i].append(wall)
                cpus[i].append(cpu)
    print(f"startup, median of {args.runs} interleaved runs each (tree: {args.tree})")
    base_wall, base_cpu = statistics.median(walls[0]), statistics.median(cpus[0])
    for (name, _, _), wall_runs, cpu_runs in zip(runs, walls, cpus, strict=True):
        wall, cpu = statistics.median(wall_runs), statistics.median(cpu_runs)
        print(
            f"  {name:<52} wall {wall * 1000:5.0f} ms ({wall / base_wall:4.2f}x)"
            f"   cpu {cpu * 1000:5.0f} ms ({cpu / base_cpu:4.2f}x)"
        )
    print("target: matcher rank at most 1.50x the baseline")


if __name__ == "__main__":
    main()
