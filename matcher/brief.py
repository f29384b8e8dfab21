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
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from matcher.catalogue import Catalogue
from matcher.display import how_to_read, shown_score
from matcher.i18n import Lang, label, zone_name
from matcher.models import Match, Park, Requirement, Weights
from matcher.provenance import (
    PARK_LIST_DATE,
    PARK_LIST_OUTLET,
    PARK_LIST_SECTION,
    PARK_LIST_TITLE,
    PARK_LIST_TITLE_EN,
)
from matcher.text import format_area_en, format_area_zh, has_cjk

if TYPE_CHECKING:
    from fpdf import FPDF

    from matcher.shortlist import Shortlist

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")  # China keeps no daylight saving time
FONT_FACE = 2  # Noto Sans CJK SC within the collection (JP, KR, SC, TC, HK …)
MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)

# The brief's words, by the heading each is used for -> its key in i18n.LABELS.
HEADINGS: dict[str, str] = {
    "title": "brief_title",
    "for": "brief_for",
    "prepared": "brief_prepared",
    "requirement": "requirement",
    "sector": "brief_sector",
    "area": "brief_area",
    "location": "location",
    "weights": "weights",
    "parks": "brief_parks",
    "fit": "fit",
    "park": "park",
    "place": "brief_place",
    "why": "brief_why",
    "note": "note",
    "staff_note": "brief_staff_note",
    "positioning": "brief_positioning",
    "positioning_en": "brief_positioning_en",
    "space": "brief_space",
    "source": "source",
    "data_version": "data_version",
    "page": "brief_page",
    "required": "brief_required",
    "unrecognised": "brief_unrecognised",
    "none_picked": "brief_none_picked",
    "not_ranked": "brief_not_ranked",
}


def text(key: str, lang: Lang) -> str:
    return label(HEADINGS[key], lang)


def date_line(moment: datetime, lang: Lang) -> str:
    """The day in Beijing, as people write it: 2026年11月22日 / 22 November 2026."""
    day = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(BEIJING)
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def area_words(low: float | None, high: float | None, lang: Lang) -> str:
    """'至少 5000㎡', '3000㎡至5000㎡', 'at most 8,000 m²' …"""
    fmt = format_area_zh if lang == "zh" else format_area_en
    if low and high is not None:
        return f"{fmt(low)}至{fmt(high)}" if lang == "zh" else f"{fmt(low)} to {fmt(high)}"
    if low:
        return f"至少 {fmt(low)}" if lang == "zh" else f"at least {fmt(low)}"
    if high is not None:
        return f"不超过 {fmt(high)}" if lang == "zh" else f"at most {fmt(high)}"
    return ""


def _percent(weights: Weights) -> tuple[float, float, float]:
    total = weights.sector + weights.area + weights.location
    return tuple(round(100 * w / total) for w in (weights.sector, weights.area, weights.location))  # type: ignore[return-value]


def weights_words(weights: Weights | None, default: Weights, lang: Lang) -> str:
    """'' for the default weights; else the weights in words beside the default ones."""
    if weights is None or _percent(weights) == _percent(default):
        return ""
    mine, usual = _percent(weights), _percent(default)
    names = [label(k, lang) for k in ("sector", "area", "location")]
    if lang == "zh":
        shown = "、".join(f"{n} {p:g}%" for n, p in zip(names, mine, strict=True))
        return f"{shown}（默认为 {usual[0]:g}%、{usual[1]:g}%、{usual[2]:g}%）"
    shown = ", ".join(f"{n.lower()} {p:g}%" for n, p in zip(names, mine, strict=True))
    return f"{shown} (default {usual[0]:g}%, {usual[1]:g}%, {usual[2]:g}%)"


def requirement_lines(
    requirement: Requirement | None,
    catalogue: Catalogue,
    lang: Lang,
    default_weights: Weights,
    place_known: bool | None = None,
) -> list[tuple[str, str]]:
    """(field, words) pairs: only what was asked, no True/False, weights only when changed."""
    if requirement is None:
        return []
    lines: list[tuple[str, str]] = []
    sector = requirement.sector_text or ("、" if lang == "zh" else ", ").join(
        (catalogue.sector(s).name_zh if lang == "zh" else catalogue.sector(s).name_en)
        for s in requirement.sector_ids
    )
    if sector:
        lines.append((text("sector", lang), sector))
    area = area_words(requirement.min_area_m2, requirement.max_area_m2, lang)
    if area:
        if requirement.area_is_hard:
            area += f"（{text('required', lang)}）" if lang == "zh" else " (required)"
        lines.append((text("area", lang), area))
    if requirement.preferred_location:
        where = requirement.preferred_location
        if place_known is False:
            where += (
                f"（{text('unrecognised', lang)}）"
                if lang == "zh"
                else f" ({text('unrecognised', lang)})"
            )
        elif requirement.location_is_hard:
            where += f"（{text('required', lang)}）" if lang == "zh" else " (required)"
        lines.append((text("location", lang), where))
    weights = weights_words(requirement.weights, default_weights, lang)
    if weights:
        lines.append((text("weights", lang), weights))
    return lines


def park_area_words(park: Park, lang: Lang) -> str:
    """'总建筑面积 12.1万㎡，其中地上 7.9万㎡' / 'total floor area 121,000 m², of which …'."""
    if lang == "zh":
        fmt = format_area_zh
        total = "建筑面积" if park.above_ground_area_m2 is None else "总建筑面积"
        words = f"{total} {fmt(park.total_area_m2)}"
        if park.above_ground_area_m2 is not None:
            words += f"，其中地上 {fmt(park.above_ground_area_m2)}"
        else:
            words += "（地上面积未公布）"
        if park.expansion_area_m2:
            words += f"；未来可提供 {fmt(park.expansion_area_m2)}以上扩展空间"
        return words
    fmt = format_area_en
    words = f"total floor area {fmt(park.total_area_m2)}"
    if park.above_ground_area_m2 is not None:
        words += f", of which {fmt(park.above_ground_area_m2)} above ground"
    else:
        words = f"floor area {fmt(park.total_area_m2)} (above-ground area not published)"
    if park.expansion_area_m2:
        words += f"; over {fmt(park.expansion_area_m2)} of future expansion space announced"
    return words


def short_area(park: Park, lang: Lang) -> str:
    """For the summary table: the figure a requirement is compared with."""
    fmt = format_area_zh if lang == "zh" else format_area_en
    if park.above_ground_area_m2 is None:
        return fmt(park.total_area_m2)
    above = "地上" if lang == "zh" else "above ground"
    return (
        f"{fmt(park.total_area_m2)}（{above} {fmt(park.above_ground_area_m2)}）"
        if lang == "zh"
        else f"{fmt(park.total_area_m2)} ({fmt(park.above_ground_area_m2)} {above})"
    )


def place_words(park: Park, lang: Lang) -> str:
    """'温泉镇 · 北区' / '温泉镇 (Wenquan) · north zone'."""
    town = park.town or label("unknown", lang)
    if lang == "en" and park.town:
        town = f"{park.town} ({pinyin_name(park.town)})"
    return f"{town} · {zone_name(park.zone, lang)}"


def pinyin_name(town: str) -> str:
    """温泉镇 -> Wenquan, 上地街道 -> Shangdi: the town's name as English texts write it."""
    from matcher.text import pinyin_key

    stem = town.removesuffix("街道").removesuffix("镇")
    return pinyin_key(stem).capitalize()


@dataclass(frozen=True)
class BriefPark:
    """One park's section of the brief, every line in the brief's language."""

    order: int
    park_id: str
    name: str
    other_name: str
    fit: str  # '强 · 92.3' / 'strong · 92.3'
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
    data_version: str
    headings: dict[str, str] = field(default_factory=dict)


def source_words(lang: Lang) -> str:
    if lang == "zh":
        return (
            f"{PARK_LIST_OUTLET[0]}《{PARK_LIST_TITLE}》（{PARK_LIST_DATE[0]}），"
            f"“{PARK_LIST_SECTION}”一节"
        )
    return (
        f"{PARK_LIST_OUTLET[1]}, “{PARK_LIST_TITLE}” ({PARK_LIST_TITLE_EN}), "
        f"{PARK_LIST_DATE[1]}, section {PARK_LIST_SECTION}"
    )


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
        fit = text("not_ranked", lang)
        if match:
            shown = shown_score(match, catalogue.tuning.shown)
            fit = f"{label(f'fit_{match.fit.value}', lang)} · {shown:.0f}"
        parks.append(
            BriefPark(
                order=order,
                park_id=park.park_id,
                name=park.name_zh if lang == "zh" else park.name_en,
                other_name=park.name_en if lang == "zh" else park.name_zh,
                fit=fit,
                area_short=short_area(park, lang),
                place=place_words(park, lang),
                location=park.location_zh if lang == "zh" else park.location_en,
                positioning_zh=park.positioning_zh,
                positioning_en=park.positioning_en,
                area=park_area_words(park, lang),
                why=tuple(match.reasons_zh if lang == "zh" else match.reasons_en) if match else (),
                note=item.note,
            )
        )
    return Brief(
        lang=lang,
        title=text("title", lang),
        company=shortlist.company,
        date=date_line(shortlist.created_at, lang),
        requirement=tuple(
            requirement_lines(shortlist.requirement, catalogue, lang, defaults, place_known)
        ),
        note=shortlist.note,
        how_to_read=how_to_read(lang, catalogue.tuning.shown),
        parks=tuple(parks),
        source=source_words(lang),
        data_version=shortlist.data_version,
        headings={k: text(k, lang) for k in HEADINGS},
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
                left = (
                    f"{brief_.headings['source']}：{brief_.source}"
                    if brief_.lang == "zh"
                    else f"{brief_.headings['source']}: {brief_.source}"
                )
                self.multi_cell(self.epw - 28, 3.4, _clean(left), align="L", new_x="RIGHT")
                self.set_xy(self.w - self.r_margin - 28, -14)
                self.cell(
                    28,
                    3.4,
                    brief_.headings["page"].format(n=self.page_no(), total="{nb}"),
                    align="R",
                )
                self.set_xy(self.w - self.r_margin - 60, -10.6)
                sep = "：" if brief_.lang == "zh" else ": "
                self.cell(
                    60,
                    3.4,
                    f"{brief_.headings['data_version']}{sep}{brief_.data_version}",
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


def _sep(lang: Lang) -> str:
    return "：" if lang == "zh" else ": "


def brief_pdf(brief: Brief) -> bytes:
    """Lay the brief out on A4: header, requirement, summary table, a section per park."""
    from fpdf.enums import WrapMode
    from fpdf.fonts import FontFace

    doc = _Doc(brief)
    pdf = doc.pdf
    h = brief.headings
    lang = brief.lang
    sep = _sep(lang)
    doc.para(brief.title, size=17, color=ACCENT, gap=0.5)
    subtitle = [brief.date]
    if brief.company:
        subtitle.insert(0, f"{h['for']}{sep if lang == 'en' else ''}{brief.company}")
    doc.para("   ·   ".join(subtitle), size=10, color=MUTED, gap=2)
    doc.rule()
    doc.para(h["requirement"], size=11.5, color=ACCENT, gap=0.8)
    for name, words in brief.requirement:
        doc.para(f"{name}{sep}{words}", gap=0.3)
    if brief.note:
        doc.para(f"{h['note']}{sep}{brief.note}", gap=0.3)
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
        _park_section(doc, park, h, lang)
    return bytes(pdf.output())


def _park_section(doc: _Doc, park: BriefPark, h: dict[str, str], lang: Lang) -> None:
    pdf = doc.pdf
    sep = _sep(lang)
    # Keep a heading with the first lines of its section.
    if pdf.get_y() > pdf.h - 45:
        pdf.add_page()
    pdf.ln(1.5)
    doc.rule(1.5)
    doc.para(f"{park.order}. {park.name}", size=11.5, color=ACCENT, gap=0.2)
    doc.para(f"{park.other_name} · {park.park_id} · {h['fit']}{sep}{park.fit}", size=8, color=MUTED)
    doc.para(f"{h['positioning']}{sep}{park.positioning_zh}", gap=0.2)
    doc.para(f"{h['positioning_en']}{sep}{park.positioning_en}", size=8.5, color=MUTED)
    doc.para(f"{h['space']}{sep}{park.area}", gap=0.2)
    doc.para(
        f"{h['location']}{sep}{park.location}（{park.place}）"
        if lang == "zh"
        else f"{h['location']}{sep}{park.location} ({park.place})"
    )
    if park.why:
        doc.para(h["why"], size=9, color=ACCENT, gap=0.2)
        for reason in park.why:
            doc.para(f"• {reason}", size=8.8, indent=3, gap=0.2)
    if park.note:
        pdf.ln(0.4)
        doc.para(f"{h['staff_note']}{sep}{park.note}", size=9)


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
