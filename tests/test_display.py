"""The score people read (matcher/display.py): the number agrees with its fit label.

Every strong fit shows above every partial, every partial above every weak, every weak above
none, whatever the requirement; within a label the ranking total decides.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.catalogue import CatalogueError, default_catalogue, load_catalogue
from matcher.display import how_to_read, shown_score, shown_value
from matcher.models import FIT_ORDER, Fit, Requirement
from matcher.scoring import Ranker
from tests.conftest import DATA

SECTORS = [
    "集成电路",
    "AI芯片",
    "生物医药",
    "服装批发",
    "量子",
    "fintech",
    "robots",
    "",
    "空天信息",
]
PLACES = ["", "温泉", "上地", "中关村", "五道口", "north", "火星", "清华"]
AREAS = [None, 2000.0, 30_000.0, 200_000.0, 900_000.0]
SCALE = default_catalogue().tuning.shown


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sector=st.sampled_from(SECTORS),
    place=st.sampled_from(PLACES),
    area=st.sampled_from(AREAS),
    hard=st.booleans(),
)
def test_shown_order_respects_fit_order(
    ranker: Ranker, sector: str, place: str, area: float | None, hard: bool
) -> None:
    requirement = Requirement(
        sector_text=sector, preferred_location=place, min_area_m2=area, area_is_hard=hard
    )
    matches = ranker.rank(requirement)
    for a in matches:
        for b in matches:
            if FIT_ORDER.index(a.fit) > FIT_ORDER.index(b.fit):
                assert shown_score(a, SCALE) > shown_score(b, SCALE), (a.park_id, b.park_id)
            if a.fit == b.fit and a.score > b.score:
                assert shown_score(a, SCALE) >= shown_score(b, SCALE)


@given(total=st.floats(0, 100), fit=st.sampled_from(list(Fit)))
def test_a_shown_score_lies_in_its_labels_band(total: float, fit: Fit) -> None:
    value = shown_value(total, fit, SCALE)
    bands = {Fit.STRONG: (75, 100), Fit.PARTIAL: (50, 74), Fit.WEAK: (25, 49), Fit.NONE: (0, 24)}
    low, high = bands[fit]
    assert low <= value <= high


def test_the_weak_fit_that_read_80_now_reads_below_every_partial() -> None:
    assert shown_value(80.7, Fit.WEAK, SCALE) < shown_value(40.0, Fit.PARTIAL, SCALE)


def test_how_to_read_names_every_band_in_both_languages() -> None:
    english = how_to_read("en", SCALE)
    assert english.startswith("How to read the score: 75–100 strong fit, 50–74 partial")
    assert how_to_read("zh", SCALE).startswith("得分含义：75–100 强匹配，50–74 部分匹配")


@pytest.mark.parametrize(
    ("old", "new", "english", "chinese"),
    [
        (
            "partial = { low = 50.0, high = 74.0 }",
            "partial = { low = 50.0, high = 80.0 }",
            "shown: strong starts at 75, not above the top of partial (80)",
            "shown：strong 的起点 75 不高于 partial 的上限 80",
        ),
        (
            "weak = { low = 25.0, high = 49.0 }",
            "weak = { low = 49.0, high = 25.0 }",
            "shown.weak: low 49 is above high 25",
            "shown.weak：下限 49 高于上限 25",
        ),
    ],
)
def test_check_data_refuses_overlapping_or_backward_shown_bands(
    tmp_path: Path, old: str, new: str, english: str, chinese: str
) -> None:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    path = target / "scoring.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(target)
    problems = caught.value.problems
    assert any(p.en.startswith(f"scoring.toml: {english}") for p in problems)
    assert any(p.zh.startswith(f"scoring.toml：{chinese}") for p in problems)


def test_the_breakdown_starts_at_the_fit_tier_and_adds_up_to_the_shown_score() -> None:
    from matcher import Requirement
    from matcher.display import shown_breakdown
    from matcher.scoring import ranker_for

    for match in ranker_for().rank(
        Requirement(sector_text="集成电路", min_area_m2=5000, preferred_location="温泉")
    ):
        steps = shown_breakdown(match, SCALE)
        assert [name for name, _ in steps] == ["fit_tier", "sector", "area", "location"]
        assert sum(v for _, v in steps) == pytest.approx(shown_score(match, SCALE), abs=0.11)
