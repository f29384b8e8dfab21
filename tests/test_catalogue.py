"""The curated park table: complete, traceable to the seed text, and guarded on load."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pytest

from matcher import Catalogue, CatalogueError, load_catalogue
from tests.conftest import SEEDS

SOURCE = SEEDS / "002_ea38cd41d44e36dd.txt"


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.fixture(scope="module")
def announcement() -> str:
    text = nfkc(SOURCE.read_text(encoding="utf-8"))
    return text[text.index("高品质产业空间等") :]


def wan(area_m2: float) -> str:
    """35000 -> '3.5', the way the source writes 万平方米 figures."""
    return f"{area_m2 / 10_000:g}"


def test_there_are_18_parks_numbered_in_order_of_publication(catalogue: Catalogue) -> None:
    ids = [p.park_id for p in catalogue.parks]
    assert ids == [f"P{i:02d}" for i in range(1, 19)]
    assert catalogue.park("P01").name_zh == "中关村综保区(一期)"
    assert catalogue.park("P18").name_zh == "中关村(海淀)量子科技未来产业园"


def test_every_published_fact_appears_in_the_source(
    catalogue: Catalogue, announcement: str
) -> None:
    for park in catalogue.parks:
        for fact in (park.name_zh, park.location_zh, park.positioning_zh):
            assert nfkc(fact) in announcement, (park.park_id, fact)
        block = announcement[announcement.index(nfkc(park.name_zh)) :].split("●")[0]
        assert f"{wan(park.total_area_m2)}万平方米" in block, park.park_id
        if park.above_ground_area_m2 is not None:
            assert re.search(
                rf"地上{re.escape(wan(park.above_ground_area_m2))}0*万平方米", block
            ), park.park_id
        if park.expansion_area_m2 is not None:
            assert f"{wan(park.expansion_area_m2)}万余平方米扩展空间" in block


def test_parks_appear_in_the_source_in_park_id_order(
    catalogue: Catalogue, announcement: str
) -> None:
    positions = [announcement.index(f"项目名称:{nfkc(p.name_zh)}") for p in catalogue.parks]
    assert positions == sorted(positions)
    assert announcement.count("● 项目名称") == 18


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


def test_a_town_said_to_come_from_the_text_is_in_that_text(catalogue: Catalogue) -> None:
    for park in catalogue.parks:
        stem = (park.town or "").removesuffix("镇").removesuffix("街道")
        if park.town_basis == "location":
            assert stem in park.location_zh, park.park_id
        elif park.town_basis == "name":
            assert stem in park.name_zh, park.park_id
        else:
            assert park.notes, f"{park.park_id}: an inferred or unknown town needs a note"


def test_every_place_name_is_from_the_seeds(catalogue: Catalogue) -> None:
    seeds = nfkc("".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")))
    for place in catalogue.places:
        assert nfkc(place.name_zh) in seeds, place.place_id


def test_zones_follow_towns(catalogue: Catalogue) -> None:
    towns = {p.town: p.zone for p in catalogue.places if p.kind == "town"}
    for park in catalogue.parks:
        if park.town:
            assert towns[park.town] == park.zone, park.park_id


def _rewrite(path: Path, edit: callable) -> None:  # type: ignore[valid-type]
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda rows: rows[2].update(park_id=""), r"parks.csv line 4 .*field park_id"),
        (
            lambda rows: rows[0].update(total_area_m2="-5"),
            r"parks.csv line 2 \(P01\), field total_area_m2",
        ),
        (
            lambda rows: rows[1].update(sectors="ai:primary;warp_drive:primary"),
            r"park P02, field sectors: unknown sector id 'warp_drive'",
        ),
        (lambda rows: rows[3].update(park_id="P03"), r"duplicate park_id P03"),
        (
            lambda rows: rows[4].update(above_ground_area_m2="999999"),
            r"line 6 \(P05\).*above_ground_area_m2 exceeds",
        ),
    ],
)
def test_a_bad_edit_fails_naming_file_row_and_field(
    data_copy: Path, edit: object, expected: str
) -> None:
    _rewrite(data_copy / "parks.csv", edit)  # type: ignore[arg-type]
    with pytest.raises(CatalogueError, match=expected):
        load_catalogue(data_copy)


def test_data_version_changes_when_the_data_changes(data_copy: Path) -> None:
    before = load_catalogue(data_copy).version
    _rewrite(data_copy / "parks.csv", lambda rows: rows[0].update(notes="edited"))
    assert load_catalogue(data_copy).version != before
