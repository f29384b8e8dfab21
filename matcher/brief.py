"""The printable brief staff hand to an investor: what was asked, which parks, why each fits.

`build_brief` decides every word (title, date, the requirement in words, the summary table,
a section per park, the source and data version); `brief_pdf` only lays them out. The app's
download and `matcher brief` both call `brief_bytes`, so they give the same document.

The PDF is set in Noto Sans CJK SC (from the `noto-cjk-sans-otc` package, SIL Open Font
Licence 1.1), embedded and subset: Chinese and Latin letters come from one typeface, and the
brief renders the same on a machine without any Chinese font.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from matcher.catalogue import Catalogue
from matcher.display import how_to_read, shown_score
from matcher.i18n import Lang, Text, date_words, joined, label, same, say
from matcher.models import Match, Park, Weights
from matcher.reasons import town_text
from matcher.text import area_words, has_cjk
from matcher.views import match_fit_words, requirement_lines, source_words

if TYPE_CHECKING:
    from fpdf import FPDF

    from matcher.shortlist import Shortlist

FONT_FACE = 2  # Noto Sans CJK SC within the collection (JP, KR, SC, TC, HK …)

# The brief's words, by the heading each is used for -> its message id.
HEADINGS: dict[str, str] = {
    "title": "brief_title",
    "for": "brief_for",
    "prepared": "brief_prepared",
    "requirement": "requirement",
    "parks": "brief_parks",
    "fit": "column_fit",
    "park": "park",
    "place": "brief_place",
    "area": "brief_area",
    "location": "location",
    "why": "brief_why",
    "note": "column_note",
    "staff_note": "brief_staff_note",
    "positioning": "brief_positioning",
    "positioning_en": "brief_positioning_en",
    "space": "brief_space",
    "source": "column_source",
    "page": "brief_page",
    "none_picked": "brief_none_picked",
}


def park_area_words(park: Park) -> Text:
    """'总建筑面积 12.1万㎡，其中地上 7.9万㎡' / 'total floor area 121,000 m², of which …'."""
    if park.above_ground_area_m2 is None:
        words = say("park_area_unknown_above", total=area_words(park.total_area_m2))
    else:
        words = say(
            "park_area",
            total=area_words(park.total_area_m2),
            above=area_words(park.above_ground_area_m2),
        )
    if park.expansion_area_m2:
        words = say("park_area_expansion", words=words, area=area_words(park.expansion_area_m2))
    return words


def short_area(park: Park) -> Text:
    """For the summary table: the figure a requirement is compared with."""
    if park.above_ground_area_m2 is None:
        return area_words(park.total_area_m2)
    return say(
        "park_area_short",
        total=area_words(park.total_area_m2),
        above=area_words(park.above_ground_area_m2),
    )


def place_words(park: Park) -> Text:
    """'温泉镇 · 北区' / 'Wenquan Town · north zone'."""
    return joined([town_text(park), say(f"zone_{park.zone.value}")], "middle_dot")


@dataclass(frozen=True)
class BriefPark:
    """One park's section of the brief, every line in the brief's language."""

    order: int
    park_id: str
    name: str
    other_name: str
    fit: str  # '强 · 92' / 'strong · 92'
    area_short: str
    place: str
    location: str
    positioning_zh: str
    positioning_en: str
    area: str
    why: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Brief:
    """Everything the brief says, decided before any layout."""

    lang: Lang
    title: str
    company: str
    date: str
    requirement: tuple[tuple[str, str], ...]
    note: str
    how_to_read: str
    parks: tuple[BriefPark, ...]
    source: str
    headings: dict[str, str] = field(default_factory=dict)

    def line(self, heading: str, value: str) -> str:
        """'产业定位：…' / 'Positioning: …': a heading and its value."""
        return label("field_value", self.lang, field=heading, value=value)


def build_brief(
    shortlist: Shortlist,
    catalogue: Catalogue,
    matches: Mapping[str, Match],
    lang: Lang,
    *,
    place_known: bool | None = None,
) -> Brief:
    """The brief's words for a shortlist; the date is the shortlist's, in Beijing time."""
    defaults = Weights(**catalogue.tuning.weights.model_dump())
    requirement = shortlist.requirement
    if place_known is None and requirement is not None and requirement.preferred_location:
        from matcher.location import Gazetteer

        place_known = bool(Gazetteer(catalogue.places).find(requirement.preferred_location))
    parks = []
    for order, item in enumerate(shortlist.items, start=1):
        park = catalogue.park(item.park_id)
        match = matches.get(item.park_id)
        fit = label("brief_not_ranked", lang)
        if match:
            shown = f"{shown_score(match, catalogue.tuning.shown):.0f}"
            fit = joined([match_fit_words(match), same(shown)], "middle_dot").in_(lang)
        parks.append(
            BriefPark(
                order=order,
                park_id=park.park_id,
                name=park.name_zh if lang == "zh" else park.name_en,
                other_name=park.name_en if lang == "zh" else park.name_zh,
                fit=fit,
                area_short=short_area(park).in_(lang),
                place=place_words(park).in_(lang),
                location=park.location_zh if lang == "zh" else park.location_en,
                positioning_zh=park.positioning_zh,
                positioning_en=park.positioning_en,
                area=park_area_words(park).in_(lang),
                why=tuple(match.reasons_zh if lang == "zh" else match.reasons_en) if match else (),
                note=item.note,
            )
        )
    lines = requirement_lines(requirement, catalogue, defaults, place_known) if requirement else []
    return Brief(
        lang=lang,
        title=label("brief_title", lang),
        company=shortlist.company,
        date=date_words(shortlist.created_at).in_(lang),
        requirement=tuple((name.in_(lang), words.in_(lang)) for name, words in lines),
        note=shortlist.note,
        how_to_read=how_to_read(lang, catalogue.tuning.shown),
        parks=tuple(parks),
        source=source_words().in_(lang),
        headings={k: label(v, lang) for k, v in HEADINGS.items() if k != "page"},
    )


# -- layout -------------------------------------------------------------------------------------


@cache
def font_path() -> str:
    """The CJK font file the project installs (noto-cjk-sans-otc), never the viewer's."""
    import noto_cjk_sans_otc

    return str(noto_cjk_sans_otc.FONT_PATH)


INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (13, 71, 161)
RULE = (206, 212, 218)
SHADE = (241, 243, 245)


def _clean(value: str) -> str:
    """Characters a PDF cannot show (control characters) become visible escapes."""
    return "".join(c if c.isprintable() or c == "\n" else f"\\x{ord(c):02x}" for c in value)


class _Doc:
    """A thin layer over fpdf2: one font, a few text styles, a footer on every page."""

    def __init__(self, brief: Brief) -> None:
        from fpdf import FPDF

        brief_ = brief

        class Page(FPDF):
            def footer(self) -> None:
                self.set_y(-14)
                self.set_font("noto", size=7)
                self.set_text_color(*MUTED)
                self.set_draw_color(*RULE)
                self.line(self.l_margin, self.get_y() - 1, self.w - self.r_margin, self.get_y() - 1)
                left = brief_.line(brief_.headings["source"], brief_.source)
                self.multi_cell(self.epw - 28, 3.4, _clean(left), align="L", new_x="RIGHT")
                self.set_xy(self.w - self.r_margin - 28, -14)
                self.cell(
                    28,
                    3.4,
                    label("brief_page", brief_.lang, n=self.page_no(), total="{nb}"),
                    align="R",
                )

        self.pdf: FPDF = Page(format="A4")
        pdf = self.pdf
        pdf.set_margins(16, 14, 16)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_font("noto", "", font_path(), collection_font_number=FONT_FACE)
        pdf.set_font("noto", size=9.5)
        pdf.set_title(brief.title)
        pdf.set_lang("zh-CN" if brief.lang == "zh" else "en")
        pdf.set_creator("Haidian park matcher")
        pdf.add_page()

    def para(
        self,
        value: str,
        size: float = 9.5,
        color: tuple[int, int, int] = INK,
        gap: float = 0.6,
        indent: float = 0,
    ) -> None:
        from fpdf.enums import WrapMode

        pdf = self.pdf
        pdf.set_font("noto", size=size)
        pdf.set_text_color(*color)
        pdf.set_x(pdf.l_margin + indent)
        shown = _clean(value)
        pdf.multi_cell(
            pdf.epw - indent,
            size * 0.44,
            shown,
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
            wrapmode=WrapMode.CHAR if mostly_cjk(shown) else WrapMode.WORD,
        )
        pdf.ln(gap)

    def rule(self, gap: float = 2) -> None:
        pdf = self.pdf
        pdf.set_draw_color(*RULE)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(gap)


def mostly_cjk(value: str) -> bool:
    """Chinese text breaks between any two characters; English only between words."""
    letters = [c for c in value if c.isalpha()]
    cjk = sum(1 for c in letters if has_cjk(c))
    return bool(letters) and cjk * 2 >= len(letters)


def brief_pdf(brief: Brief) -> bytes:
    """Lay the brief out on A4: header, requirement, summary table, a section per park."""
    from fpdf.enums import WrapMode
    from fpdf.fonts import FontFace

    doc = _Doc(brief)
    pdf = doc.pdf
    h = brief.headings
    lang = brief.lang
    doc.para(brief.title, size=17, color=ACCENT, gap=0.5)
    subtitle = [brief.date]
    if brief.company:
        subtitle.insert(0, label("brief_for", lang, company=brief.company))
    doc.para("   ·   ".join(subtitle), size=10, color=MUTED, gap=2)
    doc.rule()
    doc.para(h["requirement"], size=11.5, color=ACCENT, gap=0.8)
    for name, words in brief.requirement:
        doc.para(brief.line(name, words), gap=0.3)
    if brief.note:
        doc.para(brief.line(h["note"], brief.note), gap=0.3)
    pdf.ln(2)
    doc.para(h["parks"], size=11.5, color=ACCENT, gap=0.8)
    if not brief.parks:
        doc.para(h["none_picked"])
    else:
        pdf.set_font("noto", size=8.5)
        pdf.set_text_color(*INK)
        pdf.set_draw_color(*RULE)
        heading_style = FontFace(color=ACCENT, fill_color=SHADE)
        with pdf.table(
            col_widths=(7, 62, 22, 42, 30),
            text_align=("CENTER", "LEFT", "LEFT", "LEFT", "LEFT"),
            line_height=4.2,
            headings_style=heading_style,
            borders_layout="HORIZONTAL_LINES",
            padding=1.2,
            wrapmode=WrapMode.CHAR if lang == "zh" else WrapMode.WORD,
        ) as table:
            table.row(["#", h["park"], h["fit"], h["area"], h["place"]])
            for park in brief.parks:
                table.row(
                    [
                        str(park.order),
                        _clean(f"{park.name} ({park.park_id})"),
                        park.fit,
                        park.area_short,
                        park.place,
                    ]
                )
        pdf.ln(1.2)
        doc.para(brief.how_to_read, size=7.5, color=MUTED, gap=1)
    for park in brief.parks:
        _park_section(doc, park, brief)
    return bytes(pdf.output())


def _park_section(doc: _Doc, park: BriefPark, brief: Brief) -> None:
    pdf = doc.pdf
    h = brief.headings
    # Keep a heading with the first lines of its section.
    if pdf.get_y() > pdf.h - 45:
        pdf.add_page()
    pdf.ln(1.5)
    doc.rule(1.5)
    doc.para(f"{park.order}. {park.name}", size=11.5, color=ACCENT, gap=0.2)
    fit = brief.line(h["fit"], park.fit)
    doc.para(f"{park.other_name} · {park.park_id} · {fit}", size=8, color=MUTED)
    doc.para(brief.line(h["positioning"], park.positioning_zh), gap=0.2)
    doc.para(brief.line(h["positioning_en"], park.positioning_en), size=8.5, color=MUTED)
    doc.para(brief.line(h["space"], park.area), gap=0.2)
    where = label("gloss", brief.lang, text=park.location, gloss=park.place)
    doc.para(brief.line(h["location"], where))
    if park.why:
        doc.para(h["why"], size=9, color=ACCENT, gap=0.2)
        for reason in park.why:
            doc.para(f"• {reason}", size=8.8, indent=3, gap=0.2)
    if park.note:
        pdf.ln(0.4)
        doc.para(brief.line(h["staff_note"], park.note), size=9)


def brief_bytes(
    shortlist: Shortlist,
    catalogue: Catalogue,
    matches: Mapping[str, Match],
    lang: Lang,
    *,
    place_known: bool | None = None,
) -> bytes:
    """The PDF brief the app downloads and `matcher brief` writes."""
    return brief_pdf(build_brief(shortlist, catalogue, matches, lang, place_known=place_known))


def write_brief(path: Path, pdf: bytes, protect: Sequence[Path] = ()) -> None:
    """Write the PDF by temporary file and rename: never half a brief, never over an input."""
    from matcher.atomic import atomic_output

    with atomic_output(path, protect=protect) as handle:
        handle.write(pdf)
