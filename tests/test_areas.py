"""Floor areas as people write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.areas import (
    SQ_FT_IN_M2,
    AreaError,
    AreaRange,
    area_bounds,
    area_in_text,
    parse_area,
)


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


@given(
    st.lists(st.integers(0, 9999), min_size=2, max_size=4).filter(
        lambda groups: any(not 100 <= g <= 999 or len(str(g)) != 3 for g in groups[1:])
    )
)
def test_commas_that_do_not_group_thousands_are_never_read_as_one_number(
    groups: list[int],
) -> None:
    """'1,2,3' or '50,00' is a list or a typo, never 123 or 5000."""
    with pytest.raises(AreaError, match="commas"):
        parse_area(",".join(str(g) for g in groups))


@given(st.text(alphabet=st.characters(categories=["L", "P", "Zs"]), max_size=20))
def test_text_without_digits_is_never_an_area(text: str) -> None:
    try:
        found = parse_area(text)
    except AreaError:
        return
    assert found == AreaRange(None, None)  # only blank text reads as "no area asked"


@pytest.mark.parametrize(
    ("low", "high", "field", "words"),
    [
        ("3000-5000", "8000", "max", "5,000"),
        ("", "0", "max", "no space"),
        ("9000", "3000", "min", "more than the maximum"),
        ("5000", "8000以上", "max", "at least"),
        ("1亿平方米", "", "min", "ten times the largest park"),
    ],
)
def test_area_bounds_name_the_cell_at_fault(low: str, high: str, field: str, words: str) -> None:
    with pytest.raises(AreaError, match=words) as caught:
        area_bounds(low, high, limit_m2=8_070_000)
    assert caught.value.field == field


def test_a_range_in_the_minimum_cell_fills_both_bounds_and_may_repeat_the_maximum() -> None:
    assert area_bounds("3000-5000", "") == AreaRange(3000, 5000)
    assert area_bounds("3000-5000", "5000") == AreaRange(3000, 5000)
    assert area_bounds("", "不超过8000") == AreaRange(None, 8000)


@pytest.mark.parametrize(
    ("text", "found", "words"),
    [
        ("需要2000平米研发办公，希望在上地", AreaRange(2000, None), "2000平米"),
        ("3,000 sqm near Wudaokou", AreaRange(3000, None), "3,000 sqm"),
        ("IC design, at least 0.5万平方米", AreaRange(5000, None), "at least 0.5万平方米"),
        ("3000-5000㎡的研发楼", AreaRange(3000, 5000), "3000-5000m2"),
        ("不超过8000平米的办公", AreaRange(None, 8000), "不超过8000平米"),
    ],
)
def test_an_area_written_in_a_sentence_is_found_with_its_words(
    text: str, found: AreaRange, words: str
) -> None:
    assert area_in_text(text) == (found, words)


@pytest.mark.parametrize(
    "text", ["团队20人，2025年成立", "AI芯片 5nm 工艺", "需要10亩土地", "集成电路设计", ""]
)
def test_numbers_without_a_floor_area_unit_are_not_areas(text: str) -> None:
    assert area_in_text(text) is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("一万平米", AreaRange(10000, None)),
        ("两千平方米", AreaRange(2000, None)),
        ("一万五千平米", AreaRange(15000, None)),
        ("一万五", AreaRange(15000, None)),
        ("三千到五千平米", AreaRange(3000, 5000)),
        ("三到五千平米", AreaRange(3000, 5000)),
        ("1.5万平", AreaRange(15000, None)),
        ("5千平米", AreaRange(5000, None)),
        ("五百平左右", AreaRange(500, None)),
        ("800平", AreaRange(800, None)),
        ("一点五万平方米", AreaRange(15000, None)),
        ("不超过两万平米", AreaRange(None, 20000)),
        ("about ten thousand square metres", AreaRange(10000, None)),
        ("two thousand five hundred sqm", AreaRange(2500, None)),
    ],
)
def test_areas_written_in_words_or_informally(cell: str, expected: AreaRange) -> None:
    assert parse_area(cell) == expected


@pytest.mark.parametrize(
    ("text", "found", "words"),
    [
        ("一家做大模型的公司，需要一万平米，要在南边", AreaRange(10000, None), "一万平米"),
        ("需要三千到五千平米的研发楼", AreaRange(3000, 5000), "三千到五千平米"),
        ("量子通信设备研发，面积五百平左右", AreaRange(500, None), "五百平左右"),
        ("海洋装备研发，1.5万平", AreaRange(15000, None), "1.5万平"),
        (
            "we need about ten thousand square metres near Wudaokou",
            AreaRange(10000, None),
            "about ten thousand square metres",
        ),
    ],
)
def test_an_area_in_words_is_found_in_a_sentence(text: str, found: AreaRange, words: str) -> None:
    assert area_in_text(text) == (found, words)


@pytest.mark.parametrize(
    "text", ["一家公司做统一平台", "五百平台服务器", "占地10平方公里", "someone often tenants here"]
)
def test_words_that_only_contain_a_numeral_or_a_unit_are_not_areas(text: str) -> None:
    assert area_in_text(text) is None
