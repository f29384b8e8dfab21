"""What people read of a park is in their language, from one home (matcher/views.py)."""

from __future__ import annotations

from matcher import Catalogue
from matcher.models import TermMatch
from matcher.views import find_parks, park_row, term_in_words


def test_an_english_row_shows_the_town_zone_sectors_and_note_in_english(
    catalogue: Catalogue,
) -> None:
    row = park_row(catalogue.park("P18"), catalogue, "en")
    assert row["town"] == "Shangdi Subdistrict" and row["zone"] == "south zone"
    assert row["sectors"] == "Quantum technology, Future industries"
    assert row["notes"] == "上地 is a subdistrict (街道), not a town (镇)."
    assert row["park_name_zh"] == "中关村(海淀)量子科技未来产业园"  # as published


def test_a_chinese_row_shows_chinese_and_an_unpublished_figure_stays_empty(
    catalogue: Catalogue,
) -> None:
    row = park_row(catalogue.park("P05"), catalogue, "zh")
    assert row["town"] == "西北旺镇" and row["zone"] == "北区"
    assert row["above_ground_area"] is None and row["total_area"] == 35_000
    assert row["notes"].startswith("来源给出“建筑面积3.5万平方米”")


def test_a_park_without_a_published_town_says_unknown_in_the_readers_language(
    catalogue: Catalogue,
) -> None:
    assert park_row(catalogue.park("P02"), catalogue, "zh")["town"] == "未知"
    assert park_row(catalogue.park("P02"), catalogue, "en")["town"] == "unknown"


def test_a_matched_term_reads_as_a_sentence_without_ids(catalogue: Catalogue) -> None:
    same = TermMatch(
        query_term="集成电路设计",
        query_sector="ic",
        park_sector="ic",
        park_term="集成电路",
        relation="same",
        how="exact",
        credit=1.0,
    )
    assert term_in_words(same, catalogue, "zh") == "集成电路设计 → 集成电路；园区定位含“集成电路”"
    assert term_in_words(same, catalogue, "en") == (
        "集成电路设计 → Integrated circuits; the park's positioning names “集成电路”"
    )
    related = same.model_copy(
        update={
            "query_sector": "cgt",
            "park_sector": "biomed",
            "relation": "is_a",
            "query_term": "CAR-T",
        }
    )
    words = term_in_words(related, catalogue, "en")
    assert "broader or narrower than" in words and "is_a" not in words and "cgt" not in words


def test_finding_parks_by_sector_or_place_ids_as_well_as_words(catalogue: Catalogue) -> None:
    by_words = {p.park_id for p in find_parks("量子", catalogue, set(), set())}
    assert by_words == {"P18"}
    by_sector = {p.park_id for p in find_parks("chips", catalogue, {"ic"}, set())}
    assert {"P01", "P03", "P05"} <= by_sector
    by_town = {p.park_id for p in find_parks("Wenquan", catalogue, set(), {"wenquan"})}
    assert by_town == {p.park_id for p in catalogue.parks if p.town == "温泉镇"}
    assert len(find_parks("", catalogue, set(), set())) == 18


def test_a_parks_published_entry_is_the_announcements_text(catalogue: Catalogue) -> None:
    from matcher.views import published_entry

    entry = published_entry("P05", catalogue)
    assert entry is not None and entry.name_zh == "集成电路设计园二期"
    assert "3.5万平方米" in entry.scale_zh


# --- one ranking row, many renderers ---


def test_every_column_of_every_table_has_a_header_in_both_languages() -> None:
    from matcher.i18n import catalogue as messages
    from matcher.shortlist import COLUMNS
    from matcher.views import GRID_COLUMNS, PARK_COLUMNS, RANKING_COLUMNS, header

    for column in {*PARK_COLUMNS, *RANKING_COLUMNS, *GRID_COLUMNS, *COLUMNS}:
        assert f"column_{column}" in messages(), column
        assert header(column, "zh") != header(column, "en")


def test_the_score_a_ranking_row_shows_never_rises_as_the_rank_falls(
    catalogue: Catalogue,
) -> None:
    from matcher.models import Requirement
    from matcher.scoring import Ranker
    from matcher.views import ranked_rows

    ranker = Ranker(catalogue)
    for sector in ("集成电路", "生物医药", "量子", "服装批发", "AI chips", ""):
        for place in ("", "温泉", "south"):
            for area in (None, 3_000.0, 200_000.0):
                asked = Requirement(sector_text=sector, preferred_location=place, min_area_m2=area)
                rows = ranked_rows(ranker.rank(asked), catalogue, "en")
                shown = [float(row["score"]) for row in rows]  # type: ignore[arg-type]
                assert shown == sorted(shown, reverse=True), (sector, place, area)


def test_the_source_is_the_announcement_in_words_never_a_path(catalogue: Catalogue) -> None:
    for lang in ("zh", "en"):
        source = str(park_row(catalogue.park("P01"), catalogue, lang)["source"])  # type: ignore[arg-type]
        assert "seeds/" not in source and ".txt" not in source and "#" not in source
        assert "2025" in source
    assert "千龙网" in str(park_row(catalogue.park("P01"), catalogue, "zh")["source"])


def test_a_towns_english_name_is_the_curated_one_everywhere(catalogue: Catalogue) -> None:
    from matcher.brief import place_words
    from matcher.models import Requirement
    from matcher.scoring import Ranker

    park = catalogue.park("P01")
    assert park.town_en == "Wenquan Town"
    assert park_row(park, catalogue, "en")["town"] == "Wenquan Town"
    assert place_words(park).en.startswith("Wenquan Town")
    # 古莲路 is a road in 温泉镇: the reason names the town as English readers know it.
    matches = Ranker(catalogue).rank(Requirement(preferred_location="古莲路"))
    near = next(m for m in matches if m.park_id == "P01")
    assert any("Wenquan Town" in r for r in near.reasons_en), near.reasons_en
