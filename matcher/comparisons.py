"""The comparisons (sector, area, location), each a named object with levels, after splink.

A comparison scores n requirements against every park at once (`score`), deciding one level
per (requirement, park); what users read (`explain`) looks that level up and never works the
verdict out again. `COMPONENTS` is the order every table, chart and export uses.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from matcher import reasons as say_why
from matcher.availability import Availability, AvailabilityStatus
from matcher.chains import ChainLink, chain_missing_reason, chain_reason
from matcher.codes import first_and_codes
from matcher.i18n import Text, both, joined, say
from matcher.location import Gazetteer, PlaceHit, nearness, park_haystack
from matcher.models import FIT_ORDER, Fit, Park, SectorLevel, SectorTag, TermMatch
from matcher.reasons import sector_name, town_text
from matcher.taxonomy import Taxonomy
from matcher.text import has_cjk
from matcher.tuning import AreaLevel, LocationLevel, Tuning
from matcher.understanding import Understanding

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
LevelArray = NDArray[np.int8]
FitArray = NDArray[np.int8]  # fit labels as codes: the place of each in FIT_ORDER
ComponentName = Literal["sector", "area", "location"]
COMPONENTS: tuple[ComponentName, ...] = ("sector", "area", "location")
NOT_ASKED = -1  # the level of a (requirement, park) the requirement did not ask about


@dataclass(frozen=True)
class Readings:
    """n requirements as read once: each distinct sector or location reading is shared."""

    sector: Sequence[Understanding]  # distinct readings of the sector text
    sector_of: NDArray[np.intp]  # (n,) which reading each requirement has
    location: Sequence[Understanding]  # distinct readings of the location
    location_of: NDArray[np.intp]
    min_area: FloatArray  # (n,) nan: not given
    max_area: FloatArray
    area_from_text: BoolArray | None = None  # (n,) the area was read from the sentence
    # (n,) datetime64[D], NaT: the date each investor needs the space by (None: nobody said)
    needed_by: NDArray[np.datetime64] | None = None

    @classmethod
    def one(
        cls,
        seen: Understanding,
        low: float | None,
        high: float | None,
        needed_by: date | None = None,
    ) -> Readings:
        """A single requirement, read once for both its sector and its location."""
        first = np.zeros(1, dtype=np.intp)
        return cls(
            (seen,),
            first,
            (seen,),
            first,
            np.array([np.nan if low is None else low]),
            np.array([np.nan if high is None else high]),
            needed_by=None if needed_by is None else np.array([needed_by], dtype="datetime64[D]"),
        ).with_areas_from_text()

    def with_areas_from_text(self) -> Readings:
        """Rows whose own area fields are empty take an area written in their sentence."""
        low, high = self.min_area.copy(), self.max_area.copy()
        empty = np.isnan(low) & np.isnan(high)
        taken = np.zeros(len(low), dtype=bool)
        for code, seen in enumerate(self.sector):
            if seen.area_in_text is None:
                continue
            rows = empty & (self.sector_of == code)
            area = seen.area_in_text[0]
            low[rows] = np.nan if area.min_m2 is None else area.min_m2
            high[rows] = np.nan if area.max_m2 is None else area.max_m2
            taken |= rows
        return replace(self, min_area=low, max_area=high, area_from_text=taken)

    def __len__(self) -> int:
        return len(self.sector_of)


@dataclass(frozen=True)
class Scored:
    """One comparison over n requirements x P parks: a value in [0, 1] (nan: not asked) and
    the level it was decided at (an index into the comparison's `levels`, or NOT_ASKED)."""

    values: FloatArray
    levels: LevelArray
    # (n, 1) rows whose constraint the sentence itself made a must (see LocationComparison).
    strict: BoolArray | None = None


@dataclass(frozen=True)
class Outcome:
    """What users read of one comparison for one park."""

    reasons: tuple[Text, ...] = ()
    terms: tuple[TermMatch, ...] = ()
    figure: Literal["above_ground", "building", "none"] = "none"


class Comparison(Protocol):
    """What every comparison offers. Scoring, blocking and explaining ask only this, by the
    comparison's name, so a new comparison brings its levels, data and words and nothing else.

    Each decides one level per (requirement, park) when scoring; its value, what a marked-hard
    constraint keeps, the best fit label it allows and the sentence users read are all looked
    up from that level."""

    name: ComponentName
    levels: tuple[str, ...]
    # Whether the score depends on the requirement's words alone (not on its figures): such
    # a comparison scores every park once per distinct reading, and blocking lists parks by it.
    text_only: bool

    @property
    def best_value(self) -> float:
        """The most any level gives: what blocking assumes before it has scored a park."""
        ...

    def score(self, readings: Readings) -> Scored:
        """Values and levels for every requirement x park."""
        ...

    def score_cells(
        self, readings: Readings, rows: NDArray[np.intp], parks: NDArray[np.intp]
    ) -> Scored:
        """Values and levels of the given cells only: `rows` (m,) requirements, `parks` (m, M)
        park indices."""
        ...

    def asks(self, readings: Readings) -> BoolArray:
        """(n,) whether each requirement asks about this at all."""
        ...

    def signatures(self, readings: Readings) -> tuple[NDArray[np.intp], list[Hashable]]:
        """(n,) codes into a list of signatures: requirements with equal signatures score
        every park alike, in this call and in any other."""
        ...

    def holds(self, scored: Scored) -> BoolArray:
        """Whether each park can physically hold what is asked (False puts it in a band below
        every park that can; True where this comparison sets no such limit)."""
        ...

    def kept_when_hard(self, scored: Scored) -> BoolArray:
        """Parks a requirement keeps when it marks this comparison a hard constraint."""
        ...

    def fit_ceiling(self, scored: Scored) -> FitArray:
        """The best fit label (code in FIT_ORDER) each cell's level allows."""
        ...

    def excluded_reason(self) -> Text:
        """What a park excluded by this comparison, marked hard, is told."""
        ...

    def reason_keys(self, readings: Readings) -> tuple[NDArray[np.intp], list[Hashable]]:
        """(n,) codes: requirements with equal codes get the same explanation for a park;
        and per code what the explanation depends on, which another batch of readings gives
        the same code-free key (so explanations can be kept across chunks)."""
        ...

    def explain(self, readings: Readings, row: int, park: int, level: int) -> Outcome:
        """The reasons for one (requirement, park) cell, from the level decided at scoring."""
        ...


STRONG_CODE = FIT_ORDER.index(Fit.STRONG)
PARTIAL_CODE = FIT_ORDER.index(Fit.PARTIAL)
WEAK_CODE = FIT_ORDER.index(Fit.WEAK)
NONE_CODE = FIT_ORDER.index(Fit.NONE)


def _no_ceiling(scored: Scored) -> FitArray:
    return np.full(scored.levels.shape, STRONG_CODE, dtype=np.int8)


def _all(scored: Scored) -> BoolArray:
    return np.ones(scored.levels.shape, dtype=bool)


def _valued(levels: LevelArray, level_scores: FloatArray) -> Scored:
    """Values looked up from levels (NOT_ASKED: nan)."""
    values = np.where(levels == NOT_ASKED, np.nan, level_scores[np.maximum(levels, 0)])
    return Scored(values, levels)


class SectorComparison:
    """Weighted mean over the query's sectors of the best credit a park's sectors give."""

    name: ComponentName = "sector"
    levels: tuple[str, ...] = ("fits", "no_fit", "unrecognised")
    text_only = True
    best_value = 1.0  # a credit of 1 for every sector named

    def __init__(self, parks: Sequence[Park], taxonomy: Taxonomy, tuning: Tuning) -> None:
        self.parks = tuple(parks)
        self.taxonomy = taxonomy
        self.sector_index = {sid: i for i, sid in enumerate(taxonomy.sectors)}
        # The advice given with a sector nobody placed: words that surely find parks.
        self.examples = say_why.sector_examples(self.parks, taxonomy.sectors)
        # The terms each park publishes, found when first explained (a large catalogue
        # repeats the same texts, each read once).
        self._terms: dict[tuple[str, str, tuple[SectorTag, ...]], dict[str, str]] = {}
        self._parks_of_sector: list[NDArray[np.intp]] | None = None
        self.strong, self.partial = tuning.sector.strong, tuning.sector.partial
        step = tuning.sector.breadth_step
        level_credit = tuning.sector.tag_level_credit.model_dump()
        # credit[s, p]: what a query for sector s earns from park p, and through which tag.
        ids, table = taxonomy.credit_table()
        pair_credit = np.array(table)  # (query sector, park sector)
        self.credit = np.zeros((len(ids), len(self.parks)))
        self.best_tag = np.full((len(ids), len(self.parks)), -1)
        # Parks with the same tags get the same columns: each distinct tag list worked out once.
        same_tags: dict[tuple[SectorTag, ...], list[int]] = {}
        for p, park in enumerate(self.parks):
            same_tags.setdefault(park.sectors, []).append(p)
        for tags, parks_with in same_tags.items():
            breadth = self._breadth_for(self.parks[parks_with[0]], step)
            columns = [self.sector_index[tag.sector_id] for tag in tags]
            levels = np.array([level_credit[tag.level.value] for tag in tags])
            per_tag = pair_credit[:, columns] * levels * breadth  # (sectors, tags)
            best = per_tag.argmax(axis=1)
            value = per_tag[np.arange(len(ids)), best]
            self.credit[:, parks_with] = value[:, None]
            self.best_tag[:, parks_with] = np.where(value > 0, best, -1)[:, None]

    def park_term(self, park: int, sector_id: str) -> str:
        """How park `park` words sector `sector_id` in its positioning (or name)."""
        found = self.parks[park]
        key = (found.positioning_zh, found.name_zh, found.sectors)
        terms = self._terms.get(key)
        if terms is None:
            terms = self._terms[key] = self._terms_for(found)
        return terms[sector_id]

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

    def _breadth_for(self, park: Park, step: float) -> float:
        groups = {self.taxonomy.sectors[s].group for s in park.sector_ids(SectorLevel.PRIMARY)}
        return 1.0 / (1.0 + step * max(len(groups) - 1, 0))

    def _row(self, seen: Understanding) -> FloatArray:
        if not seen.asks_sector:
            return np.full(len(self.parks), np.nan)
        if not seen.sector_hits:
            return np.zeros(len(self.parks))
        rows = [self.sector_index[h.sector_id] for h in seen.sector_hits]
        factors = np.array(
            [w * h.confidence for w, h in zip(seen.sector_weights, seen.sector_hits, strict=True)]
        )
        result: FloatArray = factors @ self.credit[rows] / sum(seen.sector_weights)
        return result

    def values_for(self, seen: Understanding) -> FloatArray:
        """(P,) the sector value of every park for one reading (nan: not asked)."""
        return self._row(seen)

    def score(self, readings: Readings) -> Scored:
        rows = np.array([self._row(seen) for seen in readings.sector], dtype=np.float64).reshape(
            len(readings.sector), len(self.parks)
        )
        recognised = np.array([bool(seen.sector_hits) for seen in readings.sector], dtype=bool)
        levels = self.levels_of(rows, recognised[:, None])
        return Scored(rows[readings.sector_of], levels[readings.sector_of])

    def score_cells(
        self, readings: Readings, rows: NDArray[np.intp], parks: NDArray[np.intp]
    ) -> Scored:
        used, of = np.unique(readings.sector_of[rows], return_inverse=True)
        seen = [readings.sector[int(code)] for code in used]
        table = np.array([self._row(s) for s in seen], dtype=np.float64).reshape(
            len(seen), len(self.parks)
        )
        of = of.reshape(-1)
        values = table[of[:, None], parks]
        recognised = np.array([bool(s.sector_hits) for s in seen], dtype=bool)[of]
        return Scored(values, self.levels_of(values, recognised[:, None]))

    def asks(self, readings: Readings) -> BoolArray:
        asked = np.array([seen.asks_sector for seen in readings.sector], dtype=bool)
        result: BoolArray = asked[readings.sector_of]
        return result

    def signatures(self, readings: Readings) -> tuple[NDArray[np.intp], list[Hashable]]:
        return readings.sector_of, [self.reading_signature(seen) for seen in readings.sector]

    holds = staticmethod(_all)
    kept_when_hard = staticmethod(_all)  # a sector is never marked hard
    fit_ceiling = staticmethod(_no_ceiling)  # the sector decides the label (fit_from)

    def excluded_reason(self) -> Text:
        return say("reason_excluded_sector")

    def fit_from(self, values: FloatArray) -> FitArray:
        """The fit label a sector value earns: the sector leads ("先定产业后供空间"), the
        other comparisons can only lower it (their fit_ceiling)."""
        codes: FitArray = np.select(
            [values <= 0, values >= self.strong, values >= self.partial],
            [NONE_CODE, STRONG_CODE, PARTIAL_CODE],
            default=WEAK_CODE,
        ).astype(np.int8)
        return codes

    @staticmethod
    def levels_of(values: FloatArray, recognised: BoolArray) -> LevelArray:
        """The level of each value; `recognised` broadcasts against `values`."""
        levels: LevelArray = np.where(
            np.isnan(values),
            NOT_ASKED,
            np.where(values > 0, 0, np.where(recognised, 1, 2)),
        ).astype(np.int8)
        return levels

    def candidates(self, seen: Understanding) -> NDArray[np.intp] | None:
        """The parks a reading's sectors can credit (blocking, after splink): every park whose
        sector value can be above 0 is among them. None when the reading names no sector."""
        if not seen.sector_hits:
            return None
        if self._parks_of_sector is None:
            self._parks_of_sector = [np.flatnonzero(row > 0) for row in self.credit]
        found = [self._parks_of_sector[self.sector_index[h.sector_id]] for h in seen.sector_hits]
        return np.unique(np.concatenate(found)) if len(found) > 1 else found[0]

    @staticmethod
    def reading_signature(seen: Understanding) -> tuple[object, ...]:
        """Readings with equal signatures score every park the same."""
        return (
            seen.asks_sector,
            tuple(h.sector_id for h in seen.sector_hits),
            tuple(h.confidence for h in seen.sector_hits),
            seen.sector_weights,
        )

    def reason_keys(self, readings: Readings) -> tuple[NDArray[np.intp], list[Hashable]]:
        """Readings naming the same sectors the same way are explained alike; an unrecognised
        text is quoted, so it is its own key."""
        keys: list[Hashable] = [
            (
                tuple((h.sector_id, h.surface, h.how, h.confidence) for h in seen.sector_hits)
                if seen.sector_hits
                else ("text", seen.unplaced_sector_words, seen.asks_sector),
                seen.sector_notes,
                tuple(sorted(seen.customers_sectors)),
            )
            for seen in readings.sector
        ]
        return _keys_of(keys)[readings.sector_of], list(dict.fromkeys(keys))

    def unrecognised_reason(self, seen: Understanding) -> Text:
        """What a reader is told of a sector text nothing placed: only its own unplaced words
        (not the area or places written beside them), and sectors that would find parks."""
        words = seen.unplaced_sector_words
        if not words:
            return say_why.sector_not_named(self.examples)
        return say_why.sector_unrecognised(words, self.examples)

    def explain(self, readings: Readings, row: int, park: int, level: int) -> Outcome:
        """Which query term met which park term, and how much it earned."""
        seen = readings.sector[int(readings.sector_of[row])]
        if level == NOT_ASKED:
            return Outcome()
        if self.levels[level] == "unrecognised":
            return Outcome((*seen.sector_notes, self.unrecognised_reason(seen)))
        terms: list[TermMatch] = []
        reasons: list[Text] = list(seen.sector_notes)
        tags = [int(self.best_tag[self.sector_index[h.sector_id], park]) for h in seen.sector_hits]
        # A chain term is explained once per park: where only its secondary sector earns
        # credit, that one reason says the term's own chain is not listed.
        fits_by_secondary = {
            h.chain.term_zh
            for h, t in zip(seen.sector_hits, tags, strict=True)
            if t >= 0 and h.chain is not None and h.chain.role == "secondary"
        }
        unfit_primary = {
            h.chain.term_zh
            for h, t in zip(seen.sector_hits, tags, strict=True)
            if t < 0 and h.chain is not None and h.chain.role != "secondary"
        }
        for hit, t in zip(seen.sector_hits, tags, strict=True):
            query_sector = self.taxonomy.sectors[hit.sector_id]
            theirs = hit.sector_id in seen.customers_sectors  # said once, in sector_notes
            if t < 0:
                if theirs:
                    continue
                if hit.chain is None:
                    reasons.append(say_why.sector_missing(hit.surface, sector_name(query_sector)))
                elif hit.chain.term_zh in fits_by_secondary:
                    pass  # said by the secondary sector's reason
                elif missing := chain_missing_reason(self.taxonomy.sectors, hit.chain, hit.surface):
                    reasons.append(missing)
                continue
            s = self.sector_index[hit.sector_id]
            tag = self.parks[park].sectors[t]
            relation = self.taxonomy.credit(hit.sector_id, tag.sector_id).relation
            term = TermMatch(
                query_term=hit.surface,
                query_sector=hit.sector_id,
                park_sector=tag.sector_id,
                park_term=self.park_term(park, tag.sector_id),
                relation=relation,
                how=hit.how,
                credit=round(float(hit.confidence * self.credit[s, park]), 4),
            )
            terms.append(term)
            primary_fits = hit.chain is None or hit.chain.term_zh not in unfit_primary
            if not theirs:
                reasons.append(self._reason(term, tag.level, hit.chain, primary_fits))
        return Outcome(tuple(reasons), tuple(terms))

    def _reason(
        self,
        term: TermMatch,
        tag_level: SectorLevel,
        chain: ChainLink | None,
        primary_fits: bool = True,
    ) -> Text:
        query_sector = self.taxonomy.sectors[term.query_sector]
        if chain is not None:
            return chain_reason(
                self.taxonomy.sectors,
                chain,
                term.query_term,
                term.query_sector,
                term.park_sector,
                term.park_term,
                tag_level,
                term.relation,
                primary_fits,
            )
        if term.relation == "same":
            return say_why.sector_same(
                term.query_term, sector_name(query_sector), term.park_term, tag_level
            )
        park_sector = self.taxonomy.sectors[term.park_sector]
        return say_why.sector_related(
            term.query_term,
            sector_name(query_sector),
            sector_name(park_sector),
            term.park_term,
            term.relation,
        )


def _given(bounds: FloatArray) -> list[float | None]:
    """Each bound as a float, None where it was not given (nan)."""
    return [None if b != b else b for b in bounds.tolist()]


class AreaComparison:
    """Minimum floor area against above-ground space first, total floor area second."""

    name: ComponentName = "area"
    levels: tuple[str, ...] = tuple(level.value for level in AreaLevel)

    text_only = False

    def __init__(
        self, parks: Sequence[Park], tuning: Tuning, availability: Availability | None = None
    ) -> None:
        self.parks = tuple(parks)
        self.above = np.array(
            [np.nan if p.above_ground_area_m2 is None else p.above_ground_area_m2 for p in parks]
        )
        self.total = np.array([p.total_area_m2 for p in parks])
        # Where the source gives no above-ground figure, the only figure is compared.
        self.usable = np.where(np.isnan(self.above), self.total, self.above)
        self.level_scores = np.array([tuning.area.levels[level] for level in AreaLevel])
        self.stale_after_days = tuning.availability.stale_after_days
        # With no availability recorded anywhere, parks are compared as published, exactly.
        self.availability = availability if availability and availability.in_use else None
        if self.availability is not None:
            self._read_availability(self.availability)

    def _read_availability(self, availability: Availability) -> None:
        """Each park's current figure as arrays (no current figure: nan, never compared)."""
        current = [availability.current(p.park_id) for p in self.parks]
        self.has_current = np.array([r is not None for r in current], dtype=bool)
        self.free = np.array([np.nan if r is None else r.usable_m2 for r in current])
        self.free_below = np.array(
            [
                r.underground_m2 or 0.0
                if r is not None and r.status is not AvailabilityStatus.FULL
                else 0.0
                for r in current
            ]
        )
        self.as_of = np.datetime64(availability.as_of, "D")
        self.free_from = np.array(
            [
                self.as_of if r is None or r.available_from is None else r.available_from
                for r in current
            ],
            dtype="datetime64[D]",
        )
        self.negotiating = np.array(
            [r is not None and r.status is AvailabilityStatus.UNDER_NEGOTIATION for r in current],
            dtype=bool,
        )

    @property
    def best_value(self) -> float:
        return float(np.max(self.level_scores))

    def score(self, readings: Readings) -> Scored:
        every = np.arange(len(self.parks))[None, :]
        needed = None if readings.needed_by is None else readings.needed_by[:, None]
        return self.score_parks(
            readings.min_area[:, None], readings.max_area[:, None], every, needed
        )

    def score_cells(
        self, readings: Readings, rows: NDArray[np.intp], parks: NDArray[np.intp]
    ) -> Scored:
        needed = None if readings.needed_by is None else readings.needed_by[rows][:, None]
        return self.score_parks(
            readings.min_area[rows][:, None], readings.max_area[rows][:, None], parks, needed
        )

    def asks(self, readings: Readings) -> BoolArray:
        low, high = readings.min_area, readings.max_area
        result: BoolArray = (~np.isnan(low) & (np.nan_to_num(low) > 0)) | ~np.isnan(high)
        return result

    def signatures(self, readings: Readings) -> tuple[NDArray[np.intp], list[Hashable]]:
        """The bounds asked for, as they are (nan: not given)."""
        if len(readings) == 0:
            return np.zeros(0, dtype=np.intp), []
        # Each bound coded by its bits (areas are never negative: -1 stands for not given),
        # then the pair: two hash passes, where sorting the rows was four times slower.
        low, high = (
            first_and_codes(np.nan_to_num(bound, nan=-1.0).view(np.int64))
            for bound in (readings.min_area, readings.max_area)
        )
        first, codes = first_and_codes(low[1] * (len(high[0]) + 1) + high[1])
        # A bound not given is None in the key: nan never equals itself, so a key holding it
        # would be a new requirement in every call and nothing would be kept across chunks.
        lows, highs = _given(readings.min_area), _given(readings.max_area)
        keys: list[Hashable] = [(lows[i], highs[i]) for i in first.tolist()]
        if self.availability is None or readings.needed_by is None:
            return codes, keys
        # Compared with the space available, the date needed counts too.
        dates = readings.needed_by
        with_dates: list[Hashable] = [(lows[i], highs[i], str(dates[i])) for i in range(len(dates))]
        return _keys_of(with_dates), list(dict.fromkeys(with_dates))

    def holds(self, scored: Scored) -> BoolArray:
        """Whether each park can hold the minimum asked for, underground included."""
        result: BoolArray = scored.levels != _area_code(AreaLevel.CANNOT_FIT)
        return result

    def kept_when_hard(self, scored: Scored) -> BoolArray:
        return self.holds(scored)

    def fit_ceiling(self, scored: Scored) -> FitArray:
        """No fit where the park cannot hold the area; at most partial where it holds it only
        in part (short of the maximum, underground only …)."""
        short = ~np.isnan(scored.values) & (scored.values < 1.0)
        ceiling: FitArray = np.where(
            ~self.holds(scored), NONE_CODE, np.where(short, PARTIAL_CODE, STRONG_CODE)
        ).astype(np.int8)
        return ceiling

    def excluded_reason(self) -> Text:
        return say("reason_excluded_area")

    def score_parks(
        self,
        lo: FloatArray,
        hi: FloatArray,
        parks: NDArray[np.intp],
        needed: NDArray[np.datetime64] | None = None,
    ) -> Scored:
        """Values and levels for the given parks only: `parks` (n, M) park indices, `lo` and
        `hi` (n, 1) the requirements' bounds (nan: not given), `needed` (n, 1) the date each
        needs the space by (NaT or None: today)."""
        usable = self.usable[parks]
        total = self.total[parks]
        has_min = ~np.isnan(lo) & (np.nan_to_num(lo) > 0)
        has_max = ~np.isnan(hi)
        underground = ~np.isnan(self.above)[parks] & (lo <= total)
        code = _area_code
        level = np.select(
            [
                ~has_min & ~has_max,
                ~has_min & (usable >= hi),
                ~has_min,
                lo <= usable,
                underground,
            ],
            [
                NOT_ASKED,
                code(AreaLevel.MAX_ONLY_ROOMY),
                code(AreaLevel.MAX_ONLY_SMALLER),
                np.where(
                    has_max & (usable < hi), code(AreaLevel.SHORT_OF_MAX), code(AreaLevel.ENOUGH)
                ),
                code(AreaLevel.UNDERGROUND_ONLY),
            ],
            default=code(AreaLevel.CANNOT_FIT),
        ).astype(np.int8)
        if self.availability is not None:
            level = self._with_availability(level, lo, hi, has_min, parks, needed)
        values = np.where(level == NOT_ASKED, np.nan, self.level_scores[np.maximum(level, 0)])
        return Scored(values, level)

    def _with_availability(
        self,
        level: LevelArray,
        lo: FloatArray,
        hi: FloatArray,
        has_min: BoolArray,
        parks: NDArray[np.intp],
        needed: NDArray[np.datetime64] | None,
    ) -> LevelArray:
        """The levels as published, turned into what the space available says: a park with a
        current figure is compared with it (a park too small in total still cannot fit); one
        without is compared with its totals, which holding the minimum is "unconfirmed"."""
        code = _area_code
        need = np.where(has_min, lo, hi)
        when = (
            np.full(lo.shape, self.as_of)
            if needed is None
            else np.where(np.isnat(needed), self.as_of, needed)
        )
        free = np.nan_to_num(self.free[parks], nan=-1.0)
        enough = free >= need
        by_figure = np.select(
            [
                enough & self.negotiating[parks],
                enough & (self.free_from[parks] <= when),
                enough,
                free + self.free_below[parks] >= need,
            ],
            [
                code(AreaLevel.UNDER_NEGOTIATION),
                code(AreaLevel.AVAILABLE_NOW),
                code(AreaLevel.AVAILABLE_FROM),
                code(AreaLevel.UNDERGROUND_AVAILABLE),
            ],
            default=code(AreaLevel.NOT_ENOUGH_AVAILABLE),
        )
        unconfirmed = np.where(level == code(AreaLevel.ENOUGH), code(AreaLevel.UNCONFIRMED), level)
        compared = (level != NOT_ASKED) & (level != code(AreaLevel.CANNOT_FIT))
        result: LevelArray = np.where(
            compared, np.where(self.has_current[parks], by_figure, unconfirmed), level
        ).astype(np.int8)
        return result

    def reason_keys(self, readings: Readings) -> tuple[NDArray[np.intp], list[Hashable]]:
        """Requirements with the same bounds, read from the same words (if from a sentence),
        are explained alike."""
        low = np.nan_to_num(readings.min_area, nan=-1.0)
        high = np.nan_to_num(readings.max_area, nan=-1.0)
        # The words an area was read from are part of its explanation.
        source = (
            np.where(readings.area_from_text, readings.sector_of, -1)
            if readings.area_from_text is not None
            else np.full(len(low), -1)
        )
        if len(low) == 0:
            return np.zeros(0, dtype=np.intp), []
        # Column by column (a row-wise np.unique sorts the rows as bytes, far slower).
        codes = np.zeros(len(low), dtype=np.intp)
        for column in (low, high, source):
            _, of = np.unique(column, return_inverse=True)
            _, codes = np.unique(codes * (int(of.max()) + 1) + of, return_inverse=True)
        if self.availability is not None and readings.needed_by is not None:
            # Compared with the space available, the reason names the date needed.
            _, of = np.unique(readings.needed_by.astype(np.int64), return_inverse=True)
            _, codes = np.unique(codes * (int(of.max()) + 1) + of, return_inverse=True)
        codes = codes.reshape(-1).astype(np.intp)
        keys: list[Hashable] = []
        for i in _first_rows(codes).tolist():
            found = readings.sector[int(source[i])].area_in_text if source[i] >= 0 else None
            keys.append(
                (
                    float(low[i]),
                    float(high[i]),
                    found[1] if found else None,
                    self._needed(readings, i),
                )
            )
        return codes, keys

    def _needed(self, readings: Readings, row: int) -> date | None:
        """The date the row needs the space by, where it matters (availability in use)."""
        if self.availability is None or readings.needed_by is None:
            return None
        day = readings.needed_by[row]
        return None if np.isnat(day) else day.astype(date)

    def explain(self, readings: Readings, row: int, park: int, level: int) -> Outcome:
        """The area verdict in words, naming the figure compared."""
        if level == NOT_ASKED:
            return Outcome()
        found = self.parks[park]
        low = float(readings.min_area[row])
        high = float(readings.max_area[row])
        figure: Literal["above_ground", "building"] = (
            "above_ground" if found.above_ground_area_m2 else "building"
        )
        reasons: list[Text] = []
        if readings.area_from_text is not None and readings.area_from_text[row]:
            seen = readings.sector[int(readings.sector_of[row])]
            assert seen.area_in_text is not None
            reasons.append(say_why.area_from_sector_text(seen.area_in_text[1]))
        named = AreaLevel(self.levels[level])
        current = None if self.availability is None else self.availability.current(found.park_id)
        if current is not None and named not in (AreaLevel.CANNOT_FIT,):
            reasons.append(
                say_why.availability_reason(
                    named,
                    record=current,
                    need=low if low == low and low > 0 else high,
                    needed=self._needed(readings, row),
                    as_of=self.availability.as_of if self.availability else None,
                    total=float(self.usable[park]),
                    figure=figure,
                )
            )
            return Outcome(tuple(reasons), figure=figure)
        if self.availability is not None and current is None:
            recorded = self.availability.records.get(found.park_id)
            reasons.append(say_why.availability_unconfirmed(recorded, self.stale_after_days))
        if found.above_ground_area_m2 is None:
            reasons.append(say("reason_above_ground_unknown"))
        reasons.append(
            say_why.area_reason(
                AreaLevel.ENOUGH if named is AreaLevel.UNCONFIRMED else named,
                need_min=low,
                need_max=high,
                usable=float(self.usable[park]),
                above=found.above_ground_area_m2,
                total=found.total_area_m2,
                figure=figure,
            )
        )
        if self.levels[level] == AreaLevel.CANNOT_FIT and found.expansion_area_m2:
            reasons.append(say_why.area_expansion(found.expansion_area_m2))
        return Outcome(tuple(reasons), figure=figure)


def _first_rows(codes: NDArray[np.intp]) -> NDArray[np.intp]:
    """For codes 0..m-1 numbered by first appearance: the first row holding each."""
    first = np.zeros(int(codes.max()) + 1 if len(codes) else 0, dtype=np.intp)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    return first


def _keys_of(keys: Sequence[object]) -> NDArray[np.intp]:
    """A small integer per distinct key, in order of first appearance."""
    codes: dict[object, int] = {}
    return np.array([codes.setdefault(key, len(codes)) for key in keys], dtype=np.intp)


def _area_code(level: AreaLevel) -> int:
    return list(AreaLevel).index(level)


class LocationComparison:
    """The nearest place the requirement names: at it, same town, same zone, or elsewhere."""

    name: ComponentName = "location"
    levels: tuple[str, ...] = tuple(level.value for level in LocationLevel)

    text_only = True

    def __init__(self, parks: Sequence[Park], gazetteer: Gazetteer, tuning: Tuning) -> None:
        self.parks = tuple(parks)
        order = list(LocationLevel)
        self.level_scores = np.array([tuning.location.levels[level] for level in LocationLevel])
        self.hard_keeps = np.array([level in tuning.location.hard_keeps for level in order])
        fit_code = {fit.value: FIT_ORDER.index(fit) for fit in FIT_ORDER}
        # The best fit label at each level (a preference, a must), NOT_ASKED last: strong.
        self.ceiling = np.array(
            [fit_code[tuning.location.ceiling[level]] for level in order] + [STRONG_CODE],
            dtype=np.int8,
        )
        self.must_ceiling = np.array(
            [fit_code[tuning.location.must_ceiling[level]] for level in order] + [STRONG_CODE],
            dtype=np.int8,
        )
        # How near a park is depends on its published text, town and zone only: parks that
        # share them (a large catalogue repeats them) are compared with each place once.
        alike: dict[tuple[str, str, str, str, str | None], int] = {}
        kind = np.array(
            [
                alike.setdefault(
                    (p.name_zh, p.location_zh, p.positioning_zh, p.zone.value, p.town),
                    len(alike),
                )
                for p in self.parks
            ],
            dtype=np.intp,
        )
        examples = [self.parks[int(i)] for i in _first_rows(kind)]
        haystacks = [park_haystack(park) for park in examples]
        # near[place]: the level code of every park for that place.
        self.near = {
            place.place_id: np.array(
                [
                    order.index(nearness(place, park, hay))
                    for park, hay in zip(examples, haystacks, strict=True)
                ],
                dtype=np.int8,
            )[kind]
            for place in gazetteer.places
        }

    def _row(self, seen: Understanding) -> LevelArray:
        if not seen.place_hits:
            return np.full(len(self.parks), NOT_ASKED, dtype=np.int8)
        codes = np.array([self.near[h.place.place_id] for h in seen.place_hits])
        best = self.level_scores[codes].argmax(axis=0)  # the nearest place named, per park
        result: LevelArray = codes[best, np.arange(len(self.parks))]
        return result

    @property
    def best_value(self) -> float:
        return float(np.max(self.level_scores))

    def score(self, readings: Readings) -> Scored:
        levels = np.array([self._row(seen) for seen in readings.location], dtype=np.int8).reshape(
            len(readings.location), len(self.parks)
        )[readings.location_of]
        scored = _valued(levels, self.level_scores)
        return replace(scored, strict=self._strict(readings)[readings.location_of][:, None])

    @staticmethod
    def _strict(readings: Readings) -> BoolArray:
        """Of each distinct location reading: does its sentence make the place a must?"""
        return np.array([seen.location_must for seen in readings.location], dtype=bool)

    def score_cells(
        self, readings: Readings, rows: NDArray[np.intp], parks: NDArray[np.intp]
    ) -> Scored:
        used, of = np.unique(readings.location_of[rows], return_inverse=True)
        table = np.array(
            [self._row(readings.location[int(code)]) for code in used], dtype=np.int8
        ).reshape(len(used), len(self.parks))
        scored = _valued(table[of.reshape(-1)[:, None], parks], self.level_scores)
        strict = self._strict(readings)[readings.location_of[rows]][:, None]
        return replace(scored, strict=strict)

    def asks(self, readings: Readings) -> BoolArray:
        asked = np.array([bool(seen.place_hits) for seen in readings.location], dtype=bool)
        result: BoolArray = asked[readings.location_of]
        return result

    def signatures(self, readings: Readings) -> tuple[NDArray[np.intp], list[Hashable]]:
        return readings.location_of, [self.reading_signature(seen) for seen in readings.location]

    @staticmethod
    def reading_signature(seen: Understanding) -> tuple[str, ...]:
        """Readings with equal signatures score every park the same."""
        return tuple(h.place.place_id for h in seen.place_hits)

    holds = staticmethod(_all)

    def fit_ceiling(self, scored: Scored) -> FitArray:
        """The best fit each level allows (data/scoring.toml): a preference never lowers a
        fit below partial; a must read from the sentence leaves parks elsewhere weak."""
        levels = scored.levels  # NOT_ASKED (-1) indexes the last entry: strong
        ceiling: FitArray = self.ceiling[levels]
        if scored.strict is not None:
            ceiling = np.where(scored.strict, self.must_ceiling[levels], ceiling).astype(np.int8)
        return ceiling

    def excluded_reason(self) -> Text:
        return say("reason_excluded_location")

    def kept_when_hard(self, scored: Scored) -> BoolArray:
        """Parks a location marked hard keeps (not asked: every park)."""
        result: BoolArray = (scored.levels == NOT_ASKED) | self.hard_keeps[
            np.maximum(scored.levels, 0)
        ]
        return result

    def reason_keys(self, readings: Readings) -> tuple[NDArray[np.intp], list[Hashable]]:
        """Readings naming the same places the same way are explained alike; an unrecognised
        location is quoted, so it is its own key; so is a location field that overrules a
        place written in the sentence."""
        base = [
            (
                seen.location_text if seen.unrecognised_location else "",
                self.reading_signature(seen),
                seen.places_from_sector_text,
                tuple(h.surface for h in seen.place_hits) if seen.places_from_sector_text else (),
                seen.location_must,
                "" if seen.places_from_sector_text else seen.location_text,
            )
            for seen in readings.location
        ]
        # A filled location field overrules places its row's sentence names: only then does
        # the sector reading take part in the key (most batches have no such row).
        fills = np.array(
            [
                not seen.places_from_sector_text and bool(seen.place_hits)
                for seen in readings.location
            ],
            dtype=bool,
        )
        written = [tuple(h.surface for h in r.text_places) for r in readings.sector]
        names = np.array([bool(w) for w in written], dtype=bool)
        if not (fills[readings.location_of] & names[readings.sector_of]).any():
            keys: list[Hashable] = [(*b, ()) for b in base]
            return _keys_of(keys)[readings.location_of], list(dict.fromkeys(keys))
        first, row_of = _pairs(readings)
        keys = [
            (*base[loc], written[sec] if fills[loc] else ())
            for loc, sec in zip(
                readings.location_of[first].tolist(),
                readings.sector_of[first].tolist(),
                strict=True,
            )
        ]
        return _keys_of(keys)[row_of], list(dict.fromkeys(keys))

    def _overruled(self, readings: Readings, row: int) -> tuple[str, ...]:
        """The places the row's sentence names, as written, when its location field was
        filled (and so decides): none if the sentence names none or the field is empty.
        Plain strings: a batch keys thousands of rows by them."""
        seen = readings.location[int(readings.location_of[row])]
        if seen.places_from_sector_text or not seen.place_hits:
            return ()
        return tuple(h.surface for h in readings.sector[int(readings.sector_of[row])].text_places)

    def explain(self, readings: Readings, row: int, park: int, level: int) -> Outcome:
        """Where the park is relative to the place asked for, in words."""
        seen = readings.location[int(readings.location_of[row])]
        if seen.unrecognised_location:
            return Outcome((say_why.location_unrecognised(seen.location_text),))
        if level == NOT_ASKED:
            return Outcome()
        found = self.parks[park]
        hit = next(h for h in seen.place_hits if self.near[h.place.place_id][park] == level)
        place = hit.place
        reasons: list[Text] = []
        named = both(place.name_zh, place.name_en)
        if seen.places_from_sector_text and hit.instead_of:
            reasons.append(say_why.location_instead_of(_as_written(hit), hit.instead_of))
        elif seen.places_from_sector_text:
            reasons.append(say_why.location_from_sector_text(_as_written(hit), seen.location_must))
        elif written := self._overruled(readings, row):
            words = joined(both(w, w) for w in written)
            reasons.append(say_why.location_field_wins(words, seen.location_text))
        zone = say(f"zone_{found.zone.value}")
        reasons.append(
            say_why.location_reason(
                LocationLevel(self.levels[level]),
                place=named,
                town=town_text(found),
                where=say(
                    "park_where",
                    place=both(found.town or found.location_zh, found.location_en),
                    zone=zone,
                ),
                zone=zone,
            )
        )
        return Outcome(tuple(reasons))


def _as_written(hit: PlaceHit) -> Text:
    """A place read from the sentence as its reader wrote it ("北部"), with its curated name in
    the other language."""
    surface = hit.surface
    if has_cjk(surface):
        return both(surface, hit.place.name_en)
    return both(hit.place.name_zh, surface)


def _pairs(readings: Readings) -> tuple[list[int], NDArray[np.intp]]:
    """The first row of each distinct (location reading, sector reading), and for each row
    the index of its pair among them (numpy: a batch has tens of thousands of rows)."""
    width = int(readings.sector_of.max(initial=0)) + 1
    pair = readings.location_of.astype(np.int64) * width + readings.sector_of
    _, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
    return first.tolist(), inverse.astype(np.intp).reshape(-1)


def build_comparisons(
    parks: Sequence[Park],
    taxonomy: Taxonomy,
    gazetteer: Gazetteer,
    tuning: Tuning,
    availability: Availability | None = None,
) -> tuple[SectorComparison, AreaComparison, LocationComparison]:
    """The comparisons in COMPONENTS order; the first, the sector, leads (see fit_from)."""
    return (
        SectorComparison(parks, taxonomy, tuning),
        AreaComparison(parks, tuning, availability),
        LocationComparison(parks, gazetteer, tuning),
    )
