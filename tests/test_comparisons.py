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
    code = int(ranker.area.score(readings).levels[0, park_index(ranker, park_id)])
    return "not asked" if code == NOT_ASKED else ranker.area.levels[code]


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
    scored = ranker.area.score(readings)
    assert ranker.area.levels[int(scored.levels[0, p])] == level
    assert scored.values[0, p] == value
    assert bool(ranker.area.feasible(scored)[0, p]) == (level != AreaLevel.CANNOT_FIT)


def test_no_area_asked_is_its_own_level_and_no_value(ranker: Ranker, read: Reader) -> None:
    scored = ranker.area.score(read(sector="AI"))
    assert (scored.levels == NOT_ASKED).all() and np.isnan(scored.values).all()
    assert ranker.area.explain(read(sector="AI"), 0, 0, NOT_ASKED).reasons == ()


def test_a_park_without_an_above_ground_figure_is_compared_by_the_one_figure_published(
    ranker: Ranker, read
) -> None:
    readings = read(low=30_000)
    p = park_index(ranker, "P05")
    level = int(ranker.area.score(readings).levels[0, p])
    assert ranker.area.levels[level] == AreaLevel.ENOUGH
    reasons = ranker.area.explain(readings, 0, p, level).reasons
    assert "未知" in reasons[0].zh and "unknown" in reasons[0].en
    assert "35,000" in reasons[1].en


def test_explain_says_what_the_recorded_level_says_and_never_decides_again(
    ranker: Ranker, read
) -> None:
    readings = read(low=50_000)  # P01 has enough room above ground
    p = park_index(ranker, "P01")
    enough = ranker.area.levels.index(AreaLevel.ENOUGH)
    cannot = ranker.area.levels.index(AreaLevel.CANNOT_FIT)
    assert "Enough space" in ranker.area.explain(readings, 0, p, enough).reasons[0].en
    # Handed another level, explain reports that level: the verdict was made at scoring.
    assert "cannot fit" in ranker.area.explain(readings, 0, p, cannot).reasons[0].en


def test_a_park_too_small_mentions_announced_expansion_space(ranker: Ranker, read: Reader) -> None:
    readings = read(low=50_000)  # P05 holds 35,000 m² and announces 100,000 m² more
    p = park_index(ranker, "P05")
    level = int(ranker.area.score(readings).levels[0, p])
    assert ranker.area.levels[level] == AreaLevel.CANNOT_FIT
    reasons = ranker.area.explain(readings, 0, p, level).reasons
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
    scored = ranker.location.score(readings)
    assert ranker.location.levels[int(scored.levels[0, p])] == level
    assert scored.values[0, p] == ranker.tuning.location.levels[level]


def test_of_several_places_named_the_nearest_decides(ranker: Ranker, read: Reader) -> None:
    scored = ranker.location.score(read(location="温泉 东升"))
    for park_id in ("P01", "P06"):
        level = int(scored.levels[0, park_index(ranker, park_id)])
        assert ranker.location.levels[level] == LocationLevel.AT_PLACE


def test_an_unknown_place_is_said_and_not_scored(ranker: Ranker, read: Reader) -> None:
    readings = read(location="Mars")
    scored = ranker.location.score(readings)
    assert (scored.levels == NOT_ASKED).all()
    reasons = ranker.location.explain(readings, 0, 0, NOT_ASKED).reasons
    assert "Mars" in reasons[0].en and "not recognised" in reasons[0].en


def test_a_location_marked_hard_keeps_only_the_levels_scoring_toml_names(
    ranker: Ranker, read
) -> None:
    kept = ranker.location.kept_when_hard(ranker.location.score(read(location="温泉")))[0]
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
