"""Shortlists staff build for an investor, and their exports: CSV, XLSX and a PDF brief.

Every export carries the park ids and the data version, so a shortlist can be reproduced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from io import BytesIO
from xml.sax.saxutils import escape

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from matcher.catalogue import Catalogue
from matcher.exports import csv_bytes, xlsx_bytes
from matcher.i18n import Lang, bilingual, label
from matcher.models import Match, Park, Requirement
from matcher.text import format_area_en, format_area_zh, has_cjk

COLUMNS = (
    "order",
    "park_id",
    "name",
    "name_en",
    "score",
    "fit",
    "town",
    "zone",
    "total_area",
    "above_ground_area",
    "expansion_area",
    "sectors",
    "location_zh",
    "location_en",
    "positioning_zh",
    "positioning_en",
    "reasons",
    "note",
    "source",
    "data_version",
)


class ShortlistItem(BaseModel):
    """One park on a shortlist, with the staff member's note on it."""

    model_config = ConfigDict(frozen=True)
    park_id: str
    note: str = ""


class Shortlist(BaseModel):
    """An ordered set of parks picked for one requirement."""

    model_config = ConfigDict(frozen=True)
    items: tuple[ShortlistItem, ...] = ()
    note: str = ""
    requirement: Requirement | None = None
    data_version: str
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def park_ids(self) -> tuple[str, ...]:
        return tuple(item.park_id for item in self.items)


def _sector_names(park: Park, catalogue: Catalogue, lang: Lang) -> str:
    names = []
    for tag in park.sectors:
        sector = catalogue.sector(tag.sector_id)
        names.append(sector.name_zh if lang == "zh" else sector.name_en)
    return "、".join(names) if lang == "zh" else ", ".join(names)


def shortlist_frame(
    shortlist: Shortlist, catalogue: Catalogue, matches: Mapping[str, Match], lang: Lang
) -> pd.DataFrame:
    """One row per shortlisted park, keyed by COLUMNS; numbers stay numbers."""
    rows = []
    for order, item in enumerate(shortlist.items, start=1):
        park = catalogue.park(item.park_id)
        match = matches.get(item.park_id)
        rows.append(
            {
                "order": order,
                "park_id": park.park_id,
                "name": park.name_zh,
                "name_en": park.name_en,
                "score": match.score if match else None,
                "fit": label(f"fit_{match.fit.value}", lang) if match else "",
                "town": park.town or label("unknown", lang),
                "zone": label(f"zone_{park.zone.value}", lang),
                "total_area": park.total_area_m2,
                "above_ground_area": park.above_ground_area_m2,
                "expansion_area": park.expansion_area_m2,
                "sectors": _sector_names(park, catalogue, lang),
                "location_zh": park.location_zh,
                "location_en": park.location_en,
                "positioning_zh": park.positioning_zh,
                "positioning_en": park.positioning_en,
                "reasons": match.reason(lang) if match else "",
                "note": item.note,
                "source": park.source,
                "data_version": shortlist.data_version,
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def requirement_frame(shortlist: Shortlist, lang: Lang) -> pd.DataFrame:
    """The requirement, weights, data version and export time, as field/value rows."""
    req = shortlist.requirement or Requirement()
    w = req.weights
    fields = [
        ("sector", req.sector_text or "、".join(req.sector_ids)),
        ("min_area", req.min_area_m2),
        ("max_area", req.max_area_m2),
        ("location", req.preferred_location),
        (
            "weights",
            label("default_weights", lang)
            if w is None
            else f"{w.sector:g} / {w.area:g} / {w.location:g}",
        ),
        ("hard_area", req.area_is_hard),
        ("hard_location", req.location_is_hard),
        ("note", shortlist.note),
        ("park_id", ", ".join(shortlist.park_ids)),
        ("data_version", shortlist.data_version),
        ("exported_at", shortlist.created_at.isoformat(timespec="seconds")),
    ]
    return pd.DataFrame(
        [(label(k, lang), "" if v is None else v) for k, v in fields],
        columns=[label("field", lang), label("requirement", lang)],
    )


def shortlist_csv(
    shortlist: Shortlist, catalogue: Catalogue, matches: Mapping[str, Match], lang: Lang
) -> bytes:
    """UTF-8 CSV with BOM, headers in the chosen language."""
    frame = shortlist_frame(shortlist, catalogue, matches, lang)
    frame.columns = [label(c, lang) for c in frame.columns]
    return csv_bytes(frame)


def shortlist_xlsx(
    shortlist: Shortlist, catalogue: Catalogue, matches: Mapping[str, Match], lang: Lang
) -> bytes:
    """Two sheets: the parks (bilingual headers) and the requirement behind them."""
    parks = shortlist_frame(shortlist, catalogue, matches, lang)
    about = requirement_frame(shortlist, lang)
    return xlsx_bytes(
        {"shortlist": parks, "requirement": about},
        headers={"shortlist": [bilingual(c) for c in COLUMNS]},
    )


def _area_text(value: float | None, lang: Lang) -> str:
    if value is None or pd.isna(value):
        return label("unknown", lang)
    return format_area_zh(value) if lang == "zh" else format_area_en(value)


def shortlist_pdf(
    shortlist: Shortlist, catalogue: Catalogue, matches: Mapping[str, Match], lang: Lang
) -> bytes:
    """A printable brief: a cover with the requirement, then one page per park."""
    # reportlab only here: the app and the CLI start without it until someone asks for a PDF.
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import (
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    # A built-in CID font: renders Chinese without shipping a font file.
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    base = ParagraphStyle("base", fontName="STSong-Light", fontSize=10, leading=15, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=17, leading=24, spaceAfter=6)
    small = ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=colors.grey)

    latin = {
        name: ParagraphStyle(f"{name}-latin", parent=style, fontName="Helvetica", wordWrap=None)
        for name, style in (("base", base), ("title", title), ("small", small))
    }

    def para(text: object, style: ParagraphStyle = base) -> Paragraph:
        # The CID font spaces Latin letters oddly; text without Chinese uses Helvetica.
        shown = str(text)
        chosen = style if has_cjk(shown) else latin.get(style.name, style)
        return Paragraph(escape(shown), chosen)

    story: list[object] = [para(label("app_title", lang), title)]
    for field, value in requirement_frame(shortlist, lang).itertuples(index=False):
        story.append(para(f"{field}: {value}"))
    frame = shortlist_frame(shortlist, catalogue, matches, lang)
    for row in frame.to_dict("records"):
        story.append(PageBreak())
        story.append(para(f"{row['order']}. {row['park_id']} {row['name']}", title))
        story.append(para(row["name_en"], small))
        facts = [
            (
                label("score", lang),
                "" if row["score"] is None else f"{row['score']:.1f}  {row['fit']}",
            ),
            (label("town", lang), f"{row['town']} ({row['zone']})"),
            (label("location_zh", lang), row["location_zh"]),
            (label("location_en", lang), row["location_en"]),
            (label("total_area", lang), _area_text(row["total_area"], lang)),
            (label("above_ground_area", lang), _area_text(row["above_ground_area"], lang)),
            (label("sectors", lang), row["sectors"]),
        ]
        if not pd.isna(row["expansion_area"]):
            facts.append((label("expansion_area", lang), _area_text(row["expansion_area"], lang)))
        table = Table([[para(k), para(v)] for k, v in facts], colWidths=[45 * mm, 120 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.lightgrey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ]
            )
        )
        story.extend([Spacer(1, 4 * mm), table, Spacer(1, 4 * mm)])
        story.append(para(label("positioning_zh", lang), small))
        story.append(para(row["positioning_zh"]))
        story.append(para(label("positioning_en", lang), small))
        story.append(para(row["positioning_en"]))
        match = matches.get(row["park_id"])
        if match:
            story.extend([Spacer(1, 3 * mm), para(label("reasons", lang), small)])
            for reason in match.reasons_zh if lang == "zh" else match.reasons_en:
                story.append(para(f"- {reason}"))
        if row["note"]:
            story.extend([Spacer(1, 3 * mm), para(f"{label('note', lang)}: {row['note']}")])
        story.extend(
            [
                Spacer(1, 6 * mm),
                para(f"{label('source', lang)}: {row['source']}", small),
                para(f"{label('data_version', lang)}: {row['data_version']}", small),
            ]
        )
    buffer = BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=label("app_title", lang),
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    ).build(story)
    return buffer.getvalue()


def matches_by_id(matches: Sequence[Match]) -> dict[str, Match]:
    return {m.park_id: m for m in matches}
