"""One message per mistake in the page's language (matcher/notices.py)."""

from __future__ import annotations

import pytest

from matcher.areas import AreaError, area_bounds
from matcher.notices import area_error, in_language, user_error


def caught(low: str, high: str = "") -> AreaError:
    with pytest.raises(AreaError) as error:
        area_bounds(low, high)
    return error.value


def test_an_area_mistake_is_one_message_in_the_language() -> None:
    error = caught("1,2,3")
    assert area_error(error, "zh") == "最小面积：逗号只能用作千位分隔符"
    english = area_error(error, "en")
    assert english.startswith("Minimum floor area: '1,2,3' is not one number")
    assert "逗号" not in english


def test_a_mistake_in_the_maximum_names_the_maximum() -> None:
    error = caught("3000", "5000至6000")
    assert area_error(error, "zh") == "最大面积：最大面积应为一个数值"
    assert area_error(error, "en").startswith("Maximum floor area: the maximum area")


@pytest.mark.parametrize("cell", ["5亩", "-3", "abc", "3000-1000"])
def test_no_message_mixes_the_two_languages(cell: str) -> None:
    error = caught(cell)
    assert not any("\u4e00" <= c <= "\u9fff" for c in user_error(error, "en").split(":", 1)[0])
    zh = user_error(error, "zh")
    assert any("\u4e00" <= c <= "\u9fff" for c in zh)


def test_a_message_in_one_language_is_left_whole() -> None:
    assert in_language("plain english", "zh") == "plain english"
