"""Places named in a requirement (zones, towns, landmarks in zh, en or pinyin) and nearness."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from matcher.diskcache import cached, key_of
from matcher.errors import UsageError
from matcher.i18n import say
from matcher.models import Park, Place
from matcher.text import normalize, pinyin_key, squash
from matcher.tuning import LocationLevel

# Generic endings dropped before romanising, so "Xueyuan Road" finds 学院路 via "xueyuan".
_GENERIC_ENDINGS = ("街道", "中路", "南路", "东路", "路", "镇", "村")
MIN_PINYIN_KEY = 5  # shorter romanisations ("siji") occur inside ordinary English words
PINYIN_FUZZY_CUTOFF = 90.0


@dataclass(frozen=True)
class PlaceHit:
    """A place recognised in a requirement's text."""

    place: Place
    surface: str
    # Read as the other of the district's two zones because the text does not want this one
    # ("不要北边"): the words as written, else "".
    instead_of: str = ""


def _pinyin_keys(place: Place) -> set[str]:
    keys = set()
    for term in (place.name_zh, *place.terms_zh):
        stem = term
        for ending in _GENERIC_ENDINGS:
            if stem.endswith(ending) and len(stem) > len(ending) + 1:
                stem = stem[: -len(ending)]
                break
        for variant in (term, stem):
            key = pinyin_key(variant)
            if len(key) >= MIN_PINYIN_KEY:
                keys.add(key)
    return keys


def _pypinyin_release() -> list[str]:
    """What identifies the installed pypinyin's readings, found without importing it."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or spec.origin is None:
        return ["missing"]
    package = Path(spec.origin).parent
    found = sorted(p.name for p in package.parent.glob("pypinyin-*.dist-info"))
    for name in ("pinyin_dict.py", "phrases_dict.py"):
        try:
            found.append(f"{name}:{(package / name).stat().st_size}")
        except OSError:
            found.append(f"{name}:?")
    return [str(package), *found]


def _pinyin_index(places: Sequence[Place]) -> list[tuple[str, Place]]:
    """(pinyin key, place) pairs. Cached on disk: computing them needs pypinyin, whose import
    alone costs about 0.2 s, more than the rest of `matcher rank` after numpy and pydantic."""
    by_id = {p.place_id: p for p in places}
    terms = [(p.place_id, p.name_zh, list(p.terms_zh)) for p in places]
    key = key_of("pinyin", terms, _GENERIC_ENDINGS, MIN_PINYIN_KEY, _pypinyin_release())

    def valid(value: Any) -> bool:
        return isinstance(value, list) and all(
            isinstance(pair, list)
            and len(pair) == 2
            and isinstance(pair[0], str)
            and isinstance(pair[1], str)
            and pair[1] in by_id
            for pair in value
        )

    pairs = cached(
        "place-pinyin",
        key,
        lambda: [[k, p.place_id] for p in places for k in sorted(_pinyin_keys(p))],
        valid=valid,
    )
    return [(k, by_id[place_id]) for k, place_id in pairs]


def _any_of(terms: Iterable[str]) -> re.Pattern[str]:
    """A search that finds any of the terms (none: never finds)."""
    alternatives = sorted({re.escape(t) for t in terms}, key=len, reverse=True)
    return re.compile("|".join(alternatives) if alternatives else r"(?!)")


class Gazetteer:
    """The places of data/places.csv, indexed by Chinese terms, English terms and pinyin."""

    def __init__(self, places: Sequence[Place]) -> None:
        self.places = tuple(places)
        self._zh = sorted(
            ((normalize(t), p) for p in places for t in (p.name_zh, *p.terms_zh)),
            key=lambda item: -len(item[0]),
        )
        self._en = sorted(
            ((normalize(t), p) for p in places for t in (p.name_en, *p.terms_en)),
            key=lambda item: -len(item[0]),
        )
        self._en_spaced = [(term, place, f" {term} ") for term, place in self._en]
        self._pinyin = _pinyin_index(self.places)
        self._pinyin_keys = [key for key, _ in self._pinyin]
        # Exact spellings are looked for longest first (see find); sorted once, not per text.
        self._pinyin_longest_first = sorted(self._pinyin, key=lambda item: -len(item[0]))
        # Most texts name no place: one regex over each kind of term says so before the
        # loops over every term (a batch reads thousands of texts).
        self._any_zh = _any_of(term for term, _ in self._zh)
        self._any_en = _any_of(spaced for _, _, spaced in self._en_spaced)
        self._any_pinyin = _any_of(self._pinyin_keys)

    def picked(self, place_ids: Sequence[str]) -> list[PlaceHit]:
        """Places picked from the list by id; an unknown id is a ValueError naming it."""
        by_id = {p.place_id: p for p in self.places}
        unknown = [pid for pid in place_ids if pid not in by_id]
        if unknown:
            raise UsageError(say("unknown_place_ids", ids=", ".join(unknown)[:200]))
        return [PlaceHit(by_id[pid], by_id[pid].name_zh) for pid in dict.fromkeys(place_ids)]

    def find(self, text: str, *, zones: bool = True, fuzzy: bool = True) -> list[PlaceHit]:
        """Places named in the text: Chinese terms, English names, then pinyin spellings."""
        return self.find_many([text], zones=zones, fuzzy=fuzzy)[0]

    def find_many(
        self, texts: Sequence[str], *, zones: bool = True, fuzzy: bool = True
    ) -> list[list[PlaceHit]]:
        """find of each text. Near-miss pinyin spellings are looked for in one rapidfuzz call
        over every key and text, not in one Python call per key and text (a batch's cost)."""
        found: list[dict[str, PlaceHit]] = []
        left: list[str] = []  # what exact terms left of each text, squashed
        for text in texts:
            hits, squashed = self._exact(text)
            found.append(hits)
            left.append(squashed)
        near = [
            i
            for i, squashed in enumerate(left)
            if fuzzy and len(squashed.replace(" ", "")) >= MIN_PINYIN_KEY
        ]
        if near:
            scores = process.cdist(
                self._pinyin_keys,
                [left[i] for i in near],
                scorer=fuzz.partial_ratio,
                score_cutoff=PINYIN_FUZZY_CUTOFF,
                dtype=np.float64,
                workers=1,
            )
            for column, i in enumerate(near):
                hits = found[i]
                for key_at in np.flatnonzero(scores[:, column] >= PINYIN_FUZZY_CUTOFF).tolist():
                    key, place = self._pinyin[key_at]
                    hits.setdefault(place.place_id, PlaceHit(place, key))
        out = [list(hits.values()) for hits in found]
        if not zones:
            out = [[h for h in hits if h.place.kind != "zone"] for hits in out]
        return out

    def _exact(self, text: str) -> tuple[dict[str, PlaceHit], str]:
        """Places named exactly in the text, by place id, and the text's letters and digits
        that no term took (taken ones left as spaces)."""
        norm = normalize(text)
        hits: dict[str, PlaceHit] = {}
        consumed = norm
        for term, place in self._zh if self._any_zh.search(norm) else ():
            if term in consumed:
                hits.setdefault(place.place_id, PlaceHit(place, term))
                consumed = consumed.replace(term, " ")
        padded = f" {consumed} "  # English terms are whole words: matched between spaces
        for term, place, spaced in self._en_spaced if self._any_en.search(padded) else ():
            if spaced in padded:
                hits.setdefault(place.place_id, PlaceHit(place, term))
                consumed = padded.replace(spaced, " ")
                padded = f" {consumed} "
        squashed = squash(consumed)
        # Exact spellings first, longest first, each taking its letters out of the text, so
        # "haidianhuangzhuang" is 海淀黄庄 and not also a near-miss of "shangzhuang".
        pinyin = self._pinyin_longest_first if self._any_pinyin.search(squashed) else ()
        for key, place in pinyin:
            if place.place_id not in hits and key in squashed:
                hits[place.place_id] = PlaceHit(place, key)
                squashed = squashed.replace(key, " ")
        return hits, squashed


# Names that brand parks across the district: in a park's name they say nothing of where it
# is (中关村综保区 is in 温泉镇), so they are left out when looking for a place there.
BRAND_WORDS = ("中关村",)


def park_haystack(park: Park) -> str:
    """The published text a place name can be found in for this park."""
    name = park.name_zh
    for brand in BRAND_WORDS:
        name = name.replace(brand, " ")
    return normalize(" ".join([name, park.location_zh, park.town or "", park.positioning_zh]))


def nearness(place: Place, park: Park, haystack: str | None = None) -> LocationLevel:
    """At the place (or in it), in the same town, in the same zone, or elsewhere."""
    if place.kind == "zone":
        return LocationLevel.AT_PLACE if park.zone == place.zone else LocationLevel.ELSEWHERE
    haystack = park_haystack(park) if haystack is None else haystack
    if any(normalize(t) in haystack for t in (place.name_zh, *place.terms_zh)):
        return LocationLevel.AT_PLACE
    if place.town and park.town and place.town == park.town:
        return LocationLevel.SAME_TOWN
    return LocationLevel.SAME_ZONE if place.zone == park.zone else LocationLevel.ELSEWHERE
