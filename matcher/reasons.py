"""Why a park ranks where it does: each reason chosen here, worded in the message catalogue.

A builder takes what a comparison decided and the names involved (each a `Text` pair, so
every language is filled with its own words) and returns the `Text` a reader sees.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from matcher.availability import (
    AvailabilityRecord,
    AvailabilityStatus,
    day_words,
    figure_words,
    provenance_words,
)
from matcher.i18n import Text, both, joined, same, say
from matcher.text import area_words as area
from matcher.text import has_cjk
from matcher.tuning import AreaLevel, LocationLevel

if TYPE_CHECKING:
    from matcher.models import Park, Sector

Figure = str  # "above_ground", "building" or "total": the park's figure a need is compared with


def quoted(text: str) -> Text:
    """The user's own words, exactly as given, in both languages."""
    return same(text)


def sector_name(sector: Sector) -> Text:
    """A taxonomy sector's name in both languages."""
    return both(sector.name_zh, sector.name_en)


def town_text(park: Park) -> Text:
    """温泉镇 / Wenquan Town: the park's town as each language names it ("unknown" where no
    town is published), the one spelling every output uses."""
    if park.town is None or park.town_en is None:
        return say("unknown")
    return both(park.town, park.town_en)


def park_named(park_id: str, name_zh: str, name_en: str) -> Text:
    """P05 集成电路设计园二期 / P05 IC Design Park Phase II."""
    return say("park_named", park_id=park_id, name=both(name_zh, name_en))


# -- sector -------------------------------------------------------------------------------------


def sector_same(query: str, sector: Text, park_term: str, level: str) -> Text:
    return say(
        "reason_sector_same",
        query=query,
        sector=sector,
        park_term=park_term,
        level=say(f"sector_level_{level}"),
    )


def sector_related(
    query: str, sector: Text, park_sector: Text, park_term: str, relation: str
) -> Text:
    return say(
        "reason_sector_related",
        query=query,
        sector=sector,
        park_sector=park_sector,
        park_term=park_term,
        relation=say(f"relation_{relation}"),
    )


def sector_missing(query: str, sector: Text) -> Text:
    return say("reason_sector_missing", query=query, sector=sector)


def no_park_lists(text: str) -> Text:
    return say("reason_no_park_lists", text=text)


def sector_unrecognised(text: str, examples: Text) -> Text:
    """`text`: only the words nothing placed (Understanding.unplaced_sector_words), never the
    area or places written beside them; `examples`: sector_examples, the advice."""
    return say("reason_sector_unrecognised", text=text, examples=examples)


def sector_not_named(examples: Text) -> Text:
    """The sector field held only an area, a place or asking words."""
    return say("reason_sector_not_named", examples=examples)


SECTOR_EXAMPLES = 3


def sector_examples(
    parks: Sequence[Park], sectors: Mapping[str, Sector], n: int = SECTOR_EXAMPLES
) -> Text:
    """The `n` sectors most parks list as a main line (ties in taxonomy order), named in each
    language: words an investor can use that surely find parks, taken from the data so they
    stay true when the catalogue changes."""
    order = {sid: i for i, sid in enumerate(sectors)}
    count = Counter(t.sector_id for p in parks for t in p.sectors if t.level == "primary")
    ranked = sorted(
        (sid for sid in count if sid in sectors), key=lambda sid: (-count[sid], order[sid])
    )
    return joined(say("quoted_example", term=sector_name(sectors[sid])) for sid in ranked[:n])


# -- industry chains (产业链招商): a product or technology read as part of a chain ---------------


def chain_words(query: str, term: Text) -> Text:
    """The user's own words, with the term in the reader's language beside them where the
    user wrote in the other language."""
    cjk = has_cjk(query)
    zh = query if cjk or query.casefold() == term.zh.casefold() else None
    return Text(
        zh if zh is not None else say("gloss", text=query, gloss=term.zh).zh,
        say("gloss", text=query, gloss=term.en).en if cjk else query,
    )


def chain_place(chain: Text, segment: Text, also: Text | None) -> Text:
    place = say("chain_place", chain=chain, segment=segment)
    if also is None:
        return place
    return say("chain_place_also", place=place, also=also)


def chain_same(
    query: str,
    term: Text,
    chain: Text,
    segment: Text,
    also: Text | None,
    park_term: str,
    level: str,
) -> Text:
    """“光刻胶”→集成电路产业链·上游材料；园区定位含“集成电路”. `also` names the sector a
    secondary hit stands for (手术机器人 → 医疗器械 chain, also serving 具身智能)."""
    return say(
        "reason_chain_same",
        query=chain_words(query, term),
        place=chain_place(chain, segment, also),
        park_term=park_term,
        level=say(f"sector_level_{level}"),
    )


def chain_related(
    query: str,
    term: Text,
    chain: Text,
    segment: Text,
    also: Text | None,
    park_sector: Text,
    park_term: str,
    relation: str,
) -> Text:
    """“光刻胶”→集成电路产业链·上游材料，与园区的新材料（“新材料”）相关."""
    return say(
        "reason_chain_related",
        query=chain_words(query, term),
        place=chain_place(chain, segment, also),
        park_sector=park_sector,
        park_term=park_term,
        relation=say(f"relation_{relation}"),
    )


def chain_secondary_only(
    query: str, term: Text, chain: Text, also: Text, park_term: str, level: str
) -> Text:
    """“光模块” belongs to the optoelectronics chain (not listed), also serves 5G, which the
    park lists: one statement, not a mismatch beside a match."""
    return say(
        "reason_chain_secondary_only",
        query=chain_words(query, term),
        chain=chain,
        also=also,
        park_term=park_term,
        level=say(f"sector_level_{level}"),
    )


def chain_missing(query: str, term: Text, chain: Text) -> Text:
    return say("reason_chain_missing", query=chain_words(query, term), chain=chain)


# -- area ---------------------------------------------------------------------------------------


def area_reason(
    level: AreaLevel,
    *,
    need_min: float,
    need_max: float,
    usable: float,
    above: float | None,
    total: float,
    figure: Figure,
) -> Text:
    """The one sentence for an area level; nan means the bound was not given."""
    named = say(f"figure_{figure}")
    if level is AreaLevel.ENOUGH:
        return say("reason_area_enough", need=area(need_min), figure=named, have=area(usable))
    if level is AreaLevel.MAX_ONLY_ROOMY:
        return say("reason_area_below_max", need=area(need_max), figure=named, have=area(usable))
    if level in (AreaLevel.SHORT_OF_MAX, AreaLevel.MAX_ONLY_SMALLER):
        return say("reason_area_short_of_max", need=area(need_max), figure=named, have=area(usable))
    if level is AreaLevel.UNDERGROUND_ONLY:
        return say(
            "reason_area_underground_only",
            need=area(need_min),
            above=area(above or total),
            total=area(total),
        )
    return say(
        "reason_area_too_small",
        need=area(need_min),
        figure=say("figure_total" if above else "figure_building"),
        total=area(total),
    )


def availability_reason(
    level: AreaLevel,
    *,
    record: AvailabilityRecord,
    need: float,
    needed: date | None,
    as_of: date | None,
    total: float,
    figure: Figure,
) -> Text:
    """The one sentence for an area level decided on a park's current availability figure:
    which figure, from when, its source and the date it was recorded or last confirmed."""
    source = provenance_words(record, who=False)
    have = area(record.area_m2)
    start = record.available_from
    if level is AreaLevel.AVAILABLE_NOW:
        if start is not None and as_of is not None and start > as_of and needed is not None:
            return say(
                "reason_available_in_time",
                need=area(need),
                have=have,
                start=day_words(start),
                needed=day_words(needed),
                source=source,
            )
        return say("reason_available_now", need=area(need), have=have, source=source)
    if level is AreaLevel.AVAILABLE_FROM:
        assert start is not None  # a figure without a start is available now
        if needed is not None:
            return say(
                "reason_available_too_late",
                need=area(need),
                have=have,
                start=day_words(start),
                needed=day_words(needed),
                source=source,
            )
        return say(
            "reason_available_from",
            need=area(need),
            have=have,
            start=day_words(start),
            source=source,
        )
    if level is AreaLevel.UNDER_NEGOTIATION:
        return say("reason_available_negotiating", need=area(need), have=have, source=source)
    if level is AreaLevel.UNDERGROUND_AVAILABLE:
        return say(
            "reason_available_underground",
            need=area(need),
            have=have,
            under=area(record.underground_m2 or 0.0),
            source=source,
        )
    if record.status is AvailabilityStatus.FULL:
        return say(
            "reason_available_full",
            need=area(need),
            figure=say(f"figure_{figure}"),
            total=area(total),
            source=source,
        )
    return say(
        "reason_not_enough_available",
        need=area(need),
        have=have,
        figure=say(f"figure_{figure}"),
        total=area(total),
        source=source,
    )


def availability_unconfirmed(stale: AvailabilityRecord | None, days: int) -> Text:
    """A park with no current figure: compared with its totals; a stale figure is named."""
    if stale is None:
        return say("reason_availability_unconfirmed")
    return say(
        "reason_availability_stale",
        figure=figure_words(stale),
        source=provenance_words(stale, who=False),
        days=days,
    )


def area_expansion(expansion_m2: float) -> Text:
    return say("reason_area_expansion", area=area(expansion_m2))


def area_from_sector_text(words: str) -> Text:
    return say("reason_area_from_text", words=words)


# -- location -----------------------------------------------------------------------------------


def location_reason(
    level: LocationLevel, *, place: Text, town: Text, where: Text, zone: Text
) -> Text:
    """The one sentence for a location level: `place` asked for, the park's `town`, `where`
    the park is and its `zone`."""
    if level is LocationLevel.AT_PLACE:
        return say("reason_location_at", place=place)
    if level is LocationLevel.SAME_TOWN:
        return say("reason_location_same_town", place=place, town=town)
    if level is LocationLevel.SAME_ZONE:
        return say("reason_location_same_zone", place=place, zone=zone)
    return say("reason_location_elsewhere", wanted=place, where=where)


def location_unrecognised(text: str) -> Text:
    return say("reason_location_unrecognised", text=text)


def location_from_sector_text(place: Text, must: bool = False) -> Text:
    """Where the place came from: the sector text, preferred unless it says it is a must."""
    return say(
        "reason_location_from_text_must" if must else "reason_location_from_text", place=place
    )


def location_instead_of(place: Text, unwanted: str) -> Text:
    """A zone preferred because the text does not want the district's other one."""
    return say("reason_location_instead_of", place=place, unwanted=unwanted)


def location_field_wins(words: Text, field: str) -> Text:
    """The sector text names a place too, but the location field was filled: it decides."""
    return say("reason_location_field_wins", words=words, field=field)


# -- hints: what would change the ranking -------------------------------------------------------


def hint_less_area(cut_percent: int, room_m2: float, park: Text) -> Text:
    return say("hint_less_area", cut=cut_percent, room=area(room_m2), park=park)


def hint_without(what: str, park: Text) -> Text:
    """What would rank first without the location preference (`what` "location") or the area
    requirement ("area")."""
    return say(f"hint_without_{what}", park=park)


def hint_without_hard_constraints(more: int) -> Text:
    return say("hint_without_hard_constraints", more=more)
