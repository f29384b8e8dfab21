"""One park row and one ranking row, many renderers: what every output shows, defined once.

A park becomes a row of fields keyed by column id (`park_row`); a ranked park adds its
ranking fields (`ranked_row`: the shown score, the fit in words, each comparison's value,
the reasons). The app's grid and cards, the ranking download, the shortlist's CSV and Excel,
the PDF brief and the command line all render these rows, and every column's header is the
catalogue's message "column_<id>", so a column reads the same wherever it appears; the
lead-list results (matcher/batch.py) use the same headers, shown score and fit words.

Published names and positioning stay exactly as published (Chinese) with the English
rendering beside them; everything else is in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from matcher.catalogue import Catalogue, seeds_dir_for
from matcher.display import shown_score
from matcher.i18n import Lang, Text, both, date_words, joined, label, same, say
from matcher.models import Fit, Match, Park, Requirement, TermMatch, Weights
from matcher.provenance import (
    PARK_LIST_DATE,
    PARK_LIST_OUTLET,
    PARK_LIST_SECTION,
    PARK_LIST_SECTION_EN,
    PARK_LIST_SEED,
    PARK_LIST_TITLE,
    PARK_LIST_TITLE_EN,
    PublishedPark,
    published_parks,
)
from matcher.reasons import sector_name, town_text
from matcher.text import area_words as text_area

if TYPE_CHECKING:
    import pandas as pd

    from matcher.availability import Availability

# A park's fields, in the order tables show them.
PARK_COLUMNS = (
    "park_id",
    "park_name_zh",
    "park_name_en",
    "town",
    "zone",
    "total_area",
    "above_ground_area",
    "expansion_area",
    "sectors",
    "address",
    "location_zh",
    "location_en",
    "positioning_zh",
    "positioning_en",
    "notes",
    "source",
)
# A ranked park's own fields, added to its park's.
RANKING_FIELDS = (
    "rank",
    "score",
    "fit",
    "sector_score",
    "area_score",
    "location_score",
    "reasons",
)
# The ranking as people download it (the app's "download ranking", `matcher rank`).
RANKING_COLUMNS = (
    "rank",
    "park_id",
    "park_name_zh",
    "park_name_en",
    "score",
    "fit",
    "sector_score",
    "area_score",
    "location_score",
    "town",
    "above_ground_area",
    "total_area",
    "reasons",
)
# The ranking on screen: what fits a 1280 px grid (the cards and details say the rest).
GRID_COLUMNS = (
    "park_id",
    "park_name_zh",
    "score",
    "fit",
    "town",
    "above_ground_area",
    "total_area",
)

Row = dict[str, object]


def header(column: str, lang: Lang) -> str:
    """A column's header in the reader's language, the same in every table and file."""
    return label(f"column_{column}", lang)


def sector_names(park: Park, catalogue: Catalogue, lang: Lang) -> str:
    """The park's sectors in the reader's language, in published order."""
    return joined(sector_name(catalogue.sector(tag.sector_id)) for tag in park.sectors).in_(lang)


def town_name(park: Park, lang: Lang) -> str:
    """温泉镇 / Wenquan Town; "unknown" in the reader's language where no town is published."""
    return town_text(park).in_(lang)


def source_words(catalogue: Catalogue | None = None) -> Text:
    """Where the parks come from, as a reader would cite it: the outlet, the article, the
    year and the section of the 2025 announcement (seeds/); for a catalogue holding a list
    published since, that list by the day it was published (matcher.park_lists)."""
    if catalogue is not None and catalogue.park_list.number > 1:
        from matcher.park_lists import edition_words

        return edition_words(catalogue.park_list)
    return say(
        "source_announcement",
        outlet=both(*PARK_LIST_OUTLET),
        title=both(PARK_LIST_TITLE, PARK_LIST_TITLE_EN),
        date=both(*PARK_LIST_DATE),
        section=both(PARK_LIST_SECTION, PARK_LIST_SECTION_EN),
    )


def park_row(park: Park, catalogue: Catalogue, lang: Lang) -> Row:
    """One park as every table shows it, keyed by PARK_COLUMNS; areas stay numbers (None
    where the source publishes no figure, never 0)."""
    return {
        "park_id": park.park_id,
        "park_name_zh": park.name_zh,
        "park_name_en": park.name_en,
        "town": town_name(park, lang),
        "zone": label(f"zone_{park.zone.value}", lang),
        "total_area": park.total_area_m2,
        "above_ground_area": park.above_ground_area_m2,
        "expansion_area": park.expansion_area_m2,
        "sectors": sector_names(park, catalogue, lang),
        "address": park.location_zh if lang == "zh" else park.location_en,
        "location_zh": park.location_zh,
        "location_en": park.location_en,
        "positioning_zh": park.positioning_zh,
        "positioning_en": park.positioning_en,
        "notes": park.notes_zh if lang == "zh" else park.notes,
        "source": source_words(catalogue).in_(lang),
    }


# What the office records of a park's space available (matcher.availability), beside its fields.
AVAILABILITY_COLUMNS = ("availability", "availability_checked", "availability_source")


def availability_row(park: Park, availability: Availability, lang: Lang) -> Row:
    """A park's current availability figure in words, the day it was recorded or last
    confirmed (Beijing time) and its source, keyed by AVAILABILITY_COLUMNS; a stale figure
    says so, and a park without one says it is compared with its published totals."""
    from matcher.availability import figure_words

    record = availability.records.get(park.park_id)
    if record is None:
        return {
            "availability": label("availability_not_recorded", lang),
            "availability_checked": "",
            "availability_source": "",
        }
    figure = figure_words(record)
    if park.park_id in availability.stale:
        figure = say("availability_stale", figure=figure)
    return {
        "availability": figure.in_(lang),
        "availability_checked": date_words(record.checked_at).in_(lang),
        "availability_source": say(f"availability_source_{record.source.value}").in_(lang),
    }


def fit_words(fit: Fit, *, feasible: bool = True, excluded: bool = False) -> Text:
    """强 / strong, 无 · 面积不足 / none · cannot fit: the fit label as every output words it,
    with why a park is out of the running where it is."""
    words = say(f"fit_{fit.value}")
    if excluded:
        return joined([words, say("excluded")], "middle_dot")
    if not feasible:
        return joined([words, say("cannot_fit")], "middle_dot")
    return words


def match_fit_words(match: Match) -> Text:
    return fit_words(match.fit, feasible=match.feasible, excluded=match.excluded)


def ranked_row(match: Match, catalogue: Catalogue, lang: Lang) -> Row:
    """A ranked park: its park's fields and its ranking's (the shown score, never the
    ordering total; the fit in words; the reasons in the reader's language)."""
    row = park_row(catalogue.park(match.park_id), catalogue, lang)
    row.update(
        {
            "rank": match.rank,
            "score": shown_score(match, catalogue.tuning.shown),
            "fit": match_fit_words(match).in_(lang),
            "sector_score": match.sector.score,
            "area_score": match.area.score,
            "location_score": match.location.score,
            "reasons": match.reason(lang),
        }
    )
    return row


def ranked_rows(matches: Iterable[Match], catalogue: Catalogue, lang: Lang) -> list[Row]:
    return [ranked_row(m, catalogue, lang) for m in matches]


def table(rows: Sequence[Mapping[str, object]], columns: Sequence[str], lang: Lang) -> pd.DataFrame:
    """The rows' chosen columns under their headers in the reader's language."""
    import pandas as pd

    return pd.DataFrame(
        [[row[c] for c in columns] for row in rows], columns=[header(c, lang) for c in columns]
    )


def ranking_frame(matches: Sequence[Match], catalogue: Catalogue, lang: Lang) -> pd.DataFrame:
    """A ranking as people download it (RANKING_COLUMNS)."""
    return table(ranked_rows(matches, catalogue, lang), RANKING_COLUMNS, lang)


def term_in_words(term: TermMatch, catalogue: Catalogue, lang: Lang) -> str:
    """集成电路设计 → 集成电路，园区定位含“集成电路”: a matched term as a sentence."""
    asked = catalogue.sector(term.query_sector)
    if term.relation == "same":
        return label(
            "matched_term_same",
            lang,
            query=term.query_term,
            sector=sector_name(asked),
            park_term=term.park_term,
        )
    return label(
        "matched_term_related",
        lang,
        query=term.query_term,
        sector=sector_name(asked),
        relation=say(f"relation_words_{term.relation}"),
        park_sector=sector_name(catalogue.sector(term.park_sector)),
        park_term=term.park_term,
    )


def area_words(low: float | None, high: float | None) -> Text | None:
    """'至少 5000㎡', '3000㎡至5000㎡', 'at most 8,000 m²' …; None when no area is asked."""
    if low and high is not None:
        return say("area_between", low=text_area(low), high=text_area(high))
    if low:
        return say("area_at_least", area=text_area(low))
    if high is not None:
        return say("area_at_most", area=text_area(high))
    return None


def _percent(weights: Weights) -> tuple[int, int, int]:
    total = weights.sector + weights.area + weights.location
    sector, area, location = (
        round(100 * w / total) for w in (weights.sector, weights.area, weights.location)
    )
    return sector, area, location


def weights_words(weights: Weights | None, default: Weights) -> Text | None:
    """None for the default weights; else the weights in words beside the default ones."""
    if weights is None or _percent(weights) == _percent(default):
        return None
    mine, usual = _percent(weights), _percent(default)
    shares = [
        say("weight_share", name=say(name), percent=p)
        for name, p in zip(("sector", "area", "location"), mine, strict=True)
    ]
    return say(
        "weights_changed",
        shares=joined(shares),
        defaults=joined(say("percent", percent=p) for p in usual),
    )


def requirement_lines(
    requirement: Requirement,
    catalogue: Catalogue,
    default_weights: Weights,
    place_known: bool | None = None,
) -> list[tuple[Text, Text]]:
    """What was asked, as (field, words) pairs: only what was asked, no True/False, the
    weights only when changed. The brief, the shortlist's requirement sheet and the case page
    all show these lines."""
    lines: list[tuple[Text, Text]] = []
    if requirement.sector_text:
        lines.append((say("brief_sector"), same(requirement.sector_text)))
    elif requirement.sector_ids:
        names = joined(sector_name(catalogue.sector(s)) for s in requirement.sector_ids)
        lines.append((say("brief_sector"), names))
    area = area_words(requirement.min_area_m2, requirement.max_area_m2)
    if area is not None:
        if requirement.area_is_hard:
            area = say("required_note", words=area)
        lines.append((say("brief_area"), area))
    if requirement.needed_by is not None:
        from matcher.availability import day_words

        lines.append((say("needed_by"), day_words(requirement.needed_by)))
    if requirement.preferred_location or requirement.place_ids:
        places = [same(requirement.preferred_location)] if requirement.preferred_location else []
        known = {p.place_id: p for p in catalogue.places}
        places += [
            both(known[i].name_zh, known[i].name_en) for i in requirement.place_ids if i in known
        ]
        where = joined(places)
        if place_known is False:
            where = say("unrecognised_note", words=where)
        elif requirement.location_is_hard:
            where = say("required_note", words=where)
        lines.append((say("location"), where))
    weights = weights_words(requirement.weights, default_weights)
    if weights is not None:
        lines.append((say("weights"), weights))
    return lines


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
    if zones:
        # A zone is what places.csv (after the seeds) says it is: its parks, whatever words
        # their addresses hold ("North end of Xueyuan Road" is in the south zone), so "北部"
        # and "north" find the same parks; a sector named beside it narrows them.
        return [
            park
            for park in catalogue.parks
            if park.zone in zones and (not sectors or sectors & set(park.sector_ids()))
        ]
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


def published_entry(park_id: str, catalogue: Catalogue) -> PublishedPark | None:
    """The park's entry exactly as the announcement in seeds/ publishes it (None if the
    seed cannot be read), so a reader can check the source behind every fact."""
    path = seeds_dir_for(catalogue.data_dir) / PARK_LIST_SEED
    try:
        entries = published_parks(path.read_text(encoding="utf-8"))
    except OSError:
        return None
    return next((e for e in entries if e.park_id == park_id), None)
