"""The printable brief (matcher/brief.py): a document worth handing to an investor.

Its words are decided by `build_brief` (checked without any PDF tool); the PDF embeds and
subsets every font it uses, fits a 3-park brief on two A4 pages, and is what `matcher brief`
writes. Checks that read the PDF back need poppler-utils (pdffonts, pdftotext, pdftoppm);
CI installs them (.ci/run), a machine without them skips those checks.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from matcher.brief import Brief, brief_bytes, build_brief
from matcher.catalogue import Catalogue
from matcher.i18n import date_words
from matcher.models import Match, Requirement, Weights
from matcher.provenance import PARK_LIST_OUTLET, PARK_LIST_SEED, PARK_LIST_TITLE
from matcher.scoring import Ranker
from matcher.shortlist import Shortlist, ShortlistItem, matches_by_id
from matcher.views import area_words, weights_words
from tests.cli_runner import Result
from tests.conftest import SEEDS

REQUIREMENT = Requirement(sector_text="集成电路设计", min_area_m2=5000, preferred_location="温泉")
# 16:30 UTC on the 21st is already the 22nd in Beijing.
MADE = datetime(2026, 11, 21, 16, 30, tzinfo=UTC)
POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def matches(ranker: Ranker) -> dict[str, Match]:
    return matches_by_id(ranker.rank(REQUIREMENT))


@pytest.fixture(scope="module")
def shortlist(catalogue: Catalogue) -> Shortlist:
    return Shortlist(
        items=(
            ShortlistItem(park_id="P05", note="业主可提供定制装修"),
            ShortlistItem(park_id="P01"),
            ShortlistItem(park_id="P03", note="Owner prefers a 5-year lease"),
        ),
        note="客户关注流片配套",
        company="芯原微电子（北京）有限公司",
        requirement=REQUIREMENT,
        data_version=catalogue.version,
        created_at=MADE,
    )


@pytest.fixture(scope="module", params=["zh", "en"])
def brief(
    request: pytest.FixtureRequest,
    shortlist: Shortlist,
    catalogue: Catalogue,
    matches: dict[str, Match],
) -> Brief:
    return build_brief(shortlist, catalogue, matches, request.param)


# --- the words ---


def test_the_date_is_beijing_time_written_as_people_write_it() -> None:
    assert date_words(MADE).zh == "2026年11月22日"
    assert date_words(MADE).en == "22 November 2026"


def test_the_title_and_the_company_lead_the_brief(brief: Brief) -> None:
    assert (
        brief.title
        == {"zh": "海淀重点园区推荐", "en": "Haidian key park recommendations"}[brief.lang]
    )
    assert brief.company == "芯原微电子（北京）有限公司"


def test_the_requirement_is_in_words_without_true_false_or_raw_numbers(brief: Brief) -> None:
    words = " ".join(f"{k} {v}" for k, v in brief.requirement)
    for raw in ("True", "False", "5000.0", "None"):
        assert raw not in words
    assert ("至少 5000㎡" if brief.lang == "zh" else "at least 5,000 m²") in words
    assert "集成电路设计" in words and "温泉" in words
    assert all(k not in ("权重", "Weights") for k, _ in brief.requirement)  # default weights


def test_weights_are_said_only_when_changed_and_in_words(catalogue: Catalogue) -> None:
    default = Weights(**catalogue.tuning.weights.model_dump())
    assert weights_words(None, default) is None
    assert weights_words(Weights(sector=6, area=2.5, location=1.5), default) is None
    changed = weights_words(Weights(sector=1, area=1, location=0), default)
    assert changed is not None
    assert changed.en == "Sector 50%, Area 50%, Location 0% (default 60%, 25%, 15%)"
    assert changed.zh == "产业 50%、面积 50%、区位 0%（默认为 60%、25%、15%）"


def test_area_words_cover_minimum_maximum_and_range() -> None:
    between, at_most = area_words(3000, 5000), area_words(None, 8000)
    assert between is not None and between.zh == "3000㎡至5000㎡"
    assert at_most is not None and at_most.en == "at most 8,000 m²"
    assert area_words(None, None) is None


def test_an_unrecognised_place_is_said_plainly(
    catalogue: Catalogue, ranker: Ranker, shortlist: Shortlist
) -> None:
    asked = Requirement(sector_text="集成电路", preferred_location="火星基地")
    odd = shortlist.model_copy(update={"requirement": asked})
    brief = build_brief(odd, catalogue, matches_by_id(ranker.rank(asked)), "en")
    assert ("Location", "火星基地 (not recognised; not scored)") in brief.requirement


def test_each_park_has_positioning_translation_area_reasons_and_note(
    brief: Brief, catalogue: Catalogue
) -> None:
    assert [p.park_id for p in brief.parks] == ["P05", "P01", "P03"]
    first = brief.parks[0]
    park = catalogue.park("P05")
    assert first.positioning_zh == park.positioning_zh
    assert first.positioning_en == park.positioning_en
    assert first.why and first.note == "业主可提供定制装修"
    # P05 publishes one floor area and no above-ground figure: said, never 0.
    assert ("未公布" if brief.lang == "zh" else "not published") in first.area
    assert brief.parks[2].note == "Owner prefers a 5-year lease"


def test_the_fit_column_shows_the_label_and_the_shown_score(
    brief: Brief, matches: dict[str, Match], catalogue: Catalogue
) -> None:
    from matcher.display import shown_score

    for park in brief.parks:
        shown = shown_score(matches[park.park_id], catalogue.tuning.shown)
        assert park.fit.endswith(f"{shown:.0f}")


def test_the_source_is_cited_by_title_and_date_never_by_a_path_or_version(
    brief: Brief, catalogue: Catalogue
) -> None:
    title = PARK_LIST_TITLE if brief.lang == "zh" else "Haidian district sends strong signals"
    assert title in brief.source and "2025" in brief.source
    assert "seeds/" not in brief.source and catalogue.version not in brief.source


def test_the_cited_title_and_outlet_are_the_seeds_own() -> None:
    lines = (SEEDS / PARK_LIST_SEED).read_text(encoding="utf-8").splitlines()
    assert lines[0].strip() == PARK_LIST_TITLE
    assert PARK_LIST_OUTLET[0] in lines[1]


# --- the PDF ---


@pytest.fixture(scope="module")
def pdf_files(
    tmp_path_factory: pytest.TempPathFactory,
    shortlist: Shortlist,
    catalogue: Catalogue,
    matches: dict[str, Match],
) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("brief")
    made = {}
    for lang in ("zh", "en"):
        path = folder / f"brief-{lang}.pdf"
        path.write_bytes(brief_bytes(shortlist, catalogue, matches, lang))  # type: ignore[arg-type]
        made[lang] = path
    return made


def test_the_pdf_is_a_pdf_and_names_no_unembedded_base_font(pdf_files: dict[str, Path]) -> None:
    for path in pdf_files.values():
        raw = path.read_bytes()
        assert raw.startswith(b"%PDF-") and raw.rstrip().endswith(b"%%EOF")
        assert b"/FontFile" in raw  # the font program travels with the file
        for base14 in (b"/Helvetica", b"/Times", b"/Courier", b"STSong"):
            assert base14 not in raw


@needs_poppler
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_font_is_embedded_and_subset(pdf_files: dict[str, Path], lang: str) -> None:
    table = subprocess.run(
        ["pdffonts", str(pdf_files[lang])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert table, "no fonts listed"
    for row in table:
        emb, sub = row.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), row


@needs_poppler
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_three_park_brief_fits_on_two_pages_and_reads_back(
    pdf_files: dict[str, Path], lang: str, catalogue: Catalogue
) -> None:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_files[lang]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert text.count("\f") <= 2  # pdftotext ends each page with a form feed
    squeezed = "".join(text.split())
    for must in (
        "海淀重点园区推荐" if lang == "zh" else "Haidiankeyparkrecommendations",
        "2026年11月22日" if lang == "zh" else "22November2026",
        "芯原微电子",
        "P05",
        "P01",
        "P03",
        "千龙网" if lang == "zh" else "Qianlong.com",
    ):
        assert must in squeezed, must
    for raw in ("True", "False", "5000.0", catalogue.version, "seeds/"):
        assert raw not in text


@needs_poppler
def test_the_pages_render(pdf_files: dict[str, Path], tmp_path: Path) -> None:
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(pdf_files["zh"]), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert 1 <= len(pages) <= 2
    assert all(p.stat().st_size > 5_000 for p in pages)  # not blank


def test_an_empty_shortlist_still_makes_a_one_page_brief(catalogue: Catalogue) -> None:
    pdf = brief_bytes(Shortlist(data_version=catalogue.version), catalogue, {}, "en")
    assert pdf.startswith(b"%PDF-")


def test_control_characters_in_notes_do_not_break_the_pdf(
    shortlist: Shortlist, catalogue: Catalogue, matches: dict[str, Match]
) -> None:
    odd = shortlist.model_copy(update={"note": "bell\x07 =HYPERLINK(1)"})
    assert brief_bytes(odd, catalogue, matches, "zh").startswith(b"%PDF-")


# --- the command ---


def test_matcher_brief_writes_the_pdf(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "brief.pdf"
    done = cli(
        [
            "brief",
            "集成电路",
            "--min-area",
            "0.5万平方米",
            "--location",
            "温泉",
            "--parks",
            "P05,P01,P03",
            "--company",
            "Acme",
            "--lang",
            "en",
            "--output",
            out,
        ]
    )
    assert done.code == 0, done.err
    assert out.read_bytes().startswith(b"%PDF-")
    assert not list(tmp_path.glob(".*.part"))  # written by temporary file and rename


def test_matcher_brief_refuses_an_unknown_park_in_one_line(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    done = cli(["brief", "x", "--parks", "P05,P99", "-o", "b.pdf"], cwd=tmp_path)
    assert done.code == 2
    assert "P99" in done.err and "Traceback" not in done.err
    assert not (tmp_path / "b.pdf").exists()
