"""Numbers written in words, as people write them in an area."""

from __future__ import annotations

import pytest

from matcher.numerals import en_value, with_digits, zh_value


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("一万", 10000),
        ("两千", 2000),
        ("一万五千", 15000),
        ("一万五", 15000),
        ("三千五", 3500),
        ("一千零五", 1005),
        ("一万零五百", 10500),
        ("十万", 100000),
        ("十五", 15),
        ("三十五", 35),
        ("一点五万", 15000),
        ("1万5千", 15000),
        ("两亿", 200_000_000),
    ],
)
def test_chinese_numerals_have_their_value(words: str, value: float) -> None:
    assert zh_value(words) == value


@pytest.mark.parametrize("words", ["一五", "二〇二四", "三百千", "1.5万", "5千"])
def test_digit_strings_and_forms_the_area_parser_reads_itself_are_left_alone(words: str) -> None:
    assert zh_value(words) is None


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("ten thousand", 10000),
        ("two thousand five hundred", 2500),
        ("fifteen hundred", 1500),
        ("a thousand", 1000),
        ("twenty-five", 25),
        ("one hundred and fifty thousand", 150000),
    ],
)
def test_english_numbers_in_words_have_their_value(words: str, value: float) -> None:
    assert en_value(words) == value


def test_only_the_numbers_of_a_text_are_rewritten() -> None:
    assert with_digits("三千到五千平米") == "3000到5000平米"
    assert with_digits("about ten thousand sqm") == "about 10000 sqm"
    assert with_digits("someone often tenants") == "someone often tenants"
    assert with_digits("5000平米") == "5000平米"
