"""Locations: towns, zones, landmarks and addresses in Chinese, English and pinyin."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher import Catalogue, Requirement
from matcher.location import Gazetteer
from matcher.scoring import Ranker


def at(ranker: Ranker, location: str) -> set[str]:
    """Parks whose location score is 1.0 for this location text."""
    matches = ranker.rank(Requirement(preferred_location=location))
    return {m.park_id for m in matches if m.location.score == 1.0}


def test_a_town_finds_the_parks_in_that_town(ranker: Ranker) -> None:
    assert at(ranker, "温泉") == {"P01", "P03", "P12"}
    assert at(ranker, "温泉镇") == {"P01", "P03", "P12"}


@pytest.mark.parametrize("spelling", ["Xibeiwang", "xi bei wang", "Xibeiwang Town", "西北旺"])
def test_pinyin_and_english_spellings_find_the_same_town(ranker: Ranker, spelling: str) -> None:
    assert at(ranker, spelling) == {"P04", "P05", "P10", "P11", "P17"}


def test_a_misspelt_pinyin_town_is_still_found(ranker: Ranker) -> None:
    assert at(ranker, "Xibeiwan") == {"P04", "P05", "P10", "P11", "P17"}


@pytest.mark.parametrize("zone", ["北部", "北区", "north", "Northern Haidian"])
def test_the_north_zone_means_the_four_northern_towns(
    ranker: Ranker, catalogue: Catalogue, zone: str
) -> None:
    north = {p.park_id for p in catalogue.parks if p.zone.value == "north"}
    assert at(ranker, zone) == north
    assert north == {"P01", "P02", "P03", "P04", "P05", "P10", "P11", "P12", "P13", "P14", "P17"}


def test_landmarks_in_the_published_text_are_understood(ranker: Ranker) -> None:
    assert at(ranker, "near the West 4th Ring") == {"P09"}
    assert at(ranker, "Tsinghua University") == {"P08"}
    assert at(ranker, "Xueyuan Road") == {"P07"}
    assert at(ranker, "上地") == {"P18"}


def test_a_landmark_gives_partial_credit_to_other_parks_in_its_town(ranker: Ranker) -> None:
    matches = {m.park_id: m for m in ranker.rank(Requirement(preferred_location="学院路"))}
    assert matches["P07"].location.score == 1.0
    assert matches["P06"].location.score == 0.7  # also in 东升镇
    assert matches["P09"].location.score == 0.3  # south zone, other town
    assert matches["P14"].location.score == 0.0  # north zone
    assert "区位不符" in matches["P14"].reason("zh")


def test_an_unrecognised_location_is_said_so_and_not_scored(ranker: Ranker) -> None:
    match = ranker.rank(Requirement(sector_text="集成电路", preferred_location="Shanghai Pudong"))[
        0
    ]
    assert match.location.score is None
    assert "not recognised" in match.reason("en") and "未识别" in match.reason("zh")


def test_a_place_in_the_sector_description_counts_when_no_location_is_given(ranker: Ranker) -> None:
    matches = ranker.rank(Requirement(sector_text="fintech headquarters near Tsinghua University"))
    assert matches[0].park_id == "P07"
    by_id = {m.park_id: m for m in matches}
    assert by_id["P08"].location.score == 1.0
    assert "description" in by_id["P08"].reason("en")


def test_the_pinyin_index_is_the_same_built_cached_or_rebuilt(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATCHER_CACHE_DIR", "")
    built = Gazetteer(catalogue.places)._pinyin
    monkeypatch.setenv("MATCHER_CACHE_DIR", str(tmp_path))
    assert Gazetteer(catalogue.places)._pinyin == built  # cold: written
    assert Gazetteer(catalogue.places)._pinyin == built  # warm: read back
    for entry in tmp_path.iterdir():
        entry.write_text('{"key": "x", "value": [["zzzzz", "no-such-place"]]}')
    assert Gazetteer(catalogue.places)._pinyin == built  # tampered: rebuilt


def test_changed_place_names_are_never_answered_from_the_cache(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATCHER_CACHE_DIR", str(tmp_path))
    Gazetteer(catalogue.places)
    renamed = [catalogue.places[0].model_copy(update={"name_zh": "稻香湖", "terms_zh": ()})]
    assert [key for key, _ in Gazetteer(renamed)._pinyin] == ["daoxianghu"]
