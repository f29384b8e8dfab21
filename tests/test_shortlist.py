"""Shortlists and their exports: CSV, XLSX and a PDF brief (matcher/shortlist.py).

Every export renders the rows the screen shows (matcher/views.py), in the staff's order and
the reader's language, and nothing a reader would not understand (no data version, no path);
a note that a spreadsheet would run is neutralised; a note with a control character still
exports.
"""

from __future__ import annotations

import io
import math
import shutil
from datetime import UTC, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook
from pydantic import ValidationError

from matcher.catalogue import Catalogue
from matcher.errors import UsageError
from matcher.models import Match, Requirement
from matcher.scoring import Ranker
from matcher.shortlist import (
    COLUMNS,
    Shortlist,
    ShortlistItem,
    matches_by_id,
    requirement_frame,
    shortlist_csv,
    shortlist_file,
    shortlist_frame,
    shortlist_pdf,
    shortlist_xlsx,
)

REQUIREMENT = Requirement(sector_text="集成电路", min_area_m2=30_000)


@pytest.fixture(scope="module")
def matches(ranker: Ranker) -> dict[str, Match]:
    return matches_by_id(ranker.rank(REQUIREMENT))


@pytest.fixture
def shortlist(catalogue: Catalogue) -> Shortlist:
    # P18 before P05: the staff's order, not the ranking's.
    return Shortlist(
        items=(
            ShortlistItem(park_id="P18", investor_note="=HYPERLINK(1)"),
            ShortlistItem(park_id="P05", investor_note="bell\x07 here"),
        ),
        investor_note="整体\x0b备注",
        requirement=REQUIREMENT,
        data_version=catalogue.version,
    )


# --- the model ---


def test_a_shortlist_keeps_its_parks_in_the_order_given(shortlist: Shortlist) -> None:
    assert shortlist.park_ids == ("P18", "P05")


def test_a_shortlist_needs_a_data_version() -> None:
    with pytest.raises(ValidationError):
        Shortlist.model_validate({"items": [{"park_id": "P01"}]})


def test_a_shortlist_is_stamped_with_an_aware_utc_time() -> None:
    before = datetime.now(UTC)
    made = Shortlist(data_version="v1")
    assert made.created_at.tzinfo is not None
    assert before <= made.created_at <= datetime.now(UTC)


def test_a_shortlist_cannot_be_changed_after_it_is_made(shortlist: Shortlist) -> None:
    with pytest.raises(ValidationError):
        shortlist.investor_note = "changed"  # type: ignore[misc]


def test_an_item_note_defaults_to_empty() -> None:
    assert ShortlistItem(park_id="P01").investor_note == ""


def test_an_export_has_no_place_for_an_internal_note() -> None:
    """What leaves the office holds only notes for the investor: a caller handing over the
    staff's internal note (`note`, as the workspace calls it) is refused, not ignored."""
    with pytest.raises(ValidationError, match="note"):
        ShortlistItem.model_validate({"park_id": "P01", "note": "ask Zhao first"})
    with pytest.raises(ValidationError, match="note"):
        Shortlist.model_validate({"data_version": "v1", "note": "ask Zhao first"})


# --- the table every export is built from ---


def test_the_table_has_one_row_per_park_in_order_with_every_column(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    frame = shortlist_frame(shortlist, catalogue, matches, "en")
    assert list(frame.columns) == list(COLUMNS)
    assert frame["order"].tolist() == [1, 2]
    assert frame["park_id"].tolist() == ["P18", "P05"]
    assert "data_version" not in frame.columns
    assert not frame["source"].str.contains("seeds/").any()


def test_an_english_export_names_towns_in_english(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    frame = shortlist_frame(shortlist, catalogue, matches, "en").set_index("park_id")
    assert frame.loc["P18", "town"] == "Shangdi Subdistrict"
    assert frame.loc["P05", "town"] == "Xibeiwang Town"


def test_areas_stay_numbers_and_an_unpublished_figure_stays_empty_not_zero(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    p05 = shortlist_frame(shortlist, catalogue, matches, "zh").set_index("park_id").loc["P05"]
    assert p05["total_area"] == 35_000
    assert math.isnan(p05["above_ground_area"])  # the source gives no above-ground figure
    assert p05["expansion_area"] == 100_000


def test_labels_in_the_table_follow_the_language(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    zh = shortlist_frame(shortlist, catalogue, matches, "zh").set_index("park_id")
    en = shortlist_frame(shortlist, catalogue, matches, "en").set_index("park_id")
    assert (zh.loc["P05", "fit"], en.loc["P05", "fit"]) == ("强", "strong")
    assert (zh.loc["P18", "zone"], en.loc["P18", "zone"]) == ("南区", "south zone")
    assert zh.loc["P18", "sectors"] == "量子科技、未来产业"
    assert en.loc["P18", "sectors"] == "Quantum technology, Future industries"


def test_a_park_without_a_match_has_no_score_fit_or_reasons(
    catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    only = Shortlist(items=(ShortlistItem(park_id="P02"),), data_version=catalogue.version)
    row = shortlist_frame(only, catalogue, {}, "en").iloc[0]
    assert row["score"] is None or pd.isna(row["score"])
    assert row["fit"] == "" and row["reasons"] == ""
    assert row["town"] == "unknown"  # P02's town is not published


def test_the_requirement_sheet_words_the_request_as_the_brief_does(
    shortlist: Shortlist, catalogue: Catalogue
) -> None:
    about = dict(requirement_frame(shortlist, catalogue, "en").itertuples(index=False))
    assert about["Sector"] == "集成电路"
    assert about["Floor area"] == "at least 30,000 m²"
    assert "Weights" not in about  # the defaults: nothing to say
    assert about["Park ID"] == "P18, P05"
    assert about["Exported at"].endswith("(Beijing time)")
    assert catalogue.version not in " ".join(map(str, about.values()))
    zh = dict(requirement_frame(shortlist, catalogue, "zh").itertuples(index=False))
    assert zh["面积"] == "至少 3万㎡"
    assert zh["导出时间"].endswith("（北京时间）")


# --- CSV ---


def test_the_csv_has_a_bom_headers_in_the_language_and_the_park_ids(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    raw = shortlist_csv(shortlist, catalogue, matches, "zh")
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert frame["园区编号"].tolist() == ["P18", "P05"]
    # P18 (22,000 m²) cannot hold the 30,000 m² asked for: its fit says so.
    assert frame["匹配度"].tolist() == ["无 · 面积不足", "强"]


def test_the_csv_neutralises_a_note_and_keeps_a_control_character(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    raw = shortlist_csv(shortlist, catalogue, matches, "en")
    frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert frame["Note for the investor"].tolist() == ["'=HYPERLINK(1)", "bell\x07 here"]


# --- XLSX ---


def xlsx_sheets(raw: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(raw))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


def test_the_xlsx_has_a_parks_sheet_and_a_requirement_sheet_in_the_language(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    sheets = xlsx_sheets(shortlist_xlsx(shortlist, catalogue, matches, "en"))
    assert list(sheets) == ["Shortlist", "Requirement"]
    header, *rows = sheets["Shortlist"]
    assert header[1] == "Park ID" and header[-1] == "Source"
    assert [row[1] for row in rows] == ["P18", "P05"]
    assert isinstance(rows[1][8], int | float)  # total area stays a number
    assert list(xlsx_sheets(shortlist_xlsx(shortlist, catalogue, matches, "zh"))) == [
        "短名单",
        "需求",
    ]


def test_the_xlsx_neutralises_notes_and_shows_control_characters_visibly(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    sheets = xlsx_sheets(shortlist_xlsx(shortlist, catalogue, matches, "zh"))
    note = COLUMNS.index("investor_note")
    assert [row[note] for row in sheets["短名单"][1:]] == ["'=HYPERLINK(1)", "bell\\x07 here"]
    about = {row[0]: row[1] for row in sheets["需求"][1:]}
    assert about["给投资方的说明"] == "整体\\x0b备注"
    assert about["园区编号"] == "P18, P05"


# --- PDF: the brief's content and layout are specified in tests/test_brief.py ---


def test_the_pdf_export_is_the_brief(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    from matcher.brief import brief_bytes

    made = shortlist_pdf(shortlist, catalogue, matches, "zh")
    assert made.startswith(b"%PDF-") and made.rstrip().endswith(b"%%EOF")
    # fpdf2 stamps the creation time; everything before it is the same document.
    again = brief_bytes(shortlist, catalogue, matches, "zh")
    assert len(made) == len(again)


# --- one file per format ---


def test_the_file_for_a_format_is_that_format_s_writer(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    csv = shortlist_file(shortlist, catalogue, matches, "en", "csv")
    assert csv == shortlist_csv(shortlist, catalogue, matches, "en")
    assert shortlist_file(shortlist, catalogue, matches, "zh", "xlsx").startswith(b"PK")
    assert shortlist_file(shortlist, catalogue, matches, "zh", "pdf").startswith(b"%PDF-")
    with pytest.raises(UsageError, match="unknown export format 'doc'; csv, xlsx or pdf"):
        shortlist_file(shortlist, catalogue, matches, "zh", "doc")  # type: ignore[arg-type]


def test_the_table_score_is_the_shown_score(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    from matcher.display import shown_score

    frame = shortlist_frame(shortlist, catalogue, matches, "en")
    scale = catalogue.tuning.shown
    assert frame["score"].tolist() == [shown_score(matches[p], scale) for p in ("P18", "P05")]


# --- every export says what the screen says ---


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_export_shows_the_screens_scores_fit_words_and_order(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match], lang: str
) -> None:
    """The screen renders views.ranked_row; CSV, Excel and the PDF must say the same."""
    import re
    import subprocess

    from matcher.views import header, ranked_row

    screen = [ranked_row(matches[p], catalogue, lang) for p in shortlist.park_ids]  # type: ignore[arg-type]
    expected = [(r["park_id"], f"{r['score']:.1f}", r["fit"]) for r in screen]
    score, fit, park = header("score", lang), header("fit", lang), header("park_id", lang)  # type: ignore[arg-type]
    raw = shortlist_csv(shortlist, catalogue, matches, lang)  # type: ignore[arg-type]
    csv_rows = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str)
    assert (
        list(
            zip(
                csv_rows[park],
                csv_rows[score].map(lambda v: f"{float(v):.1f}"),
                csv_rows[fit],
                strict=True,
            )
        )
        == expected
    )
    sheets = xlsx_sheets(shortlist_xlsx(shortlist, catalogue, matches, lang))  # type: ignore[arg-type]
    head, *rows = next(iter(sheets.values()))
    at = {name: i for i, name in enumerate(head)}
    assert [(r[at[park]], f"{r[at[score]]:.1f}", r[at[fit]]) for r in rows] == expected
    pdf = shortlist_pdf(shortlist, catalogue, matches, lang)  # type: ignore[arg-type]
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        # The brief shows each park's fit words and its score rounded to a whole number,
        # grouped by fit (strong first) and in the shortlist's order within a group.
        from matcher.brief import GROUPS, fit_group

        rank = list(GROUPS)
        printed = sorted(expected, key=lambda e: rank.index(fit_group(matches[e[0]])))
        found = [m.start() for p, _, _ in printed if (m := re.search(p, text))]
        assert found == sorted(found) and len(found) == len(expected)
        for _, shown, words in expected:
            assert f"{words} · {float(shown):.0f}" in text
