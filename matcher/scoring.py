"""Ranking parks against a requirement: three named comparisons, a tiered total, and reasons.

Sector comes first ("先定产业后供空间"): scores live in bands, so a park with a sector fit
always outranks one without, and a park that can hold the floor area always outranks one
that cannot, whatever the weights. Within a band the weighted components decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from matcher import messages as msg
from matcher.catalogue import Catalogue, default_catalogue
from matcher.location import Gazetteer, PlaceHit, nearness, zone_name
from matcher.messages import Reason
from matcher.models import (
    Component,
    Fit,
    Match,
    Park,
    Requirement,
    SectorLevel,
    TermMatch,
)
from matcher.taxonomy import SectorHit, Taxonomy

LEVEL_WEIGHT = {SectorLevel.PRIMARY: 1.0, SectorLevel.SECONDARY: 0.6, SectorLevel.NAME: 0.5}
# Each extra sector group a park lists dilutes its focus on any one of them.
BREADTH_STEP = 0.1

# Score bands (floor, width), best first: (area feasible, sector fit).
BANDS: dict[tuple[bool, bool], tuple[float, float]] = {
    (True, True): (40.0, 60.0),
    (True, False): (20.0, 19.9),
    (False, True): (10.0, 9.9),
    (False, False): (0.0, 9.9),
}

STRONG_SECTOR = 0.7
PARTIAL_SECTOR = 0.4
UNDERGROUND_ONLY = 0.5  # fits only if underground floor area is counted
SHORT_OF_MAX = 0.9  # meets the minimum but not the maximum asked for
PARTIAL_BELOW_MAX = 0.8  # only a maximum was given and the park is smaller than it


@dataclass(frozen=True)
class Outcome:
    """The result of one comparison for one park, before weighting."""

    score: float | None
    reasons: tuple[Reason, ...] = ()
    terms: tuple[TermMatch, ...] = ()
    feasible: bool = True
    figure: Literal["above_ground", "building", "none"] = "none"


@dataclass(frozen=True)
class Understanding:
    """What the ranker recognised in a requirement, shared by all parks."""

    sector_hits: tuple[SectorHit, ...]
    place_hits: tuple[PlaceHit, ...]
    places_from_sector_text: bool
    unrecognised_location: bool


@dataclass
class Ranker:
    """Ranks the catalogue's parks; build once per catalogue, call `rank` per requirement."""

    catalogue: Catalogue
    taxonomy: Taxonomy = field(init=False)
    gazetteer: Gazetteer = field(init=False)
    _park_terms: dict[str, dict[str, str]] = field(init=False)
    _breadth: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        self.taxonomy = Taxonomy(self.catalogue.sectors, self.catalogue.relations)
        self.gazetteer = Gazetteer(self.catalogue.places)
        self._park_terms = {p.park_id: self._terms_for(p) for p in self.catalogue.parks}
        self._breadth = {p.park_id: self._breadth_for(p) for p in self.catalogue.parks}

    def _terms_for(self, park: Park) -> dict[str, str]:
        in_positioning = self.taxonomy.sectors_in(park.positioning_zh)
        in_name = self.taxonomy.sectors_in(park.name_zh)
        terms = {}
        for tag in park.sectors:
            source = in_name if tag.level == SectorLevel.NAME else in_positioning
            terms[tag.sector_id] = source.get(tag.sector_id, self.taxonomy.sectors[tag.sector_id].name_zh)
        return terms

    def _breadth_for(self, park: Park) -> float:
        groups = {
            self.taxonomy.sectors[s].group for s in park.sector_ids(SectorLevel.PRIMARY)
        }
        return 1.0 / (1.0 + BREADTH_STEP * max(len(groups) - 1, 0))

    # -- understanding the requirement ----------------------------------------------------------

    def understand(self, requirement: Requirement) -> Understanding:
        """Recognise sectors and places once, before comparing with each park."""
        hits = list(self.taxonomy.find_sectors(requirement.sector_text))
        for sector_id in requirement.sector_ids:
            if sector_id in self.taxonomy.sectors:
                name = self.taxonomy.sectors[sector_id].name_zh
                hits.append(SectorHit(sector_id, name, name, 1.0, "selected"))
        best: dict[str, SectorHit] = {}
        for hit in hits:
            if hit.sector_id not in best or hit.confidence > best[hit.sector_id].confidence:
                best[hit.sector_id] = hit
        location = requirement.preferred_location.strip()
        from_text = False
        if location:
            places = self.gazetteer.find(location)
        else:
            places = self.gazetteer.find(requirement.sector_text, zones=False, fuzzy=False)
            from_text = bool(places)
        return Understanding(
            sector_hits=tuple(best.values()),
            place_hits=tuple(places),
            places_from_sector_text=from_text,
            unrecognised_location=bool(location) and not places,
        )

    # -- the three comparisons ----------------------------------------------------------------------

    def compare_sector(self, requirement: Requirement, seen: Understanding, park: Park) -> Outcome:
        """Mean over the query's sectors of the best credit any of the park's sectors gives."""
        if not requirement.asks_sector:
            return Outcome(None)
        if not seen.sector_hits:
            text = requirement.sector_text.strip()
            return Outcome(0.0, (msg.sector_unrecognised(text),))
        terms: list[TermMatch] = []
        reasons: list[Reason] = []
        total = 0.0
        park_terms = self._park_terms[park.park_id]
        for hit in seen.sector_hits:
            best: TermMatch | None = None
            best_level = SectorLevel.PRIMARY
            for tag in park.sectors:
                credit = self.taxonomy.credit(hit.sector_id, tag.sector_id)
                value = (
                    hit.confidence
                    * credit.value
                    * LEVEL_WEIGHT[tag.level]
                    * self._breadth[park.park_id]
                )
                if value > 0 and (best is None or value > best.credit):
                    best_level = tag.level
                    best = TermMatch(
                        query_term=hit.surface,
                        query_sector=hit.sector_id,
                        park_sector=tag.sector_id,
                        park_term=park_terms[tag.sector_id],
                        relation=credit.relation,
                        how=hit.how,
                        credit=round(value, 4),
                    )
            query_sector = self.taxonomy.sectors[hit.sector_id]
            if best is None:
                reasons.append(msg.sector_missing(hit.surface, query_sector.name_zh, query_sector.name_en))
                continue
            total += best.credit
            terms.append(best)
            if best.relation == "same":
                reasons.append(
                    msg.sector_same(
                        hit.surface, query_sector.name_zh, query_sector.name_en, best.park_term, best_level
                    )
                )
            else:
                park_sector = self.taxonomy.sectors[best.park_sector]
                reasons.append(
                    msg.sector_related(
                        hit.surface,
                        query_sector.name_zh,
                        query_sector.name_en,
                        park_sector.name_zh,
                        park_sector.name_en,
                        best.park_term,
                        best.relation,
                    )
                )
        return Outcome(total / len(seen.sector_hits), tuple(reasons), tuple(terms))

    @staticmethod
    def compare_area(requirement: Requirement, park: Park) -> Outcome:
        """Compare the minimum with above-ground space first, total floor area second."""
        if not requirement.asks_area:
            return Outcome(None)
        above, total = park.above_ground_area_m2, park.total_area_m2
        usable = above if above is not None else total
        figure: Literal["above_ground", "building"] = "above_ground" if above else "building"
        reasons: list[Reason] = [] if above is not None else [msg.above_ground_unknown()]
        need_min, need_max = requirement.min_area_m2, requirement.max_area_m2
        if need_min is None or need_min == 0:
            assert need_max is not None
            if usable >= need_max:
                return Outcome(1.0, (*reasons, msg.area_below_max(need_max, usable, figure)), figure=figure)
            return Outcome(
                PARTIAL_BELOW_MAX,
                (*reasons, msg.area_short_of_max(need_max, usable, figure)),
                figure=figure,
            )
        if need_min <= usable:
            if need_max is not None and usable < need_max:
                reasons.append(msg.area_short_of_max(need_max, usable, figure))
                return Outcome(SHORT_OF_MAX, tuple(reasons), figure=figure)
            reasons.append(msg.area_enough(need_min, usable, figure))
            return Outcome(1.0, tuple(reasons), figure=figure)
        if above is not None and need_min <= total:
            reasons.append(msg.area_underground_only(need_min, above, total))
            return Outcome(UNDERGROUND_ONLY, tuple(reasons), figure=figure)
        reasons.append(msg.area_too_small(need_min, total, "total" if above else "building"))
        if park.expansion_area_m2:
            reasons.append(msg.area_expansion(park.expansion_area_m2))
        return Outcome(0.0, tuple(reasons), feasible=False, figure=figure)

    @staticmethod
    def compare_location(requirement: Requirement, seen: Understanding, park: Park) -> Outcome:
        """The nearest of the places the requirement names: at, same town, same zone, elsewhere."""
        if seen.unrecognised_location:
            return Outcome(None, (msg.location_unrecognised(requirement.preferred_location),))
        if not seen.place_hits:
            return Outcome(None)
        best_hit = max(seen.place_hits, key=lambda h: nearness(h.place, park))
        place = best_hit.place
        score = nearness(place, park)
        reasons: list[Reason] = []
        if seen.places_from_sector_text:
            reasons.append(msg.location_from_sector_text(place.name_zh, place.name_en))
        if score == 1.0:
            reasons.append(msg.location_at(place.name_zh, place.name_en))
        elif score >= 0.7 and park.town:
            reasons.append(msg.location_same_town(place.name_zh, place.name_en, park.town))
        elif score > 0:
            reasons.append(
                msg.location_same_zone(
                    place.name_zh, place.name_en, zone_name(park.zone, "zh"), zone_name(park.zone, "en")
                )
            )
        else:
            where_zh = f"{park.town or park.location_zh}（{zone_name(park.zone, 'zh')}）"
            where_en = f"{park.location_en} ({zone_name(park.zone, 'en')})"
            reasons.append(msg.location_elsewhere(place.name_zh, place.name_en, where_zh, where_en))
        return Outcome(score, tuple(reasons))

    # -- putting it together ----------------------------------------------------------------------

    def rank(self, requirement: Requirement) -> list[Match]:
        """Every park as a Match, best first; ties broken by park_id."""
        seen = self.understand(requirement)
        drafts = [self._score_park(requirement, seen, park) for park in self.catalogue.parks]
        if requirement.asks_sector and seen.sector_hits and all(
            d.sector.score == 0 for d in drafts
        ):
            note = msg.no_park_lists(requirement.sector_text.strip() or "、".join(requirement.sector_ids))
            drafts = [
                d.model_copy(
                    update={"reasons_zh": (note.zh, *d.reasons_zh), "reasons_en": (note.en, *d.reasons_en)}
                )
                for d in drafts
            ]
        ordered = sorted(drafts, key=lambda m: (m.excluded, -m.score, m.park_id))
        return [m.model_copy(update={"rank": i}) for i, m in enumerate(ordered, start=1)]

    def _score_park(self, requirement: Requirement, seen: Understanding, park: Park) -> Match:
        sector = self.compare_sector(requirement, seen, park)
        area = self.compare_area(requirement, park)
        location = self.compare_location(requirement, seen, park)
        weights = requirement.weights
        raw = {"sector": weights.sector, "area": weights.area, "location": weights.location}
        outcomes = {"sector": sector, "area": area, "location": location}
        asked = {k: raw[k] for k, o in outcomes.items() if o.score is not None}
        weight_sum = sum(asked.values())
        shares = {k: (w / weight_sum if weight_sum > 0 else 1 / len(asked)) for k, w in asked.items()}

        sector_fit = sector.score is None or sector.score > 0
        floor, width = BANDS[(area.feasible, sector_fit)]
        points = {k: width * shares[k] * (outcomes[k].score or 0.0) for k in asked}
        excluded_reasons = []
        if requirement.area_is_hard and not area.feasible:
            excluded_reasons.append(msg.excluded_area())
        if requirement.location_is_hard and location.score == 0:
            excluded_reasons.append(msg.excluded_location())
        excluded = bool(excluded_reasons)
        if not asked:
            floor, points = 0.0, {}
        score = 0.0 if excluded else round(floor + sum(points.values()), 1)

        components = {
            name: Component(
                name=name,  # type: ignore[arg-type]
                score=None if o.score is None else round(o.score, 4),
                weight=round(shares.get(name, 0.0), 4),
                points=0.0 if excluded else round(points.get(name, 0.0), 2),
                reasons_zh=tuple(r.zh for r in o.reasons),
                reasons_en=tuple(r.en for r in o.reasons),
            )
            for name, o in outcomes.items()
        }
        all_reasons = list(excluded_reasons)
        for o in (sector, area, location):
            all_reasons.extend(o.reasons)
        if not asked:
            all_reasons.append(msg.nothing_asked())
        return Match(
            park_id=park.park_id,
            park_name_zh=park.name_zh,
            park_name_en=park.name_en,
            rank=1,
            score=score,
            fit=Fit.NONE if excluded or not asked else fit_label(sector, area, location),
            feasible=area.feasible,
            excluded=excluded,
            band_floor=0.0 if excluded else floor,
            sector=components["sector"],
            area=components["area"],
            location=components["location"],
            matched_terms=sector.terms,
            area_compared=area.figure,
            reasons_zh=tuple(r.zh for r in all_reasons),
            reasons_en=tuple(r.en for r in all_reasons),
        )


_ORDER = [Fit.NONE, Fit.WEAK, Fit.PARTIAL, Fit.STRONG]


def _at_most(fit: Fit, cap: Fit) -> Fit:
    return fit if _ORDER.index(fit) <= _ORDER.index(cap) else cap


def fit_label(sector: Outcome, area: Outcome, location: Outcome) -> Fit:
    """Sector decides the label; area and location can only lower it."""
    if sector.score is not None:
        if sector.score <= 0:
            return Fit.NONE
        fit = (
            Fit.STRONG
            if sector.score >= STRONG_SECTOR
            else Fit.PARTIAL
            if sector.score >= PARTIAL_SECTOR
            else Fit.WEAK
        )
    else:
        others = [o.score for o in (area, location) if o.score is not None]
        mean = sum(others) / len(others)
        fit = Fit.STRONG if mean >= 0.9 else Fit.PARTIAL if mean >= 0.5 else Fit.WEAK if mean > 0 else Fit.NONE
    if not area.feasible:
        fit = _at_most(fit, Fit.WEAK)
    elif area.score is not None and area.score < 1.0:
        fit = _at_most(fit, Fit.PARTIAL)
    if location.score is not None and location.score < 1.0:
        fit = _at_most(fit, Fit.PARTIAL if location.score > 0 else Fit.WEAK)
    return fit


@cache
def _default_ranker() -> Ranker:
    return Ranker(default_catalogue())


def ranker_for(catalogue: Catalogue | None = None) -> Ranker:
    """A Ranker for the given catalogue, or the shared one for the default data."""
    return _default_ranker() if catalogue is None else Ranker(catalogue)


def rank(requirement: Requirement, catalogue: Catalogue | None = None) -> list[Match]:
    """Rank all parks for one requirement (convenience wrapper around Ranker.rank)."""
    return ranker_for(catalogue).rank(requirement)


def score_breakdown(match: Match) -> list[tuple[str, float]]:
    """Waterfall steps that add up to the score: the band floor, then each component's points."""
    steps = [("band", match.band_floor)]
    steps.extend((c.name, c.points) for c in match.components if c.score is not None)
    return steps


__all__: Sequence[str] = ["Ranker", "fit_label", "rank", "ranker_for", "score_breakdown"]
