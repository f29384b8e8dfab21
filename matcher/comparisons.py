"""The three named comparisons (sector, area, location), each scoring all parks at once.

Each comparison has `scores` (numbers for every park, vectorised, used for ranking) and
`explain` (the reasons and matched terms for one park, used for what users read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from matcher import messages as msg
from matcher.cache import ParkRowCache
from matcher.chains import chain_missing_reason, chain_reason
from matcher.location import SAME_TOWN, Gazetteer, nearness, park_haystack, zone_name
from matcher.messages import Reason
from matcher.models import Park, SectorLevel, TermMatch, asks_for_area
from matcher.taxonomy import Taxonomy
from matcher.understanding import Understanding

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

LEVEL_WEIGHT = {SectorLevel.PRIMARY: 1.0, SectorLevel.SECONDARY: 0.6, SectorLevel.NAME: 0.5}
# Each extra sector group a park lists dilutes its focus on any one of them.
BREADTH_STEP = 0.1

UNDERGROUND_ONLY = 0.5  # fits only if underground floor area is counted
SHORT_OF_MAX = 0.9  # meets the minimum but not the maximum asked for
PARTIAL_BELOW_MAX = 0.8  # only a maximum was given and the park is smaller than it


@dataclass(frozen=True)
class Outcome:
    """One comparison's verdict on one park, with the reasons users read."""

    score: float | None  # None: the requirement did not ask
    reasons: tuple[Reason, ...] = ()
    terms: tuple[TermMatch, ...] = ()
    feasible: bool = True
    figure: Literal["above_ground", "building", "none"] = "none"


class SectorComparison:
    """Weighted mean over the query's sectors of the best credit a park's sectors give."""

    def __init__(self, parks: Sequence[Park], taxonomy: Taxonomy) -> None:
        self.parks = tuple(parks)
        self.taxonomy = taxonomy
        self.sector_index = {sid: i for i, sid in enumerate(taxonomy.sectors)}
        self.park_terms = [self._terms_for(p) for p in self.parks]
        breadth = np.array([self._breadth_for(p) for p in self.parks])
        # credit[s, p]: what a query for sector s earns from park p, and through which tag.
        ids, table = taxonomy.credit_table()
        pair_credit = np.array(table)  # (query sector, park sector)
        self.credit = np.zeros((len(ids), len(self.parks)))
        self.best_tag = np.full((len(ids), len(self.parks)), -1)
        for p, park in enumerate(self.parks):
            columns = [self.sector_index[tag.sector_id] for tag in park.sectors]
            levels = np.array([LEVEL_WEIGHT[tag.level] for tag in park.sectors])
            per_tag = pair_credit[:, columns] * levels * breadth[p]  # (sectors, tags)
            best = per_tag.argmax(axis=1)
            value = per_tag[np.arange(len(ids)), best]
            self.credit[:, p] = value
            self.best_tag[:, p] = np.where(value > 0, best, -1)

    def _terms_for(self, park: Park) -> dict[str, str]:
        in_positioning = self.taxonomy.sectors_in(park.positioning_zh)
        in_name = self.taxonomy.sectors_in(park.name_zh)
        terms = {}
        for tag in park.sectors:
            found = in_name if tag.level == SectorLevel.NAME else in_positioning
            terms[tag.sector_id] = found.get(
                tag.sector_id, self.taxonomy.sectors[tag.sector_id].name_zh
            )
        return terms

    def _breadth_for(self, park: Park) -> float:
        groups = {self.taxonomy.sectors[s].group for s in park.sector_ids(SectorLevel.PRIMARY)}
        return 1.0 / (1.0 + BREADTH_STEP * max(len(groups) - 1, 0))

    def scores(self, seen: Understanding) -> FloatArray | None:
        """Score per park in [0, 1]; None if no sector was asked; zeros if none recognised."""
        if not seen.asks_sector:
            return None
        if not seen.sector_hits:
            return np.zeros(len(self.parks))
        rows = [self.sector_index[h.sector_id] for h in seen.sector_hits]
        factors = np.array(
            [w * h.confidence for w, h in zip(seen.sector_weights, seen.sector_hits, strict=True)]
        )
        result: FloatArray = factors @ self.credit[rows] / sum(seen.sector_weights)
        return result

    def explain(self, seen: Understanding, p: int) -> Outcome:
        """Which query term met which park term, and how much it earned, for park p."""
        if not seen.asks_sector:
            return Outcome(None)
        if not seen.sector_hits:
            return Outcome(0.0, (msg.sector_unrecognised(seen.sector_text),))
        park = self.parks[p]
        terms: list[TermMatch] = []
        reasons: list[Reason] = []
        for hit in seen.sector_hits:
            s = self.sector_index[hit.sector_id]
            query_sector = self.taxonomy.sectors[hit.sector_id]
            t = int(self.best_tag[s, p])
            if t < 0:
                if hit.chain is None:
                    reasons.append(
                        msg.sector_missing(hit.surface, query_sector.name_zh, query_sector.name_en)
                    )
                elif missing := chain_missing_reason(self.taxonomy.sectors, hit.chain, hit.surface):
                    reasons.append(missing)
                continue
            tag = park.sectors[t]
            relation = self.taxonomy.credit(hit.sector_id, tag.sector_id).relation
            term = TermMatch(
                query_term=hit.surface,
                query_sector=hit.sector_id,
                park_sector=tag.sector_id,
                park_term=self.park_terms[p][tag.sector_id],
                relation=relation,
                how=hit.how,
                credit=round(float(hit.confidence * self.credit[s, p]), 4),
            )
            terms.append(term)
            if hit.chain is not None:
                reasons.append(
                    chain_reason(
                        self.taxonomy.sectors,
                        hit.chain,
                        hit.surface,
                        hit.sector_id,
                        tag.sector_id,
                        term.park_term,
                        tag.level,
                        relation,
                    )
                )
            elif relation == "same":
                reasons.append(
                    msg.sector_same(
                        hit.surface,
                        query_sector.name_zh,
                        query_sector.name_en,
                        term.park_term,
                        tag.level,
                    )
                )
            else:
                park_sector = self.taxonomy.sectors[tag.sector_id]
                reasons.append(
                    msg.sector_related(
                        hit.surface,
                        query_sector.name_zh,
                        query_sector.name_en,
                        park_sector.name_zh,
                        park_sector.name_en,
                        term.park_term,
                        relation,
                    )
                )
        earned = sum(
            w * h.confidence * self.credit[self.sector_index[h.sector_id], p]
            for w, h in zip(seen.sector_weights, seen.sector_hits, strict=True)
        )
        return Outcome(float(earned / sum(seen.sector_weights)), tuple(reasons), tuple(terms))


class AreaComparison:
    """Minimum floor area against above-ground space first, total floor area second."""

    def __init__(self, parks: Sequence[Park]) -> None:
        self.parks = tuple(parks)
        self.above = np.array(
            [np.nan if p.above_ground_area_m2 is None else p.above_ground_area_m2 for p in parks]
        )
        self.total = np.array([p.total_area_m2 for p in parks])
        # Where the source gives no above-ground figure, the only figure is compared.
        self.usable = np.where(np.isnan(self.above), self.total, self.above)
        self._rows: ParkRowCache[tuple[FloatArray, BoolArray]] = ParkRowCache(len(self.parks))

    def _row(self, low: float | None, high: float | None) -> tuple[FloatArray, BoolArray]:
        """Scores and feasibility of one (min, max) pair for every park, kept for explain."""
        found = self._rows.get((low, high))
        if found is None:
            score, feasible = self.scores(
                np.array([np.nan if low is None else low]),
                np.array([np.nan if high is None else high]),
            )
            found = (score[0], feasible[0])
            self._rows.put((low, high), found)
        return found

    def scores(self, low: FloatArray, high: FloatArray) -> tuple[FloatArray, BoolArray]:
        """Scores (nan where not asked) and feasibility for n (min, max) pairs x all parks."""
        lo = low[:, None]
        hi = high[:, None]
        usable = self.usable[None, :]
        above = self.above
        total = self.total[None, :]
        has_min = ~np.isnan(lo) & (np.nan_to_num(lo) > 0)
        asked = has_min | ~np.isnan(hi)
        only_max = np.where(usable >= hi, 1.0, PARTIAL_BELOW_MAX)
        enough = np.where(~np.isnan(hi) & (usable < hi), SHORT_OF_MAX, 1.0)
        with_underground = ~np.isnan(above)[None, :] & (lo <= total)
        with_min = np.where(lo <= usable, enough, np.where(with_underground, UNDERGROUND_ONLY, 0.0))
        score = np.where(asked, np.where(has_min, with_min, only_max), np.nan)
        feasible = ~(has_min & (lo > usable) & ~with_underground)
        return score, feasible

    def explain(self, low: float | None, high: float | None, p: int) -> Outcome:
        """The area verdict for park p in words, naming the figure compared."""
        if not asks_for_area(low, high):
            return Outcome(None)
        park = self.parks[p]
        above, total = park.above_ground_area_m2, park.total_area_m2
        usable = float(self.usable[p])
        figure: Literal["above_ground", "building"] = "above_ground" if above else "building"
        reasons: list[Reason] = [] if above is not None else [msg.above_ground_unknown()]
        score_row, feasible_row = self._row(low, high)
        score, feasible = float(score_row[p]), bool(feasible_row[p])
        if not low:
            assert high is not None
            reason = (
                msg.area_below_max(high, usable, figure)
                if usable >= high
                else msg.area_short_of_max(high, usable, figure)
            )
        elif low <= usable:
            reason = (
                msg.area_short_of_max(high, usable, figure)
                if high is not None and usable < high
                else msg.area_enough(low, usable, figure)
            )
        elif feasible:
            assert above is not None
            reason = msg.area_underground_only(low, above, total)
        else:
            reason = msg.area_too_small(low, total, "total" if above else "building")
        reasons.append(reason)
        if not feasible and park.expansion_area_m2:
            reasons.append(msg.area_expansion(park.expansion_area_m2))
        return Outcome(score, tuple(reasons), feasible=feasible, figure=figure)


class LocationComparison:
    """The nearest place the requirement names: at it, same town, same zone, or elsewhere."""

    def __init__(self, parks: Sequence[Park], gazetteer: Gazetteer) -> None:
        self.parks = tuple(parks)
        haystacks = [park_haystack(park) for park in self.parks]
        self.near = {
            place.place_id: np.array(
                [
                    nearness(place, park, hay)
                    for park, hay in zip(self.parks, haystacks, strict=True)
                ]
            )
            for place in gazetteer.places
        }

    def scores(self, seen: Understanding) -> FloatArray | None:
        """Score per park in [0, 1]; None if no location was asked or none was recognised."""
        if not seen.place_hits:
            return None
        result: FloatArray = np.max([self.near[h.place.place_id] for h in seen.place_hits], axis=0)
        return result

    def explain(self, seen: Understanding, p: int) -> Outcome:
        """Where the park is relative to the place asked for, in words."""
        if seen.unrecognised_location:
            return Outcome(None, (msg.location_unrecognised(seen.location_text),))
        if not seen.place_hits:
            return Outcome(None)
        park = self.parks[p]
        hit = max(seen.place_hits, key=lambda h: self.near[h.place.place_id][p])
        place = hit.place
        score = float(self.near[place.place_id][p])
        reasons: list[Reason] = []
        if seen.places_from_sector_text:
            reasons.append(msg.location_from_sector_text(place.name_zh, place.name_en))
        if score == 1.0:
            reasons.append(msg.location_at(place.name_zh, place.name_en))
        elif score >= SAME_TOWN and park.town:
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
