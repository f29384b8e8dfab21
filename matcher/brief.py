"""The printable brief staff hand to an investor: what was asked, which parks, why each fits.

`build_brief` decides every word (title, date, the requirement in words, the summary table,
a section per park, the source and data version); `brief_pdf` only lays them out. The app's
download and `matcher brief` both call `brief_bytes`, so they give the same document.

The PDF is set in Noto Sans CJK SC (from the `noto-cjk-sans-otc` package, SIL Open Font
Licence 1.1), embedded and subset: Chinese and Latin letters come from one typeface, and the
brief renders the same on a machine without any Chinese font. A character it lacks (an
Arabic or Hebrew company name, Cyrillic, many symbols) comes from DejaVu Sans (Debian's
fonts-dejavu-core), embedded too and shaped (joined, right to left) by HarfBuzz; a character
neither has is printed as MISSING_MARK and the brief says so under its title, never dropped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from matcher.catalogue import Catalogue
from matcher.display import how_to_read, shown_score
from matcher.i18n import Lang, Text, date_words, joined, label, same, say
from matcher.models import Fit, Match, Park, Weights
from matcher.reasons import town_text
from matcher.text import area_words, has_cjk
from matcher.views import match_fit_words, requirement_lines, source_words

if TYPE_CHECKING:
    from fpdf import FPDF
    from fpdf.enums import WrapMode

    from matcher.shortlist import Shortlist

FONT_FACE = 2  # Noto Sans CJK SC within the collection (JP, KR, SC, TC, HK …)
# The fallback font, where Debian's fonts-dejavu-core puts it (.ci/run installs it); without
# it, what the CJK font lacks is marked as missing, as with any other character.
FALLBACK_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# Printed instead of a character no embedded font has (an emoji, a rare script).
MISSING_MARK = "\u25a1"  # □, in Noto Sans CJK

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
    "note": "brief_note",
    "park_note": "brief_park_note",
    "positioning": "brief_positioning",
    "positioning_en": "brief_positioning_en",
    "space": "brief_space",
    "source": "column_source",
    "page": "brief_page",
    "none_picked": "brief_none_picked",
}

# The brief groups parks by fit, best first; only the strong fits are called "recommended",
# so a weak fit the staff shortlisted anyway is never presented as a recommendation.
# Group -> its heading's message id.
GROUPS: dict[str, str] = {
    "recommended": "brief_group_recommended",
    "considering": "brief_group_considering",
    "other": "brief_group_other",
}
GROUP_OF_FIT: dict[Fit, str] = {
    Fit.STRONG: "recommended",
    Fit.PARTIAL: "considering",
    Fit.WEAK: "other",
    Fit.NONE: "other",
}


def fit_group(match: Match | None) -> str:
    """The group a park is listed under: a park the ranking lacks is not scored, so it is
    never recommended either."""
    return "other" if match is None else GROUP_OF_FIT[match.fit]


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
    investor_note: str
    group: str  # a key of GROUPS


@dataclass(frozen=True)
class BriefGroup:
    """Parks of one kind of fit under their heading, in the shortlist's order."""

    group: str  # a key of GROUPS
    heading: str
    parks: tuple[BriefPark, ...]


@dataclass(frozen=True)
class Brief:
    """Everything the brief says, decided before any layout. Only notes written for the
    investor are here: the staff's internal notes never reach the brief."""

    lang: Lang
    title: str
    company: str
    date: str
    requirement: tuple[tuple[str, str], ...]
    investor_note: str  # the covering note
    how_to_read: str
    groups: tuple[BriefGroup, ...]  # the groups that have parks, best fit first
    source: str
    headings: dict[str, str] = field(default_factory=dict)
    # Said under the title when some character cannot be printed (see MISSING_MARK).
    cannot_print: str = ""

    @property
    def parks(self) -> tuple[BriefPark, ...]:
        """Every park in the order printed (group by group), numbered 1, 2, 3 … that way."""
        return tuple(park for group in self.groups for park in group.parks)

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
    grouped: dict[str, list[BriefPark]] = {group: [] for group in GROUPS}
    for item in shortlist.items:
        park = catalogue.park(item.park_id)
        match = matches.get(item.park_id)
        fit = label("brief_not_ranked", lang)
        if match:
            shown = f"{shown_score(match, catalogue.tuning.shown):.0f}"
            fit = joined([match_fit_words(match), same(shown)], "middle_dot").in_(lang)
        grouped[fit_group(match)].append(
            BriefPark(
                order=0,  # numbered below, in the order printed
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
                investor_note=isolated(item.investor_note),
                group=fit_group(match),
            )
        )
    groups, order = [], 0
    for group, listed in grouped.items():
        if not listed:
            continue
        numbered = []
        for entry in listed:
            order += 1
            numbered.append(replace(entry, order=order))
        groups.append(BriefGroup(group, label(GROUPS[group], lang), tuple(numbered)))
    lines = requirement_lines(requirement, catalogue, defaults, place_known) if requirement else []
    brief = Brief(
        lang=lang,
        title=label("brief_title", lang),
        company=isolated(shortlist.company),
        date=date_words(shortlist.created_at).in_(lang),
        requirement=tuple((name.in_(lang), words.in_(lang)) for name, words in lines),
        investor_note=isolated(shortlist.investor_note),
        how_to_read=how_to_read(lang, catalogue.tuning.shown),
        groups=tuple(groups),
        source=source_words(catalogue).in_(lang),
        headings={k: label(v, lang) for k, v in HEADINGS.items() if k != "page"},
    )
    if any(not printable(c) for text in _strings(brief) for c in text):
        brief = replace(brief, cannot_print=label("brief_cannot_print", lang, mark=MISSING_MARK))
    return brief


def _strings(value: object) -> list[str]:
    """Every text in a brief (its fields, their tuples, dicts and parts)."""
    if isinstance(value, str):
        return [value]
    if is_dataclass(value) and not isinstance(value, type):
        return [t for f in fields(value) for t in _strings(getattr(value, f.name))]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _strings(v)]
    if isinstance(value, tuple | list):
        return [t for v in value for t in _strings(v)]
    return []


# -- layout -------------------------------------------------------------------------------------


@cache
def font_path() -> str:
    """The CJK font file the project installs (noto-cjk-sans-otc), never the viewer's."""
    import noto_cjk_sans_otc

    return str(noto_cjk_sans_otc.FONT_PATH)


@cache
def _covered(path: str, number: int = 0) -> frozenset[int]:
    """The code points a font file has a glyph for."""
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=number, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def fallback_font() -> str | None:
    return str(FALLBACK_FONT) if FALLBACK_FONT.is_file() else None


def in_main_font(char: str) -> bool:
    return ord(char) in _covered(font_path(), FONT_FACE)


def printable(char: str) -> bool:
    """True if an embedded font has `char` (or it is layout: a space, a line break, a joiner
    or a variation selector, which print nothing of their own)."""
    if char.isspace() or char in _KEPT or 0xFE00 <= ord(char) <= 0xFE0F:
        return True
    if in_main_font(char):
        return True
    fallback = fallback_font()
    return fallback is not None and ord(char) in _covered(fallback)


INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (13, 71, 161)
RULE = (206, 212, 218)
SHADE = (241, 243, 245)


def _clean(value: str) -> str:
    """Characters a PDF cannot show (control characters) become visible escapes."""
    return "".join(c if c.isprintable() or c in _KEPT else f"\\x{ord(c):02x}" for c in value)


# A line break, the joiners emoji sequences and Persian or Indic words are written with, and
# the isolates that keep a right-to-left name from reordering the line around it (`isolated`).
_KEPT = "\n\u200c\u200d\u2068\u2069"
_RIGHT_TO_LEFT = ("R", "AL")


def isolated(text: str) -> str:
    """`text` set apart for the bidirectional algorithm when it holds right-to-left letters:
    an Arabic company name then reads as one unit, and the date after it stays after it."""
    if any(unicodedata.bidirectional(c) in _RIGHT_TO_LEFT for c in text):
        return f"\u2068{text}\u2069"
    return text


# Widow and orphan control: a paragraph split across pages leaves at least this many lines
# on each side; one too short to split so moves whole to the next page.
MIN_LINES = 3


def lines_here(total: int, room: int, at_top: bool = False) -> int:
    """How many of a paragraph's `total` lines to set on this page, with room for `room`:
    all of them if they fit; none (the paragraph moves to the next page) if fewer than
    MIN_LINES would stay here or go there; else as many as fit while MIN_LINES still go on.
    At the top of a page a paragraph longer than the page is split: moving cannot help."""
    if total <= room:
        return total
    if not at_top and (room < MIN_LINES or total < 2 * MIN_LINES):
        return 0
    return max(1, min(room, total - MIN_LINES)) if total >= 2 * MIN_LINES else max(1, room)


@dataclass(frozen=True)
class Para:
    """One paragraph to set: its text and style. `keep` keeps it with the start of the
    next paragraph (a heading with its first lines)."""

    text: str
    size: float = 9.5
    color: tuple[int, int, int] = INK
    gap: float = 0.6
    indent: float = 0
    keep: bool = False
    before: float = 0  # space above it, left out at the top of a page


@dataclass(frozen=True)
class Rule:
    """A thin line across the page between sections; left out at the top of a page."""

    before: float = 1.5
    after: float = 1.5


Item = Para | Rule


class _Doc:
    """A thin layer over fpdf2: one font, a few text styles, a footer on every page, and
    paragraphs that break across pages only where it reads right (see `block`)."""

    def __init__(self, brief: Brief) -> None:
        from fpdf import FPDF

        brief_ = brief

        class Page(FPDF):
            def normalize_text(self, text: str) -> str:
                # Every text fpdf2 sets passes here: none is dropped for want of a glyph.
                marked = "".join(c if printable(c) else MISSING_MARK for c in text)
                return str(super().normalize_text(marked))

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
        fallback = fallback_font()
        texts = _strings(brief)
        if fallback is not None and any(
            not in_main_font(c) and printable(c) for text in texts for c in text
        ):
            # Only a brief that needs it: shaping costs time, and the rest stay as they were.
            pdf.add_font("dejavu", "", fallback)
            pdf.set_fallback_fonts(["dejavu"])
            pdf.set_text_shaping(True)
        pdf.set_font("noto", size=9.5)
        pdf.set_title(brief.title)
        pdf.set_lang("zh-CN" if brief.lang == "zh" else "en")
        pdf.set_creator("Haidian park matcher")
        pdf.add_page()
        self._wrapped: dict[tuple[str, float, float], list[str]] = {}

    # -- measuring

    @staticmethod
    def line_height(para: Para) -> float:
        return para.size * 0.44

    def lines(self, para: Para) -> list[str]:
        """The paragraph's lines as fpdf2 will wrap them (a dry run: nothing is drawn)."""
        from fpdf.enums import MethodReturnValue

        key = (para.text, para.size, para.indent)
        if key in self._wrapped:
            return self._wrapped[key]
        pdf = self.pdf
        pdf.set_font("noto", size=para.size)
        shown = _clean(para.text)
        wrapped = pdf.multi_cell(
            pdf.epw - para.indent,
            self.line_height(para),
            shown,
            align="L",
            dry_run=True,
            output=MethodReturnValue.LINES,
            wrapmode=_wrap(shown),
        )
        lines = [str(line) for line in wrapped] if isinstance(wrapped, list) else [shown]
        self._wrapped[key] = lines
        return lines

    def height(self, item: Item) -> float:
        if isinstance(item, Rule):
            return item.before + item.after
        return item.before + len(self.lines(item)) * self.line_height(item) + item.gap

    def room(self) -> float:
        """Height left on this page above the bottom margin."""
        return self.pdf.page_break_trigger - self.pdf.get_y()

    def page_body(self) -> float:
        return self.pdf.page_break_trigger - self.pdf.t_margin

    def at_top(self) -> bool:
        return self.pdf.get_y() <= self.pdf.t_margin + 0.01

    # -- setting

    def block(self, items: Sequence[Item]) -> None:
        """Set items that belong together (a heading and its lines, a park's section): on
        this page if they fit, else whole on the next page if they fit on a page; a block
        longer than a page flows, each heading kept with its next paragraph's first lines and
        each paragraph split with at least MIN_LINES lines on either side."""
        items = list(items)
        if not items:
            return
        total = sum(self.height(item) for item in items)
        if total > self.room() and total <= self.page_body() and not self.at_top():
            self.pdf.add_page()
        for at, item in enumerate(items):
            if isinstance(item, Para) and item.keep:
                need = self.height(item)
                for following in items[at + 1 :]:
                    if isinstance(following, Rule):
                        need += self.height(following)
                        continue
                    start = min(MIN_LINES, len(self.lines(following)))
                    need += start * self.line_height(following)
                    break
                if need > self.room() and not self.at_top():
                    self.pdf.add_page()
            self.put(item)

    def put(self, item: Item) -> None:
        pdf = self.pdf
        if isinstance(item, Rule):
            if self.at_top():
                return
            pdf.ln(item.before)
            pdf.set_draw_color(*RULE)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
            pdf.ln(item.after)
            return
        if item.before and not self.at_top():
            pdf.ln(item.before)
        lines = self.lines(item)
        while lines:
            step = self.line_height(item)
            # A tiny tolerance: a line that exactly fits must not count as overflowing.
            room = int((self.room() + 1e-6) // step)
            here = lines_here(len(lines), room, self.at_top())
            if here == 0:
                pdf.add_page()
                continue
            self._set(item, lines[:here])
            lines = lines[here:]
            if lines:
                pdf.add_page()
        pdf.ln(item.gap)

    def _set(self, para: Para, lines: list[str]) -> None:
        pdf = self.pdf
        pdf.set_font("noto", size=para.size)
        pdf.set_text_color(*para.color)
        pdf.set_x(pdf.l_margin + para.indent)
        # The lines are already wrapped as the dry run wrapped them; joined by line breaks
        # they set the same way, and never reach the automatic page break.
        text = "\n".join(lines)
        pdf.multi_cell(
            pdf.epw - para.indent,
            self.line_height(para),
            text,
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
            wrapmode=_wrap(text),
        )

    def para(
        self,
        value: str,
        size: float = 9.5,
        color: tuple[int, int, int] = INK,
        gap: float = 0.6,
        indent: float = 0,
    ) -> None:
        self.block([Para(value, size, color, gap, indent)])

    def rule(self, gap: float = 2) -> None:
        self.put(Rule(before=0, after=gap))


def _wrap(shown: str) -> WrapMode:
    from fpdf.enums import WrapMode

    return WrapMode.CHAR if mostly_cjk(shown) else WrapMode.WORD


def mostly_cjk(value: str) -> bool:
    """Chinese text breaks between any two characters; English only between words."""
    letters = [c for c in value if c.isalpha()]
    cjk = sum(1 for c in letters if has_cjk(c))
    return bool(letters) and cjk * 2 >= len(letters)


# A summary table row is one or two lines: enough to keep its heading with its first rows.
TABLE_ROW_MM = 11.0


def brief_pdf(brief: Brief) -> bytes:
    """Lay the brief out on A4: header, requirement and covering note, the summary table,
    then the parks group by group (recommended, worth considering, other), a section each."""
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
    if brief.cannot_print:
        doc.para(brief.cannot_print, size=8.5, color=MUTED, gap=1.5)
    doc.rule()
    about: list[Item] = [Para(h["requirement"], size=11.5, color=ACCENT, gap=0.8, keep=True)]
    about += [Para(brief.line(name, words), gap=0.3) for name, words in brief.requirement]
    doc.block(about)
    if brief.investor_note:
        doc.block([Para(brief.line(h["note"], brief.investor_note), gap=0.3)])
    pdf.ln(2)
    heading = Para(h["parks"], size=11.5, color=ACCENT, gap=0.8)
    if not brief.parks:
        doc.block([heading, Para(h["none_picked"])])
    else:
        # The heading, the table's header and its first rows together, else a new page.
        first_rows = min(len(brief.parks) + len(brief.groups), 3)
        if doc.height(heading) + TABLE_ROW_MM * (1 + first_rows) > doc.room():
            pdf.add_page()
        doc.put(heading)
        pdf.set_font("noto", size=8.5)
        pdf.set_text_color(*INK)
        pdf.set_draw_color(*RULE)
        heading_style = FontFace(color=ACCENT, fill_color=SHADE)
        group_style = FontFace(color=ACCENT, emphasis="")
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
            for group in brief.groups:
                # The group's heading as a row: the table says which parks are recommended
                # exactly as the sections below do.
                table.row().cell(_clean(group.heading), align="LEFT", colspan=5, style=group_style)
                for park in group.parks:
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
    for group in brief.groups:
        for at, park in enumerate(group.parks):
            items = _park_section(park, brief)
            if at == 0:
                # The group's heading stays with its first park's heading and lines.
                group_heading = Para(
                    group.heading, size=13, color=ACCENT, gap=0.6, keep=True, before=4
                )
                items.insert(0, group_heading)
            doc.block(items)
    return bytes(pdf.output())


def _park_section(park: BriefPark, brief: Brief) -> list[Item]:
    """A park's section as items: kept on one page when it fits on one (see _Doc.block)."""
    h = brief.headings
    fit = brief.line(h["fit"], park.fit)
    where = label("gloss", brief.lang, text=park.location, gloss=park.place)
    items: list[Item] = [
        Rule(before=2.5, after=1.5),
        Para(f"{park.order}. {park.name}", size=11.5, color=ACCENT, gap=0.2, keep=True),
        Para(f"{park.other_name} · {park.park_id} · {fit}", size=8, color=MUTED, keep=True),
        Para(brief.line(h["positioning"], park.positioning_zh), gap=0.2),
        Para(brief.line(h["positioning_en"], park.positioning_en), size=8.5, color=MUTED),
        Para(brief.line(h["space"], park.area), gap=0.2),
        Para(brief.line(h["location"], where)),
    ]
    if park.why:
        items.append(Para(h["why"], size=9, color=ACCENT, gap=0.2, keep=True))
        items += [Para(f"• {reason}", size=8.8, indent=3, gap=0.2) for reason in park.why]
    if park.investor_note:
        items.append(Para(brief.line(h["park_note"], park.investor_note), size=9, gap=0.6))
    return items


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


def preview_pages(pdf: bytes, width_px: int = 900) -> list[bytes]:
    """The PDF's pages as PNG images `width_px` wide, in order: what the app shows before
    the brief is downloaded. Rendered by PDFium (pypdfium2), the engine Chrome prints with,
    so the preview is the document itself, not a second rendering of its words."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for index in range(len(document)):
            page = document[index]
            try:
                bitmap = page.render(scale=width_px / page.get_width())
                buffer = io.BytesIO()
                bitmap.to_pil().save(buffer, format="PNG", optimize=True)
                images.append(buffer.getvalue())
            finally:
                page.close()
        return images
    finally:
        document.close()


def write_brief(path: Path, pdf: bytes, protect: Sequence[Path] = ()) -> None:
    """Write the PDF by temporary file and rename: never half a brief, never over an input."""
    from matcher.atomic import atomic_output

    with atomic_output(path, protect=protect) as handle:
        handle.write(pdf)
