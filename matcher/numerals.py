"""Numbers written in words ("一万五千", "两千", "1万5千", "ten thousand") rewritten as digits.

Floor areas arrive as "一万平米", "三千到五千平米" or "about ten thousand square metres". A
library for Chinese numerals exists (cn2an), but importing it costs about 0.2 s, a third of
the CLI's whole start, and it refuses forms people write ("一点五万"); the numerals of both
languages are a few tables, so they are read here.
"""

from __future__ import annotations

import re

# The digits, the units inside a section (十 百 千) and the section markers (万 亿).
_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1_000}
_ZH_SECTIONS = {"亿": 100_000_000, "万": 10_000}
_ZH_POINT = "点"
_EN_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_EN_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}

_ARABIC = r"\d+(?:\.\d+)?"
_ZH_CHARS = "".join((*_ZH_DIGITS, *_ZH_UNITS, *_ZH_SECTIONS, _ZH_POINT))
# A Chinese numeral starts with a digit (Arabic or Chinese) or 十 ("十万"); Arabic digits may
# mix in ("1万5千"). "1.5万" alone is left as it is: the area parser reads it already.
ZH_NUMBER = rf"(?:{_ARABIC}|[{''.join(_ZH_DIGITS)}十])(?:{_ARABIC}|[{_ZH_CHARS}])*"
_EN_WORD = "|".join(sorted((*_EN_UNITS, *_EN_SCALES), key=len, reverse=True))
# "ten thousand", "two thousand five hundred", "fifteen hundred", "a thousand", "twenty-five".
EN_NUMBER = (
    rf"(?<![a-z])(?:(?:{_EN_WORD})|a(?=\s+(?:hundred|thousand)))"
    rf"(?:(?:\s+and\s+|[\s-]+)(?:{_EN_WORD}))*(?![a-z])"
)
_ZH_FOUND = re.compile(ZH_NUMBER)
_EN_FOUND = re.compile(EN_NUMBER, re.IGNORECASE)
_PLAIN = re.compile(rf"{_ARABIC}[千万亿]?")
# "三到五千": a lone digit before a range's other end shares its unit (3000 to 5000).
_SHARED_UNIT = re.compile(
    rf"(?<![{_ZH_CHARS}\d])([{''.join(_ZH_DIGITS)}])(\s*(?:到|至|-|~|～)\s*)"
    rf"([{''.join(_ZH_DIGITS)}])([十百千万亿])"
)
_ANY_WORD = re.compile(rf"[{''.join(_ZH_DIGITS)}十百]|{EN_NUMBER}", re.IGNORECASE)


def with_digits(text: str) -> str:
    """`text` with every number written in words as digits ("三千到五千平米" -> "3000到5000平米");
    a run that is not a well-formed number is left as written."""
    if _ANY_WORD.search(text) is None and not re.search(rf"\d[{_ZH_CHARS}]+\d", text):
        return text
    text = _SHARED_UNIT.sub(r"\1\4\2\3\4", text)
    text = _ZH_FOUND.sub(lambda m: _shown(zh_value(m.group())) or m.group(), text)
    return _EN_FOUND.sub(lambda m: _shown(en_value(m.group())) or m.group(), text)


def _shown(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else repr(value)


def zh_value(words: str) -> float | None:
    """The value of a Chinese numeral ("一万五千" 15000, "一万五" 15000, "三千五" 3500, "一点五万"
    15000, "1万5千" 15000); None if it is not one, or only digits with one multiplier ("1.5万",
    read by the area parser as it is)."""
    if _PLAIN.fullmatch(words):
        return None
    for mark, size in _ZH_SECTIONS.items():
        if mark in words:
            high, low = words.split(mark, 1)
            top = zh_value(high) if high and not _PLAIN.fullmatch(high) else _arabic(high or "1")
            if top is None:
                return None
            if not low:
                return top * size
            # "一万五": a lone digit after a section marker counts in the next unit down.
            rest = _ZH_DIGITS.get(low) if len(low) == 1 else None
            tail = rest * size / 10 if rest is not None else _section(low.lstrip("零〇"))
            return None if tail is None else top * size + tail
    return _section(words)


def _arabic(words: str) -> float | None:
    try:
        return float(words)
    except ValueError:
        return None


def _section(words: str) -> float | None:
    """A number below 10,000 in Chinese numerals (digits with 十 百 千, an optional 点)."""
    if not words:
        return None
    whole, point, fraction = words.partition(_ZH_POINT)
    value = _whole(whole)
    if value is None:
        return None
    if point:
        decimals = "".join(str(_ZH_DIGITS[c]) if c in _ZH_DIGITS else c for c in fraction)
        if not decimals.isdigit():
            return None
        value += float("0." + decimals)
    return value


def _whole(words: str) -> float | None:
    digit: float | None = None
    value = 0.0
    last_unit = 0
    after_zero = False
    for token in re.findall(rf"{_ARABIC}|.", words):
        if token in _ZH_UNITS:
            unit = _ZH_UNITS[token]
            if last_unit and unit >= last_unit:
                return None  # "三百千": units must fall
            value += (1 if digit is None else digit) * unit
            digit, last_unit, after_zero = None, unit, False
        elif token in _ZH_DIGITS or token[0].isdigit():
            if digit is not None and digit != 0:
                return None  # "一五": two digits in a row are not a number here
            number = _ZH_DIGITS.get(token)
            digit = float(token) if number is None else float(number)
            after_zero = after_zero or digit == 0
        else:
            return None
    if digit is not None:
        # "三千五" is 3500; "一千零五" is 1005.
        value += digit * (last_unit / 10 if last_unit >= 100 and not after_zero else 1)
    return value


def en_value(words: str) -> float | None:
    """The value of an English number in words ("ten thousand", "two thousand five hundred",
    "fifteen hundred", "a thousand"); None if it is not one."""
    total = 0.0
    current = 0.0
    for word in re.split(r"[\s-]+", words.casefold()):
        if word in ("and", ""):
            continue
        if word == "a":
            current = current or 1
        elif word in _EN_UNITS:
            current += _EN_UNITS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _EN_SCALES:
            total += (current or 1) * _EN_SCALES[word]
            current = 0
        else:
            return None
    return total + current
