"""Ranking parks against requirements: combine the three comparisons into a banded score.

Sector comes first ("先定产业后供空间"): scores live in bands, so a park with a sector fit
always outranks one without, and a park that can hold the floor area always outranks one
that cannot, whatever the weights. Within a band the weighted components decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from matcher import messages as msg
from matcher.areas import plausible_limit
from matcher.catalogue import Catalogue, default_catalogue
from matcher.comparisons import (
    AreaComparison,
    BoolArray,
    FloatArray,
    LocationComparison,
    Outcome,
    SectorComparison,
)
from matcher.location import Gazetteer
from matcher.messages import Reason
from matcher.models import Component, Fit, Match, Park, Requirement
from matcher.taxonomy import Taxonomy
from matcher.understanding import Understanding, understand

# Score bands (floor, width), best first: (area feasible, sector fit).
BANDS: dict[tuple[bool, bool], tuple[float, float]] = {
    (True, True): (40.0, 60.0),
    (True, False): (20.0, 19.9),
    (False, True): (10.0, 9.9),
    (False, False): (0.0, 9.9),
}
# A location marked hard keeps parks at the place or in its town, not merely in its zone.
HARD_LOCATION_MIN = 0.7
STRONG_SECTOR = 0.7
PARTIAL_SECTOR = 0.4

FIT_CODES = (Fit.NONE, Fit.WEAK, Fit.PARTIAL, Fit.STRONG)
COMPONENTS = ("sector", "area", "location")


class Ranker:
    """Ranks the catalogue's parks; build once per catalogue, then call `rank` per requirement."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.parks: tuple[Park, ...] = catalogue.parks
        self.taxonomy = Taxonomy(
            catalogue.sectors, catalogue.relations, catalogue.chains, catalogue.segments
        )
        self.gazetteer = Gazetteer(catalogue.places)
        self.sector = SectorComparison(self.parks, self.taxonomy)
        self.area = AreaComparison(self.parks)
        self.location = LocationComparison(self.parks, self.gazetteer)
        self.area_limit_m2 = plausible_limit(max(p.total_area_m2 for p in self.parks))

    def understand(self, requirement: Requirement) -> Understanding:
        """Recognise the requirement's sectors and places once, before comparing parks."""
        return understand(
            self.taxonomy,
            self.gazetteer,
            requirement.sector_text,
            requirement.sector_ids,
            requirement.preferred_location,
        )

    def rank(self, requirement: Requirement) -> list[Match]:
        """Every park as a Match, best first; ties broken by park_id."""
        seen = self.understand(requirement)
        low, high = requirement.min_area_m2, requirement.max_area_m2
        area, feasible = self.area.scores(
            np.array([np.nan if low is None else low]), np.array([np.nan if high is None else high])
        )
        table = combine(
            sector=_row(self.sector.scores(seen), len(self.parks)),
            area=area,
            feasible=feasible,
            location=_row(self.location.scores(seen), len(self.parks)),
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
        note = no_park_lists(seen, table.sector[0])
        row, every = np.zeros(len(self.parks), dtype=np.intp), np.arange(len(self.parks))
        values, points = table.components_at(row, every), table.points_at(row, every)
        fits = table.fit_at(row, every)
        matches = []
        for rank_no, p in enumerate(table.order()[0], start=1):
            outcomes = (
                self.sector.explain(seen, p),
                self.area.explain(low, high, p),
                self.location.explain(seen, p),
            )
            matches.append(
                build_match(
                    self.parks[p],
                    rank_no,
                    table,
                    p,
                    (values[p], points[p], fits[p]),
                    outcomes,
                    note,
                )
            )
        return matches


def _row(scores: FloatArray | None, parks: int) -> FloatArray:
    return np.full((1, parks), np.nan) if scores is None else scores[None, :]


def no_park_lists(seen: Understanding, sector_scores: FloatArray) -> Reason | None:
    """The plain statement owed when a sector was asked and no park fits it at all."""
    if seen.asks_sector and not np.any(np.nan_to_num(sector_scores) > 0):
        return msg.no_park_lists(seen.sector_text or "、".join(h.surface for h in seen.sector_hits))
    return None


# Band floor and width indexed by 2 * area feasible + sector fit.
_BAND_FLOOR = np.array(
    [
        BANDS[(False, False)][0],
        BANDS[(False, True)][0],
        BANDS[(True, False)][0],
        BANDS[(True, True)][0],
    ]
)
_BAND_WIDTH = np.array(
    [
        BANDS[(False, False)][1],
        BANDS[(False, True)][1],
        BANDS[(True, False)][1],
        BANDS[(True, True)][1],
    ]
)


@dataclass(frozen=True)
class ScoreTable:
    """Scores of n requirements x P parks, with the parts that explain each one."""

    score: FloatArray  # (n, P) 0-100, rounded to 0.1
    floor: FloatArray  # (n, P) the band each park starts from (0 where excluded)
    width: FloatArray  # (n, P) how much the components can add within the band
    shares: FloatArray  # (n, 3) each asked component's share of the weighting
    sector: FloatArray  # (n, P) raw component scores, nan = not asked
    area: FloatArray
    location: FloatArray
    asked: BoolArray  # (n, 3) which components the requirement asked about
    excluded_by_area: BoolArray  # (n, P) failed an area marked hard
    excluded_by_location: BoolArray  # (n, P) failed a location marked hard
    feasible: BoolArray  # (n, P)

    @property
    def excluded(self) -> BoolArray:
        return self.excluded_by_area | self.excluded_by_location

    def components_at(self, rows: NDArray[np.intp], parks: NDArray[np.intp]) -> FloatArray:
        """(m, 3) sector, area and location scores of the given (row, park) cells."""
        return np.stack(
            [self.sector[rows, parks], self.area[rows, parks], self.location[rows, parks]], axis=1
        )

    def points_at(self, rows: NDArray[np.intp], parks: NDArray[np.intp]) -> FloatArray:
        """(m, 3) what each component added to the score of the given cells."""
        width = np.where(self.excluded[rows, parks], 0.0, self.width[rows, parks])
        return width[:, None] * self.shares[rows] * np.nan_to_num(self.components_at(rows, parks))

    def fit_at(self, rows: NDArray[np.intp], parks: NDArray[np.intp]) -> NDArray[np.int8]:
        """Fit codes (index into FIT_CODES) for the given (row, park) cells only."""
        asked = self.asked[rows]
        codes = fit_codes(
            self.components_at(rows, parks)[:, None, :], asked, self.feasible[rows, parks][:, None]
        )[:, 0]
        blank = self.excluded[rows, parks] | ~asked.any(axis=1)
        return np.where(blank, 0, codes).astype(np.int8)

    def order(self, top: int | None = None) -> NDArray[np.intp]:
        """Park indices per row, best first: not excluded, higher score, lower park index."""
        p = self.score.shape[1]
        tenths = np.rint(self.score * 10).astype(np.int64)
        key = (self.excluded.astype(np.int64) * 2000 + (1000 - tenths)) * p + np.arange(p)
        if top is None or top >= p:
            return np.argsort(key, axis=1)
        # Keys are unique per row, so the top few can be picked first and then sorted.
        best = np.argpartition(key, top - 1, axis=1)[:, :top]
        within = np.argsort(np.take_along_axis(key, best, axis=1), axis=1)
        return np.take_along_axis(best, within, axis=1)


def combine(
    *,
    sector: FloatArray,
    area: FloatArray,
    feasible: BoolArray,
    location: FloatArray,
    weights: FloatArray,
    area_is_hard: BoolArray,
    location_is_hard: BoolArray,
) -> ScoreTable:
    """Banded weighted total for n requirements x P parks; nan components were not asked."""
    # A component is asked for all parks of a row or for none.
    asked = np.stack([~np.isnan(c[:, 0]) for c in (sector, area, location)], axis=1)
    raw = np.where(asked, weights, 0.0)
    total = raw.sum(axis=1, keepdims=True)
    count = asked.sum(axis=1, keepdims=True)
    shares = np.where(
        total > 0,
        raw / np.where(total > 0, total, 1.0),
        np.where(asked, 1.0 / np.maximum(count, 1), 0.0),
    )
    sector_fit = ~asked[:, [0]] | (np.nan_to_num(sector) > 0)
    band = feasible.astype(np.intp) * 2 + sector_fit
    anything = asked.any(axis=1, keepdims=True)
    floor = np.where(anything, _BAND_FLOOR[band], 0.0)
    width = _BAND_WIDTH[band]
    weighted = np.zeros_like(sector)
    for k, component in enumerate((sector, area, location)):
        weighted += shares[:, [k]] * np.where(asked[:, [k]], component, 0.0)
    by_area = area_is_hard[:, None] & ~feasible
    by_location = (
        location_is_hard[:, None]
        & asked[:, [2]]
        & (np.nan_to_num(location, nan=1.0) < HARD_LOCATION_MIN)
    )
    excluded = by_area | by_location
    score = np.where(excluded, 0.0, np.round(floor + width * weighted, 1))
    floor = np.where(excluded, 0.0, floor)
    return ScoreTable(
        score, floor, width, shares, sector, area, location, asked, by_area, by_location, feasible
    )


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
    j: int,
    cell: tuple[FloatArray, FloatArray, np.int8],
    outcomes: tuple[Outcome, Outcome, Outcome],
    note: Reason | None,
) -> Match:
    """One Match for park j of a one-row ScoreTable: its (components, points, fit) cell."""
    i = 0
    values, points, fit = cell
    excluded = bool(table.excluded[i, j])
    reasons: list[Reason] = [note] if note else []
    if table.excluded_by_area[i, j]:
        reasons.append(msg.excluded_area())
    if table.excluded_by_location[i, j]:
        reasons.append(msg.excluded_location())
    for outcome in outcomes:
        reasons.extend(outcome.reasons)
    if np.isnan(values).all():
        reasons.append(msg.nothing_asked())
    components = [
        Component(
            name=name,
            score=None if np.isnan(values[k]) else round(float(values[k]), 4),
            weight=round(float(table.shares[i, k]), 4),
            points=round(float(points[k]), 2),
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
        fit=FIT_CODES[int(fit)],
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
