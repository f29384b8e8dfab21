"""Ranking parks against requirements: combine the comparisons into a banded score.

Sector comes first ("先定产业后供空间"): scores live in bands, so a park with a sector fit
always outranks one without, and a park that can hold the floor area always outranks one
that cannot, whatever the weights. Within a band the weighted components decide. Every
number here comes from data/scoring.toml (`Tuning`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from matcher import messages as msg
from matcher.catalogue import Catalogue, default_catalogue
from matcher.comparisons import (
    COMPONENTS,
    BoolArray,
    Comparison,
    FloatArray,
    LevelArray,
    Outcome,
    Readings,
    Scored,
    build_comparisons,
)
from matcher.location import Gazetteer
from matcher.messages import Reason
from matcher.models import Component, Fit, Match, Park, Requirement, Weights
from matcher.taxonomy import Taxonomy
from matcher.tuning import Tuning
from matcher.understanding import Understanding, understand

FIT_CODES = (Fit.NONE, Fit.WEAK, Fit.PARTIAL, Fit.STRONG)
_NONE, _WEAK, _PARTIAL, _STRONG = range(4)


class Ranker:
    """Ranks the catalogue's parks; build once per catalogue, then call `rank` per requirement."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.tuning: Tuning = catalogue.tuning
        self.parks: tuple[Park, ...] = catalogue.parks
        self.taxonomy = Taxonomy(
            catalogue.sectors, catalogue.relations, catalogue.chains, catalogue.segments
        )
        self.gazetteer = Gazetteer(catalogue.places)
        self.sector, self.area, self.location = build_comparisons(
            self.parks, self.taxonomy, self.gazetteer, self.tuning
        )
        self.comparisons: tuple[Comparison, ...] = (self.sector, self.area, self.location)
        largest = max(p.total_area_m2 for p in self.parks)
        self.area_limit_m2 = self.tuning.area.plausible_factor * largest
        self.default_weights = Weights(**self.tuning.weights.model_dump())

    def understand(self, requirement: Requirement) -> Understanding:
        """Recognise the requirement's sectors and places once, before comparing parks."""
        return understand(
            self.taxonomy,
            self.gazetteer,
            requirement.sector_text,
            requirement.sector_ids,
            requirement.preferred_location,
            requirement.place_ids,
        )

    def weights_of(self, requirement: Requirement) -> Weights:
        """The requirement's own weights, or the defaults from data/scoring.toml."""
        return requirement.weights or self.default_weights

    def score(
        self,
        readings: Readings,
        weights: FloatArray,
        area_is_hard: BoolArray,
        location_is_hard: BoolArray,
    ) -> ScoreTable:
        """Every comparison over n requirements x P parks, combined into banded scores."""
        scored = tuple(c.score(readings) for c in self.comparisons)
        return combine(
            scored,
            weights=weights,
            feasible=self.area.feasible(scored[1]),
            kept_by_location=self.location.kept_when_hard(scored[2]),
            area_is_hard=area_is_hard,
            location_is_hard=location_is_hard,
            tuning=self.tuning,
        )

    def rank(self, requirement: Requirement) -> list[Match]:
        """Every park as a Match, best first; ties broken by park_id."""
        seen = self.understand(requirement)
        readings = Readings.one(seen, requirement.min_area_m2, requirement.max_area_m2)
        w = self.weights_of(requirement)
        table = self.score(
            readings,
            np.array([[w.sector, w.area, w.location]]),
            np.array([requirement.area_is_hard]),
            np.array([requirement.location_is_hard]),
        )
        note = no_park_lists(seen, table.values[0][0])
        row, every = np.zeros(len(self.parks), dtype=np.intp), np.arange(len(self.parks))
        values, points = table.components_at(row, every), table.points_at(row, every)
        fits = table.fit_at(row, every)
        matches = []
        for rank_no, p in enumerate(table.order()[0], start=1):
            outcomes = tuple(
                c.explain(readings, 0, p, int(table.levels[k][0, p]))
                for k, c in enumerate(self.comparisons)
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


def no_park_lists(seen: Understanding, sector_scores: FloatArray) -> Reason | None:
    """The plain statement owed when a sector was asked and no park fits it at all."""
    if seen.asks_sector and not np.any(np.nan_to_num(sector_scores) > 0):
        return msg.no_park_lists(seen.sector_text or "、".join(h.surface for h in seen.sector_hits))
    return None


@dataclass(frozen=True)
class ScoreTable:
    """Scores of n requirements x P parks, with the parts that explain each one."""

    score: FloatArray  # (n, P) 0-100, rounded to 0.1
    floor: FloatArray  # (n, P) the band each park starts from (0 where excluded)
    width: FloatArray  # (n, P) how much the components can add within the band
    shares: FloatArray  # (n, C) each asked component's share of the weighting
    values: tuple[FloatArray, ...]  # per comparison (n, P), nan = not asked
    levels: tuple[LevelArray, ...]  # per comparison (n, P), the level decided when scoring
    asked: BoolArray  # (n, C) which components the requirement asked about
    excluded_by_area: BoolArray  # (n, P) failed an area marked hard
    excluded_by_location: BoolArray  # (n, P) failed a location marked hard
    feasible: BoolArray  # (n, P)
    tuning: Tuning

    @property
    def excluded(self) -> BoolArray:
        return self.excluded_by_area | self.excluded_by_location

    def components_at(self, rows: NDArray[np.intp], parks: NDArray[np.intp]) -> FloatArray:
        """(m, C) the comparisons' values at the given (row, park) cells."""
        return np.stack([v[rows, parks] for v in self.values], axis=1)

    def points_at(self, rows: NDArray[np.intp], parks: NDArray[np.intp]) -> FloatArray:
        """(m, C) what each component added to the score of the given cells."""
        width = np.where(self.excluded[rows, parks], 0.0, self.width[rows, parks])
        return width[:, None] * self.shares[rows] * np.nan_to_num(self.components_at(rows, parks))

    def fit_at(self, rows: NDArray[np.intp], parks: NDArray[np.intp]) -> NDArray[np.int8]:
        """Fit codes (index into FIT_CODES) for the given (row, park) cells only."""
        asked = self.asked[rows]
        codes = fit_codes(
            self.components_at(rows, parks), asked, self.feasible[rows, parks], self.tuning
        )
        blank = self.excluded[rows, parks] | ~asked.any(axis=1)
        return np.where(blank, _NONE, codes).astype(np.int8)

    def fits(self) -> NDArray[np.int8]:
        """(n, P) fit codes of every cell."""
        n, p = self.score.shape
        rows, parks = np.repeat(np.arange(n), p), np.tile(np.arange(p), n)
        return self.fit_at(rows, parks).reshape(n, p)

    def order(self, top: int | None = None) -> NDArray[np.intp]:
        """Park indices per row, best first: not excluded, better fit label, higher score,
        lower park index. Ordering by label first keeps the list, the labels and the shown
        numbers in agreement (no "partial" above a "strong")."""
        p = self.score.shape[1]
        key = order_keys(self.score, self.excluded, self.fits(), np.arange(p), p)
        if top is None or top >= p:
            return np.argsort(key, axis=1)
        return best_of(key, top)

    def top(self, k: int) -> TopK:
        """The best k parks of every row (see order), with what explains each."""
        order = self.order(k)
        every = np.arange(len(order))
        return self.top_at(every, order, order)

    def top_at(
        self, rows: NDArray[np.intp], columns: NDArray[np.intp], parks: NDArray[np.intp]
    ) -> TopK:
        """A TopK of the given rows: `columns` (m, k) the cells of each row, best first, and
        `parks` the park index of each cell (columns may be positions in a subset of parks)."""
        shape = columns.shape
        cells = np.repeat(rows, shape[1])
        columns = columns.reshape(-1)
        return TopK(
            parks=parks.reshape(shape),
            score=self.score[cells, columns].reshape(shape),
            fit=self.fit_at(cells, columns).reshape(shape),
            values=tuple(v[cells, columns].reshape(shape) for v in self.values),
            levels=tuple(lv[cells, columns].reshape(shape) for lv in self.levels),
            excluded_by_area=self.excluded_by_area[cells, columns].reshape(shape),
            excluded_by_location=self.excluded_by_location[cells, columns].reshape(shape),
            asked=self.asked[rows],
        )


def order_keys(
    score: FloatArray,
    excluded: BoolArray,
    fit: NDArray[np.int8],
    parks: NDArray[np.intp],
    n_parks: int,
) -> NDArray[np.int64]:
    """Sort keys, smallest best: not excluded, better fit label, higher score (in tenths),
    lower park index."""
    tenths = np.rint(score * 10).astype(np.int64)
    tier = excluded.astype(np.int64) * 8 + (_STRONG - fit.astype(np.int64))
    key: NDArray[np.int64] = (tier * 2000 + (1000 - tenths)) * n_parks + parks
    return key


def best_of(key: NDArray[np.int64], top: int) -> NDArray[np.intp]:
    """Column positions of the `top` smallest keys per row, in order."""
    # Keys are unique per row, so the top few can be picked first and then sorted.
    best = np.argpartition(key, top - 1, axis=1)[:, :top]
    within = np.argsort(np.take_along_axis(key, best, axis=1), axis=1)
    result: NDArray[np.intp] = np.take_along_axis(best, within, axis=1)
    return result


@dataclass(frozen=True)
class TopK:
    """The best k parks of n requirements, best first, with what explains each cell."""

    parks: NDArray[np.intp]  # (n, k)
    score: FloatArray  # (n, k)
    fit: NDArray[np.int8]  # (n, k) index into FIT_CODES
    values: tuple[FloatArray, ...]  # per comparison (n, k), nan = not asked
    levels: tuple[LevelArray, ...]  # per comparison (n, k)
    excluded_by_area: BoolArray  # (n, k)
    excluded_by_location: BoolArray  # (n, k)
    asked: BoolArray  # (n, C)

    def __len__(self) -> int:
        return len(self.parks)

    def take(self, rows: NDArray[np.intp]) -> TopK:
        """The rows given, in that order (repeats allowed)."""
        return TopK(
            self.parks[rows],
            self.score[rows],
            self.fit[rows],
            tuple(v[rows] for v in self.values),
            tuple(lv[rows] for lv in self.levels),
            self.excluded_by_area[rows],
            self.excluded_by_location[rows],
            self.asked[rows],
        )

    @staticmethod
    def stack(parts: Sequence[TopK], k: int, n_components: int) -> TopK:
        """Several TopKs one after another (an empty one when there are none)."""
        if not parts:
            empty = np.zeros((0, k))
            return TopK(
                np.zeros((0, k), dtype=np.intp),
                empty,
                np.zeros((0, k), dtype=np.int8),
                tuple(empty for _ in range(n_components)),
                tuple(np.zeros((0, k), dtype=np.int8) for _ in range(n_components)),
                np.zeros((0, k), dtype=bool),
                np.zeros((0, k), dtype=bool),
                np.zeros((0, n_components), dtype=bool),
            )
        return TopK(
            np.concatenate([t.parks for t in parts]),
            np.concatenate([t.score for t in parts]),
            np.concatenate([t.fit for t in parts]),
            tuple(np.concatenate([t.values[c] for t in parts]) for c in range(n_components)),
            tuple(np.concatenate([t.levels[c] for t in parts]) for c in range(n_components)),
            np.concatenate([t.excluded_by_area for t in parts]),
            np.concatenate([t.excluded_by_location for t in parts]),
            np.concatenate([t.asked for t in parts]),
        )


def combine(
    scored: Sequence[Scored],
    *,
    weights: FloatArray,
    feasible: BoolArray,
    kept_by_location: BoolArray,
    area_is_hard: BoolArray,
    location_is_hard: BoolArray,
    tuning: Tuning,
) -> ScoreTable:
    """Banded weighted total for n requirements x P parks, comparisons in COMPONENTS order."""
    values = tuple(s.values for s in scored)
    # A component is asked for all parks of a row or for none.
    asked = np.stack([~np.isnan(v[:, 0]) for v in values], axis=1)
    shares = shares_of(asked, weights)
    sector = values[COMPONENTS.index("sector")]
    sector_fit = ~asked[:, [0]] | (np.nan_to_num(sector) > 0)
    bands = [tuning.bands.get(bool(i // 2), bool(i % 2)) for i in range(4)]
    band = feasible.astype(np.intp) * 2 + sector_fit
    anything = asked.any(axis=1, keepdims=True)
    floor = np.where(anything, np.array([b.floor for b in bands])[band], 0.0)
    width = np.array([b.width for b in bands])[band]
    weighted = np.zeros_like(sector)
    for k, component in enumerate(values):
        weighted += shares[:, [k]] * np.where(asked[:, [k]], component, 0.0)
    by_area = area_is_hard[:, None] & ~feasible
    by_location = location_is_hard[:, None] & ~kept_by_location
    excluded = by_area | by_location
    score = np.where(excluded, 0.0, np.round(floor + width * weighted, 1))
    floor = np.where(excluded, 0.0, floor)
    return ScoreTable(
        score,
        floor,
        width,
        shares,
        values,
        tuple(s.levels for s in scored),
        asked,
        by_area,
        by_location,
        feasible,
        tuning,
    )


def shares_of(asked: BoolArray, weights: FloatArray) -> FloatArray:
    """(n, C) each asked component's share of the weighting (equal shares if all weigh 0)."""
    raw = np.where(asked, weights, 0.0)
    total = raw.sum(axis=1, keepdims=True)
    count = asked.sum(axis=1, keepdims=True)
    shares: FloatArray = np.where(
        total > 0,
        raw / np.where(total > 0, total, 1.0),
        np.where(asked, 1.0 / np.maximum(count, 1), 0.0),
    )
    return shares


def fit_codes(
    comps: FloatArray, asked: BoolArray, feasible: BoolArray, tuning: Tuning
) -> NDArray[np.int8]:
    """(m,) fit codes for m cells: the sector decides the label; area and location can only
    lower it; with no sector asked, the mean of the others decides."""
    sector, area, location = (comps[:, i] for i in range(3))
    by_sector = np.select(
        [sector <= 0, sector >= tuning.sector.strong, sector >= tuning.sector.partial],
        [_NONE, _STRONG, _PARTIAL],
        default=_WEAK,
    )
    others = comps[:, 1:]
    counted = (~np.isnan(others)).sum(axis=1)
    mean_others = np.nan_to_num(others).sum(axis=1) / np.maximum(counted, 1)
    by_others = np.select(
        [
            mean_others >= tuning.fit.others_strong,
            mean_others >= tuning.fit.others_partial,
            mean_others > 0,
        ],
        [_STRONG, _PARTIAL, _WEAK],
        default=_NONE,
    )
    fit = np.where(asked[:, 0], by_sector, by_others)
    # A park that cannot hold the floor area is no fit, whatever its sector.
    fit = np.where(~feasible, _NONE, fit)
    area_short = asked[:, 1] & feasible & (np.nan_to_num(area, nan=1.0) < 1.0)
    fit = np.where(area_short, np.minimum(fit, _PARTIAL), fit)
    loc = np.nan_to_num(location, nan=1.0)
    ceiling = np.where(loc > 0, _PARTIAL, _WEAK)
    fit = np.where(asked[:, 2] & (loc < 1.0), np.minimum(fit, ceiling), fit)
    return fit.astype(np.int8)


def build_match(
    park: Park,
    rank_no: int,
    table: ScoreTable,
    j: int,
    cell: tuple[FloatArray, FloatArray, np.int8],
    outcomes: Sequence[Outcome],
    note: Reason | None,
) -> Match:
    """One Match for park j of a one-row ScoreTable: its (components, points, fit) cell."""
    i = 0
    values, points, fit = cell
    reasons: list[Reason] = [note] if note else []
    if table.excluded_by_area[i, j]:
        reasons.append(msg.excluded_area())
    if table.excluded_by_location[i, j]:
        reasons.append(msg.excluded_location())
    for outcome in outcomes:
        reasons.extend(outcome.reasons)
    if np.isnan(values).all():
        reasons.append(msg.nothing_asked())
    components = {
        name: Component(
            name=name,
            score=None if np.isnan(values[k]) else round(float(values[k]), 4),
            weight=round(float(table.shares[i, k]), 4),
            points=round(float(points[k]), 2),
            reasons_zh=tuple(r.zh for r in outcome.reasons),
            reasons_en=tuple(r.en for r in outcome.reasons),
        )
        for k, (name, outcome) in enumerate(zip(COMPONENTS, outcomes, strict=True))
    }
    by_name = dict(zip(COMPONENTS, outcomes, strict=True))
    return Match(
        park_id=park.park_id,
        park_name_zh=park.name_zh,
        park_name_en=park.name_en,
        rank=rank_no,
        score=float(table.score[i, j]),
        fit=FIT_CODES[int(fit)],
        feasible=bool(table.feasible[i, j]),
        excluded=bool(table.excluded[i, j]),
        band_floor=float(table.floor[i, j]),
        sector=components["sector"],
        area=components["area"],
        location=components["location"],
        matched_terms=by_name["sector"].terms,
        area_compared=by_name["area"].figure,
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
