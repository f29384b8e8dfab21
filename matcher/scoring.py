"""Ranking parks against requirements: combine the comparisons into a banded score.

Sector comes first ("先定产业后供空间"): scores live in bands, so a park with a sector fit
always outranks one without, and a park that can hold the floor area always outranks one
that cannot, whatever the weights. Within a band the weighted components decide. Every
number here comes from data/scoring.toml (`Tuning`).

One engine ranks one requirement and a lead list alike: requirements are read into
`Readings`, scored into a `ScoreTable`, their best parks kept as a `TopK` (through blocking
for large catalogues, matcher/blocking.py), and explained once per distinct cell
(matcher/explain.py). A single ranking is that engine run on one row (`Ranker.rank`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.availability import Availability
from matcher.catalogue import Catalogue, default_catalogue
from matcher.comparisons import (
    COMPONENTS,
    NONE_CODE,
    PARTIAL_CODE,
    STRONG_CODE,
    WEAK_CODE,
    AreaComparison,
    BoolArray,
    Comparison,
    FitArray,
    FloatArray,
    LevelArray,
    Readings,
    Scored,
    SectorComparison,
    build_comparisons,
)
from matcher.location import Gazetteer
from matcher.models import Match, Park, Requirement, Weights
from matcher.taxonomy import Taxonomy
from matcher.tuning import Tuning
from matcher.understanding import Understanding, understand


class Ranker:
    """Ranks the catalogue's parks; build once per catalogue, then call `rank` per requirement."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.tuning: Tuning = catalogue.tuning
        self.parks: tuple[Park, ...] = catalogue.parks
        self.cues = catalogue.cues
        self.taxonomy = Taxonomy(
            catalogue.sectors,
            catalogue.relations,
            catalogue.chains,
            catalogue.segments,
            not_sectors=self.cues.not_sectors,
        )
        self.gazetteer = Gazetteer(catalogue.places)
        sector, area, location = build_comparisons(
            self.parks, self.taxonomy, self.gazetteer, self.tuning
        )
        # The sector leads: it decides the fit label and the band ("先定产业后供空间").
        self.sector: SectorComparison = sector
        self.comparisons: tuple[Comparison, ...] = (sector, area, location)
        self.by_name: Mapping[str, Comparison] = {c.name: c for c in self.comparisons}
        largest = max(p.total_area_m2 for p in self.parks)
        self.area_limit_m2 = self.tuning.area.plausible_factor * largest
        self.default_weights = Weights(**self.tuning.weights.model_dump())
        # The space available the area comparison reads (None: the published totals alone).
        self.availability: Availability | None = None

    def with_availability(self, availability: Availability | None) -> Ranker:
        """This ranker comparing areas with the space each park has available, as given
        (None, or nothing recorded: the published totals, exactly as without)."""
        nothing = availability is None or not availability.in_use
        if availability == self.availability or (nothing and self.availability is None):
            return self
        ranker = copy.copy(self)
        sector, _, location = self.comparisons
        area = AreaComparison(self.parks, self.tuning, availability)
        ranker.comparisons = (sector, area, location)
        ranker.by_name = {c.name: c for c in ranker.comparisons}
        ranker.availability = availability
        return ranker

    def understand(self, requirement: Requirement) -> Understanding:
        """Recognise the requirement's sectors and places once, before comparing parks."""
        return understand(
            self.taxonomy,
            self.gazetteer,
            requirement.sector_text,
            requirement.sector_ids,
            requirement.preferred_location,
            requirement.place_ids,
            self.cues,
        )

    def weights_of(self, requirement: Requirement) -> Weights:
        """The requirement's own weights, or the defaults from data/scoring.toml."""
        return requirement.weights or self.default_weights

    def weight_row(self, weights: Weights) -> FloatArray:
        """The weights in COMPONENTS order."""
        return np.array([getattr(weights, name) for name in COMPONENTS], dtype=np.float64)

    def hard_row(self, requirement: Requirement) -> BoolArray:
        """Which comparisons the requirement marks as hard constraints, in COMPONENTS order."""
        marked = {"area": requirement.area_is_hard, "location": requirement.location_is_hard}
        return np.array([marked.get(name, False) for name in COMPONENTS], dtype=bool)

    def score(self, readings: Readings, weights: FloatArray, hard: BoolArray) -> ScoreTable:
        """Every comparison over n requirements x P parks, combined into banded scores;
        `weights` and `hard` are (n, C) in COMPONENTS order."""
        scored = [c.score(readings) for c in self.comparisons]
        return combine(self.comparisons, scored, weights=weights, hard=hard, tuning=self.tuning)

    def rank(self, requirement: Requirement) -> list[Match]:
        """Every park as a Match, best first (see ScoreTable.order): the engine on one row."""
        from matcher.explain import Explainer, matches_of

        readings = Readings.one(
            self.understand(requirement),
            requirement.min_area_m2,
            requirement.max_area_m2,
            requirement.needed_by,
        )
        table = self.score(
            readings,
            self.weight_row(self.weights_of(requirement))[None, :],
            self.hard_row(requirement)[None, :],
        )
        top = table.top(len(self.parks))
        return matches_of(self, top, Explainer(self).parts(readings, top), row=0)


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
    excluded_by: tuple[BoolArray, ...]  # per comparison (n, P): failed it, marked hard
    feasible: BoolArray  # (n, P) every comparison holds (the park can hold the area)
    ceiling: FitArray  # (n, P) the best fit label the comparisons' levels allow
    lead: SectorComparison
    tuning: Tuning

    @property
    def excluded(self) -> BoolArray:
        result: BoolArray = np.logical_or.reduce(self.excluded_by)
        return result

    def components_at(self, rows: NDArray[np.intp], parks: NDArray[np.intp]) -> FloatArray:
        """(m, C) the comparisons' values at the given (row, park) cells."""
        return np.stack([v[rows, parks] for v in self.values], axis=1)

    def points_at(self, rows: NDArray[np.intp], parks: NDArray[np.intp]) -> FloatArray:
        """(m, C) what each component added to the score of the given cells."""
        width = np.where(self.excluded[rows, parks], 0.0, self.width[rows, parks])
        return width[:, None] * self.shares[rows] * np.nan_to_num(self.components_at(rows, parks))

    def fit_at(self, rows: NDArray[np.intp], parks: NDArray[np.intp]) -> FitArray:
        """Fit codes (places in FIT_ORDER) for the given (row, park) cells only."""
        asked = self.asked[rows]
        codes = fit_codes(
            self.lead,
            self.components_at(rows, parks),
            asked,
            self.ceiling[rows, parks],
            self.tuning,
        )
        blank = self.excluded[rows, parks] | ~asked.any(axis=1)
        return np.where(blank, NONE_CODE, codes).astype(np.int8)

    def fits(self) -> FitArray:
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
        points = self.points_at(cells, columns)
        return TopK(
            parks=parks.reshape(shape),
            score=self.score[cells, columns].reshape(shape),
            fit=self.fit_at(cells, columns).reshape(shape),
            values=tuple(v[cells, columns].reshape(shape) for v in self.values),
            levels=tuple(lv[cells, columns].reshape(shape) for lv in self.levels),
            excluded_by=tuple(e[cells, columns].reshape(shape) for e in self.excluded_by),
            asked=self.asked[rows],
            shares=self.shares[rows],
            floor=self.floor[cells, columns].reshape(shape),
            points=tuple(points[:, c].reshape(shape) for c in range(points.shape[1])),
            feasible=self.feasible[cells, columns].reshape(shape),
        )


def order_keys(
    score: FloatArray,
    excluded: BoolArray,
    fit: FitArray,
    parks: NDArray[np.intp],
    n_parks: int,
) -> NDArray[np.int64]:
    """Sort keys, smallest best: not excluded, better fit label, higher score (in tenths),
    lower park index."""
    tenths = np.rint(score * 10).astype(np.int64)
    tier = excluded.astype(np.int64) * 8 + (STRONG_CODE - fit.astype(np.int64))
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
    fit: FitArray  # (n, k) place in FIT_ORDER
    values: tuple[FloatArray, ...]  # per comparison (n, k), nan = not asked
    levels: tuple[LevelArray, ...]  # per comparison (n, k)
    excluded_by: tuple[BoolArray, ...]  # per comparison (n, k)
    asked: BoolArray  # (n, C)
    shares: FloatArray  # (n, C)
    floor: FloatArray  # (n, k) the band floor of each cell (0 where excluded)
    points: tuple[FloatArray, ...]  # per comparison (n, k): what it added to the score
    feasible: BoolArray  # (n, k)

    def __len__(self) -> int:
        return len(self.parks)

    @property
    def excluded(self) -> BoolArray:
        result: BoolArray = np.logical_or.reduce(self.excluded_by)
        return result

    def take(self, rows: NDArray[np.intp]) -> TopK:
        """The rows given, in that order (repeats allowed)."""
        return TopK(
            self.parks[rows],
            self.score[rows],
            self.fit[rows],
            tuple(v[rows] for v in self.values),
            tuple(lv[rows] for lv in self.levels),
            tuple(e[rows] for e in self.excluded_by),
            self.asked[rows],
            self.shares[rows],
            self.floor[rows],
            tuple(p[rows] for p in self.points),
            self.feasible[rows],
        )

    @staticmethod
    def stack(parts: Sequence[TopK], k: int, n_components: int) -> TopK:
        """Several TopKs one after another (an empty one when there are none)."""
        if not parts:
            empty = np.zeros((0, k))
            no = np.zeros((0, k), dtype=bool)
            return TopK(
                np.zeros((0, k), dtype=np.intp),
                empty,
                np.zeros((0, k), dtype=np.int8),
                tuple(empty for _ in range(n_components)),
                tuple(np.zeros((0, k), dtype=np.int8) for _ in range(n_components)),
                tuple(no for _ in range(n_components)),
                np.zeros((0, n_components), dtype=bool),
                np.zeros((0, n_components)),
                empty,
                tuple(empty for _ in range(n_components)),
                no,
            )

        def joined(field: str) -> Any:
            return np.concatenate([getattr(t, field) for t in parts])

        def per_component(field: str) -> Any:
            return tuple(
                np.concatenate([getattr(t, field)[c] for t in parts]) for c in range(n_components)
            )

        return TopK(
            joined("parks"),
            joined("score"),
            joined("fit"),
            per_component("values"),
            per_component("levels"),
            per_component("excluded_by"),
            joined("asked"),
            joined("shares"),
            joined("floor"),
            per_component("points"),
            joined("feasible"),
        )


def combine(
    comparisons: Sequence[Comparison],
    scored: Sequence[Scored],
    *,
    weights: FloatArray,
    hard: BoolArray,
    tuning: Tuning,
) -> ScoreTable:
    """Banded weighted total for n requirements x P parks: `scored` holds each comparison's
    Scored (in the order of `comparisons`, the lead first), `weights` and `hard` are (n, C)."""
    values = tuple(s.values for s in scored)
    # A component is asked for all parks of a row or for none.
    asked = np.stack([~np.isnan(v[:, 0]) for v in values], axis=1)
    shares = shares_of(asked, weights)
    lead = comparisons[0]
    assert isinstance(lead, SectorComparison)
    lead_fits = ~asked[:, [0]] | (np.nan_to_num(values[0]) > 0)
    feasible = np.logical_and.reduce([c.holds(s) for c, s in zip(comparisons, scored, strict=True)])
    bands = [tuning.bands.get(bool(i // 2), bool(i % 2)) for i in range(4)]
    band = feasible.astype(np.intp) * 2 + lead_fits
    anything = asked.any(axis=1, keepdims=True)
    floor = np.where(anything, np.array([b.floor for b in bands])[band], 0.0)
    width = np.array([b.width for b in bands])[band]
    weighted = np.zeros_like(values[0])
    for k, component in enumerate(values):
        weighted += shares[:, [k]] * np.where(asked[:, [k]], component, 0.0)
    excluded_by = tuple(
        hard[:, [k]] & ~c.kept_when_hard(s)
        for k, (c, s) in enumerate(zip(comparisons, scored, strict=True))
    )
    excluded = np.logical_or.reduce(excluded_by)
    score = np.where(excluded, 0.0, np.round(floor + width * weighted, 1))
    floor = np.where(excluded, 0.0, floor)
    ceiling = np.minimum.reduce(
        [c.fit_ceiling(s) for c, s in zip(comparisons, scored, strict=True)]
    ).astype(np.int8)
    return ScoreTable(
        score,
        floor,
        width,
        shares,
        values,
        tuple(s.levels for s in scored),
        asked,
        excluded_by,
        feasible,
        ceiling,
        lead,
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
    lead: SectorComparison,
    values: FloatArray,
    asked: BoolArray,
    ceiling: FitArray,
    tuning: Tuning,
) -> FitArray:
    """(m,) fit codes for m cells, `values` (m, C) with the lead first: the lead's value
    decides the label and the others can only lower it (`ceiling`, the lowest any of their
    levels allows); with no sector asked, the mean of the others decides."""
    by_lead = lead.fit_from(np.nan_to_num(values[:, 0]))
    rest = values[:, 1:]
    counted = (~np.isnan(rest)).sum(axis=1)
    mean_rest = np.nan_to_num(rest).sum(axis=1) / np.maximum(counted, 1)
    by_rest = np.select(
        [
            mean_rest >= tuning.fit.others_strong,
            mean_rest >= tuning.fit.others_partial,
            mean_rest > 0,
        ],
        [STRONG_CODE, PARTIAL_CODE, WEAK_CODE],
        default=NONE_CODE,
    )
    fit = np.where(asked[:, 0], by_lead, by_rest)
    result: FitArray = np.minimum(fit, ceiling).astype(np.int8)
    return result


@cache
def _default_ranker() -> Ranker:
    return Ranker(default_catalogue())


def ranker_for(catalogue: Catalogue | None = None) -> Ranker:
    """A Ranker for the given catalogue, or the shared one for the curated data in data/."""
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
