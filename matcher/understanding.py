"""Reading a requirement once: which sectors and places it names, before any park is compared."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matcher.location import Gazetteer, PlaceHit
from matcher.taxonomy import SectorHit, Taxonomy

# In Chinese and English noun phrases the last noun is the head: "AI芯片" and "AI chips" are
# chips. When a query names several sectors, the last one named counts this many times.
HEAD_WEIGHT = 2.0


@dataclass(frozen=True)
class Understanding:
    """What was recognised in a requirement, shared by every park comparison."""

    sector_text: str
    sector_hits: tuple[SectorHit, ...]
    sector_weights: tuple[float, ...]  # aligned with sector_hits
    location_text: str
    place_hits: tuple[PlaceHit, ...]
    places_from_sector_text: bool

    @property
    def asks_sector(self) -> bool:
        return bool(self.sector_text.strip() or self.sector_hits)

    @property
    def unrecognised_location(self) -> bool:
        return bool(self.location_text.strip()) and not self.place_hits


def understand(
    taxonomy: Taxonomy,
    gazetteer: Gazetteer,
    sector_text: str,
    sector_ids: Sequence[str] = (),
    location_text: str = "",
) -> Understanding:
    """Sectors (text and picked ids) and places; places in the sector text count if no location."""
    hits = list(taxonomy.find_sectors(sector_text))
    unknown = [sid for sid in sector_ids if sid not in taxonomy.sectors]
    if unknown:
        raise ValueError(f"unknown sector id(s): {', '.join(unknown)} (see data/sectors.csv)")
    for sector_id in sector_ids:
        name = taxonomy.sectors[sector_id].name_zh
        hits.append(SectorHit(sector_id, name, name, 1.0, "selected"))
    best: dict[str, SectorHit] = {}
    for hit in hits:
        if hit.sector_id not in best or hit.confidence > best[hit.sector_id].confidence:
            best[hit.sector_id] = hit
    unique = tuple(best.values())
    head = max(unique, key=lambda h: h.start) if len(unique) > 1 else None
    weights = tuple(HEAD_WEIGHT if hit is head else 1.0 for hit in unique)
    location = location_text.strip()
    if location:
        places, from_text = gazetteer.find(location), False
    else:
        places = gazetteer.find(sector_text, zones=False, fuzzy=False)
        from_text = bool(places)
    return Understanding(
        sector_text=sector_text.strip(),
        sector_hits=unique,
        sector_weights=weights,
        location_text=location,
        place_hits=tuple(places),
        places_from_sector_text=from_text,
    )
