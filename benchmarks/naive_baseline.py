"""The naive ranker the issue cites: rapidfuzz partial_ratio of the query against each
positioning text. Prints its dev-set figures beside the matcher's, measured the same way.

Run: .venv/bin/python benchmarks/naive_baseline.py [../shared/eval/dev.csv]
"""

from __future__ import annotations

import sys
from pathlib import Path

from rapidfuzz import fuzz

from matcher import Fit, Match, Requirement, default_catalogue
from matcher.evaluation import evaluate, read_gold
from matcher.models import Component
from matcher.scoring import ranker_for


def naive_rank(requirement: Requirement) -> list[Match]:
    parks = default_catalogue().parks
    scored = sorted(
        ((fuzz.partial_ratio(requirement.sector_text, p.positioning_zh), p) for p in parks),
        key=lambda item: (-item[0], item[1].park_id),
    )
    empty = Component(name="sector")
    return [
        Match(
            park_id=p.park_id,
            park_name_zh=p.name_zh,
            park_name_en=p.name_en,
            rank=i,
            score=s,
            fit=Fit.STRONG,
            feasible=True,
            excluded=False,
            band_floor=0,
            sector=empty,
            area=empty.model_copy(update={"name": "area"}),
            location=empty.model_copy(update={"name": "location"}),
        )
        for i, (s, p) in enumerate(scored, start=1)
    ]


def main() -> None:
    gold = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/eval/dev.csv")
    rows = read_gold(gold)
    for name, ranker in (("naive partial_ratio", naive_rank), ("matcher", ranker_for().rank)):
        report = evaluate(rows, ranker)
        print(
            f"{name:>20}: nDCG@5 {report.ndcg5():.3f}  Hit@1 {report.hit1():.3f}  "
            f"MRR {report.mrr():.3f}"
        )


if __name__ == "__main__":
    main()
