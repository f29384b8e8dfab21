"""The curated park table: complete, traceable to the seed text, and guarded on load."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from matcher import Catalogue, CatalogueError, load_catalogue
from matcher.catalogue import seeds_dir_for
from matcher.i18n import Lang, Text
from matcher.provenance import (
    PARK_LIST_SEED,
    PublishedPark,
    published_parks,
    trace_parks,
    trace_places,
    wan_to_m2,
)
from tests.conftest import SEEDS

SOURCE = SEEDS / PARK_LIST_SEED


@pytest.fixture(scope="module")
def published() -> tuple[PublishedPark, ...]:
    return published_parks(SOURCE.read_text(encoding="utf-8"))


def test_there_are_18_parks_numbered_in_order_of_publication(catalogue: Catalogue) -> None:
    ids = [p.park_id for p in catalogue.parks]
    assert ids == [f"P{i:02d}" for i in range(1, 19)]
    assert catalogue.park("P01").name_zh == "中关村综保区(一期)"
    assert catalogue.park("P18").name_zh == "中关村(海淀)量子科技未来产业园"


def test_the_seed_lists_18_parks_in_publication_order(published: tuple[PublishedPark, ...]) -> None:
    assert [p.park_id for p in published] == [f"P{i:02d}" for i in range(1, 19)]
    first, last = published[0], published[-1]
    assert (first.name_zh, first.location_zh) == ("中关村综保区(一期)", "海淀区温泉镇")
    assert first.positioning_zh == (
        "以集成电路产业和医药健康产业为核心,以人工智能产业和科技服务产业为重点,"
        "拓展N个保税服务业态。"
    )
    assert (first.total_area_m2, first.above_ground_area_m2, first.expansion_area_m2) == (
        121_000,
        79_000,
        None,
    )
    assert (last.name_zh, last.location_zh, last.positioning_zh) == (
        "中关村(海淀)量子科技未来产业园",
        "海淀区上地信息路26号",
        "未来产业-量子科技。",
    )
    assert (last.total_area_m2, last.above_ground_area_m2) == (22_000, 18_000)


def test_the_seed_gives_the_ic_design_park_building_area_and_expansion_only(
    published: tuple[PublishedPark, ...],
) -> None:
    p05 = published[4]
    assert p05.name_zh == "集成电路设计园二期"
    assert (p05.total_area_m2, p05.above_ground_area_m2, p05.expansion_area_m2) == (
        35_000,
        None,
        100_000,
    )
    assert published[8].above_ground_area_m2 == 101_000  # published as 10.10万平方米


def test_wan_figures_convert_exactly() -> None:
    assert wan_to_m2("0.07") == 700  # 0.07 * 10000 in binary floating point is 700.0000000000001
    assert wan_to_m2("59.15") == 591_500
    assert wan_to_m2("10.10") == 101_000


def test_every_shipped_park_traces_to_the_seed(
    catalogue: Catalogue,
    published: tuple[PublishedPark, ...],
) -> None:
    rows = [(line, park) for line, park in enumerate(catalogue.parks, start=2)]
    assert trace_parks(rows, published) == []


def test_every_shipped_place_name_is_from_the_seeds(catalogue: Catalogue) -> None:
    seeds = "".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))
    assert trace_places(list(enumerate(catalogue.places, start=2)), seeds) == []


def test_the_ic_design_park_has_building_area_and_expansion_but_no_above_ground(
    catalogue: Catalogue,
) -> None:
    park = catalogue.park("P05")
    assert park.total_area_m2 == 35_000
    assert park.above_ground_area_m2 is None
    assert park.expansion_area_m2 == 100_000


def test_areas_add_up_to_371_62_wan_not_the_published_368(catalogue: Catalogue) -> None:
    total = sum(p.total_area_m2 for p in catalogue.parks)
    assert total == pytest.approx(3_716_200)
    without_ic_design = total - catalogue.park("P05").total_area_m2
    assert without_ic_design == pytest.approx(3_681_200)


def test_the_cybersecurity_park_keeps_its_published_space_positioning(catalogue: Catalogue) -> None:
    park = catalogue.park("P09")
    assert "网络安全" in park.name_zh and "空天信息" in park.positioning_zh
    assert dict((t.sector_id, t.level.value) for t in park.sectors) == {
        "space_info": "primary",
        "cybersecurity": "name",
    }
    assert "cybersecurity" in park.notes.lower()


def test_zones_follow_towns(catalogue: Catalogue) -> None:
    towns = {p.town: p.zone for p in catalogue.places if p.kind == "town"}
    for park in catalogue.parks:
        if park.town:
            assert towns[park.town] == park.zone, park.park_id


Rows = list[dict[str, str]]


def _rewrite(path: Path, edit: Callable[[Rows], object]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _problems(data_dir: Path, seeds_dir: Path | None = None) -> list[Text]:
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(data_dir, seeds_dir)
    return raised.value.problems


def _said(problems: list[Text], lang: Lang) -> str:
    """Every problem in one language, one a line, to search."""
    return "\n".join(problem.in_(lang) for problem in problems)


def _swap(rows: Rows, a: int, b: int, field: str) -> None:
    rows[a][field], rows[b][field] = rows[b][field], rows[a][field]


def _swap_fields(row: dict[str, str], a: str, b: str) -> None:
    row[a], row[b] = row[b], row[a]


# Line numbers: line 1 is the header, so rows[i] is on line i + 2 (no value spans lines).
@pytest.mark.parametrize(
    ("edit", "english", "chinese"),
    [
        (
            lambda rows: rows[2].update(park_id=""),
            r"parks.csv line 4 .*field park_id",
            r"parks.csv 第 4 行.*字段 park_id：格式不符",
        ),
        (
            lambda rows: rows[0].update(total_area_m2="-5"),
            r"parks.csv line 2 \(P01\), field total_area_m2: .*value '-5'",
            r"parks.csv 第 2 行（P01），字段 total_area_m2：应大于 0，当前值为“-5”",
        ),
        (
            lambda rows: rows[1].update(sectors="ai:primary;warp_drive:primary"),
            r"parks.csv line 3 \(P02\), field sectors: unknown sector id 'warp_drive'",
            r"parks.csv 第 3 行（P02），字段 sectors：未知的行业编号“warp_drive”",
        ),
        (
            lambda rows: rows[3].update(park_id="P03"),
            r"parks.csv line 5 \(P03\), field park_id: duplicate park_id 'P03', first on line 4",
            r"parks.csv 第 5 行（P03），字段 park_id：park_id“P03”重复，首次出现在第 4 行",
        ),
        # areas: x10, not finite, above-ground and total swapped, totals swapped between parks
        (
            lambda rows: rows[0].update(total_area_m2="1210000"),
            r"parks.csv line 2 \(P01\), field total_area_m2: 1210000 m² but the source says "
            r"121000 m²",
            r"parks.csv 第 2 行（P01），字段 total_area_m2：面积与来源不符：表中为 1210000 平方米，"
            r"来源：121000 平方米",
        ),
        (
            lambda rows: rows[1].update(total_area_m2="inf"),
            r"parks.csv line 3 \(P02\), field total_area_m2: 'inf' is not a finite number",
            r"parks.csv 第 3 行（P02），字段 total_area_m2：“inf”不是有限数",
        ),
        (
            lambda rows: rows[2].update(above_ground_area_m2="nan"),
            r"parks.csv line 4 \(P03\), field above_ground_area_m2: 'nan' is not a finite",
            r"parks.csv 第 4 行（P03），字段 above_ground_area_m2：“nan”不是有限数",
        ),
        (
            lambda rows: _swap_fields(rows[0], "total_area_m2", "above_ground_area_m2"),
            r"parks.csv line 2 \(P01\), field above_ground_area_m2: 121000 exceeds "
            r"total_area_m2 79000",
            r"parks.csv 第 2 行（P01），字段 above_ground_area_m2：地上建筑面积 121000 大于"
            r"总建筑面积 total_area_m2 79000",
        ),
        (
            lambda rows: _swap(rows, 0, 1, "total_area_m2"),
            r"parks.csv line 3 \(P02\), field total_area_m2: 121000 m² but the source says "
            r"96500 m²",
            r"parks.csv 第 3 行（P02），字段 total_area_m2：面积与来源不符：表中为 121000 平方米，"
            r"来源：96500 平方米",
        ),
        (
            lambda rows: rows[4].update(above_ground_area_m2="30000"),
            r"parks.csv line 6 \(P05\), field above_ground_area_m2: 30000 m² but the source "
            r"says none",
            r"parks.csv 第 6 行（P05），字段 above_ground_area_m2：面积与来源不符：表中为 30000 "
            r"平方米，来源：未写明",
        ),
        (
            lambda rows: rows[4].update(expansion_area_m2="10000"),
            r"parks.csv line 6 \(P05\), field expansion_area_m2: 10000 m² but the source says "
            r"100000 m²",
            r"parks.csv 第 6 行（P05），字段 expansion_area_m2：面积与来源不符："
            r"表中为 10000 平方米，来源：100000 平方米",
        ),
        # published text: renamed, moved, repositioned
        (
            lambda rows: rows[2].update(name_zh="中关村温泉科技园三期"),
            r"parks.csv line 4 \(P03\), field name_zh: '中关村温泉科技园三期' is not the "
            r"published '中关村温泉科技园二期'",
            r"parks.csv 第 4 行（P03），字段 name_zh：“中关村温泉科技园三期”与来源 \S+ "
            r"发布的“中关村温泉科技园二期”不符",
        ),
        (
            lambda rows: _swap(rows, 9, 10, "name_zh"),
            r"parks.csv line 11 \(P10\), field name_zh: '中关村永丰产业基地·芯域\(一期\)'",
            r"parks.csv 第 11 行（P10），字段 name_zh：“中关村永丰产业基地·芯域\(一期\)”与来源",
        ),
        (
            lambda rows: rows[6].update(location_zh="海淀区东升镇"),
            r"parks.csv line 8 \(P07\), field location_zh: '海淀区东升镇' is not the published "
            r"'海淀区东升镇学院路北端'",
            r"parks.csv 第 8 行（P07），字段 location_zh：“海淀区东升镇”与来源 \S+ "
            r"发布的“海淀区东升镇学院路北端”不符",
        ),
        (
            lambda rows: rows[17].update(positioning_zh="量子科技。"),
            r"parks.csv line 19 \(P18\), field positioning_zh: '量子科技。'",
            r"parks.csv 第 19 行（P18），字段 positioning_zh：“量子科技。”与来源",
        ),
        (
            lambda rows: rows[0].update(source="seeds/000_52f5eeadeb8cf28e.txt"),
            r"parks.csv line 2 \(P01\), field source: 'seeds/000_52f5eeadeb8cf28e.txt'",
            r"parks.csv 第 2 行（P01），字段 source：来源“seeds/000_52f5eeadeb8cf28e.txt”"
            r"应为已发布的园区名单",
        ),
        (
            lambda rows: rows[0].update(town="西北旺镇"),
            r"parks.csv line 2 \(P01\), field town: '西北旺镇' is said to come from the "
            r"location '海淀区温泉镇'",
            r"parks.csv 第 2 行（P01），字段 town：镇街“西北旺镇”据称取自空间位置“海淀区温泉镇”，"
            r"但该文本中并无此镇街",
        ),
        # which parks: one missing, one not published
        (
            lambda rows: rows.pop(),
            r"parks.csv, field park_id: 1 published park\(s\) missing: "
            r"P18 中关村\(海淀\)量子科技未来产业园",
            r"parks.csv，字段 park_id：缺少 1 个已发布的园区：P18 中关村\(海淀\)量子科技未来产业园",
        ),
        (
            lambda rows: rows.append({**rows[-1], "park_id": "P19"}),
            r"parks.csv line 20 \(P19\), field park_id: 'P19' is not a published park",
            r"parks.csv 第 20 行（P19），字段 park_id：“P19”不在已发布的园区名单中",
        ),
    ],
)
def test_a_bad_edit_fails_naming_file_row_and_field(
    data_copy: Path, edit: Callable[[Rows], object], english: str, chinese: str
) -> None:
    _rewrite(data_copy / "parks.csv", edit)
    problems = _problems(data_copy)
    for lang, expected in (("en", english), ("zh", chinese)):
        said = _said(problems, lang)
        assert re.search(expected, said), f"{expected!r} not in:\n{said}"
    assert all(p.en != p.zh for p in problems)


def test_the_error_reads_one_problem_a_line_in_english_then_chinese(data_copy: Path) -> None:
    _rewrite(data_copy / "parks.csv", lambda rows: rows[0].update(total_area_m2="abc"))
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(data_copy)
    lines = str(raised.value).splitlines()
    assert len(lines) == len(raised.value.problems)
    assert lines[0] == (
        "parks.csv line 2 (P01), field total_area_m2: Input should be a valid number, value 'abc' "
        "(parks.csv 第 2 行（P01），字段 total_area_m2：不是有效的数字，当前值为“abc”)"
    )


def test_an_empty_park_file_is_refused_not_ranked(data_copy: Path) -> None:
    (data_copy / "parks.csv").write_bytes(b"")
    problems = _problems(data_copy)
    assert "parks.csv line 1: the file is empty" in _said(problems, "en")
    assert "parks.csv 第 1 行：文件为空" in _said(problems, "zh")
    assert "parks.csv, field park_id: 18 published park(s) missing: P01 " in _said(problems, "en")
    assert "parks.csv，字段 park_id：缺少 18 个已发布的园区：P01 " in _said(problems, "zh")


def test_a_park_file_with_only_its_header_is_refused(data_copy: Path) -> None:
    _rewrite(data_copy / "parks.csv", lambda rows: rows.clear())
    problems = _problems(data_copy)
    assert "parks.csv line 2: no rows, the table is empty" in _said(problems, "en")
    assert "parks.csv 第 2 行：表中没有数据行" in _said(problems, "zh")
    assert "18 published park(s) missing" in _said(problems, "en")
    assert "缺少 18 个已发布的园区" in _said(problems, "zh")


def test_a_park_file_cut_in_half_is_refused_at_the_cut(data_copy: Path) -> None:
    whole = (data_copy / "parks.csv").read_text(encoding="utf-8")
    half = whole[: len(whole) // 2]
    (data_copy / "parks.csv").write_text(half, encoding="utf-8")
    problems = _problems(data_copy)
    cut_line = half.count("\n") + 1
    last_whole = half[: half.rindex("\n")].rsplit("\n", 1)[-1].split(",")[0]
    missing = 18 - int(last_whole[1:])
    assert f"parks.csv line {cut_line}" in _said(problems, "en")
    assert f"parks.csv 第 {cut_line} 行" in _said(problems, "zh")
    assert f"{missing} published park(s) missing" in _said(problems, "en")
    assert f"缺少 {missing} 个已发布的园区" in _said(problems, "zh")


def test_a_row_cut_short_is_named_with_its_line(data_copy: Path) -> None:
    text = (data_copy / "parks.csv").read_text(encoding="utf-8")
    cut = "P10,永丰数字科技中心,"  # P10's first three values, the third empty
    (data_copy / "parks.csv").write_text(text[: text.index(cut) + len(cut)], encoding="utf-8")
    problems = _problems(data_copy)
    assert "parks.csv line 11 (P10): 3 values for 18 columns: the row is cut short" in _said(
        problems, "en"
    )
    assert "parks.csv 第 11 行（P10）：只有 3 个值，但有 18 列：该行不完整" in _said(problems, "zh")


def test_a_row_with_an_unquoted_comma_is_named(data_copy: Path) -> None:
    _rewrite(data_copy / "parks.csv", lambda rows: None)
    text = (data_copy / "parks.csv").read_text(encoding="utf-8")
    (data_copy / "parks.csv").write_text(text.replace("P18,", "P18,extra,", 1), encoding="utf-8")
    problems = _problems(data_copy)
    assert "parks.csv line 19 (P18): 19 values for 18 columns" in _said(problems, "en")
    assert "parks.csv 第 19 行（P18）：有 19 个值，但只有 18 列" in _said(problems, "zh")


def test_a_renamed_column_is_named_once_in_the_header(data_copy: Path) -> None:
    text = (data_copy / "parks.csv").read_text(encoding="utf-8")
    (data_copy / "parks.csv").write_text(text.replace("name_zh", "名称", 1), encoding="utf-8")
    problems = _problems(data_copy)
    assert (
        "parks.csv line 1, header: missing column(s) ['name_zh'], unknown column(s) ['名称']"
        in _said(problems, "en")
    )
    assert "parks.csv 第 1 行表头：表头列名不符：缺少列 ['name_zh']，未知列 ['名称']" in _said(
        problems, "zh"
    )
    assert "parks.csv line 2" not in _said(problems, "en")  # not one error per row


@pytest.mark.parametrize(
    ("file", "column"),
    [
        ("places.csv", "place_id"),
        ("sectors.csv", "sector_id"),
        ("sector_relations.csv", "sector_a"),
    ],
)
def test_an_empty_vocabulary_table_is_refused(data_copy: Path, file: str, column: str) -> None:
    header = (data_copy / file).read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith(column)
    (data_copy / file).write_text(header + "\n", encoding="utf-8")
    problems = _problems(data_copy)
    assert f"{file} line 2: no rows, the table is empty" in _said(problems, "en")
    assert f"{file} 第 2 行：表中没有数据行" in _said(problems, "zh")
    (data_copy / file).write_text("", encoding="utf-8")
    problems = _problems(data_copy)
    assert f"{file} line 1: the file is empty" in _said(problems, "en")
    assert f"{file} 第 1 行：文件为空" in _said(problems, "zh")


def test_a_place_name_not_in_the_seeds_is_refused(data_copy: Path) -> None:
    _rewrite(data_copy / "places.csv", lambda rows: rows[0].update(name_zh="火星基地"))
    problems = _problems(data_copy)
    assert (
        "places.csv line 2 (north), field name_zh: '火星基地' appears in no file in seeds/"
        in _said(problems, "en")
    )
    assert (
        "places.csv 第 2 行（north），字段 name_zh：地名“火星基地”不在 seeds/ 的任何来源文件中"
        in _said(problems, "zh")
    )


def test_a_utf8_bom_is_read_like_plain_utf8(data_copy: Path) -> None:
    for path in data_copy.glob("*.csv"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_catalogue(data_copy).parks == load_catalogue().parks


def test_a_gbk_file_is_named_with_the_line_of_its_first_chinese_character(
    data_copy: Path,
) -> None:
    path = data_copy / "parks.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    # line 2 is the first with Chinese; 中 is D6 D0 in GBK
    problems = _problems(data_copy)
    assert "parks.csv line 2: byte 0xd6 is not UTF-8" in _said(problems, "en")
    assert "parks.csv 第 2 行：字节 0xd6 不是 UTF-8 编码，请将文件另存为 UTF-8" in _said(
        problems, "zh"
    )


def test_a_utf16_file_is_named_at_its_first_line(data_copy: Path) -> None:
    path = data_copy / "places.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    problems = _problems(data_copy)
    assert "places.csv line 1: byte 0xff is not UTF-8" in _said(problems, "en")
    assert "places.csv 第 1 行：字节 0xff 不是 UTF-8 编码" in _said(problems, "zh")


def test_a_file_ending_inside_a_character_is_said_to_be_cut_short(data_copy: Path) -> None:
    path = data_copy / "parks.csv"
    data = path.read_bytes()
    path.write_bytes(data[: data.index("永丰".encode()) + 1])  # one byte of 永's three
    problems = _problems(data_copy)
    assert "parks.csv line 11: ends in the middle of a character" in _said(problems, "en")
    assert "parks.csv 第 11 行：文件在一个字符的中间结束，可能不完整" in _said(problems, "zh")


def test_a_data_copy_is_checked_against_the_project_seeds(data_copy: Path) -> None:
    assert seeds_dir_for(data_copy) == SEEDS
    assert len(load_catalogue(data_copy).parks) == 18


def test_the_published_parks_come_from_the_seed_text_not_from_code(
    data_copy: Path, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    assert seeds_dir_for(data_copy) == seeds
    listing = seeds / PARK_LIST_SEED
    text = listing.read_text(encoding="utf-8")
    listing.write_text(text[: text.rindex("●")], encoding="utf-8")  # drop the last park
    problems = _problems(data_copy)
    assert (
        "parks.csv line 19 (P18), field park_id: 'P18' is not a published park: "
        f"{PARK_LIST_SEED} lists P01–P17" in _said(problems, "en")
    )
    assert (
        "parks.csv 第 19 行（P18），字段 park_id：“P18”不在已发布的园区名单中："
        f"{PARK_LIST_SEED} 只列出 P01–P17" in _said(problems, "zh")
    )


def test_missing_seeds_are_a_problem_not_a_pass(data_copy: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-seeds"
    empty.mkdir()
    problems = _problems(data_copy, empty)
    assert f"{empty / PARK_LIST_SEED}: source file not found" in _said(problems, "en")
    assert f"{empty / PARK_LIST_SEED}：找不到来源文件" in _said(problems, "zh")


def test_every_problem_is_reported_at_once(data_copy: Path) -> None:
    _rewrite(data_copy / "parks.csv", lambda rows: rows[0].update(total_area_m2="inf"))
    (data_copy / "places.csv").write_text("", encoding="utf-8")
    problems = _said(_problems(data_copy), "en")
    assert "parks.csv line 2 (P01)" in problems and "places.csv line 1" in problems


def test_data_version_changes_when_the_data_changes(data_copy: Path) -> None:
    before = load_catalogue(data_copy).version
    _rewrite(data_copy / "parks.csv", lambda rows: rows[0].update(notes="edited", notes_zh="改"))
    assert load_catalogue(data_copy).version != before


def test_a_town_or_a_note_in_one_language_only_is_refused(data_copy: Path) -> None:
    _rewrite(data_copy / "parks.csv", lambda rows: rows[0].update(town_en=""))
    problems = _problems(data_copy)
    assert "parks.csv line 2 (P01): town and town_en must both be given" in _said(problems, "en")
    assert "parks.csv 第 2 行（P01）：town 与 town_en 须同时填写或同时留空" in _said(problems, "zh")


def test_every_town_and_note_is_shown_in_both_languages(catalogue: Catalogue) -> None:
    for park in catalogue.parks:
        assert (park.town is None) == (park.town_en is None)
        assert bool(park.notes) == bool(park.notes_zh)
    wenquan = catalogue.park("P01")
    assert (wenquan.town, wenquan.town_en) == ("温泉镇", "Wenquan Town")
