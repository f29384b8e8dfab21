"""The sector taxonomy: find sectors in free text (zh or en) and credit related sectors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from matcher.models import Sector, SectorRelation
from matcher.text import has_cjk, is_ascii_alnum, is_cjk, normalize, normalize_keep_case

# Fuzzy matching only fills gaps the exact scan left. A Chinese alias must have at least
# four characters (one wrong character in three is a different word), an English one five.
FUZZY_MIN_ZH = 4
FUZZY_MIN_EN = 5
FUZZY_CUTOFF_ZH = 75.0
FUZZY_CUTOFF_EN = 85.0
MAX_ENGLISH_NGRAM = 4
# Credits along a two-step path below this are noise, not a relation anyone would state.
MIN_PATH_CREDIT = 0.2

_WORD = re.compile(r"[a-z0-9][a-z0-9&+\-]*")


@dataclass(frozen=True)
class SectorHit:
    """A sector recognised in a piece of text."""

    sector_id: str
    surface: str  # the text as it appeared (normalised)
    alias: str  # the taxonomy alias it matched
    confidence: float  # 1.0 for exact, the similarity for fuzzy
    how: Literal["exact", "fuzzy", "selected"]
    start: int = -1


@dataclass(frozen=True)
class Credit:
    """How much a park sector satisfies a query sector, and along which relation."""

    value: float
    relation: Literal["same", "is_a", "related", "via"]
    via: str | None = None


def _alias_pattern(alias: str) -> str:
    body = re.escape(alias)
    if alias.isascii() and alias[-1].isalpha():
        body += "(?:s|es)?"  # plurals of English aliases
    left = r"(?<![a-z0-9])" if is_ascii_alnum(alias[0]) else ""
    right = r"(?![a-z0-9])" if is_ascii_alnum(alias[-1]) else ""
    return left + body + right


class Taxonomy:
    """Aliases indexed for longest-first scanning, plus relation credits between sectors."""

    def __init__(self, sectors: Sequence[Sector], relations: Sequence[SectorRelation]) -> None:
        self.sectors = {s.sector_id: s for s in sectors}
        self._alias_owner: dict[str, str] = {}
        for sector in sectors:
            for alias in sector.aliases_zh + sector.aliases_en:
                self._alias_owner[normalize(alias)] = sector.sector_id
        ordered = sorted(self._alias_owner, key=lambda a: (-len(a), a))
        self._scanner = re.compile("|".join(f"({_alias_pattern(a)})" for a in ordered))
        self._ordered_aliases = ordered
        self._fuzzy_zh = [a for a in ordered if has_cjk(a) and len(a) >= FUZZY_MIN_ZH]
        self._fuzzy_en = [a for a in ordered if not has_cjk(a) and len(a) >= FUZZY_MIN_EN]
        self._credits = self._closure(relations)

    # -- finding sectors in text -------------------------------------------------------------

    def find_exact(self, text: str) -> list[SectorHit]:
        """Every alias occurring in the text, longest first, non-overlapping."""
        norm = normalize(text)
        # Show users their own spelling ("IC", not "ic") where case folding kept positions.
        shown = normalize_keep_case(text)
        shown = shown if len(shown) == len(norm) else norm
        hits = []
        for m in self._scanner.finditer(norm):
            alias = self._ordered_aliases[m.lastindex - 1] if m.lastindex else m.group(0)
            hits.append(
                SectorHit(
                    self._alias_owner[alias],
                    shown[m.start() : m.end()],
                    alias,
                    1.0,
                    "exact",
                    m.start(),
                )
            )
        return hits

    def find_sectors(self, text: str) -> list[SectorHit]:
        """Exact alias hits, then fuzzy hits in the parts of the text no alias covered."""
        norm = normalize(text)
        exact = self.find_exact(norm)
        covered = [False] * len(norm)
        for hit in exact:
            for i in range(hit.start, hit.start + len(hit.surface)):
                covered[i] = True
        residue = "".join(" " if c else ch for ch, c in zip(norm, covered, strict=True))
        return exact + self._fuzzy_zh_hits(residue) + self._fuzzy_en_hits(residue)

    def _fuzzy_zh_hits(self, residue: str) -> list[SectorHit]:
        hits: list[SectorHit] = []
        for span in re.finditer(r"[\u3400-\u9fff]{3,}", residue):
            text = span.group(0)
            windows = {
                text[i : i + n]
                for n in range(FUZZY_MIN_ZH - 1, min(len(text), 9) + 1)
                for i in range(len(text) - n + 1)
            }
            best: tuple[float, str, str] | None = None
            for window in sorted(windows):
                found = process.extractOne(
                    window,
                    [a for a in self._fuzzy_zh if abs(len(a) - len(window)) <= 1],
                    scorer=fuzz.ratio,
                    score_cutoff=FUZZY_CUTOFF_ZH,
                )
                if found and (best is None or found[1] > best[0]):
                    best = (found[1], window, found[0])
            if best:
                score, window, alias = best
                hits.append(
                    SectorHit(
                        self._alias_owner[alias],
                        window,
                        alias,
                        score / 100,
                        "fuzzy",
                        span.start() + text.find(window),
                    )
                )
        return hits

    def _fuzzy_en_hits(self, residue: str) -> list[SectorHit]:
        words = [w for w in _WORD.findall(residue) if not any(is_cjk(c) for c in w)]
        hits: list[SectorHit] = []
        used: set[int] = set()
        for n in range(min(MAX_ENGLISH_NGRAM, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                if used & set(range(i, i + n)):
                    continue
                phrase = " ".join(words[i : i + n])
                if len(phrase) < FUZZY_MIN_EN:
                    continue
                found = process.extractOne(
                    phrase, self._fuzzy_en, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF_EN
                )
                if found:
                    used |= set(range(i, i + n))
                    hits.append(
                        SectorHit(
                            self._alias_owner[found[0]],
                            phrase,
                            found[0],
                            found[1] / 100,
                            "fuzzy",
                            residue.find(words[i]),
                        )
                    )
        return hits

    def sectors_in(self, text: str) -> dict[str, str]:
        """Sector id -> first alias that names it in a published text (exact matches only)."""
        found: dict[str, str] = {}
        for hit in self.find_exact(text):
            found.setdefault(hit.sector_id, hit.surface)
        return found

    # -- relations -----------------------------------------------------------------------------

    @staticmethod
    def _closure(relations: Iterable[SectorRelation]) -> dict[tuple[str, str], Credit]:
        direct: dict[tuple[str, str], Credit] = {}

        def add(query: str, park: str, value: float, kind: Literal["is_a", "related"]) -> None:
            if value > 0 and value > direct.get((query, park), Credit(0, "related")).value:
                direct[(query, park)] = Credit(value, kind)

        for rel in relations:
            add(rel.sector_a, rel.sector_b, rel.a_to_b, rel.kind)
            add(rel.sector_b, rel.sector_a, rel.b_to_a, rel.kind)
        credits = dict(direct)
        # One intermediate sector at most: credit multiplies along the path.
        for (q, mid), first in direct.items():
            for (mid2, p), second in direct.items():
                if mid2 != mid or p == q:
                    continue
                value = first.value * second.value
                if (
                    value >= MIN_PATH_CREDIT
                    and value > credits.get((q, p), Credit(0, "related")).value
                ):
                    credits[(q, p)] = Credit(value, "via", mid)
        return credits

    def credit(self, query_sector: str, park_sector: str) -> Credit:
        """Credit (0-1) a park listing `park_sector` earns for a query about `query_sector`."""
        if query_sector == park_sector:
            return Credit(1.0, "same")
        return self._credits.get((query_sector, park_sector), Credit(0.0, "related"))
