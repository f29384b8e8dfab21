"""Text normalisation, pinyin keys, area formatting and header naming (matcher/text.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.text import (
    format_area_en,
    format_area_zh,
    has_cjk,
    normalize,
    normalize_keep_case,
    pinyin_key,
    squash,
    unique_names,
)

# --- normalize: NFKC, case folding, whitespace ---


def test_full_width_digits_and_letters_become_ascii() -> None:
    assert normalize("５０００") == "5000"
    assert normalize("ＡＩ芯片") == "ai芯片"


def test_the_square_metre_sign_becomes_m2() -> None:
    assert normalize("5000㎡") == "5000m2"


def test_case_is_folded_not_just_lowered() -> None:
    assert normalize("Fintech") == "fintech"
    assert normalize("Straße") == "strasse"  # lower() would keep the ß


def test_whitespace_of_any_kind_collapses_to_one_space_and_ends_are_trimmed() -> None:
    assert normalize("  cell \t\n therapy\u3000 pilot  ") == "cell therapy pilot"


def test_chinese_text_passes_through_unchanged() -> None:
    assert normalize("集成电路设计") == "集成电路设计"


def test_keeping_case_still_applies_nfkc_and_whitespace() -> None:
    assert normalize_keep_case("  ＡＩ   Chips ") == "AI Chips"


def test_squash_keeps_only_lower_case_letters_and_digits() -> None:
    assert squash("Xi Bei-Wang") == "xibeiwang"
    assert squash("West 4th Ring") == "west4thring"


@given(st.text())
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


# --- has_cjk ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AI芯片", True),
        ("温泉", True),
        ("㐀", True),  # CJK extension A
        ("AI chips", False),
        ("", False),
        ("５０００㎡", False),  # full-width digits and the ㎡ sign are not Chinese
        ("カタカナ", False),  # Japanese kana
    ],
)
def test_has_cjk_is_true_only_for_chinese_characters(text: str, expected: bool) -> None:
    assert has_cjk(text) is expected


# --- pinyin keys ---


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("西北旺", "xibeiwang"),
        ("温泉", "wenquan"),
        ("四季青镇", "sijiqingzhen"),
        ("上地", "shangdi"),
    ],
)
def test_pinyin_keys_are_toneless_lower_case_and_unseparated(name: str, key: str) -> None:
    assert pinyin_key(name) == key


def test_a_pinyin_key_compares_equal_to_a_squashed_spelling() -> None:
    assert pinyin_key("西北旺") == squash("Xi Bei Wang")


# --- area formatting ---


@pytest.mark.parametrize(
    ("area", "shown"),
    [
        (8000, "8000㎡"),
        (10_000, "1万㎡"),
        (35_000, "3.5万㎡"),
        (121_000, "12.1万㎡"),
        (136_400, "13.64万㎡"),
        (807_000, "80.7万㎡"),
    ],
)
def test_chinese_areas_switch_to_wan_from_ten_thousand(area: float, shown: str) -> None:
    assert format_area_zh(area) == shown


@pytest.mark.parametrize(
    ("area", "shown"),
    [(800, "800 m²"), (35_000, "35,000 m²"), (807_000, "807,000 m²"), (999.6, "1,000 m²")],
)
def test_english_areas_have_thousands_separators_and_no_decimals(area: float, shown: str) -> None:
    assert format_area_en(area) == shown


def test_a_very_large_chinese_area_is_never_in_scientific_notation() -> None:
    assert "e+" not in format_area_zh(100_000_000)


# --- unique_names ---


def test_names_are_kept_as_written_apart_from_surrounding_space() -> None:
    assert unique_names(["编号", " 行业 ", "area"]) == ("编号", "行业", "area")


def test_blank_headers_are_named_by_their_position() -> None:
    assert unique_names(["a", "", "  "]) == ("a", "column_2", "column_3")


def test_repeated_headers_are_numbered_from_two() -> None:
    assert unique_names(["note", "note", "note"]) == ("note", "note_2", "note_3")


def test_a_number_a_user_already_wrote_is_skipped() -> None:
    assert unique_names(["a", "a_2", "a"]) == ("a", "a_2", "a_3")


@given(st.lists(st.sampled_from(["a", "a_2", "", " ", "b", "column_1", "a "]), max_size=12))
def test_every_header_gets_one_distinct_non_blank_name(cells: list[str]) -> None:
    names = unique_names(cells)
    assert len(names) == len(cells)
    assert len(set(names)) == len(names)
    assert all(name.strip() for name in names)
