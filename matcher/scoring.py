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

import numpy as np
from numpy.typing import NDArray

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

# A location marked hard keeps parks at the place or in its town, not merely in its zone.
HARD_LOCATION_MIN = 0.7
# In Chinese and English noun phrases the last noun is the head: "AI芯片" and "AI chips" are
# chips. When a query names several sectors, the last one named counts this many times.
HEAD_WEIGHT = 2.0

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
            terms[tag.sector_id] = source.get(
                tag.sector_id, self.taxonomy.sectors[tag.sector_id].name_zh
            )
        return terms

    def _breadth_for(self, park: Park) -> float:
        groups = {self.taxonomy.sectors[s].group for s in park.sector_ids(SectorLevel.PRIMARY)}
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

    # -- the three comparisons --------------------------------------------------------------------

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
        head = max(seen.sector_hits, key=lambda h: h.start)
        weights = [
            HEAD_WEIGHT if hit is head and len(seen.sector_hits) > 1 else 1.0
            for hit in seen.sector_hits
        ]
        for hit, weight in zip(seen.sector_hits, weights, strict=True):
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
                reasons.append(
                    msg.sector_missing(hit.surface, query_sector.name_zh, query_sector.name_en)
                )
                continue
            total += weight * best.credit
            terms.append(best)
            if best.relation == "same":
                reasons.append(
                    msg.sector_same(
                        hit.surface,
                        query_sector.name_zh,
                        query_sector.name_en,
                        best.park_term,
                        best_level,
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
        return Outcome(total / sum(weights), tuple(reasons), tuple(terms))

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
        if not need_min:
            assert need_max is not None  # asks_area guarantees one bound
            if usable >= need_max:
                return Outcome(
                    1.0, (*reasons, msg.area_below_max(need_max, usable, figure)), figure=figure
                )
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
                    place.name_zh,
                    place.name_en,
                    zone_name(park.zone, "zh"),
                    zone_name(park.zone, "en"),
                )
            )
        else:
            where_zh = f"{park.town or park.location_zh}（{zone_name(park.zone, 'zh')}）"
            where_en = f"{park.location_en} ({zone_name(park.zone, 'en')})"
            reasons.append(msg.location_elsewhere(place.name_zh, place.name_en, where_zh, where_en))
        return Outcome(score, tuple(reasons))

    # -- putting it together ----------------------------------------------------------------------

    def area_outcomes(self, requirement: Requirement) -> list[Outcome]:
        return [self.compare_area(requirement, park) for park in self.catalogue.parks]

    def sector_outcomes(self, requirement: Requirement, seen: Understanding) -> list[Outcome]:
        return [self.compare_sector(requirement, seen, park) for park in self.catalogue.parks]

    def location_outcomes(self, requirement: Requirement, seen: Understanding) -> list[Outcome]:
        return [self.compare_location(requirement, seen, park) for park in self.catalogue.parks]

    def no_park_lists_note(
        self, requirement: Requirement, sector: Sequence[Outcome]
    ) -> Reason | None:
        """The plain statement owed when a recognised sector is listed by no park at all."""
        if requirement.asks_sector and all(o.score == 0 for o in sector):
            return msg.no_park_lists(
                requirement.sector_text.strip() or "、".join(requirement.sector_ids)
            )
        return None

    def rank(self, requirement: Requirement) -> list[Match]:
        """Every park as a Match, best first; ties broken by park_id."""
        seen = self.understand(requirement)
        sector = self.sector_outcomes(requirement, seen)
        area = self.area_outcomes(requirement)
        location = self.location_outcomes(requirement, seen)
        table = combine(
            sector=_scores_row(sector),
            area=_scores_row(area),
            feasible=np.array([[o.feasible for o in area]]),
            location=_scores_row(location),
            weights=np.array(
                [
                    [
                        requirement.weights.sector,
                        requirement.weights.area,
                        requirement.weights.location,
                    ]
                ]
            ),
            area_is_hard=np.array([requirement.area_is_hard]),
            location_is_hard=np.array([requirement.location_is_hard]),
        )
        note = self.no_park_lists_note(requirement, sector)
        order = table.order()[0]
        matches = []
        for rank_no, j in enumerate(order, start=1):
            park = self.catalogue.parks[j]
            matches.append(
                build_match(
                    park,
                    rank_no,
                    table,
                    0,
                    j,
                    (sector[j], area[j], location[j]),
                    note,
                    requirement.area_is_hard,
                    requirement.location_is_hard,
                )
            )
        return matches


def _scores_row(outcomes: Sequence[Outcome]) -> NDArray[np.float64]:
    return np.array([[np.nan if o.score is None else o.score for o in outcomes]], dtype=float)


FIT_CODES = (Fit.NONE, Fit.WEAK, Fit.PARTIAL, Fit.STRONG)
COMPONENTS = ("sector", "area", "location")


@dataclass(frozen=True)
class ScoreTable:
    """Scores of n requirements x P parks, with the parts that explain each one."""

    score: NDArray[np.float64]  # (n, P) 0-100, rounded to 0.1
    floor: NDArray[np.float64]  # (n, P) the band each park starts from
    points: NDArray[np.float64]  # (n, P, 3) what sector, area, location added
    shares: NDArray[np.float64]  # (n, 3) each asked component's share of the weighting
    components: NDArray[np.float64]  # (n, P, 3) raw component scores, nan = not asked
    fit: NDArray[np.int8]  # (n, P) index into FIT_CODES
    excluded: NDArray[np.bool_]  # (n, P)
    feasible: NDArray[np.bool_]  # (n, P)

    def order(self) -> NDArray[np.intp]:
        """Park indices per row, best first: not excluded, higher score, lower park index."""
        p = self.score.shape[1]
        tenths = np.rint(self.score * 10).astype(np.int64)
        key = (self.excluded.astype(np.int64) * 2000 + (1000 - tenths)) * p + np.arange(p)
        return np.argsort(key, axis=1, kind="stable")


def combine(
    *,
    sector: NDArray[np.float64],
    area: NDArray[np.float64],
    feasible: NDArray[np.bool_],
    location: NDArray[np.float64],
    weights: NDArray[np.float64],
    area_is_hard: NDArray[np.bool_],
    location_is_hard: NDArray[np.bool_],
) -> ScoreTable:
    """Banded weighted total for n requirements x P parks; nan components were not asked."""
    comps = np.stack([sector, area, location], axis=2)  # (n, P, 3)
    asked = ~np.isnan(comps[:, 0, :])  # (n, 3): a component is asked for all parks or none
    raw = np.where(asked, weights, 0.0)
    total = raw.sum(axis=1, keepdims=True)
    count = asked.sum(axis=1, keepdims=True)
    shares = np.where(
        total > 0,
        raw / np.where(total > 0, total, 1.0),
        np.where(asked, 1.0 / np.maximum(count, 1), 0.0),
    )
    sector_fit = ~asked[:, [0]] | (np.nan_to_num(sector) > 0)
    floor = np.zeros_like(sector)
    width = np.zeros_like(sector)
    for (fits_area, fits_sector), (band_floor, band_width) in BANDS.items():
        mask = (feasible == fits_area) & (sector_fit == fits_sector)
        floor[mask] = band_floor
        width[mask] = band_width
    anything = asked.any(axis=1, keepdims=True)
    floor = np.where(anything, floor, 0.0)
    points = width[:, :, None] * shares[:, None, :] * np.nan_to_num(comps)
    excluded = (area_is_hard[:, None] & ~feasible) | (
        location_is_hard[:, None]
        & asked[:, [2]]
        & (np.nan_to_num(location, nan=1.0) < HARD_LOCATION_MIN)
    )
    score = np.where(excluded, 0.0, np.round(floor + points.sum(axis=2), 1))
    points = np.where(excluded[:, :, None], 0.0, points)
    floor = np.where(excluded, 0.0, floor)
    fit = fit_codes(comps, asked, feasible)
    fit = np.where(excluded | ~anything, 0, fit).astype(np.int8)
    return ScoreTable(score, floor, points, shares, comps, fit, excluded, feasible)


def fit_codes(
    comps: NDArray[np.float64], asked: NDArray[np.bool_], feasible: NDArray[np.bool_]
) -> NDArray[np.int8]:
    """Sector decides the label; area and location can only lower it."""
    sector, area, location = (comps[:, :, i] for i in range(3))
    by_sector = np.select(
        [sector <= 0, sector >= STRONG_SECTOR, sector >= PARTIAL_SECTOR], [0, 3, 2], default=1
    )
    others = comps[:, :, 1:]
    counted = (~np.isnan(others)).sum(axis=2)
    mean_others = np.nan_to_num(others).sum(axis=2) / np.maximum(counted, 1)
    by_others = np.select(
        [mean_others >= 0.9, mean_others >= 0.5, mean_others > 0], [3, 2, 1], default=0
    )
    fit = np.where(asked[:, [0]], by_sector, by_others)
    fit = np.where(~feasible, np.minimum(fit, 1), fit)
    fit = np.where(
        asked[:, [1]] & feasible & (np.nan_to_num(area, nan=1.0) < 1.0), np.minimum(fit, 2), fit
    )
    loc = np.nan_to_num(location, nan=1.0)
    fit = np.where(asked[:, [2]] & (loc < 1.0), np.minimum(fit, np.where(loc > 0, 2, 1)), fit)
    return fit.astype(np.int8)


def build_match(
    park: Park,
    rank_no: int,
    table: ScoreTable,
    i: int,
    j: int,
    outcomes: tuple[Outcome, Outcome, Outcome],
    note: Reason | None,
    area_is_hard: bool,
    location_is_hard: bool,
) -> Match:
    """One Match from row i, park j of a ScoreTable and the comparisons' reasons."""
    excluded = bool(table.excluded[i, j])
    reasons: list[Reason] = [note] if note else []
    if excluded and area_is_hard and not table.feasible[i, j]:
        reasons.append(msg.excluded_area())
    elif excluded and location_is_hard:
        reasons.append(msg.excluded_location())
    for outcome in outcomes:
        reasons.extend(outcome.reasons)
    if np.isnan(table.components[i, j]).all():
        reasons.append(msg.nothing_asked())
    components = [
        Component(
            name=name,
            score=None
            if np.isnan(table.components[i, j, k])
            else round(float(table.components[i, j, k]), 4),
            weight=round(float(table.shares[i, k]), 4),
            points=round(float(table.points[i, j, k]), 2),
            reasons_zh=tuple(r.zh for r in outcome.reasons),
            reasons_en=tuple(r.en for r in outcome.reasons),
        )
        for k, (name, outcome) in enumerate(zip(COMPONENTS, outcomes, strict=True))
    ]
    return Match(
        park_id=park.park_id,
        park_name_zh=park.name_zh,
        park_name_en=park.name_en,
        rank=rank_no,
        score=float(table.score[i, j]),
        fit=FIT_CODES[int(table.fit[i, j])],
        feasible=bool(table.feasible[i, j]),
        excluded=excluded,
        band_floor=float(table.floor[i, j]),
        sector=components[0],
        area=components[1],
        location=components[2],
        matched_terms=outcomes[0].terms,
        area_compared=outcomes[1].figure,
        reasons_zh=tuple(r.zh for r in reasons),
        reasons_en=tuple(r.en for r in reasons),
    )


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


__all__: Sequence[str] = ["Ranker", "combine", "rank", "ranker_for", "score_breakdown"]
