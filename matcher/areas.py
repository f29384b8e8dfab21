"""Floor areas as people write them ("0.5万平方米", "3000-5000㎡", "54000 sq ft") parsed to m²."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

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
_MULTIPLIERS = {"万": 10_000.0, "千": 1_000.0, "k": 1_000.0}
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
_RANGE_SEPARATORS = re.compile(r"\s*(?:-|–|—|~|～|至|到|to)\s*")


class AreaError(ValueError):
    """A cell that is not a floor area; the message says why, in English and Chinese."""


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
                f"'{original}' is in {label}, a unit of land area, not floor space; "
                f"give the floor area in m² "
                f"(土地面积单位“{label.split()[0]}”不是建筑面积，请填写平方米)"
            )
    if not rest:
        return 1.0
    for unit, factor in sorted(_FLOOR_UNITS.items(), key=lambda kv: -len(kv[0])):
        if rest == unit:
            return factor
    raise AreaError(f"'{original}': unknown unit '{rest}' (无法识别的面积单位“{rest}”)")


def _parse_amount(text: str, original: str) -> tuple[float, bool]:
    """One number with optional 万/千 and unit; returns (m², whether a unit was written)."""
    text = text.strip()
    match = _NUMBER.match(text)
    if not match:
        raise AreaError(f"'{original}' is not a number of square metres (不是有效的面积数字)")
    value = float(match.group(0))
    rest = text[match.end() :].strip()
    if rest[:1] in _MULTIPLIERS:
        value *= _MULTIPLIERS[rest[0]]
        rest = rest[1:]
    return value * _unit_factor(rest, original), bool(rest.strip())


def parse_area(cell: object) -> AreaRange:
    """Parse one cell to an AreaRange; empty cells give (None, None); bad ones raise AreaError."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return AreaRange(None, None)
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if cell < 0:
            raise AreaError(f"'{cell}' is negative (面积不能为负数)")
        return AreaRange(float(cell), None)
    original = str(cell).strip()
    text = normalize(original).replace(",", "").replace("，", "")
    if not text:
        return AreaRange(None, None)
    if text.startswith("-") and _NUMBER.match(text[1:]):
        raise AreaError(f"'{original}' is negative (面积不能为负数)")
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
            raise AreaError(f"'{original}': the range runs backwards (面积范围下限大于上限)")
        return AreaRange(low, high)
    value, _ = _parse_amount(text, original)
    if bound == "max":
        return AreaRange(None, value)
    return AreaRange(value, None)
