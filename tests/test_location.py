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


# --- places people name (data/places.csv, with how each is known) ---


@pytest.mark.parametrize(
    ("spelling", "place_id"),
    [
        ("中关村", "zhongguancun"),
        ("Zhongguancun", "zhongguancun"),
        ("ZGC", "zhongguancun"),
        ("中关村大街", "zhongguancun_street"),
        ("中关村软件园", "zgc_software_park"),
        ("Zhongguancun Software Park", "zgc_software_park"),
        ("五道口", "wudaokou"),
        ("wudaokou", "wudaokou"),
        ("Wu Dao Kou", "wudaokou"),
        ("上地", "shangdi"),
        ("Shangdi", "shangdi"),
        ("西二旗", "xierqi"),
        ("xierqi", "xierqi"),
        ("清华", "qinghua_east_road"),
        ("Tsinghua", "qinghua_east_road"),
        ("北大", "peking_university"),
        ("Peking University", "peking_university"),
        ("PKU", "peking_university"),
        ("海淀黄庄", "huangzhuang"),
        ("haidianhuangzhuang", "huangzhuang"),
        ("颐和园", "yiheyuan"),
        ("Yiheyuan", "yiheyuan"),
        ("香山", "xiangshan"),
        ("Fragrant Hills", "xiangshan"),
    ],
)
def test_places_people_name_are_found_in_chinese_english_and_pinyin(
    catalogue: Catalogue, spelling: str, place_id: str
) -> None:
    found = Gazetteer(catalogue.places).find(spelling)
    assert [h.place.place_id for h in found] == [place_id]


def test_every_place_has_a_zone_and_says_how_it_is_known(catalogue: Catalogue) -> None:
    for place in catalogue.places:
        assert place.basis in ("seed", "curated")
        if place.basis == "curated":
            assert place.note.startswith("curated:"), place.place_id
    curated = {p.place_id for p in catalogue.places if p.basis == "curated"}
    assert curated == {"peking_university", "huangzhuang"}


def test_zhongguancun_as_a_brand_in_park_names_is_not_the_place(ranker: Ranker) -> None:
    # 中关村综保区 is in 温泉镇: asking for 中关村 does not put it "at" 中关村.
    assert at(ranker, "中关村") == set()
    assert at(ranker, "Zhongguancun Software Park") == set()


def test_a_place_in_a_parks_town_gives_the_same_town_credit(ranker: Ranker) -> None:
    matches = {m.park_id: m for m in ranker.rank(Requirement(preferred_location="中关村软件园"))}
    assert matches["P05"].location.score == 0.7  # 西北旺镇, like the software park
    assert "同在西北旺镇" in matches["P05"].reasons_zh[-1]


def test_a_curated_place_without_a_note_is_refused(data_copy: Path) -> None:
    from matcher.catalogue import CatalogueError, load_catalogue

    path = data_copy / "places.csv"
    text = path.read_text(encoding="utf-8")
    assert 'curated,"curated: common knowledge (the crossing' in text
    path.write_text(
        text.replace('curated,"curated: common knowledge (the crossing', 'curated,"(the crossing'),
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(data_copy)
    problems = caught.value.problems
    assert any("(huangzhuang), field note:" in p.en and "'curated:'" in p.en for p in problems)
    assert any(
        "（huangzhuang），字段 note：" in p.zh and "以“curated:”开头写明依据" in p.zh
        for p in problems
    )


def test_a_seed_place_not_in_the_seeds_is_refused_with_the_way_out(data_copy: Path) -> None:
    from matcher.catalogue import CatalogueError, load_catalogue

    path = data_copy / "places.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("xisanqi,landmark,西三旗,", "xisanqi,landmark,西四旗,"), "utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(data_copy)
    problems = caught.value.problems
    assert any("'西四旗'" in p.en and "set basis to curated" in p.en for p in problems)
    assert any("“西四旗”" in p.zh and "请把 basis 设为 curated" in p.zh for p in problems)


def test_places_found_for_many_texts_at_once_are_those_each_finds_alone(
    catalogue: Catalogue,
) -> None:
    # A batch looks for near-miss pinyin in all its texts together; each text must still get
    # its own places, in its own order, whatever texts surround it.
    gazetteer = Gazetteer(catalogue.places)
    texts = [
        "Xibeiwan",
        "",
        "温泉镇",
        "near Shangdi, or xibeiwang",
        "IC design near Wenquan town",
        "上地",
        "Suji atuo",
        "north",
        "Shanghai",
        "学院路 and Sujiatuo",
    ]
    alone = [[(h.place.place_id, h.surface) for h in gazetteer.find(t)] for t in texts]
    together = [[(h.place.place_id, h.surface) for h in f] for f in gazetteer.find_many(texts)]
    assert together == alone
    assert alone[0] and alone[2] and alone[3] and not alone[1] and not alone[8]
    reversed_texts = [
        [(h.place.place_id, h.surface) for h in f] for f in gazetteer.find_many(texts[::-1])
    ]
    assert reversed_texts == alone[::-1]
