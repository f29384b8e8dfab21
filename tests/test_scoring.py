"""The ranker: sector first, then space and place; every score explained in zh and en."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from matcher import Fit, Requirement, Weights, score_breakdown
from matcher.display import shown_score
from matcher.scoring import Ranker


def top(ranker: Ranker, requirement: Requirement, n: int = 3) -> list[str]:
    return [m.park_id for m in ranker.rank(requirement)[:n]]


def test_an_english_query_for_ai_chips_ranks_the_ic_parks_first(ranker: Ranker) -> None:
    first = top(ranker, Requirement(sector_text="AI chips"), 4)
    assert set(first) == {"P01", "P03", "P05", "P16"}
    assert first[0] == "P01"  # lists both integrated circuits and AI


def test_ic_design_park_is_first_for_chip_design(ranker: Ranker) -> None:
    assert top(ranker, Requirement(sector_text="集成电路设计"), 1) == ["P05"]
    assert top(ranker, Requirement(sector_text="芯片"), 1) == ["P05"]


def test_a_dedicated_park_outranks_a_broad_one_listing_the_same_sector(ranker: Ranker) -> None:
    ranked = top(ranker, Requirement(sector_text="集成电路"), 4)
    assert ranked.index("P05") < ranked.index("P01") < ranked.index("P16")


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("quantum computing", "P18"),
        ("重组蛋白", "P14"),
        ("保税研发", "P01"),
        ("智能网联汽车", "P12"),
        ("autonomous vehicles", "P12"),
        ("算力中心", "P02"),
        ("5G", "P04"),
        ("医养结合", "P15"),
        ("cyber security", "P16"),
        ("fintech", "P07"),
        ("机器人", "P03"),
        ("satellite internet", "P16"),
        ("brain-computer interface", "P14"),
    ],
)
def test_each_specialised_sector_finds_its_park(ranker: Ranker, text: str, first: str) -> None:
    assert top(ranker, Requirement(sector_text=text), 1) == [first]


def test_pharma_in_either_language_ranks_the_health_parks_first(ranker: Ranker) -> None:
    for text in ("生物制药", "pharmaceutical R&D", "biotech"):
        assert set(top(ranker, Requirement(sector_text=text), 3)) == {"P14", "P15", "P17"}, text


def test_no_park_lists_clothing_wholesale_and_the_answer_says_so(ranker: Ranker) -> None:
    for text in ("服装批发", "印刷包装", "汽车维修", "restaurant chain"):
        best = ranker.rank(Requirement(sector_text=text))[0]
        assert best.fit in (Fit.WEAK, Fit.NONE), text
        assert "没有园区的产业定位包含" in best.reason("zh")
        assert "No park lists" in best.reason("en")


def test_a_park_without_sector_fit_never_outranks_one_with_it(ranker: Ranker) -> None:
    requirement = Requirement(
        sector_text="量子",
        min_area_m2=15_000,
        preferred_location="上庄",
        weights=Weights(sector=0.01, area=10, location=10),
    )
    matches = ranker.rank(requirement)
    position = {m.park_id: m.rank for m in matches}
    assert position["P18"] < position["P14"]  # P14: big and at 上庄, but no quantum
    fits = [m.sector.score is not None and m.sector.score > 0 for m in matches]
    assert fits == sorted(fits, reverse=True)


def test_a_park_that_cannot_fit_never_ranks_above_one_that_can(ranker: Ranker) -> None:
    matches = ranker.rank(Requirement(sector_text="集成电路", min_area_m2=50_000))
    feasible = [m.feasible for m in matches]
    assert feasible == sorted(feasible, reverse=True)
    ic_design = next(m for m in matches if m.park_id == "P05")
    assert not ic_design.feasible and ic_design.fit == Fit.NONE  # it cannot hold the space
    assert "面积不足：需求 5万㎡，园区建筑面积 3.5万㎡" in ic_design.reason("zh")
    assert "Too small: need 50,000 m², park's floor area is 35,000 m²" in ic_design.reason("en")
    assert "10万㎡以上扩展空间" in ic_design.reason("zh")


def test_the_area_compared_is_named_and_unknown_is_not_zero(ranker: Ranker) -> None:
    matches = {m.park_id: m for m in ranker.rank(Requirement(min_area_m2=20_000))}
    assert matches["P05"].area_compared == "building" and matches["P05"].feasible
    assert "地上面积：未知" in matches["P05"].reason("zh")
    assert matches["P01"].area_compared == "above_ground"
    assert "above-ground floor area 79,000 m²" in matches["P01"].reason("en")


def test_space_that_only_fits_with_underground_floors_is_half_credit(ranker: Ranker) -> None:
    match = next(m for m in ranker.rank(Requirement(min_area_m2=100_000)) if m.park_id == "P01")
    assert match.area.score == 0.5 and match.feasible
    assert "地上面积不足" in match.reason("zh")


def test_hard_constraints_exclude_and_say_why(ranker: Ranker) -> None:
    matches = ranker.rank(Requirement(sector_text="量子", min_area_m2=50_000, area_is_hard=True))
    quantum = next(m for m in matches if m.park_id == "P18")
    assert quantum.excluded and quantum.score == 0 and quantum.fit == Fit.NONE
    assert matches[-1].excluded
    assert "Excluded: area is a hard constraint" in quantum.reason("en")
    in_town = ranker.rank(
        Requirement(sector_text="AI", preferred_location="温泉", location_is_hard=True)
    )
    assert {m.park_id for m in in_town if not m.excluded} == {"P01", "P03", "P12"}


def test_the_waterfall_adds_up_to_the_score(ranker: Ranker) -> None:
    for m in ranker.rank(
        Requirement(sector_text="人工智能", min_area_m2=30_000, preferred_location="西北旺")
    ):
        assert sum(v for _, v in score_breakdown(m)) == pytest.approx(m.score, abs=0.1)


def test_reasons_exist_in_both_languages(ranker: Ranker) -> None:
    for m in ranker.rank(
        Requirement(sector_text="新材料", min_area_m2=10_000, preferred_location="苏家坨")
    ):
        assert len(m.reasons_zh) == len(m.reasons_en) >= 3


def test_matched_terms_trace_query_to_park_term(ranker: Ranker) -> None:
    best = ranker.rank(Requirement(sector_text="卫星"))[0]
    term = best.matched_terms[0]
    assert (term.query_term, term.query_sector, term.park_sector, term.park_term) == (
        "卫星",
        "satellite",
        "satellite",
        "卫星应用",
    )


def test_equal_scores_are_ordered_by_park_id(ranker: Ranker) -> None:
    matches = ranker.rank(Requirement(sector_text="服装批发"))
    for a, b in itertools.pairwise(matches):
        assert a.score > b.score or (a.score == b.score and a.park_id < b.park_id)


def test_the_same_input_gives_the_same_order(ranker: Ranker) -> None:
    requirement = Requirement(sector_text="人工智能", preferred_location="north")
    assert [m.park_id for m in ranker.rank(requirement)] == [
        m.park_id for m in ranker.rank(requirement)
    ]


def test_an_empty_requirement_lists_parks_by_id_without_pretending(ranker: Ranker) -> None:
    matches = ranker.rank(Requirement())
    assert [m.park_id for m in matches] == sorted(m.park_id for m in matches)
    assert all(m.fit == Fit.NONE and m.score == 0 for m in matches)


def test_selected_sector_ids_count_like_text(ranker: Ranker) -> None:
    assert top(ranker, Requirement(sector_ids=("quantum",)), 1) == ["P18"]


def test_an_unknown_sector_id_is_an_error_not_ignored(ranker: Ranker) -> None:
    with pytest.raises(ValueError, match="unknown sector id"):
        ranker.rank(Requirement(sector_ids=("warp_drive",)))


def test_min_above_max_is_rejected() -> None:
    with pytest.raises(ValidationError, match="min_area_m2 is greater than max_area_m2"):
        Requirement(min_area_m2=5000, max_area_m2=3000)


@settings(max_examples=60, deadline=None)
@given(
    sector=st.sampled_from(["集成电路", "AI", "生物医药", "服装批发", "", "quantum", "新材料"]),
    min_area=st.one_of(st.none(), st.floats(0, 900_000)),
    location=st.sampled_from(["", "温泉", "north", "四季青", "Mars"]),
    weights=st.tuples(*(st.floats(0, 5) for _ in range(3))),
)
def test_scores_respect_the_tiers_for_any_weights(
    ranker: Ranker,
    sector: str,
    min_area: float | None,
    location: str,
    weights: tuple[float, float, float],
) -> None:
    requirement = Requirement(
        sector_text=sector,
        min_area_m2=min_area,
        preferred_location=location,
        weights=Weights(sector=weights[0], area=weights[1], location=weights[2]),
    )
    matches = ranker.rank(requirement)
    assert len(matches) == 18 and [m.rank for m in matches] == list(range(1, 19))
    keys = [(m.feasible, m.sector.score is None or m.sector.score > 0) for m in matches]
    assert keys == sorted(keys, reverse=True)
    # The list follows the fit label, then the score, so what is shown never contradicts it.
    order = {Fit.STRONG: 3, Fit.PARTIAL: 2, Fit.WEAK: 1, Fit.NONE: 0}
    listed = [(order[m.fit], m.score) for m in matches]
    assert listed == sorted(listed, reverse=True)
    shown = [shown_score(m, ranker.tuning.shown) for m in matches]
    assert shown == sorted(shown, reverse=True)
    assert all(0 <= m.score <= 100 for m in matches)


def test_an_area_in_the_sentence_counts_when_the_area_fields_are_empty(ranker: Ranker) -> None:
    matches = ranker.rank(Requirement(sector_text="集成电路设计，需要5万平米"))
    p05 = next(m for m in matches if m.park_id == "P05")  # 35,000 m²: too small for 50,000
    assert not p05.feasible
    assert "面积取自需求描述中的“5万平米”" in p05.area.reasons_zh
    assert matches[0].park_id != "P05"


def test_the_forms_own_area_wins_over_the_sentence(ranker: Ranker) -> None:
    matches = ranker.rank(Requirement(sector_text="集成电路设计，需要5万平米", min_area_m2=3000))
    p05 = next(m for m in matches if m.park_id == "P05")
    assert p05.feasible and not any("需求描述" in r for r in p05.area.reasons_zh)
