"""Floor areas as people write them ("0.5万平方米", "3000-5000㎡", "54000 sq ft") parsed to m²."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from matcher.errors import UserFacingError
from matcher.text import normalize

SQ_FT_IN_M2 = 0.09290304

# Units of floor space, after NFKC (㎡ -> m2) and case folding, longest first.
_FLOOR_UNITS: dict[str, float] = {
    "平方米": 1.0,
    "平米": 1.0,
    "平方": 1.0,
    "方": 1.0,
    "sq. m.": 1.0,
    "sq.m.": 1.0,
    "sq m": 1.0,
    "sqm": 1.0,
    "square meters": 1.0,
    "square metres": 1.0,
    "m2": 1.0,
    "m^2": 1.0,
    "m²": 1.0,
    "square feet": SQ_FT_IN_M2,
    "square foot": SQ_FT_IN_M2,
    "sq. ft.": SQ_FT_IN_M2,
    "sq.ft.": SQ_FT_IN_M2,
    "sq ft": SQ_FT_IN_M2,
    "sqft": SQ_FT_IN_M2,
    "ft2": SQ_FT_IN_M2,
}
# Land is measured in these; a floor-space requirement in them is a mistake to report.
_LAND_UNITS = {
    "亩": "亩 (mu)",
    "公顷": "公顷 (hectare)",
    "hectares": "hectares",
    "hectare": "hectare",
    "ha": "ha (hectare)",
    "acres": "acres",
    "acre": "acre",
    "平方公里": "平方公里 (km²)",
    "km2": "km²",
}
_MULTIPLIERS = {"亿": 100_000_000.0, "万": 10_000.0, "千": 1_000.0, "k": 1_000.0}
_MIN_WORDS = (
    "以上",
    "及以上",
    "至少",
    "不少于",
    "不低于",
    "起",
    "at least",
    "min",
    "minimum",
    ">=",
    ">",
    "≥",
    "+",
)
_MAX_WORDS = (
    "以内",
    "以下",
    "及以下",
    "不超过",
    "不大于",
    "最多",
    "至多",
    "up to",
    "at most",
    "max",
    "maximum",
    "<=",
    "<",
    "≤",
)
_APPROX_WORDS = (
    "约",
    "大约",
    "左右",
    "approximately",
    "approx.",
    "approx",
    "about",
    "around",
    "ca.",
    "~",
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Digits with commas in them; only 1-3 digits then groups of three read as thousands.
_COMMA_NUMBER = re.compile(r"\d[\d,，]*\d")
_THOUSANDS = re.compile(r"\d{1,3}(?:[,，]\d{3})+")
# A requirement more than this many times the largest park is a typo, not a need.
PLAUSIBLE_FACTOR = 10
_RANGE_SEPARATORS = re.compile(r"\s*(?:-|–|—|~|～|至|到|to)\s*")


def _shown(cell: object, limit: int = 40) -> str:
    """A cell quoted in a message, cut short so a huge cell cannot flood it."""
    text = str(cell)
    return repr(text if len(text) <= limit else text[:limit] + "…")


class AreaError(UserFacingError):
    """A cell that is not a floor area; the message says why, in English and Chinese.

    `field` is "min" or "max" when the error belongs to one of the two area cells.
    """

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class AreaRange:
    """A floor-area need in m²; either bound may be open."""

    min_m2: float | None
    max_m2: float | None


def _unit_factor(rest: str, original: str) -> float:
    rest = rest.strip().rstrip(".").strip()
    for unit, label in sorted(_LAND_UNITS.items(), key=lambda kv: -len(kv[0])):
        if rest == unit or (rest.endswith(unit) and not rest.endswith("m2")):
            raise AreaError(
                f"{_shown(original)} is in {label}, a unit of land area, not floor space; "
                f"give the floor area in m² "
                f"(土地面积单位“{label.split()[0]}”不是建筑面积，请填写平方米)"
            )
    if not rest:
        return 1.0
    for unit, factor in sorted(_FLOOR_UNITS.items(), key=lambda kv: -len(kv[0])):
        if rest == unit:
            return factor
    raise AreaError(
        f"{_shown(original)}: unknown unit {_shown(rest)} (无法识别的面积单位{_shown(rest)})"
    )


def _parse_amount(text: str, original: str) -> tuple[float, bool]:
    """One number with optional 万/千 and unit; returns (m², whether a unit was written)."""
    text = text.strip()
    match = _NUMBER.match(text)
    if not match:
        raise AreaError(f"{_shown(original)} is not a number of square metres (不是有效的面积数字)")
    value = float(match.group(0))
    rest = text[match.end() :].strip()
    if rest[:1] in _MULTIPLIERS:
        value *= _MULTIPLIERS[rest[0]]
        rest = rest[1:]
    return value * _unit_factor(rest, original), bool(rest.strip())


def _drop_thousands_separators(text: str, original: str) -> str:
    """'5,000' -> '5000'; a comma anywhere else ('1,2,3', '50,00') is not read as a number."""
    for found in _COMMA_NUMBER.findall(text):
        if ("," in found or "，" in found) and not _THOUSANDS.fullmatch(found):
            raise AreaError(
                f"{_shown(original)} is not one number: commas may only separate thousands "
                f"(逗号只能用作千位分隔符)"
            )
    return text.replace(",", "").replace("，", "")


def parse_area(cell: object) -> AreaRange:
    """Parse one cell to an AreaRange; empty cells give (None, None); bad ones raise AreaError."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return AreaRange(None, None)
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if cell < 0:
            raise AreaError(f"{_shown(cell)} is negative (面积不能为负数)")
        if not math.isfinite(cell):
            raise AreaError(f"{_shown(cell)} is not a finite number (不是有效的面积数字)")
        return AreaRange(float(cell), None)
    original = str(cell).strip()
    text = _drop_thousands_separators(normalize(original), original)
    if not text:
        return AreaRange(None, None)
    if text.startswith("-") and _NUMBER.match(text[1:]):
        raise AreaError(f"{_shown(original)} is negative (面积不能为负数)")
    bound = None
    for word in sorted(_MIN_WORDS + _MAX_WORDS, key=len, reverse=True):
        if text.startswith(word) or text.endswith(word):
            bound = "min" if word in _MIN_WORDS else "max"
            text = (text[len(word) :] if text.startswith(word) else text[: -len(word)]).strip()
            break
    for word in sorted(_APPROX_WORDS, key=len, reverse=True):
        if text.startswith(word):
            text = text[len(word) :].strip()
        if text.endswith(word):
            text = text[: -len(word)].strip()
    parts = _RANGE_SEPARATORS.split(text, maxsplit=1) if _NUMBER.match(text) else [text]
    if len(parts) == 2 and parts[1]:
        high, _ = _parse_amount(parts[1], original)
        # "3000-5000㎡" and "0.3-0.5万平方米": the unit written once applies to both ends.
        high_number = _NUMBER.match(parts[1].strip())
        high_tail = parts[1].strip()[high_number.end() :] if high_number else ""
        low_text = parts[0] if _NUMBER.fullmatch(parts[0].strip()) is None else parts[0] + high_tail
        low, _ = _parse_amount(low_text, original)
        if low > high:
            raise AreaError(f"{_shown(original)}: the range runs backwards (面积范围下限大于上限)")
        return AreaRange(low, high)
    value, _ = _parse_amount(text, original)
    if not math.isfinite(value):
        raise AreaError(f"{_shown(original)} is not a finite number (不是有效的面积数字)")
    if bound == "max":
        return AreaRange(None, value)
    return AreaRange(value, None)


def plausible_limit(largest_park_m2: float) -> float:
    """The largest area a requirement may ask for: PLAUSIBLE_FACTOR times the largest park."""
    return PLAUSIBLE_FACTOR * largest_park_m2


def area_bounds(min_cell: object, max_cell: object, limit_m2: float | None = None) -> AreaRange:
    """The one reading of a requirement's minimum and maximum area cells, used by every door.

    A range in the minimum cell fills both bounds; a maximum cell that disagrees with it, a
    maximum of 0, a minimum above the maximum or a figure above `limit_m2` is an AreaError
    whose `field` names the cell at fault.
    """
    low = _one_cell(min_cell, "min")
    high = _one_cell(max_cell, "max")
    lo = low.min_m2
    hi = high.max_m2
    if high.min_m2 is not None:
        if high.max_m2 is not None:
            raise AreaError(
                f"the maximum area {_shown(max_cell)} is a range; write the range in the minimum "
                f"area cell or give one figure (最大面积应为一个数值)",
                "max",
            )
        if _says_at_least(max_cell):
            raise AreaError(
                f"the maximum area {_shown(max_cell)} says 'at least' (最大面积写成了下限)", "max"
            )
        hi = high.min_m2
    if low.max_m2 is not None:
        if hi is not None and hi != low.max_m2:
            raise AreaError(
                f"the minimum area {_shown(min_cell)} ends at {low.max_m2:,.0f} m² but the maximum "
                f"area says {hi:,.0f} m² (最小面积中的范围与最大面积不一致)",
                "max",
            )
        hi = low.max_m2
    if hi is not None and hi == 0:
        raise AreaError(
            f"a maximum area of {_shown(max_cell or min_cell)} asks for no space at all "
            f"(最大面积不能为0)",
            "max",
        )
    if lo is not None and hi is not None and lo > hi:
        raise AreaError(
            f"the minimum area {_shown(min_cell)} is more than the maximum {_shown(max_cell)} "
            f"(最小面积大于最大面积)",
            "min",
        )
    if limit_m2 is not None:
        for value, field, cell in ((lo, "min", min_cell), (hi, "max", max_cell or min_cell)):
            if value is not None and value > limit_m2:
                raise AreaError(
                    f"{_shown(cell)} is more than {limit_m2:,.0f} m², ten times the largest park; "
                    f"check the figure (面积超过最大园区的十倍，请核对)",
                    field,
                )
    return AreaRange(lo, hi)


def _one_cell(cell: object, field: str) -> AreaRange:
    try:
        return parse_area(cell)
    except AreaError as error:
        raise AreaError(str(error), field) from error


def _says_at_least(cell: object) -> bool:
    text = normalize(str(cell))
    return any(text.startswith(w) or text.endswith(w) for w in _MIN_WORDS)


# An area written inside a sentence: a number (or range) followed by a floor-space unit, with
# an optional bound word before or after. A bare number is never taken for an area.
_NUM = r"\d[\d,]*(?:\.\d+)?\s*(?:亿|万|千|k)?"
_UNIT = (
    r"(?:平方米|平米|平方|m2|m\^2|sqm|sq\.?\s?m\b\.?|square\s+met(?:er|re)s?"
    r"|sq\.?\s?ft\b\.?|sqft|square\s+f(?:ee|oo)t)"
)
_RANGE = r"\s*(?:-|–|—|~|～|至|到|to)\s*"
_BEFORE = (
    r"(?:至少|不少于|不低于|不超过|不大于|最多|约|大约"
    r"|at\s+least|up\s+to|at\s+most|about|around|approx\.?)\s*"
)
_AFTER = r"\s*(?:以上|及以上|以内|以下|及以下|左右)"
_AREA_IN_TEXT = re.compile(
    rf"(?:{_BEFORE})?(?:{_NUM}(?:{_UNIT})?{_RANGE})?{_NUM}\s*{_UNIT}(?:{_AFTER})?",
    re.IGNORECASE,
)


def area_in_text(text: str) -> tuple[AreaRange, str] | None:
    """The first floor area written in a sentence ("需要2000平米研发办公", "3,000 sqm near
    Wudaokou") with the words it was read from; None if there is none or it does not parse."""
    for found in _AREA_IN_TEXT.finditer(normalize(text)):
        try:
            area = parse_area(found.group(0).strip())
        except AreaError:
            continue
        if area.min_m2 or area.max_m2:
            return area, found.group(0).strip()
    return None
