"""What each ranked park is told, assembled once for one requirement and for a lead list.

`Explainer.parts` turns a TopK into its reasons, in the one order every output shows them:
the plain statement that no park lists the sector, each exclusion by a constraint marked
hard, each comparison's reasons (COMPONENTS order), and "nothing to score". Each part keeps
its distinct reason lists once and, per cell, which list the cell has: a lead list repeats
most (requirement, park) explanations, so each is worded once however many rows share it.
`matches_of` renders one row of parts as Matches; matcher/batch.py joins them into columns.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from matcher import reasons
from matcher.cache import LruCache
from matcher.codes import first_and_codes
from matcher.comparisons import COMPONENTS, Outcome, Readings
from matcher.i18n import Text, catalogue, say
from matcher.models import FIT_ORDER, Component, Match, TermMatch
from matcher.scoring import Ranker, TopK

Figure = Literal["above_ground", "building", "none"]
# Distinct explanations kept across calls (a lead list's chunks repeat most of them).
EXPLANATIONS_KEPT = 100_000


@dataclass(frozen=True)
class Said:
    """A list of reasons as each language writes it, joined once however many cells give it;
    for a comparison, also the terms matched and the area figure compared."""

    texts: tuple[Text, ...]
    zh: str
    en: str
    terms: tuple[TermMatch, ...] = ()
    figure: Figure = "none"

    @classmethod
    def of(cls, texts: Sequence[Text], outcome: Outcome | None = None) -> Said:
        separator = catalogue()["reason_separator"]
        return cls(
            tuple(texts),
            separator.zh.join(t.zh for t in texts),
            separator.en.join(t.en for t in texts),
            outcome.terms if outcome else (),
            outcome.figure if outcome else "none",
        )

    @property
    def nonempty(self) -> bool:
        return bool(self.texts)


NOTHING_SAID = Said((), "", "")


@dataclass(frozen=True)
class Part:
    """One source of reasons: its distinct reason lists, and for each cell of a TopK (row by
    row, best first) the list it has."""

    name: str  # "no_park_lists", "excluded_<comparison>", a comparison's name, "nothing_asked"
    said: Sequence[Said]
    index: NDArray[np.intp]  # (cells,) into `said`


class Explainer:
    """Reasons for ranked cells, each distinct explanation worded once (kept across calls)."""

    def __init__(self, ranker: Ranker, kept: int = EXPLANATIONS_KEPT) -> None:
        self.ranker = ranker
        self._explained: LruCache[Said] = LruCache(kept)
        self._fits_any: LruCache[bool] = LruCache(kept)

    def parts(self, readings: Readings, top: TopK) -> list[Part]:
        """Every part, in the order reasons are read, for every cell of `top`."""
        k = top.parks.shape[1] if len(top) else 0
        row = np.repeat(np.arange(len(top)), k)
        parks = top.parks.reshape(-1)
        parts = [self._no_park_lists(readings, row)]
        for c, comparison in enumerate(self.ranker.comparisons):
            excluded = top.excluded_by[c].reshape(-1)
            if excluded.any():
                said = [NOTHING_SAID, Said.of((comparison.excluded_reason(),))]
                parts.append(Part(f"excluded_{comparison.name}", said, excluded.astype(np.intp)))
        for c in range(len(self.ranker.comparisons)):
            parts.append(self._comparison(readings, c, row, parks, top.levels[c].reshape(-1)))
        asked_nothing = np.asarray(~top.asked.any(axis=1), dtype=bool)
        nothing = [NOTHING_SAID, Said.of((say("reason_nothing_asked"),))]
        parts.append(Part("nothing_asked", nothing, asked_nothing[row].astype(np.intp)))
        return parts

    def _comparison(
        self,
        readings: Readings,
        c: int,
        row: NDArray[np.intp],
        parks: NDArray[np.intp],
        levels: NDArray[np.int8],
    ) -> Part:
        comparison = self.ranker.comparisons[c]
        codes, keys = comparison.reason_keys(readings)
        n_parks = len(self.ranker.parks)
        pair = codes[row] * n_parks + parks
        first, inverse = first_and_codes(pair)
        lists: list[Said] = []
        for i in first.tolist():
            r, p, level = int(row[i]), int(parks[i]), int(levels[i])
            key: Hashable = (c, keys[codes[r]], p, level)
            said = self._explained.get(key)
            if said is None:
                outcome = comparison.explain(readings, r, p, level)
                said = Said.of(outcome.reasons, outcome)
                self._explained.put(key, said)
            lists.append(said)
        return Part(comparison.name, lists, inverse)

    def _no_park_lists(self, readings: Readings, row: NDArray[np.intp]) -> Part:
        """The plain statement owed when a sector was asked and no park fits it at all."""
        lead = self.ranker.sector
        notes: list[Said] = []
        for seen in readings.sector:
            key = lead.reading_signature(seen)
            fits = self._fits_any.get(key)
            if fits is None:
                fits = bool(np.any(np.nan_to_num(lead.values_for(seen)) > 0))
                self._fits_any.put(key, fits)
            # An unrecognised text is quoted by its unplaced words only; with none (the field
            # held an area or a place), the sector comparison's reason says so alone.
            words = (
                seen.sector_text or "、".join(h.surface for h in seen.sector_hits)
                if seen.sector_hits
                else seen.unplaced_sector_words
            )
            if seen.asks_sector and not fits and words:
                notes.append(Said.of((reasons.no_park_lists(words),)))
            else:
                notes.append(NOTHING_SAID)
        return Part("no_park_lists", notes, readings.sector_of[row])


def matches_of(ranker: Ranker, top: TopK, parts: Sequence[Part], row: int) -> list[Match]:
    """Row `row` of a TopK as Matches, best first, with their parts' reasons."""
    k = top.parks.shape[1]
    matches = []
    for rank_no in range(1, k + 1):
        j = rank_no - 1
        cell = row * k + j
        p = int(top.parks[row, j])
        park = ranker.parks[p]
        said = [part.said[int(part.index[cell])] for part in parts]
        explained = dict(zip((part.name for part in parts), said, strict=True))
        components = {}
        for c, name in enumerate(COMPONENTS):
            value = float(top.values[c][row, j])
            components[name] = Component(
                name=name,
                score=None if np.isnan(value) else round(value, 4),
                weight=round(float(top.shares[row, c]), 4),
                points=round(float(top.points[c][row, j]), 2),
                reasons_zh=tuple(t.zh for t in explained[name].texts),
                reasons_en=tuple(t.en for t in explained[name].texts),
            )
        matches.append(
            Match(
                park_id=park.park_id,
                park_name_zh=park.name_zh,
                park_name_en=park.name_en,
                rank=rank_no,
                score=float(top.score[row, j]),
                fit=FIT_ORDER[int(top.fit[row, j])],
                feasible=bool(top.feasible[row, j]),
                excluded=bool(top.excluded[row, j]),
                band_floor=float(top.floor[row, j]),
                sector=components["sector"],
                area=components["area"],
                location=components["location"],
                matched_terms=explained["sector"].terms,
                area_compared=explained["area"].figure,
                reasons_zh=tuple(t.zh for s in said for t in s.texts),
                reasons_en=tuple(t.en for s in said for t in s.texts),
            )
        )
    return matches
