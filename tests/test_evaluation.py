"""Evaluation metrics, checked against values worked out by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from matcher.evaluation import evaluate, ndcg_at, parse_gold, read_gold, reciprocal_rank
from matcher.scoring import Ranker
from tests.conftest import SHARED_GOLD


def test_gold_cells_parse_to_grades() -> None:
    assert parse_gold("P05:3;P01:2") == {"P05": 3, "P01": 2}
    assert parse_gold("") == {}


def test_ndcg_is_one_for_the_ideal_order_and_matches_a_hand_computation() -> None:
    grades = {"P05": 3, "P01": 2}
    assert ndcg_at(["P05", "P01", "P02"], grades) == 1.0
    # swapped: dcg = 3/1 + 7/log2(3); ideal = 7 + 3/log2(3)
    expected = (3 + 7 / math.log2(3)) / (7 + 3 / math.log2(3))
    assert ndcg_at(["P01", "P05"], grades) == pytest.approx(expected)
    assert ndcg_at(["P09", "P10", "P11", "P12", "P13", "P05"], grades) == 0.0


def test_reciprocal_rank_uses_the_first_park_with_the_top_grade() -> None:
    assert reciprocal_rank(["P01", "P02", "P05"], {"P05": 3, "P01": 2}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["P14", "P15"], {"P14": 3, "P15": 3}) == 1.0


def test_evaluate_leaves_empty_gold_rows_out_of_the_averages(
    tmp_path: Path, ranker: Ranker
) -> None:
    gold = tmp_path / "gold.csv"
    gold.write_text(
        "request_id,sector,min_area_m2,max_area_m2,preferred_location,gold\n"
        "A,quantum,,,,P18:3\nB,服装批发,,,,\n",
        encoding="utf-8",
    )
    report = evaluate(read_gold(gold), ranker.rank)
    assert report.ndcg5() == 1.0 and report.hit1() == 1.0 and report.mrr() == 1.0
    assert report.graded_rows == 1 and report.empty_flagged == 1


@pytest.mark.skipif(
    not SHARED_GOLD.exists(), reason="../shared/eval/dev.csv not beside the project"
)
def test_dev_set_quality_bar(ranker: Ranker) -> None:
    report = evaluate(read_gold(SHARED_GOLD), ranker.rank)
    assert report.ndcg5() >= 0.90 and report.hit1() >= 0.90
    assert report.ndcg5("en") >= 0.90 and report.ndcg5("zh") >= 0.90
    assert report.empty_flagged == len(report.empty_rows)
