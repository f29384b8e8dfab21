"""Shortlists and their exports: CSV, XLSX and a PDF brief (matcher/shortlist.py).

Every export carries the park ids, in the staff's order, and the data version; a note that a
spreadsheet would run is neutralised; a note with a control character still exports.
"""

from __future__ import annotations

import base64
import io
import math
import re
import zlib
from datetime import UTC, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook
from pydantic import ValidationError

from matcher.catalogue import Catalogue
from matcher.models import Match, Requirement
from matcher.scoring import Ranker
from matcher.shortlist import (
    COLUMNS,
    Shortlist,
    ShortlistItem,
    matches_by_id,
    requirement_frame,
    shortlist_csv,
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
            ShortlistItem(park_id="P18", note="=HYPERLINK(1)"),
            ShortlistItem(park_id="P05", note="bell\x07 here"),
        ),
        note="整体\x0b备注",
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
        shortlist.note = "changed"  # type: ignore[misc]


def test_an_item_note_defaults_to_empty() -> None:
    assert ShortlistItem(park_id="P01").note == ""


# --- the table every export is built from ---


def test_the_table_has_one_row_per_park_in_order_with_every_column(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    frame = shortlist_frame(shortlist, catalogue, matches, "en")
    assert list(frame.columns) == list(COLUMNS)
    assert frame["order"].tolist() == [1, 2]
    assert frame["park_id"].tolist() == ["P18", "P05"]
    assert (frame["data_version"] == catalogue.version).all()


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


def test_the_requirement_sheet_lists_the_request_the_parks_and_the_version(
    shortlist: Shortlist, catalogue: Catalogue
) -> None:
    about = dict(requirement_frame(shortlist, "en").itertuples(index=False))
    assert about["Sector"] == "集成电路"
    assert about["Minimum floor area"] == 30_000
    assert about["Weights"] == "default weights"  # none set: data/scoring.toml decides
    assert about["Park ID"] == "P18, P05"
    assert about["Data version"] == catalogue.version
    assert about["Exported at"] == shortlist.created_at.isoformat(timespec="seconds")


# --- CSV ---


def test_the_csv_has_a_bom_headers_in_the_language_and_the_park_ids(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    raw = shortlist_csv(shortlist, catalogue, matches, "zh")
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert frame["园区编号"].tolist() == ["P18", "P05"]
    assert (frame["数据版本"] == catalogue.version).all()


def test_the_csv_neutralises_a_note_and_keeps_a_control_character(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    raw = shortlist_csv(shortlist, catalogue, matches, "en")
    frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert frame["Note"].tolist() == ["'=HYPERLINK(1)", "bell\x07 here"]


# --- XLSX ---


def xlsx_sheets(raw: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(raw))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


def test_the_xlsx_has_a_parks_sheet_with_bilingual_headers_and_a_requirement_sheet(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    sheets = xlsx_sheets(shortlist_xlsx(shortlist, catalogue, matches, "en"))
    assert list(sheets) == ["shortlist", "requirement"]
    header, *rows = sheets["shortlist"]
    assert header[1] == "园区编号 / Park ID"
    assert header[-1] == "数据版本 / Data version"
    assert [row[1] for row in rows] == ["P18", "P05"]
    assert {row[-1] for row in rows} == {catalogue.version}
    assert isinstance(rows[1][8], int | float)  # total area stays a number


def test_the_xlsx_neutralises_notes_and_shows_control_characters_visibly(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    sheets = xlsx_sheets(shortlist_xlsx(shortlist, catalogue, matches, "zh"))
    note = COLUMNS.index("note")
    assert [row[note] for row in sheets["shortlist"][1:]] == ["'=HYPERLINK(1)", "bell\\x07 here"]
    about = {row[0]: row[1] for row in sheets["requirement"][1:]}
    assert about["备注"] == "整体\\x0b备注"
    assert about["园区编号"] == "P18, P05"
    assert about["数据版本"] == catalogue.version


# --- PDF ---


def _unescape(raw: bytes) -> bytes:
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def one(m: re.Match[bytes]) -> bytes:
        code = m.group(1)
        return bytes([int(code, 8) & 0xFF]) if code[:1].isdigit() else simple.get(code, code)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.S)


def pdf_text(pdf: bytes) -> str:
    """The strings drawn on the pages of a ReportLab PDF (ASCII85 + Flate page streams),
    read both as single-byte Latin text and as the UCS-2 the Chinese CID font uses."""
    shown: list[str] = []
    streams = re.findall(
        rb"/Filter \[ /ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n(.*?)endstream",
        pdf,
        flags=re.S,
    )
    for stream in streams:
        body = stream.strip().removesuffix(b"~>")
        content = zlib.decompress(base64.a85decode(body))
        for literal in re.findall(rb"\(((?:[^\\)]|\\.)*)\)\s*Tj", content, flags=re.S):
            text = _unescape(literal)
            shown.append(text.decode("latin-1"))
            shown.append(text.decode("utf-16-be", errors="replace"))
    return "\n".join(shown)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pdf_is_a_cover_then_one_page_per_park(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match], lang: str
) -> None:
    pdf = shortlist_pdf(shortlist, catalogue, matches, lang)  # type: ignore[arg-type]
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert page_count(pdf) == 3


def test_an_empty_shortlist_is_a_cover_page_only(catalogue: Catalogue) -> None:
    pdf = shortlist_pdf(Shortlist(data_version=catalogue.version), catalogue, {}, "en")
    assert page_count(pdf) == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pdf_shows_the_park_ids_names_and_data_version(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match], lang: str
) -> None:
    text = pdf_text(shortlist_pdf(shortlist, catalogue, matches, lang))  # type: ignore[arg-type]
    assert "P18, P05" in text  # the cover lists the shortlist in order
    assert "1. P18 中关村(海淀)量子科技未来产业园" in text
    assert "2. P05 集成电路设计园二期" in text
    assert catalogue.version in text


def test_the_pdf_shows_the_requirement_and_the_notes(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    text = pdf_text(shortlist_pdf(shortlist, catalogue, matches, "zh"))
    assert "集成电路" in text
    assert "=HYPERLINK(1)" in text  # a PDF runs nothing: the note is shown as written
    assert "整体" in text and "备注" in text
