"""Floor areas as people write them ("0.5万平方米", "3000-5000㎡", "54000 sq ft") parsed to m²."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from matcher.errors import UserFacingError
from matcher.i18n import Text, say
from matcher.numerals import EN_NUMBER, ZH_NUMBER, with_digits
from matcher.text import area_words, normalize

SQ_FT_IN_M2 = 0.09290304

# Units of floor space, after NFKC (㎡ -> m2) and case folding, longest first.
_FLOOR_UNITS: dict[str, float] = {
    "平方米": 1.0,
    "平米": 1.0,
    "平方": 1.0,
    "平": 1.0,
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
# (as written -> its message id)
_LAND_UNITS = {
    "亩": "land_unit_mu",
    "公顷": "land_unit_hectare",
    "hectares": "land_unit_hectare",
    "hectare": "land_unit_hectare",
    "ha": "land_unit_hectare",
    "acres": "land_unit_acre",
    "acre": "land_unit_acre",
    "平方公里": "land_unit_square_km",
    "km2": "land_unit_square_km",
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
    """A cell as a message quotes it: cut short so a huge cell cannot flood it, and with
    invisible characters written out (a tab as \\t)."""
    text = str(cell)
    text = text if len(text) <= limit else text[:limit] + "…"
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


# The label of the cell an error belongs to, by AreaError.field.
FIELD_LABELS = {"min": "min_area", "max": "max_area", "": "area"}


class AreaError(UserFacingError):
    """A cell that is not a floor area; the message says why, in Chinese and English.

    `field` is "min" or "max" when the error belongs to one of the two area cells.
    """

    def __init__(self, message: Text, field: str = "") -> None:
        super().__init__(message)
        self.field = field

    def in_field(self) -> Text:
        """'最小面积：“1,2,3”不是一个数字…': the message led by the cell it belongs to."""
        return say("field_value", field=say(FIELD_LABELS[self.field]), value=self.message)


@dataclass(frozen=True)
class AreaRange:
    """A floor-area need in m²; either bound may be open."""

    min_m2: float | None
    max_m2: float | None


def _unit_factor(rest: str, original: str) -> float:
    rest = rest.strip().rstrip(".").strip()
    for unit, label in sorted(_LAND_UNITS.items(), key=lambda kv: -len(kv[0])):
        if rest == unit or (rest.endswith(unit) and not rest.endswith("m2")):
            raise AreaError(say("area_land_unit", cell=_shown(original), unit=say(label)))
    if not rest:
        return 1.0
    for unit, factor in sorted(_FLOOR_UNITS.items(), key=lambda kv: -len(kv[0])):
        if rest == unit:
            return factor
    raise AreaError(say("area_unknown_unit", cell=_shown(original), unit=_shown(rest)))


def _parse_amount(text: str, original: str) -> tuple[float, bool]:
    """One number with optional 万/千 and unit; returns (m², whether a unit was written)."""
    text = text.strip()
    match = _NUMBER.match(text)
    if not match:
        raise AreaError(say("area_not_a_number", cell=_shown(original)))
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
            raise AreaError(say("area_commas", cell=_shown(original)))
    return text.replace(",", "").replace("，", "")


def parse_area(cell: object) -> AreaRange:
    """Parse one cell to an AreaRange; empty cells give (None, None); bad ones raise AreaError."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return AreaRange(None, None)
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if cell < 0:
            raise AreaError(say("area_negative", cell=_shown(cell)))
        if not math.isfinite(cell):
            raise AreaError(say("area_not_finite", cell=_shown(cell)))
        return AreaRange(float(cell), None)
    original = str(cell).strip()
    text = with_digits(_drop_thousands_separators(normalize(original), original))
    if not text:
        return AreaRange(None, None)
    if text.startswith("-") and _NUMBER.match(text[1:]):
        raise AreaError(say("area_negative", cell=_shown(original)))
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
            raise AreaError(say("area_range_backwards", cell=_shown(original)))
        return AreaRange(low, high)
    value, _ = _parse_amount(text, original)
    if not math.isfinite(value):
        raise AreaError(say("area_not_finite", cell=_shown(original)))
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
            raise AreaError(say("area_max_is_range", cell=_shown(max_cell)), "max")
        if _says_at_least(max_cell):
            raise AreaError(say("area_max_says_at_least", cell=_shown(max_cell)), "max")
        hi = high.min_m2
    if low.max_m2 is not None:
        if hi is not None and hi != low.max_m2:
            raise AreaError(
                say(
                    "area_range_disagrees",
                    cell=_shown(min_cell),
                    end=area_words(low.max_m2),
                    high=area_words(hi),
                ),
                "max",
            )
        hi = low.max_m2
    if hi is not None and hi == 0:
        raise AreaError(say("area_max_zero", cell=_shown(max_cell or min_cell)), "max")
    if lo is not None and hi is not None and lo > hi:
        raise AreaError(
            say("area_min_above_max", low=_shown(min_cell), high=_shown(max_cell)), "min"
        )
    if limit_m2 is not None:
        for value, field, cell in ((lo, "min", min_cell), (hi, "max", max_cell or min_cell)):
            if value is not None and value > limit_m2:
                raise AreaError(
                    say("area_implausible", cell=_shown(cell), limit=area_words(limit_m2)), field
                )
    return AreaRange(lo, hi)


def _one_cell(cell: object, field: str) -> AreaRange:
    try:
        return parse_area(cell)
    except AreaError as error:
        raise AreaError(error.message, field) from error


def _says_at_least(cell: object) -> bool:
    text = normalize(str(cell))
    return any(text.startswith(w) or text.endswith(w) for w in _MIN_WORDS)


# An area written inside a sentence: a number (or range) followed by a floor-space unit, with
# an optional bound word before or after. A bare number is never taken for an area.
# A number in digits or in words ("一万五千", "两千", "ten thousand"; see matcher/numerals.py).
_NUM = rf"(?:\d[\d,]*(?:\.\d+)?\s*(?:亿|万|千|k)?|{ZH_NUMBER}|{EN_NUMBER})"
# 平 alone ("五百平左右", "1.5万平") but not 平台 or 平方公里 (land).
_UNIT = (
    r"(?:平方米|平米|平方(?!公里)|平(?![台板衡安方])|m2|m\^2|sqm|sq\.?\s?m\b\.?|square\s+met(?:er|re)s?"
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


# Every floor-space unit of _UNIT contains one of these (case folded).
_UNIT_HINT = re.compile(r"平|m2|m\^2|sq|square", re.IGNORECASE)


def area_in_text(text: str) -> tuple[AreaRange, str] | None:
    """The first floor area written in a sentence ("需要2000平米研发办公", "3,000 sqm near
    Wudaokou") with the words it was read from; None if there is none or it does not parse."""
    norm = normalize(text)
    if _UNIT_HINT.search(norm) is None:  # most sentences name no area: one quick search
        return None
    for found in _AREA_IN_TEXT.finditer(norm):
        try:
            area = parse_area(found.group(0).strip())
        except AreaError:
            continue
        if area.min_m2 or area.max_m2:
            return area, found.group(0).strip()
    return None
