"""Text normalisation shared by sector and location matching, and area formatting for reasons."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Sequence

from matcher.i18n import Text

_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize(text: str) -> str:
    """NFKC (full-width to half-width, ㎡ to m2), case-folded, whitespace collapsed."""
    # Reading a sentence normalises it several times over; short texts are kept so that is
    # done once (a long one is rare and would hold memory the cache never gives back).
    if len(text) <= _KEPT_LENGTH:
        return _normalize_kept(text)
    return _normalized(text)


_KEPT_LENGTH = 512


def _normalized(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


_normalize_kept = functools.lru_cache(maxsize=8192)(_normalized)


def normalize_keep_case(text: str) -> str:
    """NFKC with whitespace collapsed, case kept: for showing users their own words."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def is_cjk(char: str) -> bool:
    """True for a CJK unified ideograph (the characters Chinese text is written in)."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def has_cjk(text: str) -> bool:
    """True if the text contains any Chinese character."""
    return any(is_cjk(c) for c in text)


def is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def pinyin_key(text: str) -> str:
    """Toneless pinyin of the Chinese characters, lower case, no separators: 西北旺 -> xibeiwang."""
    # pypinyin loads its dictionaries on import (~0.2 s); the gazetteer caches the place keys,
    # so most runs never need it.
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text)).lower()


def squash(text: str) -> str:
    """Lower-case ASCII letters and digits only, so 'Xi Bei-Wang' and 'xibeiwang' compare equal."""
    return _NOT_ALNUM.sub("", normalize(text))


def format_area_zh(area_m2: float) -> str:
    """Area the way Chinese announcements write it: 35000 -> '3.5万㎡', 8000 -> '8000㎡'."""
    if area_m2 >= 10_000:
        # Up to four significant figures, never in scientific notation (1e8 m² is 10000万㎡).
        wan = area_m2 / 10_000
        return (
            f"{round(wan, max(0, 3 - int(math.log10(wan)))):g}万㎡"
            if wan < 1e4
            else f"{wan:.0f}万㎡"
        )
    return f"{area_m2:.0f}㎡"


def format_area_en(area_m2: float) -> str:
    """Area with thousands separators: 35000 -> '35,000 m²'."""
    return f"{area_m2:,.0f} m²"


def area_words(area_m2: float) -> Text:
    """A floor area as each audience reads it: 3.5万㎡ / 35,000 m²."""
    return Text(format_area_zh(area_m2), format_area_en(area_m2))


def unique_names(cells: Sequence[str]) -> tuple[str, ...]:
    """Header names as written, with blanks named by position and repeats numbered."""
    names: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(cells, start=1):
        base = cell.strip() or f"column_{position}"
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        names.append(name)
    return tuple(names)
