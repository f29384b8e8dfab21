"""Time ranking one requirement against the 18 parks (target: well under 10 ms).

Run: .venv/bin/python benchmarks/rank_latency.py
"""

from __future__ import annotations

import statistics
import time

from matcher import Requirement
from matcher.scoring import ranker_for

QUERIES = [
    Requirement(sector_text="集成电路", min_area_m2=3000, preferred_location="温泉"),
    Requirement(sector_text="AI chips", min_area_m2=50_000, preferred_location="north"),
    Requirement(sector_text="我们是一家做RISC-V处理器的企业，需要5000平米研发空间"),
    Requirement(sector_text="CAR-T cell therapy pilot plant", preferred_location="Shangzhuang"),
    Requirement(sector_text="集层电路", max_area_m2=8000),
    Requirement(sector_text="artifical inteligence startup near Tsinghua University"),
    Requirement(sector_text="服装批发"),
]


def main() -> None:
    ranker = ranker_for()
    for requirement in QUERIES:  # the first call builds the catalogue and indexes
        ranker.rank(requirement)
    timings = []
    for _ in range(50):
        for requirement in QUERIES:
            start = time.perf_counter()
            ranker.rank(requirement)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print(f"rank one requirement x 18 parks, {len(timings)} runs over {len(QUERIES)} queries")
    p95 = timings[int(len(timings) * 0.95)]
    print(f"median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, max {timings[-1]:.2f} ms")


if __name__ == "__main__":
    main()
