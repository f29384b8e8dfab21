"""Matching with the space available per park (matcher.availability, the area comparison's
availability levels). The park figures used: P01 has 79,000 m² above ground of 121,000 m²
in total; P07 123,500 m² of 238,300 m² (data/parks.csv)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.availability import Availability, AvailabilityRecord
from matcher.blocking import BlockedTop, full_top
from matcher.comparisons import NOT_ASKED, Readings
from matcher.evaluation import evaluate, read_gold
from matcher.models import Requirement
from matcher.scoring import Ranker
from tests.conftest import SHARED_GOLD
from tests.test_blocking import assert_same, ranker_of, readings_of
from tests.test_blocking import requirement as blocking_requirement

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 10:00 in Beijing, 2 December 2026


def record(park_id: str, area: float, **fields: Any) -> AvailabilityRecord:
    values: dict[str, Any] = {
        "park_id": park_id,
        "area_m2": area,
        "status": "available",
        "source": "phone",
        "recorded_by": "li",
        "recorded_at": NOW,
        "checked_by": "li",
        "checked_at": NOW,
    }
    values.update(fields)
    return AvailabilityRecord(**values)


def snapshot(*records: AvailabilityRecord, now: datetime = NOW) -> Availability:
    return Availability.of({r.park_id: r for r in records}, now, 90)


def area_level(
    ranker: Ranker,
    availability: Availability | None,
    park_id: str,
    low: float | None,
    high: float | None = None,
    needed_by: date | None = None,
) -> str:
    """The area level the comparison decides for one park and one requirement."""
    area = ranker.with_availability(availability).by_name["area"]
    seen = ranker.understand(Requirement(sector_text="软件"))
    scored = area.score(Readings.one(seen, low, high, needed_by))
    level = int(scored.levels[0, [p.park_id for p in ranker.parks].index(park_id)])
    return "not asked" if level == NOT_ASKED else area.levels[level]


def area_reasons(ranker: Ranker, availability: Availability, park_id: str, **asked: Any) -> str:
    requirement = Requirement(sector_text="软件", **asked)
    match = next(
        m for m in ranker.with_availability(availability).rank(requirement) if m.park_id == park_id
    )
    area = next(c for c in match.components if c.name == "area")
    return " | ".join(area.reasons_en)


def test_a_record_is_stale_once_not_confirmed_for_longer_than_the_age_set() -> None:
    fresh = record("P07", 8000)
    assert not fresh.stale_on(NOW + timedelta(days=90), 90)
    assert fresh.stale_on(NOW + timedelta(days=90, minutes=1), 90)
    confirmed = record("P07", 8000, checked_at=NOW + timedelta(days=60))
    assert not confirmed.stale_on(NOW + timedelta(days=120), 90)
    later = snapshot(fresh, record("P01", 500), now=NOW + timedelta(days=91))
    assert later.stale == {"P07", "P01"} and later.current("P07") is None
    assert later.as_of == date(2026, 12, 2) + timedelta(days=91)


def test_the_snapshot_date_is_the_day_in_beijing() -> None:
    late_evening_utc = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)  # 01:00 on 3 December there
    assert snapshot(record("P07", 1), now=late_evening_utc).as_of == date(2026, 12, 3)


@pytest.mark.parametrize(
    ("fields", "needed_by", "level"),
    [
        ({}, None, "available_now"),
        ({"available_from": date(2026, 11, 1)}, None, "available_now"),
        ({"available_from": date(2027, 3, 1)}, None, "available_from"),
        ({"available_from": date(2027, 3, 1)}, date(2027, 6, 1), "available_now"),
        ({"available_from": date(2027, 3, 1)}, date(2027, 1, 1), "available_from"),
        ({"status": "under_negotiation"}, None, "under_negotiation"),
        ({"status": "full"}, None, "not_enough_available"),
    ],
)
def test_a_park_with_a_current_figure_is_compared_with_the_space_available(
    ranker: Ranker, fields: dict[str, Any], needed_by: date | None, level: str
) -> None:
    availability = snapshot(record("P07", 8000, **fields))
    assert area_level(ranker, availability, "P07", 5000, needed_by=needed_by) == level


def test_too_little_free_space_in_a_park_large_enough_is_its_own_level(ranker: Ranker) -> None:
    availability = snapshot(record("P07", 2000, underground_m2=4000))
    assert area_level(ranker, availability, "P07", 1500) == "available_now"
    assert area_level(ranker, availability, "P07", 5000) == "underground_available"
    assert area_level(ranker, availability, "P07", 9000) == "not_enough_available"
    # More than the park's whole floor area: it cannot fit, whatever is free.
    assert area_level(ranker, availability, "P07", 300_000) == "cannot_fit"
    assert area_level(ranker, availability, "P07", None) == "not asked"


def test_parks_without_a_current_figure_are_compared_with_their_totals(ranker: Ranker) -> None:
    stale = record("P01", 90_000, checked_at=NOW - timedelta(days=100))
    availability = snapshot(record("P07", 8000), stale)
    for park in ("P01", "P03"):  # a stale record, no record
        assert area_level(ranker, availability, park, 5000) == "unconfirmed"
        assert area_level(ranker, availability, park, 1_000_000) == "cannot_fit"
    # P01's total holds 100,000 m² only counting underground floors, as without availability.
    assert area_level(ranker, availability, "P01", 100_000) == "underground_only"


def test_nothing_recorded_compares_exactly_as_published(ranker: Ranker) -> None:
    empty = Availability(as_of=date(2026, 12, 2))
    assert ranker.with_availability(empty) is ranker  # the same ranker, nothing to read
    assert area_level(ranker, empty, "P07", 5000) == "enough"
    requirement = Requirement(
        sector_text="集成电路设计", min_area_m2=3000, preferred_location="温泉"
    )
    plain = [m.model_dump() for m in ranker.rank(requirement)]
    for snapshot_given in (None, empty):
        assert [
            m.model_dump() for m in ranker.with_availability(snapshot_given).rank(requirement)
        ] == plain


def test_the_eval_figures_are_unchanged_when_no_availability_is_recorded(
    ranker: Ranker,
) -> None:
    if not SHARED_GOLD.exists():
        pytest.skip("the shared development set is not here")
    rows = read_gold(SHARED_GOLD)
    empty = ranker.with_availability(Availability(as_of=date(2026, 12, 2)))
    before, after = evaluate(rows, ranker.rank), evaluate(rows, empty.rank)
    assert after.rows == before.rows
    # README: "dev and dev-longtail are unchanged (0.992, 0.960)"; dev's Hit@1 and MRR are 1.
    assert (round(after.ndcg5(), 3), after.hit1(), after.mrr()) == (0.992, 1.0, 1.0)


def test_the_reason_names_the_figure_its_date_and_its_source(ranker: Ranker) -> None:
    availability = snapshot(record("P07", 8000, available_from=date(2027, 3, 1)))
    said = area_reasons(ranker, availability, "P07", min_area_m2=5000)
    assert said == (
        "Available from 1 March 2027: need 5,000 m², the park will have 8,000 m² free "
        "(phone call, 2 December 2026)"
    )
    in_time = area_reasons(
        ranker, availability, "P07", min_area_m2=5000, needed_by=date(2027, 6, 1)
    )
    assert "from 1 March 2027, before the 1 June 2027 needed" in in_time
    stale = snapshot(record("P07", 8000, checked_at=NOW - timedelta(days=91)), now=NOW)
    said = area_reasons(ranker, stale, "P07", min_area_m2=5000)
    assert said.startswith(
        "Availability not confirmed: the last record, 8,000 m² free now (available) "
        "(phone call, 2 September 2026), has not been checked for over 90 days"
    )
    assert said.endswith("Enough space: need 5,000 m², park's above-ground floor area 123,500 m²")


def test_an_available_park_ranks_above_one_whose_space_comes_too_late(ranker: Ranker) -> None:
    availability = snapshot(
        record("P07", 8000, available_from=date(2027, 9, 1)), record("P01", 8000)
    )
    requirement = Requirement(sector_text="软件", min_area_m2=5000)
    scores = {m.park_id: m.score for m in ranker.with_availability(availability).rank(requirement)}
    plain = {m.park_id: m.score for m in ranker.rank(requirement)}
    assert scores["P01"] == plain["P01"]  # available now scores as "enough" did
    assert scores["P07"] < plain["P07"]


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(blocking_requirement, min_size=1, max_size=20),
    k=st.integers(1, 8),
    seed=st.integers(0, 3),
    first_visit=st.sampled_from([1, 4, 64]),
    figures=st.lists(
        st.tuples(
            st.integers(0, 199),
            st.sampled_from([0.0, 2000.0, 9000.0, 70000.0]),
            st.sampled_from(["available", "under_negotiation", "full"]),
            st.sampled_from([None, date(2026, 6, 1), date(2027, 3, 1)]),
            st.booleans(),  # stale
        ),
        max_size=30,
    ),
    needed=st.lists(st.sampled_from([None, date(2027, 1, 1), date(2027, 6, 1)]), min_size=1),
)
def test_blocking_with_availability_gives_the_top_k_of_scoring_every_park(
    rows: list[tuple[str, str, float, float]],
    k: int,
    seed: int,
    first_visit: int,
    figures: list[tuple[int, float, str, date | None, bool]],
    needed: list[date | None],
) -> None:
    base = ranker_of(200, seed)
    records = {}
    for index, area, status, start, stale in figures:
        park = base.parks[index]
        checked = NOW - timedelta(days=100 if stale else 1)
        records[park.park_id] = record(
            park.park_id,
            min(area, park.total_area_m2),
            status=status,
            available_from=start,
            checked_at=checked,
        )
    ranker = base.with_availability(Availability.of(records, NOW, 90))
    plain = readings_of(ranker, rows)
    days = [needed[i % len(needed)] for i in range(len(rows))]
    readings = dataclasses.replace(plain, needed_by=np.array(days, dtype="datetime64[D]"))
    w = np.full((len(rows), 3), (0.6, 0.25, 0.15))
    none = np.zeros((len(rows), 3), dtype=bool)
    full = full_top(ranker, readings, w, none, k)
    blocked = BlockedTop(ranker, first_visit).top(readings, w, none, k)
    assert_same(blocked, full)


def test_the_date_needed_is_among_what_was_asked(ranker: Ranker) -> None:
    from matcher.views import requirement_lines

    asked = Requirement.from_cells(sector_text="软件", min_area="3000", needed_by=date(2027, 6, 1))
    lines = requirement_lines(asked, ranker.catalogue, ranker.default_weights)
    assert [(field.en, words.en) for field, words in lines][-1] == ("Needed by", "1 June 2027")
    assert [(field.zh, words.zh) for field, words in lines][-1] == ("需要入驻日期", "2027年6月1日")
