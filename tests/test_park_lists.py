"""A newly published park list (matcher.park_lists): read from CSV or XLSX in parks.csv's
columns, checked as check-data checks parks, compared with the list in use, worded by day."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from matcher.catalogue import Catalogue, ParkListEdition
from matcher.park_lists import (
    ParkListError,
    diff_parks,
    edition_words,
    read_park_list,
    with_parks,
)
from tests.park_list_fixtures import (
    ADDED,
    CHANGED,
    NEW_TOTAL,
    REMOVED,
    crafted_list,
    crafted_rows,
    published_rows,
    write_csv,
    write_xlsx,
)


def test_the_diff_of_a_crafted_list_names_one_park_added_one_removed_one_area_changed(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    new = read_park_list(crafted_list(tmp_path), catalogue)
    diff = diff_parks(catalogue.parks, new.parks)
    assert [p.park_id for p in diff.added] == [ADDED]
    assert [p.park_id for p in diff.removed] == [REMOVED]
    assert [c.after.park_id for c in diff.changed] == [CHANGED]
    assert [c.after.park_id for c in diff.areas] == [CHANGED]
    assert not diff.renamed and not diff.positioning and not diff.location
    old_total = next(r for r in published_rows() if r["park_id"] == CHANGED)["total_area_m2"]
    p07 = catalogue.park(CHANGED)
    assert [line.en for line in diff.lines()] == [
        f"Added: {ADDED} Haidian New Materials Test Park (total floor area 12,000 m²)",
        f"Removed: {REMOVED} {catalogue.park(REMOVED).name_en}",
        f"{CHANGED} {p07.name_en}, total floor area: "
        f"{float(old_total):,.0f} m² → {float(NEW_TOTAL):,.0f} m²",
    ]
    assert diff.lines()[0].zh == f"新增园区：{ADDED} 海淀新材料测试园（总建筑面积 1.2万㎡）"


def test_renamed_and_repositioned_parks_are_named_as_such(catalogue: Catalogue) -> None:
    p05 = catalogue.park("P05")
    renamed = p05.model_copy(update={"name_zh": "新名字园", "positioning_zh": "人工智能"})
    diff = diff_parks(catalogue.parks, [renamed if p is p05 else p for p in catalogue.parks])
    assert [c.after.park_id for c in diff.renamed] == ["P05"]
    assert [c.after.park_id for c in diff.positioning] == ["P05"]
    assert not diff.added and not diff.removed and not diff.areas
    assert any(line.zh.startswith(f"P05 更名：{p05.name_zh}") for line in diff.lines())


def test_the_same_list_has_no_changes(tmp_path: Path, catalogue: Catalogue) -> None:
    same = read_park_list(write_csv(tmp_path / "same.csv", published_rows()), catalogue)
    assert diff_parks(catalogue.parks, same.parks).empty
    assert same.parks == catalogue.parks


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_a_list_is_read_in_the_encodings_the_batch_reads(
    tmp_path: Path, catalogue: Catalogue, encoding: str
) -> None:
    new = read_park_list(crafted_list(tmp_path, encoding), catalogue)
    assert {p.park_id for p in new.parks} == {r["park_id"] for r in crafted_rows()}


def test_a_list_is_read_from_excel(tmp_path: Path, catalogue: Catalogue) -> None:
    new = read_park_list(write_xlsx(tmp_path / "parks.xlsx", crafted_rows()), catalogue)
    assert new.file_name == "parks.xlsx"
    assert new.parks == read_park_list(crafted_list(tmp_path), catalogue).parks


def test_check_datas_park_checks_refuse_a_faulty_list_naming_line_park_and_field(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    rows = crafted_rows()
    rows[1]["sectors"] = "no_such_sector:primary"  # line 3
    rows[2]["above_ground_area_m2"] = str(float(rows[2]["total_area_m2"]) * 2)  # line 4
    rows[3]["park_id"] = rows[0]["park_id"]  # line 5 repeats line 2's id
    with pytest.raises(ParkListError) as refused:
        read_park_list(write_csv(tmp_path / "bad.csv", rows), catalogue)
    problems = [p.en for p in refused.value.problems]
    assert len(problems) == 3
    assert f"bad.csv line 3 ({rows[1]['park_id']}), field sectors" in problems[2]
    assert "no_such_sector" in problems[2]
    assert f"bad.csv line 4 ({rows[2]['park_id']}), field above_ground_area_m2" in problems[0]
    assert "bad.csv line 5" in problems[1] and "park_id" in problems[1]


def test_a_file_without_parks_csvs_columns_is_refused_by_its_header(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    rows = [
        {("园区名称" if k == "name_zh" else k): v for k, v in r.items()} for r in crafted_rows()
    ]
    with pytest.raises(ParkListError) as refused:
        read_park_list(write_csv(tmp_path / "renamed.csv", rows), catalogue)
    (problem,) = refused.value.problems
    assert problem.en.startswith("renamed.csv line 1, header")
    assert "name_zh" in problem.en and "园区名称" in problem.en


def test_a_list_is_named_by_the_day_it_was_published_in_beijing() -> None:
    late_evening_utc = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)  # 2 December in Beijing
    words = edition_words(ParkListEdition(2, late_evening_utc, "admin"))
    assert words.zh == "园区名录 2026年12月2日版"
    assert words.en == "Park list of 2 December 2026"
    first = edition_words(ParkListEdition())
    assert first.zh == "园区名录 2025年公布版" and first.en == "Park list published in 2025"


def test_a_catalogue_with_another_list_has_its_parks_and_another_data_version(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    new = read_park_list(crafted_list(tmp_path), catalogue)
    edition = ParkListEdition(2, datetime(2026, 12, 2, tzinfo=UTC), "admin")
    changed = with_parks(catalogue, new.parks, edition)
    assert changed.park_list == edition and changed.version != catalogue.version
    assert ADDED in {p.park_id for p in changed.parks}
    assert REMOVED not in {p.park_id for p in changed.parks}
    assert changed.sectors == catalogue.sectors
