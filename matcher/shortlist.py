"""Shortlists staff build for an investor, and their exports: CSV, XLSX and a PDF brief
(`shortlist_file` picks the writer for a format).

A shortlist here is what leaves the office: it holds only the notes written for the investor
(`investor_note`). The staff's internal notes stay in the workspace and have no field here, so
no export can print them (and passing one is refused: the models forbid unknown fields).

Every export renders the same rows as the screen (matcher/views.py): the shown score, the fit
in words, headers in the reader's language. The workspace records which parks, data version
and file each export was (matcher/workspace); the file itself carries nothing a reader would
not understand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from matcher.catalogue import Catalogue
from matcher.errors import UsageError
from matcher.exports import csv_bytes, xlsx_bytes
from matcher.i18n import Lang, label, say, time_words
from matcher.models import Match, Requirement, Weights
from matcher.views import header, park_row, ranked_row, requirement_lines

COLUMNS = (
    "order",
    "park_id",
    "park_name_zh",
    "park_name_en",
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
    "investor_note",
    "source",
)
ExportFormat = Literal["csv", "xlsx", "pdf"]


class ShortlistItem(BaseModel):
    """One park on a shortlist, with the note on it written for the investor."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    park_id: str
    investor_note: str = ""


class Shortlist(BaseModel):
    """An ordered set of parks picked for one requirement."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    items: tuple[ShortlistItem, ...] = ()
    investor_note: str = ""  # the brief's covering note
    company: str = ""  # the investor the brief is for, when known
    requirement: Requirement | None = None
    data_version: str
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def park_ids(self) -> tuple[str, ...]:
        return tuple(item.park_id for item in self.items)


def shortlist_rows(
    shortlist: Shortlist, catalogue: Catalogue, matches: Mapping[str, Match], lang: Lang
) -> list[dict[str, object]]:
    """One row per shortlisted park, keyed by COLUMNS: the ranked row the screen shows (a
    park the ranking lacks has no score, fit or reasons) and the note for the investor."""
    rows = []
    for order, item in enumerate(shortlist.items, start=1):
        match = matches.get(item.park_id)
        if match is None:
            row = park_row(catalogue.park(item.park_id), catalogue, lang)
            row.update({"score": None, "fit": "", "reasons": ""})
        else:
            row = ranked_row(match, catalogue, lang)
        row.update({"order": order, "investor_note": item.investor_note})
        rows.append(row)
    return rows


def shortlist_frame(
    shortlist: Shortlist, catalogue: Catalogue, matches: Mapping[str, Match], lang: Lang
) -> pd.DataFrame:
    """The shortlist's rows keyed by column id (COLUMNS); numbers stay numbers."""
    rows = shortlist_rows(shortlist, catalogue, matches, lang)
    return pd.DataFrame([[row[c] for c in COLUMNS] for row in rows], columns=list(COLUMNS))


def requirement_frame(shortlist: Shortlist, catalogue: Catalogue, lang: Lang) -> pd.DataFrame:
    """The requirement behind the shortlist as field/value rows, as the brief words it, with
    the covering note for the investor, the parks and when it was exported (Beijing time)."""
    defaults = Weights(**catalogue.tuning.weights.model_dump())
    lines = [
        (field.in_(lang), words.in_(lang))
        for field, words in requirement_lines(
            shortlist.requirement or Requirement(), catalogue, defaults
        )
    ]
    if shortlist.investor_note:
        lines.append((header("investor_note", lang), shortlist.investor_note))
    lines.append((header("park_id", lang), ", ".join(shortlist.park_ids)))
    lines.append((label("exported_at", lang), time_words(shortlist.created_at).in_(lang)))
    return pd.DataFrame(lines, columns=[header("field", lang), header("value", lang)])


def shortlist_csv(
    shortlist: Shortlist, catalogue: Catalogue, matches: Mapping[str, Match], lang: Lang
) -> bytes:
    """UTF-8 CSV with BOM, headers in the chosen language."""
    frame = shortlist_frame(shortlist, catalogue, matches, lang)
    frame.columns = pd.Index([header(c, lang) for c in COLUMNS])
    return csv_bytes(frame)


def shortlist_xlsx(
    shortlist: Shortlist, catalogue: Catalogue, matches: Mapping[str, Match], lang: Lang
) -> bytes:
    """Two sheets in the chosen language: the parks, and the requirement behind them."""
    parks = shortlist_frame(shortlist, catalogue, matches, lang)
    about = requirement_frame(shortlist, catalogue, lang)
    sheet_parks, sheet_about = label("sheet_shortlist", lang), label("sheet_requirement", lang)
    return xlsx_bytes(
        {sheet_parks: parks, sheet_about: about},
        headers={sheet_parks: [header(c, lang) for c in COLUMNS]},
    )


def shortlist_pdf(
    shortlist: Shortlist, catalogue: Catalogue, matches: Mapping[str, Match], lang: Lang
) -> bytes:
    """The printable brief (matcher/brief.py): what `matcher brief` writes, byte for byte."""
    from matcher.brief import brief_bytes

    return brief_bytes(shortlist, catalogue, matches, lang)


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
        raise UsageError(say("unknown_export_format", format=str(fmt)[:20]))
    return writer(shortlist, catalogue, matches, lang)


def matches_by_id(matches: Sequence[Match]) -> dict[str, Match]:
    return {m.park_id: m for m in matches}
