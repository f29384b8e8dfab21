"""What people read of parks and matches, in their language: one home for every table row.

Published names and positioning stay exactly as published (Chinese) with the English
rendering beside them; everything else (towns, zones, sectors, notes, matched terms) is
shown in the reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from matcher.catalogue import Catalogue, seeds_dir_for
from matcher.display import shown_score
from matcher.i18n import Lang, label, zone_name
from matcher.models import Match, Park, Sector, TermMatch
from matcher.provenance import PARK_LIST_SEED, PublishedPark, published_parks

# The fields of a park's row, in the order tables show them; each is also its label key.
PARK_FIELDS = (
    "park_id",
    "name",
    "name_en",
    "town",
    "zone",
    "total_area",
    "above_ground_area",
    "expansion_area",
    "sectors",
    "address",
    "positioning_zh",
    "positioning_en",
    "notes",
)


def sector_name(sector: Sector, lang: Lang) -> str:
    return sector.name_zh if lang == "zh" else sector.name_en


def sector_names(park: Park, catalogue: Catalogue, lang: Lang) -> str:
    """The park's sectors in the reader's language, in published order."""
    names = [sector_name(catalogue.sector(tag.sector_id), lang) for tag in park.sectors]
    return "、".join(names) if lang == "zh" else ", ".join(names)


def town_name(park: Park, lang: Lang) -> str:
    """温泉镇 / Wenquan Town; "unknown" in the reader's language where no town is published."""
    town = park.town if lang == "zh" else park.town_en
    return town or label("unknown", lang)


def park_note(park: Park, lang: Lang) -> str:
    return park.notes_zh if lang == "zh" else park.notes


def park_row(park: Park, catalogue: Catalogue, lang: Lang) -> dict[str, object]:
    """One park as every table shows it, keyed by PARK_FIELDS; areas stay numbers (None where
    the source publishes no figure, never 0)."""
    return {
        "park_id": park.park_id,
        "name": park.name_zh,
        "name_en": park.name_en,
        "town": town_name(park, lang),
        "zone": zone_name(park.zone, lang),
        "total_area": park.total_area_m2,
        "above_ground_area": park.above_ground_area_m2,
        "expansion_area": park.expansion_area_m2,
        "sectors": sector_names(park, catalogue, lang),
        "address": park.location_zh if lang == "zh" else park.location_en,
        "positioning_zh": park.positioning_zh,
        "positioning_en": park.positioning_en,
        "notes": park_note(park, lang),
    }


def labelled(row: dict[str, object], fields: tuple[str, ...], lang: Lang) -> dict[str, object]:
    """The chosen fields of a row under their labels in the reader's language."""
    return {label(field, lang): row[field] for field in fields}


RELATION_WORDS = {
    "same": ("即", "is"),
    "is_a": ("上下位相关", "broader or narrower than"),
    "related": ("相关", "related to"),
    "via": ("间接相关", "indirectly related to"),
}


def term_in_words(term: TermMatch, catalogue: Catalogue, lang: Lang) -> str:
    """集成电路设计 → 集成电路，园区定位含“集成电路”: a matched term as a sentence."""
    asked = sector_name(catalogue.sector(term.query_sector), lang)
    listed = sector_name(catalogue.sector(term.park_sector), lang)
    if lang == "zh":
        link = "" if term.relation == "same" else f"，与{listed}{RELATION_WORDS[term.relation][0]}"
        return f"{term.query_term} → {asked}{link}；园区定位含“{term.park_term}”"
    link = "" if term.relation == "same" else f", {RELATION_WORDS[term.relation][1]} {listed}"
    return f"{term.query_term} → {asked}{link}; the park's positioning names “{term.park_term}”"


def find_parks(text: str, catalogue: Catalogue, sectors: set[str], places: set[str]) -> list[Park]:
    """Parks a catalogue search finds: the words in any published or English field, or a
    sector or place recognised in the text (ids given by the caller's taxonomy/gazetteer), so
    "chip", "biomedicine" and "Wenquan" find what 芯片, 生物医药 and 温泉 find."""
    words = text.strip().casefold()
    if not words:
        return list(catalogue.parks)
    named = [p for p in catalogue.places if p.place_id in places]
    zones = {p.zone for p in named if p.kind == "zone"}
    towns = {p.town for p in named if p.kind != "zone" and p.town}
    found = []
    for park in catalogue.parks:
        haystack = " ".join(
            [
                park.park_id,
                park.name_zh,
                park.name_en,
                park.location_zh,
                park.location_en,
                park.positioning_zh,
                park.positioning_en,
                park.town or "",
                park.town_en or "",
                sector_names(park, catalogue, "zh"),
                sector_names(park, catalogue, "en"),
            ]
        ).casefold()
        at_place = park.zone in zones or (park.town is not None and park.town in towns)
        if words in haystack or sectors & set(park.sector_ids()) or at_place:
            found.append(park)
    return found


def ranking_frame(matches: Sequence[Match], catalogue: Catalogue, lang: Lang) -> pd.DataFrame:
    """A ranking as people download it: labelled in their language, the shown score and the
    fit in words, each component's value, the park's facts and the reasons."""
    rows = []
    for m in matches:
        row = park_row(catalogue.park(m.park_id), catalogue, lang)
        rows.append(
            {
                label("rank", lang): m.rank,
                label("park_id", lang): m.park_id,
                label("name", lang): row["name"],
                label("name_en", lang): row["name_en"],
                label("score", lang): shown_score(m),
                label("fit", lang): label(f"fit_{m.fit.value}", lang),
                **{label(c.name, lang): c.score for c in m.components},
                label("town", lang): row["town"],
                label("above_ground_area", lang): row["above_ground_area"],
                label("total_area", lang): row["total_area"],
                label("reasons", lang): m.reason(lang),
            }
        )
    return pd.DataFrame(rows)


def published_entry(park_id: str, catalogue: Catalogue) -> PublishedPark | None:
    """The park's entry exactly as the announcement in seeds/ publishes it (None if the
    seed cannot be read), so a reader can check the source behind every fact."""
    path = seeds_dir_for(catalogue.data_dir) / PARK_LIST_SEED
    try:
        entries = published_parks(path.read_text(encoding="utf-8"))
    except OSError:
        return None
    return next((e for e in entries if e.park_id == park_id), None)
