"""Each comparison decides one named level per (requirement, park) when scoring; its value
comes from data/scoring.toml and its sentence is looked up from that level."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from matcher.comparisons import NOT_ASKED, Readings
from matcher.scoring import Ranker
from matcher.tuning import AreaLevel, LocationLevel


def park_index(ranker: Ranker, park_id: str) -> int:
    return [p.park_id for p in ranker.parks].index(park_id)


Reader = Callable[..., Readings]


@pytest.fixture
def read(ranker: Ranker):
    def reading(
        sector: str = "", location: str = "", low: float | None = None, high: float | None = None
    ) -> Readings:
        from matcher.understanding import understand

        seen = understand(ranker.taxonomy, ranker.gazetteer, sector, (), location)
        return Readings.one(seen, low, high)

    return reading


def area_level(ranker: Ranker, readings: Readings, park_id: str) -> str:
    code = int(ranker.by_name["area"].score(readings).levels[0, park_index(ranker, park_id)])
    return "not asked" if code == NOT_ASKED else ranker.by_name["area"].levels[code]


# P01: 121,000 m² in all, 79,000 above ground. P05: 35,000 m², no above-ground figure.


@pytest.mark.parametrize(
    ("low", "high", "level", "value"),
    [
        (50_000, None, AreaLevel.ENOUGH, 1.0),
        (50_000, 100_000, AreaLevel.SHORT_OF_MAX, 0.9),
        (None, 60_000, AreaLevel.MAX_ONLY_ROOMY, 1.0),
        (None, 100_000, AreaLevel.MAX_ONLY_SMALLER, 0.8),
        (100_000, None, AreaLevel.UNDERGROUND_ONLY, 0.5),
        (130_000, None, AreaLevel.CANNOT_FIT, 0.0),
    ],
)
def test_area_levels_for_a_park_with_79000_above_ground_of_121000(
    ranker: Ranker,
    read: Reader,
    low: float | None,
    high: float | None,
    level: AreaLevel,
    value: float,
) -> None:
    readings = read(low=low, high=high)
    p = park_index(ranker, "P01")
    scored = ranker.by_name["area"].score(readings)
    assert ranker.by_name["area"].levels[int(scored.levels[0, p])] == level
    assert scored.values[0, p] == value
    assert bool(ranker.by_name["area"].holds(scored)[0, p]) == (level != AreaLevel.CANNOT_FIT)


def test_no_area_asked_is_its_own_level_and_no_value(ranker: Ranker, read: Reader) -> None:
    scored = ranker.by_name["area"].score(read(sector="AI"))
    assert (scored.levels == NOT_ASKED).all() and np.isnan(scored.values).all()
    assert ranker.by_name["area"].explain(read(sector="AI"), 0, 0, NOT_ASKED).reasons == ()


def test_a_park_without_an_above_ground_figure_is_compared_by_the_one_figure_published(
    ranker: Ranker, read
) -> None:
    readings = read(low=30_000)
    p = park_index(ranker, "P05")
    level = int(ranker.by_name["area"].score(readings).levels[0, p])
    assert ranker.by_name["area"].levels[level] == AreaLevel.ENOUGH
    reasons = ranker.by_name["area"].explain(readings, 0, p, level).reasons
    assert "未知" in reasons[0].zh and "unknown" in reasons[0].en
    assert "35,000" in reasons[1].en


def test_explain_says_what_the_recorded_level_says_and_never_decides_again(
    ranker: Ranker, read
) -> None:
    readings = read(low=50_000)  # P01 has enough room above ground
    p = park_index(ranker, "P01")
    enough = ranker.by_name["area"].levels.index(AreaLevel.ENOUGH)
    cannot = ranker.by_name["area"].levels.index(AreaLevel.CANNOT_FIT)
    assert "Enough space" in ranker.by_name["area"].explain(readings, 0, p, enough).reasons[0].en
    # Handed another level, explain reports that level: the verdict was made at scoring.
    assert "cannot fit" in ranker.by_name["area"].explain(readings, 0, p, cannot).reasons[0].en


def test_a_park_too_small_mentions_announced_expansion_space(ranker: Ranker, read: Reader) -> None:
    readings = read(low=50_000)  # P05 holds 35,000 m² and announces 100,000 m² more
    p = park_index(ranker, "P05")
    level = int(ranker.by_name["area"].score(readings).levels[0, p])
    assert ranker.by_name["area"].levels[level] == AreaLevel.CANNOT_FIT
    reasons = ranker.by_name["area"].explain(readings, 0, p, level).reasons
    assert any("expansion" in r.en for r in reasons)


@pytest.mark.parametrize(
    ("place", "park_id", "level"),
    [
        ("温泉", "P01", LocationLevel.AT_PLACE),  # P01 is in 温泉镇
        ("温泉", "P04", LocationLevel.SAME_ZONE),  # 西北旺, also in the north zone
        ("温泉", "P06", LocationLevel.ELSEWHERE),  # 东升, south zone
        ("north", "P14", LocationLevel.AT_PLACE),
    ],
)
def test_location_levels(
    ranker: Ranker, read: Reader, place: str, park_id: str, level: LocationLevel
) -> None:
    readings = read(location=place)
    p = park_index(ranker, park_id)
    scored = ranker.by_name["location"].score(readings)
    assert ranker.by_name["location"].levels[int(scored.levels[0, p])] == level
    assert scored.values[0, p] == ranker.tuning.location.levels[level]


def test_of_several_places_named_the_nearest_decides(ranker: Ranker, read: Reader) -> None:
    scored = ranker.by_name["location"].score(read(location="温泉 东升"))
    for park_id in ("P01", "P06"):
        level = int(scored.levels[0, park_index(ranker, park_id)])
        assert ranker.by_name["location"].levels[level] == LocationLevel.AT_PLACE


def test_an_unknown_place_is_said_and_not_scored(ranker: Ranker, read: Reader) -> None:
    readings = read(location="Mars")
    scored = ranker.by_name["location"].score(readings)
    assert (scored.levels == NOT_ASKED).all()
    reasons = ranker.by_name["location"].explain(readings, 0, 0, NOT_ASKED).reasons
    assert "Mars" in reasons[0].en and "not recognised" in reasons[0].en


def test_a_location_marked_hard_keeps_only_the_levels_scoring_toml_names(
    ranker: Ranker, read
) -> None:
    kept = ranker.by_name["location"].kept_when_hard(
        ranker.by_name["location"].score(read(location="温泉"))
    )[0]
    by_id = dict(zip((p.park_id for p in ranker.parks), kept, strict=True))
    assert by_id["P01"] and not by_id["P04"] and not by_id["P06"]


def test_sector_levels_fits_no_fit_and_unrecognised(ranker: Ranker, read: Reader) -> None:
    levels = ranker.sector.levels
    fits = ranker.sector.score(read(sector="集成电路")).levels[0]
    assert levels[int(fits[park_index(ranker, "P05")])] == "fits"
    assert levels[int(fits[park_index(ranker, "P15")])] == "no_fit"
    nonsense = ranker.sector.score(read(sector="zzqx")).levels[0]
    assert {levels[int(c)] for c in nonsense} == {"unrecognised"}


def test_rank_and_every_comparison_agree_on_the_component_values(ranker: Ranker) -> None:
    from matcher import Requirement

    req = Requirement(sector_text="集成电路", min_area_m2=100_000, preferred_location="温泉")
    p01 = next(m for m in ranker.rank(req) if m.park_id == "P01")
    assert p01.area.score == 0.5 and p01.location.score == 1.0
    assert any("underground" in r for r in p01.area.reasons_en)


# --- what every comparison offers (scoring and blocking ask nothing else) ---


def test_every_comparison_offers_the_whole_protocol(ranker: Ranker, read: Reader) -> None:
    readings = read(sector="集成电路", location="温泉", low=50_000)
    every = np.arange(len(ranker.parks))
    for comparison in ranker.comparisons:
        scored = comparison.score(readings)
        cells = comparison.score_cells(readings, np.array([0]), every[None, :])
        assert np.array_equal(cells.levels, scored.levels)
        assert np.array_equal(cells.values, scored.values, equal_nan=True)
        assert 0 < comparison.best_value <= 1
        assert comparison.holds(scored).shape == scored.levels.shape
        assert comparison.kept_when_hard(scored).shape == scored.levels.shape
        assert comparison.fit_ceiling(scored).shape == scored.levels.shape
        assert comparison.excluded_reason().zh and comparison.excluded_reason().en
        codes, keys = comparison.signatures(readings)
        assert len(codes) == 1 and len(keys) >= 1
        assert bool(comparison.asks(readings)[0]) == (not np.isnan(scored.values[0, 0]))


def test_only_the_area_sets_a_physical_limit(ranker: Ranker, read: Reader) -> None:
    readings = read(sector="集成电路", location="温泉", low=130_000)
    p01 = park_index(ranker, "P01")  # 121,000 m² in all: cannot hold 130,000
    holds = {c.name: bool(c.holds(c.score(readings))[0, p01]) for c in ranker.comparisons}
    assert holds == {"sector": True, "area": False, "location": True}


def test_a_level_short_of_the_best_caps_the_fit_label(ranker: Ranker, read: Reader) -> None:
    from matcher.models import FIT_ORDER, Fit

    readings = read(location="温泉", low=100_000)  # P01: underground only; P04: same zone
    area, location = ranker.by_name["area"], ranker.by_name["location"]
    p01, p04 = park_index(ranker, "P01"), park_index(ranker, "P04")
    assert FIT_ORDER[area.fit_ceiling(area.score(readings))[0, p01]] == Fit.PARTIAL
    assert FIT_ORDER[location.fit_ceiling(location.score(readings))[0, p01]] == Fit.STRONG
    assert FIT_ORDER[location.fit_ceiling(location.score(readings))[0, p04]] == Fit.PARTIAL
