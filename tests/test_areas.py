"""Floor areas as people write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.areas import SQ_FT_IN_M2, AreaError, AreaRange, parse_area


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("5000", AreaRange(5000, None)),
        ("5,000", AreaRange(5000, None)),
        ("5000㎡", AreaRange(5000, None)),
        ("5000平方米", AreaRange(5000, None)),
        ("5000平米", AreaRange(5000, None)),
        ("0.5万平方米", AreaRange(5000, None)),
        ("1.2万㎡", AreaRange(12000, None)),
        ("5000 sqm", AreaRange(5000, None)),
        ("5000 m2", AreaRange(5000, None)),
        ("５０００㎡", AreaRange(5000, None)),
        ("3000-5000㎡", AreaRange(3000, 5000)),
        ("3000~5000", AreaRange(3000, 5000)),
        ("3000至5000平米", AreaRange(3000, 5000)),
        ("0.3-0.5万平方米", AreaRange(3000, 5000)),
        ("1.5万-2万平方米", AreaRange(15000, 20000)),
        ("5000平米以上", AreaRange(5000, None)),
        ("不超过8000平米", AreaRange(None, 8000)),
        ("约5000平米", AreaRange(5000, None)),
        ("", AreaRange(None, None)),
        (None, AreaRange(None, None)),
        (1200, AreaRange(1200, None)),
    ],
)
def test_areas_as_people_write_them(cell: object, expected: AreaRange) -> None:
    assert parse_area(cell) == expected


def test_square_feet_are_converted() -> None:
    assert parse_area("54000 sq ft").min_m2 == pytest.approx(54000 * 0.09290304)
    assert parse_area("54000 sq ft").min_m2 == pytest.approx(5016.76, abs=0.01)


@pytest.mark.parametrize("cell", ["20亩", "3 hectares", "2公顷", "5 acres", "1.5 ha"])
def test_land_units_are_rejected_with_the_reason(cell: str) -> None:
    with pytest.raises(AreaError, match="land area, not floor space"):
        parse_area(cell)


@pytest.mark.parametrize("cell", ["abc", "-5", "5000 furlongs", "5000-3000"])
def test_nonsense_is_rejected(cell: str) -> None:
    with pytest.raises(AreaError):
        parse_area(cell)


@given(
    st.integers(min_value=1, max_value=10_000_000),
    st.sampled_from(["", "㎡", "平方米", "平米", " sqm", " m2"]),
)
def test_any_whole_number_of_square_metres_parses_back(value: int, unit: str) -> None:
    assert parse_area(f"{value:,}{unit}") == AreaRange(value, None)
    assert parse_area(f"{value}{unit}") == AreaRange(value, None)


@given(st.integers(min_value=1, max_value=999_999))
def test_wan_is_ten_thousand(tenths_of_wan: int) -> None:
    text = f"{tenths_of_wan / 10:g}万平方米"
    assert parse_area(text).min_m2 == pytest.approx(tenths_of_wan * 1000)


@given(st.integers(1, 500_000), st.integers(0, 500_000))
def test_ranges_give_min_and_max(low: int, extra: int) -> None:
    assert parse_area(f"{low}-{low + extra}㎡") == AreaRange(low, low + extra)


@given(st.text(max_size=30))
def test_any_text_either_parses_or_raises_area_error(text: str) -> None:
    try:
        result = parse_area(text)
    except AreaError:
        return
    for bound in (result.min_m2, result.max_m2):
        assert bound is None or bound >= 0


def test_sq_ft_constant_is_exact() -> None:
    assert SQ_FT_IN_M2 == 0.3048**2
