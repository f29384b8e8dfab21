"""XLSX in and out at scale: time and peak RSS, each measured in a fresh child process.

(a) `matcher batch` end to end on a workbook whose dimension claims 16,384 columns x 20,000
    rows (a cell at XFD every 100 rows); (b) writing 100k requests x top 5 (500k rows,
    15 columns with two long zh/en reasons) with exports.write_xlsx, once streamed in chunks
    of 10,000 requests (as `matcher batch -o out.xlsx`) and once from one frame held whole.

Run:  .venv/bin/python benchmarks/xlsx_io.py [--requests 100000]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402

from tests.xlsx_fixtures import write_column_bomb  # noqa: E402

WRITE_CHILD = """
import sys, time, resource
import numpy as np, pandas as pd
from pathlib import Path
from matcher.exports import write_xlsx
n, streamed = int(sys.argv[1]), sys.argv[3] == "streamed"
zh = ("产业方向与园区主导产业高度吻合：集成电路、人工智能；"
      "面积需求 2000 平方米在园区可供范围内；区位：中关村核心区")
en = ("Sector matches the park's lead industries: integrated circuits, AI; area of 2,000 m2 "
      "within what the park offers; location: Zhongguancun core")

def frame(first, last):
    rng = np.random.default_rng(first)
    rows = (last - first) * 5
    return pd.DataFrame({
        "request_id": np.repeat([f"L{i}" for i in range(first, last)], 5),
        "rank": pd.array(np.tile(np.arange(1, 6), last - first), dtype="Int64"),
        "park_id": [f"P{i % 18 + 1:02d}" for i in range(rows)],
        "park_name_zh": ["中关村集成电路设计园"] * rows,
        "score": rng.random(rows) * 100, "fit": ["good"] * rows,
        "sector_score": rng.random(rows), "area_score": rng.random(rows),
        "location_score": rng.random(rows),
        "reason_zh": [zh] * rows, "reason_en": [en] * rows,
        "status": ["ok"] * rows, "error": [""] * rows,
        "company": [f"公司{i}" for i in range(first * 5, first * 5 + rows)],
        "contact": ["张三"] * rows,
    })

making = making_cpu = 0.0

def chunks(step=10_000):  # requests per chunk, as `matcher batch` hands them to the writer
    global making, making_cpu
    for first in range(0, n, step):
        started = time.perf_counter(), time.process_time()
        made = frame(first, min(first + step, n))
        making += time.perf_counter() - started[0]
        making_cpu += time.process_time() - started[1]
        yield made

rows = chunks() if streamed else frame(0, n)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
started, cpu = time.perf_counter(), time.process_time()
write_xlsx({"matches": rows}, Path(sys.argv[2]))
seconds = time.perf_counter() - started - making
cpu = time.process_time() - cpu - making_cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"{seconds:.1f} {cpu:.1f} {making:.1f} {before} {peak}")
"""


def child(command: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MB of the child, and its stdout."""
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return seconds, peak, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100_000)
    args = parser.parse_args()
    python = sys.executable
    matcher = str(Path(python).with_name("matcher"))
    with tempfile.TemporaryDirectory() as folder:
        bomb = write_column_bomb(Path(folder) / "bomb.xlsx")
        seconds, peak, _ = child(
            [matcher, "batch", str(bomb), "-o", str(Path(folder) / "out.csv"), "--no-progress"]
        )
        size = bomb.stat().st_size // 1024
        print(
            f"(a) read {size} KB workbook claiming A1:XFD20001 via `matcher batch`: "
            f"{seconds:.1f} s wall, peak RSS {peak} MB"
        )
        target = Path(folder) / "out.xlsx"
        rows = args.requests * 5
        for mode, how in (
            ("streamed", "made and written 10,000 requests at a time, as `matcher batch` does"),
            ("frame", "one frame held whole before writing, as an app download"),
        ):
            # The child reports its own peak: RUSAGE_CHILDREN would also include run (a).
            _, _, out = child([python, "-c", WRITE_CHILD, str(args.requests), str(target), mode])
            write_seconds, cpu, making, frame_rss, peak_rss = out.split()
            made = f" (and {making} s making the frames)" if mode == "streamed" else ""
            print(
                f"(b) write_xlsx {args.requests:,} requests x top 5 ({rows:,} rows, 15 columns), "
                f"{how}: {write_seconds} s writing ({cpu} s CPU){made}, peak RSS {peak_rss} MB "
                f"(of which {frame_rss} MB before writing), "
                f"file {target.stat().st_size // 1024**2} MB"
            )
            check = load_workbook(target, read_only=True)
            assert check["matches"].max_row == rows + 1, "the workbook lost rows"
            check.close()
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
