"""Hints on what would change the ranking, each from one re-ranking (matcher/hints.py).

Park figures used below (data/parks.csv): P05 集成电路设计园二期 holds 35,000 m² in total and is
the one park dedicated to integrated circuits; P18, the quantum park, holds 22,000 m²; P14 is
the largest park, 807,000 m².
"""

from __future__ import annotations

import re

import pytest

from matcher.hints import ranking_hints
from matcher.i18n import Text
from matcher.models import Requirement
from matcher.scoring import Ranker


def hints_for(ranker: Ranker, **fields: object) -> list[Text]:
    requirement = Requirement.model_validate(fields)
    return ranking_hints(ranker, requirement, ranker.rank(requirement))


def test_no_matches_give_no_hints(ranker: Ranker) -> None:
    assert ranking_hints(ranker, Requirement(sector_text="集成电路"), []) == []


def test_a_sector_alone_gives_no_hints(ranker: Ranker) -> None:
    assert hints_for(ranker, sector_text="集成电路") == []


def test_when_the_best_sector_park_is_too_small_the_hint_says_how_much_less_area_fits(
    ranker: Ranker,
) -> None:
    hints = hints_for(ranker, sector_text="集成电路", min_area_m2=50_000)
    # 35,000 of 50,000 m²: 30 % less.
    assert hints[0] == Text(
        "需求面积减少30%（至3.5万㎡）时，P05 集成电路设计园二期即可容纳",
        "With 30% less area (35,000 m²), P05 Integrated Circuit Design Park (Phase II) "
        "would qualify",
    )


def test_when_dropping_the_area_changes_the_top_park_the_hint_names_it(ranker: Ranker) -> None:
    hints = hints_for(ranker, sector_text="集成电路", min_area_m2=50_000)
    assert (
        Text(
            "不限面积时，P05 集成电路设计园二期将排第一",
            "Without the area requirement, P05 Integrated Circuit Design Park (Phase II) "
            "would rank first",
        )
        in hints
    )


def test_an_area_every_fitting_park_holds_gives_no_area_hint(ranker: Ranker) -> None:
    assert hints_for(ranker, sector_text="量子", min_area_m2=20_000) == []


def test_when_dropping_the_location_changes_the_top_park_the_hint_names_it(
    ranker: Ranker,
) -> None:
    # P05 is in 西北旺镇, not 温泉镇: with 温泉 another park leads.
    hints = hints_for(ranker, sector_text="集成电路", preferred_location="温泉")
    assert hints == [
        Text(
            "不限区位时，P05 集成电路设计园二期将排第一",
            "Without the location preference, P05 Integrated Circuit Design Park (Phase II) "
            "would rank first",
        )
    ]


def test_a_location_that_keeps_the_same_top_park_gives_no_hint(ranker: Ranker) -> None:
    assert hints_for(ranker, sector_text="集成电路", preferred_location="西北旺") == []


def test_a_hard_area_says_how_many_parks_it_excluded(ranker: Ranker) -> None:
    # Under 200,000 m² in total: P01 P02 P05 P09 P11 P12 P15 P16 P17 P18.
    hints = hints_for(ranker, sector_text="集成电路", min_area_m2=200_000, area_is_hard=True)
    assert hints[-1] == Text(
        "取消硬性条件后，另有10个园区可参与排名",
        "Without the hard constraints, 10 more park(s) would be ranked",
    )


def test_a_hard_location_says_how_many_parks_it_excluded(ranker: Ranker) -> None:
    # 四季青镇 has three parks (P09, P15, P16); the other 15 are excluded.
    hints = hints_for(
        ranker, sector_text="人工智能", preferred_location="四季青", location_is_hard=True
    )
    assert "15" in hints[-1].zh and "15 more park(s)" in hints[-1].en


def test_every_hint_is_given_in_both_languages(ranker: Ranker) -> None:
    hints = hints_for(
        ranker,
        sector_text="集成电路",
        min_area_m2=200_000,
        preferred_location="温泉",
        area_is_hard=True,
    )
    assert len(hints) >= 3
    for hint in hints:
        assert re.search(r"[\u4e00-\u9fff]", hint.zh)
        assert hint.en and not re.search(r"[\u4e00-\u9fff]", hint.en)


@pytest.mark.parametrize("need", [22_100, 31_600])
def test_cutting_the_area_by_the_stated_percentage_is_enough(ranker: Ranker, need: int) -> None:
    hint = hints_for(ranker, sector_text="量子", min_area_m2=need)[0]
    percent = int(re.search(r"With (\d+)% less area", hint.en).group(1))  # type: ignore[union-attr]
    assert need * (1 - percent / 100) <= 22_000


def test_when_no_park_can_hold_the_area_the_hint_names_the_largest_park(ranker: Ranker) -> None:
    hints = hints_for(ranker, min_area_m2=900_000)
    assert "P14" in hints[0].en and "807,000 m²" in hints[0].en
