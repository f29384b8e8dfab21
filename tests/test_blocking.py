"""Blocking never changes a ranking: the best K through blocking equal scoring every park."""

from __future__ import annotations

import dataclasses
import random
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.batch import BatchScorer, run_batch
from matcher.blocking import BlockedTop, full_top
from matcher.catalogue import Catalogue, default_catalogue
from matcher.comparisons import Readings
from matcher.scoring import Ranker, TopK
from matcher.tuning import Band, Bands
from matcher.understanding import understand

SECTORS = [
    "",
    "集成电路",
    "AI芯片",
    "人工智能",
    "生物医药中试",
    "细胞与基因治疗",
    "量子",
    "fintech near Tsinghua",
    "网络安全",
    "新材料",
    "服装批发",  # no park lists it
    "餐饮连锁",  # recognised as nothing
    "robotics and autonomous vehicles",
]
LOCATIONS = ["", "温泉", "north", "学院路", "Mars", "上地", "四季青镇", "Xibeiwang"]
AREAS = [np.nan, 0.0, 500.0, 3000.0, 5000.0, 20000.0, 80000.0, 150000.0, 400000.0, 2_000_000.0]


def coarse(catalogue: Catalogue) -> Catalogue:
    """Bands so narrow that most scores in a band round to the same tenth: ties everywhere,
    settled by park index, which blocking must settle the same way."""
    narrow = {
        "fits_area_and_sector": Band(floor=40, width=0.4),
        "fits_area_only": Band(floor=20, width=0.4),
        "fits_sector_only": Band(floor=10, width=0.4),
        "fits_neither": Band(floor=0, width=0.4),
    }
    tuning = catalogue.tuning.model_copy(update={"bands": Bands(**narrow)})
    return dataclasses.replace(catalogue, tuning=tuning)


def synthetic_catalogue(parks: int, seed: int) -> Catalogue:
    """The 18 real parks cloned to `parks`, each with another park's sectors and place, and
    its areas scaled: many ties in sector value, every area level and location level."""
    base = default_catalogue()
    real = base.parks
    rng = random.Random(seed)
    out = []
    for i in range(parks):
        park = real[rng.randrange(len(real))]
        donor = real[rng.randrange(len(real))]
        scale = rng.choice([0.05, 0.3, 1.0, 2.0, rng.uniform(0.1, 4.0)])
        above = park.above_ground_area_m2
        out.append(
            park.model_copy(
                update={
                    "park_id": f"P{i + 1:04d}",
                    "sectors": donor.sectors,
                    "total_area_m2": float(round(park.total_area_m2 * scale) or 1),
                    "above_ground_area_m2": (
                        None if above is None else float(round(above * scale) or 1)
                    ),
                }
            )
        )
    return dataclasses.replace(base, parks=tuple(out))


@cache
def ranker_of(parks: int, seed: int, narrow: bool = False) -> Ranker:
    catalogue = synthetic_catalogue(parks, seed)
    return Ranker(coarse(catalogue) if narrow else catalogue)


def readings_of(ranker: Ranker, rows: list[tuple[str, str, float, float]]) -> Readings:
    sectors = sorted({r[0] for r in rows})
    places = sorted({(r[1], "" if r[1] else r[0]) for r in rows})
    return Readings(
        sector=[understand(ranker.taxonomy, ranker.gazetteer, s, (), "") for s in sectors],
        sector_of=np.array([sectors.index(r[0]) for r in rows], dtype=np.intp),
        location=[
            understand(ranker.taxonomy, ranker.gazetteer, text, (), place) for place, text in places
        ],
        location_of=np.array(
            [places.index((r[1], "" if r[1] else r[0])) for r in rows], dtype=np.intp
        ),
        min_area=np.array([r[2] for r in rows]),
        max_area=np.array([r[3] for r in rows]),
    )


def assert_same(blocked: TopK, full: TopK) -> None:
    assert np.array_equal(blocked.parks, full.parks)
    assert np.array_equal(blocked.score, full.score)
    assert np.array_equal(blocked.fit, full.fit)
    for mine, theirs in zip(blocked.values, full.values, strict=True):
        assert np.array_equal(mine, theirs, equal_nan=True)
    for mine, theirs in zip(blocked.levels, full.levels, strict=True):
        assert np.array_equal(mine, theirs)
    for mine, theirs in zip(blocked.excluded_by, full.excluded_by, strict=True):
        assert np.array_equal(mine, theirs)
    assert np.array_equal(blocked.asked, full.asked)
    assert np.array_equal(blocked.floor, full.floor)
    for mine, theirs in zip(blocked.points, full.points, strict=True):
        assert np.allclose(mine, theirs)


requirement = st.tuples(
    st.sampled_from(SECTORS),
    st.sampled_from(LOCATIONS),
    st.sampled_from(AREAS),
    st.sampled_from([np.nan, 1000.0, 8000.0, 60000.0, 300000.0]),
)
weights = st.tuples(*(st.sampled_from([0.0, 0.15, 0.25, 0.6, 1.0]) for _ in range(3)))


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(requirement, min_size=1, max_size=25),
    k=st.integers(1, 12),
    seed=st.integers(0, 3),
    narrow=st.booleans(),
    first_visit=st.sampled_from([1, 4, 64]),
    row_weights=st.lists(weights, min_size=1, max_size=3),
    hard=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=3),
)
def test_blocking_gives_the_top_k_of_scoring_every_park(
    rows: list[tuple[str, str, float, float]],
    k: int,
    seed: int,
    narrow: bool,
    first_visit: int,
    row_weights: list[tuple[float, float, float]],
    hard: list[tuple[bool, bool]],
) -> None:
    ranker = ranker_of(200, seed, narrow)
    readings = readings_of(ranker, rows)
    n = len(rows)
    w = np.array([row_weights[i % len(row_weights)] for i in range(n)])
    # Hard constraints are rare in a lead list; most rows have none.
    flags = [hard[i % len(hard)] if i % 4 == 0 else (False, False) for i in range(n)]
    # Marked hard: (sector, area, location), in COMPONENTS order; a sector is never hard.
    marked = np.array([(False, *f) for f in flags], dtype=bool)
    full = full_top(ranker, readings, w, marked, k)
    blocked = BlockedTop(ranker, first_visit).top(readings, w, marked, k)
    assert_same(blocked, full)


def test_blocking_visits_few_parks_when_candidates_fill_the_top() -> None:
    ranker = ranker_of(200, 0)
    rows = [("集成电路", "温泉", 3000.0, np.nan)] * 3
    readings = readings_of(ranker, rows)
    no = np.zeros((3, 3), dtype=bool)
    w = np.repeat([[0.6, 0.25, 0.15]], 3, axis=0)
    blocked = BlockedTop(ranker)
    assert_same(blocked.top(readings, w, no, 5), full_top(ranker, readings, w, no, 5))
    # One group, listed up to its kept prefix only: the rest of the catalogue never sorted.
    assert len(blocked._groups) == 1


def test_a_requirement_seen_in_an_earlier_chunk_is_not_scored_again() -> None:
    """A lead list's chunks repeat most requirements, with and without areas given: the
    second time, each is taken from what was kept (a bound not given is nan, which never
    equals itself, so it must not be part of the key as it is)."""
    ranker = ranker_of(18, 0)
    rows = [
        ("集成电路", "", 3000.0, np.nan),
        ("人工智能", "north", np.nan, np.nan),
        ("量子", "温泉", np.nan, 8000.0),
    ]
    no = np.zeros((3, 3), dtype=bool)
    w = np.repeat([[0.6, 0.25, 0.15]], 3, axis=0)
    blocked = BlockedTop(ranker)
    first = blocked.top(readings_of(ranker, rows), w, no, 5, blocking=False)
    kept = len(blocked._kept_rows)
    # The next chunk reads the same texts afresh: new Understanding objects, new arrays.
    again = blocked.top(readings_of(ranker, rows[::-1]), w, no, 5, blocking=False)
    assert kept == 3
    assert len(blocked._kept_rows) == kept
    assert np.array_equal(again.parks, first.parks[::-1])


def test_a_catalogue_of_one_park_and_k_of_one() -> None:
    ranker = ranker_of(1, 0)
    readings = readings_of(ranker, [("量子", "", np.nan, np.nan), ("", "Mars", np.nan, np.nan)])
    no = np.zeros((2, 3), dtype=bool)
    w = np.repeat([[0.6, 0.25, 0.15]], 2, axis=0)
    assert_same(BlockedTop(ranker).top(readings, w, no, 1), full_top(ranker, readings, w, no, 1))


def test_batch_output_is_the_same_blocked_or_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every output column, reasons included, whether the batch blocks or scores every park."""
    catalogue = synthetic_catalogue(200, 1)
    areas = ["", "500", "5000", "0.5万平方米", "3000-5000㎡", "150000", "2000000"]
    lines = ["request_id,sector,min_area_m2,preferred_location"]
    for i in range(120):
        sector = SECTORS[i % len(SECTORS)]
        lines.append(f"R{i},{sector},{areas[i % len(areas)]},{LOCATIONS[i % len(LOCATIONS)]}")
    source = tmp_path / "leads.csv"
    source.write_text("\n".join(lines), encoding="utf-8")
    _, blocked = run_batch(source, None, top_k=7, catalogue=catalogue)
    original = BatchScorer.__init__

    def unblocked(self: BatchScorer, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **{**kwargs, "blocking": False})

    monkeypatch.setattr(BatchScorer, "__init__", unblocked)
    _, full = run_batch(source, None, top_k=7, catalogue=catalogue)
    assert blocked is not None and full is not None
    pd.testing.assert_frame_equal(blocked, full)
