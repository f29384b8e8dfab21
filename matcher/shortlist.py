"""Shortlists staff build for an investor, and their exports: CSV, XLSX and a PDF brief
(`shortlist_file` picks the writer for a format).

Every export carries the park ids and the data version, so a shortlist can be reproduced.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from matcher.catalogue import Catalogue
from matcher.display import shown_score
from matcher.errors import UsageError
from matcher.exports import csv_bytes, xlsx_bytes
from matcher.i18n import Lang, bilingual, label
from matcher.models import Match, Park, Requirement

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
    company: str = ""  # the investor the brief is for, when known
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
                "score": shown_score(match, catalogue.tuning.shown) if match else None,
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
        ("hard_area", label("yes" if req.area_is_hard else "no", lang)),
        ("hard_location", label("yes" if req.location_is_hard else "no", lang)),
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


def shortlist_pdf(
    shortlist: Shortlist, catalogue: Catalogue, matches: Mapping[str, Match], lang: Lang
) -> bytes:
    """The printable brief (matcher/brief.py): what `matcher brief` writes, byte for byte."""
    from matcher.brief import brief_bytes

    return brief_bytes(shortlist, catalogue, matches, lang)


ExportFormat = Literal["csv", "xlsx", "pdf"]
Writer = Callable[[Shortlist, Catalogue, Mapping[str, Match], Lang], bytes]
WRITERS: dict[str, Writer] = {"csv": shortlist_csv, "xlsx": shortlist_xlsx, "pdf": shortlist_pdf}


def shortlist_file(
    shortlist: Shortlist,
    catalogue: Catalogue,
    matches: Mapping[str, Match],
    lang: Lang,
    fmt: ExportFormat,
) -> bytes:
    """The shortlist as a file in `fmt`: CSV, XLSX or the PDF brief (what a case exports)."""
    writer = WRITERS.get(fmt)
    if writer is None:
        raise UsageError(f"unknown export format '{fmt}'; csv, xlsx or pdf (未知导出格式)")
    return writer(shortlist, catalogue, matches, lang)


def matches_by_id(matches: Sequence[Match]) -> dict[str, Match]:
    return {m.park_id: m for m in matches}
