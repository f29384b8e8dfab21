"""The best K parks for many requirements without scoring every park: blocking, after splink.

`full_top` scores every requirement against every park (Ranker.score) and keeps the best K: it
is the reference. `BlockedTop.top` gives exactly the same parks, order, scores, fits and levels
while scoring few parks per requirement:

1. Requirements that would score every park alike (same sector and place signatures, same
   area bounds, weights and hard flags) are scored once.
2. Blocking: a requirement naming sectors is compared in full only with the parks whose
   sectors its sectors credit (an inverted index sector -> parks built from the credit table).
   Every other park has sector value 0, so it sits in a band below any candidate that fits
   the area ("先定产业后供空间"); when nothing is named, every park is a candidate.
3. Candidates are visited best first by what does not depend on the area (the sector and
   location part of the weighted mean), a prefix at a time. The best K found are certain once
   the K-th of them scores, in tenths as ranked, strictly above a bound on every park not yet
   visited: the band-1 total of the next candidate with a perfect area value, and for
   non-candidates the top a park without a sector fit can reach. Ties are never assumed away:
   an equal bound visits more.
4. A requirement whose candidates are all visited without K certain (too few candidates can
   hold the area) and any requirement with a hard constraint is scored against every park.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from matcher.cache import LruCache
from matcher.codes import first_and_codes
from matcher.comparisons import (
    NONE_CODE,
    STRONG_CODE,
    BoolArray,
    Comparison,
    FitArray,
    FloatArray,
    Readings,
    Scored,
)
from matcher.scoring import Ranker, TopK, best_of, combine, fit_codes, order_keys, shares_of

# Bounds memory: the (requirements x parks) matrices scored at once hold about this many cells.
CELLS = 2_000_000
# Distinct requirements whose best K are kept across calls (each a few hundred bytes).
KEPT_REQUIREMENTS = 100_000
# Candidates visited in the first round, per requirement, at least (grows by VISIT_GROWTH).
FIRST_VISIT = 64
VISIT_GROWTH = 8
NEVER = np.iinfo(np.int64).max


def readings_subset(readings: Readings, rows: NDArray[np.intp]) -> Readings:
    """The given rows, keeping only the distinct readings they use."""
    used_s, sector_of = np.unique(readings.sector_of[rows], return_inverse=True)
    used_l, location_of = np.unique(readings.location_of[rows], return_inverse=True)
    return Readings(
        sector=[readings.sector[int(i)] for i in used_s],
        sector_of=sector_of.reshape(-1).astype(np.intp),
        location=[readings.location[int(i)] for i in used_l],
        location_of=location_of.reshape(-1).astype(np.intp),
        min_area=readings.min_area[rows],
        max_area=readings.max_area[rows],
        needed_by=None if readings.needed_by is None else readings.needed_by[rows],
    )


def full_top(
    ranker: Ranker, readings: Readings, weights: FloatArray, hard: BoolArray, k: int
) -> TopK:
    """Every park scored (Ranker.score) and the best k kept, in row blocks bounding memory."""
    n_parks = len(ranker.parks)
    step = max(1, CELLS // n_parks)
    parts = []
    for start in range(0, len(readings), step):
        rows = np.arange(start, min(start + step, len(readings)))
        table = ranker.score(readings_subset(readings, rows), weights[rows], hard[rows])
        parts.append(table.top(k))
    return TopK.stack(parts, k, len(ranker.comparisons))


@dataclass(frozen=True)
class _Group:
    """The candidates of one group of requirements (the same readings of every text-only
    comparison, the same shares), best first by the most each can score (ties by park
    index); a prefix of them, or all."""

    parks: NDArray[np.intp]
    most: FloatArray  # the most each listed park can score
    best_fit: NDArray[np.int64]  # the best fit label (code) each listed park can reach
    scored: tuple[Scored, ...]  # per text-only comparison: each listed park's value and level
    size: int  # how many candidates the group has in all
    every_park: bool  # no blocking: every park is a candidate
    rest_bound: int  # the best rank bound of any candidate not listed (-1: all are listed)

    @property
    def bounds(self) -> NDArray[np.int64]:
        """Each listed park's best possible place in the fit-first order, never increasing."""
        return rank_bound(self.best_fit, _tenths(self.most))


# What a group is built from: a row, its shares and its text-only comparisons' signatures.
_Source = tuple[Readings, int, FloatArray, tuple[Hashable, ...]]


class BlockedTop:
    """Best-K ranking through blocking; equal to full_top for every input (see module doc).

    It asks the comparisons only what every comparison offers: the text-only ones (sector,
    location) list each group's parks once, the others (area) are scored cell by cell and
    bounded by their best value until then; the lead (sector) names the candidates."""

    def __init__(self, ranker: Ranker, first_visit: int = FIRST_VISIT) -> None:
        self.ranker = ranker
        self.first_visit = first_visit
        self.kept = first_visit * VISIT_GROWTH + 1
        self.n_parks = len(ranker.parks)
        self.text_only = [
            c for c, comparison in enumerate(ranker.comparisons) if comparison.text_only
        ]
        bands = ranker.tuning.bands
        self.fits_both = bands.get(True, True)
        self.no_sector = (bands.get(True, False), bands.get(False, False))
        self.best = np.array([c.best_value for c in ranker.comparisons])
        budget = max(4, CELLS // max(self.n_parks, 1))
        self._rows: LruCache[Scored] = LruCache(budget)  # text-only rows over every park
        self._groups: dict[tuple[object, ...], _Group] = {}  # oldest first
        self._groups_listed = 0  # parks listed in all kept groups (bounded by 2 x CELLS)
        # Results kept across calls: a lead list's chunks repeat most requirements. Readings
        # are numbered by signature for as long as the results are kept.
        self._signatures: dict[Hashable, int] = {}
        self._kept_top: TopK | None = None
        self._kept_rows: dict[bytes, int] = {}  # requirement key -> its row in _kept_top
        self._kept_for: tuple[int, bool] = (0, False)  # the k and blocking they were made with

    # -- distinct requirements ------------------------------------------------------------------

    def top(
        self,
        readings: Readings,
        weights: FloatArray,
        hard: BoolArray,
        k: int,
        blocking: bool | None = None,
    ) -> TopK:
        """The best k parks of every requirement, exactly as full_top gives them.

        `blocking` False scores each distinct requirement against every park; None blocks
        when the catalogue has more parks than a first visit would look at."""
        if not len(readings):
            return TopK.stack([], k, len(self.ranker.comparisons))
        blocked = self.n_parks > self.first_visit if blocking is None else blocking
        if self._kept_for != (k, blocked) or len(self._kept_rows) > KEPT_REQUIREMENTS:
            self._forget()
            self._kept_for = (k, blocked)
        first, inverse, keys = self._distinct(readings, weights, hard)
        at = np.array([self._kept_rows.get(key, -1) for key in keys], dtype=np.intp)
        new = np.flatnonzero(at < 0)
        if len(new):
            rows = first[new]
            score = self._top_distinct if blocked else partial(full_top, self.ranker)
            top = score(readings_subset(readings, rows), weights[rows], hard[rows], k)
            start = len(self._kept_top) if self._kept_top is not None else 0
            kept = [] if self._kept_top is None else [self._kept_top]
            self._kept_top = TopK.stack([*kept, top], k, len(self.ranker.comparisons))
            at[new] = start + np.arange(len(new))
            self._kept_rows.update(
                zip([keys[i] for i in new.tolist()], at[new].tolist(), strict=True)
            )
        assert self._kept_top is not None
        return self._kept_top.take(at[inverse])

    def _forget(self) -> None:
        self._signatures.clear()
        self._kept_rows.clear()
        self._kept_top = None

    def _distinct(
        self, readings: Readings, weights: FloatArray, hard: BoolArray
    ) -> tuple[NDArray[np.intp], NDArray[np.intp], list[bytes]]:
        """One row per requirement that scores differently, which one each row is, and
        a key of each that another call gives the same requirement."""
        number = self._signatures.setdefault
        signatures = []
        for comparison in self.ranker.comparisons:
            codes, keys = comparison.signatures(readings)
            numbered = np.array(
                [number((comparison.name, key), len(self._signatures)) for key in keys],
                dtype=np.intp,
            )
            signatures.append(numbered[codes])
        columns = [
            *signatures,
            *(_float_codes(weights[:, c]) for c in range(weights.shape[1])),
            *(hard[:, c].astype(np.intp) for c in range(hard.shape[1])),
        ]
        first, inverse = first_and_codes(_combined(columns))
        # The key: the same values, as they are, each row's bytes.
        values = np.column_stack(
            [*(s[first] for s in signatures), weights[first], hard[first]]
        ).astype(np.float64)
        values = np.ascontiguousarray(values)
        rows = values.view(np.dtype((np.void, values.shape[1] * 8))).ravel()
        return first, inverse, [row.tobytes() for row in rows]

    # -- the walk -------------------------------------------------------------------------------

    def _top_distinct(
        self, readings: Readings, weights: FloatArray, hard: BoolArray, k: int
    ) -> TopK:
        ranker = self.ranker
        n = len(readings)
        asked = np.column_stack([c.asks(readings) for c in ranker.comparisons]).astype(bool)
        shares = shares_of(asked, weights)
        text_keys = [ranker.comparisons[c].signatures(readings) for c in self.text_only]
        signature = [tuple(keys[int(codes[r])] for codes, keys in text_keys) for r in range(n)]
        keys = [(*signature[r], tuple(shares[r].tolist())) for r in range(n)]
        group_of = _codes(keys)
        first_of_group = np.zeros(int(group_of.max()) + 1, dtype=np.intp)
        first_of_group[group_of[::-1]] = np.arange(n)[::-1]
        sources: list[_Source] = [
            (readings, int(r), shares[int(r)], signature[int(r)]) for r in first_of_group
        ]
        groups = [
            self._group(keys[int(r)], *source)
            for r, source in zip(first_of_group, sources, strict=True)
        ]
        done_rows: list[NDArray[np.intp]] = []
        done: list[TopK] = []
        constrained = hard.any(axis=1)
        dense = np.flatnonzero(constrained)
        pending = np.flatnonzero(~constrained)
        visit = max(self.first_visit, k)
        while len(pending):
            certain, exhausted = self._round(
                readings,
                weights,
                shares,
                group_of,
                (groups, sources),
                pending,
                visit,
                k,
                done,
                done_rows,
            )
            left = pending[~certain]
            # Every candidate visited and still not certain: non-candidates are needed.
            dense = np.concatenate([dense, left[exhausted[~certain]]])
            pending = left[~exhausted[~certain]]
            visit *= VISIT_GROWTH
        if len(dense):
            done_rows.append(dense)
            done.append(
                full_top(ranker, readings_subset(readings, dense), weights[dense], hard[dense], k)
            )
        order = np.argsort(np.concatenate(done_rows), kind="stable")
        return TopK.stack(done, k, len(ranker.comparisons)).take(order)

    def _round(
        self,
        readings: Readings,
        weights: FloatArray,
        shares: FloatArray,
        group_of: NDArray[np.intp],
        groups: tuple[list[_Group], list[_Source]],
        pending: NDArray[np.intp],
        visit: int,
        k: int,
        done: list[TopK],
        done_rows: list[NDArray[np.intp]],
    ) -> tuple[BoolArray, BoolArray]:
        """Score the first `visit` candidates of the pending rows; keep the rows whose best k
        are certain. Returns (certain, every candidate visited) per pending row."""
        certain = np.zeros(len(pending), dtype=bool)
        exhausted = np.zeros(len(pending), dtype=bool)
        width_cap = max(k, min(visit, self.n_parks))
        step = max(1, CELLS // width_cap)
        for start in range(0, len(pending), step):
            part = slice(start, start + step)
            c, e = self._score_prefix(
                readings,
                weights,
                shares,
                group_of,
                groups,
                pending[part],
                visit,
                k,
                done,
                done_rows,
            )
            certain[part], exhausted[part] = c, e
        return certain, exhausted

    def _score_prefix(
        self,
        readings: Readings,
        weights: FloatArray,
        shares: FloatArray,
        group_of: NDArray[np.intp],
        groups: tuple[list[_Group], list[_Source]],
        rows: NDArray[np.intp],
        visit: int,
        k: int,
        done: list[TopK],
        done_rows: list[NDArray[np.intp]],
    ) -> tuple[BoolArray, BoolArray]:
        ranker = self.ranker
        m = len(rows)
        row_groups = group_of[rows]
        present = np.unique(row_groups)
        lists = {int(g): self._listed(*groups, int(g), visit) for g in present}
        width = max(k, max(min(visit, len(lst.parks)) for lst in lists.values()))
        parks = np.zeros((m, width), dtype=np.intp)
        listed = [
            (np.zeros((m, width)), np.zeros((m, width), dtype=np.int8)) for _ in self.text_only
        ]
        valid = np.zeros((m, width), dtype=bool)
        exhausted = np.zeros(m, dtype=bool)
        every_park = np.zeros(m, dtype=bool)
        for g in present:
            at = np.flatnonzero(row_groups == g)
            lst = lists[int(g)]
            seen = min(visit, lst.size)
            count = len(lst.parks[:seen])
            # Padding repeats the first park; it is masked out of the ranking below.
            parks[at] = lst.parks[0]
            parks[at, :count] = lst.parks[:seen]
            for (values, levels), in_list in zip(listed, lst.scored, strict=True):
                values[at] = in_list.values[0]
                levels[at] = in_list.levels[0]
                values[at, :count] = in_list.values[:seen]
                levels[at, :count] = in_list.levels[:seen]
            valid[at, :count] = True
            exhausted[at] = seen >= lst.size
            every_park[at] = lst.every_park
        from_lists = dict(zip(self.text_only, listed, strict=True))
        scored = [
            Scored(*from_lists[c])
            if c in from_lists
            else comparison.score_cells(readings, rows, parks)
            for c, comparison in enumerate(ranker.comparisons)
        ]
        table = combine(
            ranker.comparisons,
            scored,
            weights=weights[rows],
            hard=np.zeros((m, len(ranker.comparisons)), dtype=bool),
            tuning=ranker.tuning,
        )
        fits = table.fits()
        key = order_keys(table.score, table.excluded, fits, parks, self.n_parks)
        key[~valid] = NEVER
        best = best_of(key, k)
        line = np.arange(m)
        kth = best[:, -1]
        found = key[line, kth] != NEVER
        kth_tenths = np.rint(table.score[line, kth] * 10).astype(np.int64)
        kth_park = key[line, kth] % self.n_parks
        kth_fit = fits[line, kth].astype(np.int64)
        kth_bound = rank_bound(kth_fit, kth_tenths)
        beaten = np.zeros(m, dtype=bool)  # no candidate left unvisited can enter the top k
        for g in present:
            at = np.flatnonzero(row_groups == g)
            beaten[at] = self._candidates_beaten(
                lists[int(g)], min(visit, lists[int(g)].size), kth_bound[at], kth_park[at]
            )
        # A park the sector does not credit is no fit (`none`): it can only follow a k-th
        # that is at least a weak fit, or one it cannot outscore.
        outside = self._outside_tenths(shares[rows])
        certain = found & beaten & (every_park | (kth_fit > NONE_CODE) | (outside < kth_tenths))
        if certain.any():
            keep = np.flatnonzero(certain)
            done_rows.append(rows[keep])
            done.append(
                table.top_at(keep, best[keep], np.take_along_axis(parks[keep], best[keep], 1))
            )
        return certain, exhausted

    def _candidates_beaten(
        self,
        group: _Group,
        seen: int,
        kth_bound: NDArray[np.int64],
        kth_park: NDArray[np.int64],
    ) -> BoolArray:
        """Whether no candidate after the first `seen` of the group can rank above the k-th
        best found: each one ranks at most at its bound (fit label first, then score in
        tenths); where that equals the k-th's, it must come after it by park index."""
        if seen >= group.size:
            return np.ones(len(kth_bound), dtype=bool)
        bounds = group.bounds[seen:]  # never increasing
        # Candidates that can reach the k-th's place: the first `reach` not yet visited.
        reach = np.searchsorted(-bounds, -kth_bound, side="right")
        # ... all of them listed: the run ends within the list, or nothing unlisted reaches it.
        complete = reach < len(bounds)
        if group.rest_bound >= 0:
            complete |= group.rest_bound < kth_bound
        else:
            complete[:] = True
        lowest = np.minimum.accumulate(group.parks[seen:])[np.maximum(reach - 1, 0)]
        tie_lost = (bounds[0] == kth_bound) & complete & (lowest > kth_park)
        result: BoolArray = (bounds[0] < kth_bound) | tie_lost
        return result

    def _others(self, shares: FloatArray, comparisons: Sequence[int]) -> FloatArray:
        """What the given comparisons add to the weighted mean at their best value."""
        total = np.zeros(shares.shape[:-1])
        for c in comparisons:
            total = total + shares[..., c] * self.best[c]
        return total

    def _outside_tenths(self, shares: FloatArray) -> NDArray[np.int64]:
        """The most a park the sector does not credit can score, in tenths: no sector fit,
        at best every other comparison at its best value."""
        others = self._others(shares, range(1, len(self.best)))
        return _tenths(np.max([b.floor + b.width * others for b in self.no_sector], axis=0))

    # -- groups ---------------------------------------------------------------------------------

    def _group(
        self,
        key: tuple[object, ...],
        readings: Readings,
        row: int,
        shares: FloatArray,
        signature: tuple[Hashable, ...],
    ) -> _Group:
        found = self._groups.pop(key, None)
        if found is None:
            found = self._build_group(readings, row, shares, signature, self.kept)
            self._groups_listed += len(found.parks)
            while self._groups and self._groups_listed > 2 * CELLS:
                oldest = self._groups.pop(next(iter(self._groups)))
                self._groups_listed -= len(oldest.parks)
        self._groups[key] = found  # most recently used last
        return found

    def _listed(self, groups: list[_Group], sources: list[_Source], g: int, visit: int) -> _Group:
        """Group g with at least `visit` + 1 candidates listed (or all of them)."""
        group = groups[g]
        if len(group.parks) <= visit and len(group.parks) < group.size:
            group = groups[g] = self._build_group(*sources[g], None)
        return group

    def _build_group(
        self,
        readings: Readings,
        row: int,
        shares: FloatArray,
        signature: tuple[Hashable, ...],
        keep: int | None,
    ) -> _Group:
        ranker = self.ranker
        rows = {
            c: self._text_row(readings, row, c, key)
            for c, key in zip(self.text_only, signature, strict=True)
        }
        lead = rows[0]  # the sector leads and is text-only
        asks_lead = not np.isnan(lead.values[0, 0])
        candidates = ranker.sector.candidates(readings.sector[int(readings.sector_of[row])])
        candidates = candidates if asks_lead else None
        every_park = candidates is None or len(candidates) in (0, self.n_parks)
        parks = np.arange(self.n_parks) if every_park or candidates is None else candidates
        # The text-only comparisons' part of the weighted mean, exactly; the others' at best.
        b = np.zeros(len(parks))
        for c, row_scored in rows.items():
            b = b + shares[c] * np.nan_to_num(row_scored.values[0, parks])
        others = [c for c in range(len(self.best)) if c not in rows]
        weighted = b + self._others(shares[None, :], others)
        fits = (lead.values[0, parks] > 0) if asks_lead else None
        most = self._most(weighted, shares, fits)
        best_fit = self._best_fit(rows, parks, asks_lead)
        bound = rank_bound(best_fit, _tenths(most))
        if keep is not None and len(parks) > keep:
            # The best `keep` and every park tied with the last of them: a tie is settled by
            # park index, which needs the whole run of equal bounds listed.
            last = bound[np.argpartition(-bound, keep - 1)[keep - 1]]
            head = bound >= last
            order = np.flatnonzero(head)
            order = order[np.lexsort((parks[order], -bound[order]))]
            rest = int(bound[~head].max()) if (~head).any() else -1
        else:
            order = np.lexsort((parks, -bound))
            rest = -1
        listed = parks[order]
        return _Group(
            listed,
            most[order],
            best_fit[order],
            tuple(Scored(s.values[0, listed], s.levels[0, listed]) for s in rows.values()),
            len(parks),
            every_park,
            rest,
        )

    def _best_fit(
        self, rows: dict[int, Scored], parks: NDArray[np.intp], asks_lead: bool
    ) -> NDArray[np.int64]:
        """The best fit label each park can reach: the one fit rule (scoring.fit_codes) with
        the text-only comparisons as they are and the others not yet lowering it."""
        ranker = self.ranker
        n_comparisons = len(ranker.comparisons)
        values = np.full((len(parks), n_comparisons), np.nan)
        ceiling = np.full(len(parks), STRONG_CODE, dtype=np.int8)
        for c, scored in rows.items():
            values[:, c] = scored.values[0, parks]
            cell = Scored(scored.values[0, parks], scored.levels[0, parks])
            ceiling = np.minimum(ceiling, ranker.comparisons[c].fit_ceiling(cell))
        if not asks_lead:  # the others decide, and may reach strong
            capped: NDArray[np.int64] = ceiling.astype(np.int64)
            return capped
        asked = ~np.isnan(values)
        asked[:, 0] = True
        codes: FitArray = fit_codes(ranker.sector, values, asked, ceiling, ranker.tuning)
        result: NDArray[np.int64] = codes.astype(np.int64)
        return result

    def _most(self, weighted: FloatArray, shares: FloatArray, fits: BoolArray | None) -> FloatArray:
        """Upper bounds of the scores of parks whose weighted mean is at most `weighted`: band
        1 where the sector fits (or is not asked), else band 2."""
        if shares.sum() == 0:  # nothing asked: every park scores 0
            return np.zeros(len(weighted))
        both, area_only = self.fits_both, self.no_sector[0]
        most: FloatArray = both.floor + both.width * weighted
        if fits is not None:
            most = np.where(fits, most, area_only.floor + area_only.width * weighted)
        return most

    def _text_row(self, readings: Readings, row: int, c: int, signature: Hashable) -> Scored:
        """A text-only comparison's values and levels for every park, for one row's reading
        (kept by the reading's signature)."""
        comparison: Comparison = self.ranker.comparisons[c]
        key = (c, signature)
        found = self._rows.get(key)
        if found is None:
            every = np.arange(self.n_parks)[None, :]
            found = comparison.score_cells(readings, np.array([row], dtype=np.intp), every)
            self._rows.put(key, found)
        return found


def _codes(keys: Sequence[object]) -> NDArray[np.intp]:
    codes: dict[object, int] = {}
    return np.array([codes.setdefault(key, len(codes)) for key in keys], dtype=np.intp)


def rank_bound(fit: NDArray[np.int64], tenths: NDArray[np.int64]) -> NDArray[np.int64]:
    """A park's place in the fit-first order as one number, larger better: the fit label,
    then the score in tenths."""
    result: NDArray[np.int64] = fit * 10_000 + tenths
    return result


def _tenths(most: FloatArray) -> NDArray[np.int64]:
    """Upper bounds of scores as the ranking compares them (tenths), never rounded down by
    a float's last bit."""
    result: NDArray[np.int64] = np.rint((most + 1e-7) * 10).astype(np.int64)
    return result


def _float_codes(values: FloatArray) -> NDArray[np.intp]:
    """A code per distinct value (nan its own value)."""
    codes, _ = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.intp)


def _combined(columns: Sequence[NDArray[np.intp]]) -> NDArray[np.intp]:
    """One code per distinct row of codes (re-coded as it goes, so it never overflows)."""
    code = columns[0]
    for column in columns[1:]:
        code, _ = pd.factorize(code * (int(column.max()) + 1) + column)
    return np.asarray(code, dtype=np.intp)
