"""The sector taxonomy: find sectors in free text (zh or en) and credit related sectors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from matcher.chains import ChainLink, ChainSegment, ChainTerm
from matcher.models import Sector, SectorRelation
from matcher.text import has_cjk, is_ascii_alnum, normalize, normalize_keep_case

# Fuzzy matching only fills gaps the exact scan left. A Chinese alias must have at least
# four characters (one wrong character in three is a different word), an English one five.
FUZZY_MIN_ZH = 4
FUZZY_MIN_EN = 5
FUZZY_CUTOFF_ZH = 75.0
FUZZY_CUTOFF_EN = 85.0
MAX_ENGLISH_NGRAM = 4
FUZZY_MIN_CHAIN_EN = 9
# Each word of a fuzzy English phrase is at least this close to its alias's word.
WORD_TYPO_RATIO = 60.0
# … and at most this many edits from it (one in five letters for longer words).
WORD_TYPO_EDITS = 2
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
    chain: ChainLink | None = None  # set when a product or technology term named the sector

    @property
    def end(self) -> int:
        return self.start + len(self.surface)


@dataclass(frozen=True)
class Credit:
    """How much a park sector satisfies a query sector, and along which relation."""

    value: float
    relation: Literal["same", "is_a", "related", "via"]
    via: str | None = None


_ZH_RUN = re.compile(r"[\u3400-\u9fff]{3,}")


def _residue(norm: str, exact: Sequence[SectorHit]) -> str:
    """The normalised text with what the exact hits covered blanked out."""
    if not exact:
        return norm
    chars = list(norm)
    for hit in exact:
        chars[hit.start : hit.end] = " " * (hit.end - hit.start)
    return "".join(chars)


def _zh_windows(residue: str) -> Iterator[str]:
    """Every window the Chinese fuzzy pass compares: n = 3..9 characters of each run."""
    for span in _ZH_RUN.finditer(residue):
        text = span.group(0)
        for n in range(FUZZY_MIN_ZH - 1, min(len(text), 9) + 1):
            for i in range(len(text) - n + 1):
                yield text[i : i + n]


def _english_grams(
    residue: str,
) -> tuple[list[tuple[int, int, str]], list[tuple[str, int]]]:
    """(first word, words, phrase) of each English n-gram long enough to compare, longest
    first, and the words with their positions."""
    words = [(m.group(0), m.start()) for m in _WORD.finditer(residue)]
    grams = [
        (i, n, " ".join(w for w, _ in words[i : i + n]))
        for n in range(min(MAX_ENGLISH_NGRAM, len(words)), 0, -1)
        for i in range(len(words) - n + 1)
    ]
    return [g for g in grams if len(g[2]) >= FUZZY_MIN_EN], words


def _same_words(phrase: str, alias: str) -> bool:
    """A typo changes letters inside words, never a whole word: each word of a fuzzily found
    phrase is its alias's word misspelt ("lithum battery"), or the two differ only in how
    the words are split ("photoresit", "photo resist"). "printing and packaging" is not "ic
    packaging", nor "packaging" "3d packaging", nor "technology" "biotechnology"."""
    said, meant = phrase.split(), alias.split()
    if len(said) == len(meant):
        return all(_misspelt(a, b) for a, b in zip(said, meant, strict=True))
    return Levenshtein.distance("".join(said), "".join(meant)) <= 1


def _misspelt(said: str, meant: str) -> bool:
    """`said` is `meant` with a slip or two, not another word that shares letters with it
    ("technology" is not a misspelt "biotechnology", "and" not "ic")."""
    slips = max(WORD_TYPO_EDITS, len(meant) // 5)
    return fuzz.ratio(said, meant) >= WORD_TYPO_RATIO and Levenshtein.distance(said, meant) <= slips


def _row_best(
    queries: list[str], scores: NDArray[np.float32], columns: NDArray[np.intp]
) -> Iterator[tuple[str, tuple[float, int]]]:
    """Each query's highest score and the column it is in (the first of equals)."""
    at = scores.argmax(axis=1)
    top = scores[np.arange(len(queries)), at]
    for query, score, column in zip(queries, top.tolist(), columns[at].tolist(), strict=True):
        yield query, (score, column)


def _bounded(text: str, start: int, end: int) -> bool:
    """An ASCII word may not be cut out of a longer word ("ai" is not in "maintain")."""
    left_ok = start == 0 or not is_ascii_alnum(text[start]) or not is_ascii_alnum(text[start - 1])
    right_ok = (
        end == len(text) or not is_ascii_alnum(text[end - 1]) or not is_ascii_alnum(text[end])
    )
    return left_ok and right_ok


class Taxonomy:
    """Aliases and industry-chain terms indexed for longest-first scanning, plus relation
    credits between sectors."""

    def __init__(
        self,
        sectors: Sequence[Sector],
        relations: Sequence[SectorRelation],
        chains: Sequence[ChainTerm] = (),
        segments: Sequence[ChainSegment] = (),
        not_sectors: Sequence[str] = (),
    ) -> None:
        self.sectors = {s.sector_id: s for s in sectors}
        # Trades whose words hold a sector's word (宠物医疗 holds 医疗): blanked before the
        # scan, so the shared word names nothing and the trade is quoted as unrecognised.
        self._not_sectors = sorted({normalize(w) for w in not_sectors if w.strip()}, key=len)[::-1]
        self._alias_owner: dict[str, str] = {}
        for sector in sectors:
            for alias in sector.aliases_zh + sector.aliases_en:
                self._alias_owner[normalize(alias)] = sector.sector_id
        # Chain terms compete with aliases position by position, longest first: 光刻胶 is read
        # as a product of the IC chain, 集成电路 as the sector itself.
        by_segment = {segment.segment_id: segment for segment in segments}
        self._chain: dict[str, ChainTerm] = {}
        for term in chains:
            for surface in term.terms:
                key = normalize(surface)
                if key not in self._alias_owner and term.segment in by_segment:
                    self._chain.setdefault(key, term)
        self._segments = by_segment
        ordered = sorted(self._alias_owner, key=lambda a: (-len(a), a))
        scanned = sorted({*self._alias_owner, *self._chain}, key=lambda a: (-len(a), a))
        # What the text at a position must begin with for any alias or chain term to start
        # there: its first three characters, or the whole of a shorter one. Most positions
        # of a sentence pass no such test and are skipped without trying each length.
        self._starts = {a[:3] for a in scanned}
        # Lengths of the terms by their first three characters (a shorter term by itself),
        # longest first: at a position only these lengths can hold a term.
        self._lengths: dict[str, list[int]] = {}
        for alias in scanned:
            lengths = self._lengths.setdefault(alias[:3], [])
            if len(alias) not in lengths:
                lengths.append(len(alias))
        # Windows of length n are compared with aliases of length n-1..n+1 (one typo at most).
        self._zh_by_length: dict[int, list[str]] = {}
        for alias in ordered:
            if has_cjk(alias) and len(alias) >= FUZZY_MIN_ZH:
                for n in (len(alias) - 1, len(alias), len(alias) + 1):
                    self._zh_by_length.setdefault(n, []).append(alias)
        self._fuzzy_en = [a for a in ordered if not has_cjk(a) and len(a) >= FUZZY_MIN_EN]
        # Long English product names forgive a typo too ("photoresit"); short ones and Chinese
        # ones do not: among thousands of terms, a one-character slip finds a different word.
        self._fuzzy_en += sorted(
            (t for t in self._chain if t.isascii() and len(t) >= FUZZY_MIN_CHAIN_EN),
            key=lambda a: (-len(a), a),
        )
        self._fuzzy_en_lengths = np.array([len(a) for a in self._fuzzy_en], dtype=np.int64)
        self._credits = self._closure(relations)

    # -- finding sectors in text -------------------------------------------------------------

    def find_exact(self, text: str, chains: bool = True) -> list[SectorHit]:
        """Every alias (and, if `chains`, chain term) in the text, longest first at each
        position, non-overlapping. A chain term gives a hit for its chain's sector and, if it
        has one, a second hit at the same place for its secondary sector."""
        norm = self.mask(normalize(text))
        # Show users their own spelling ("IC", not "ic") where case folding kept positions.
        shown = normalize_keep_case(text)
        shown = shown if len(shown) == len(norm) else norm
        hits = []
        i = 0
        starts = self._starts
        while i < len(norm):
            if not (norm[i : i + 3] in starts or norm[i : i + 2] in starts or norm[i] in starts):
                i += 1
                continue
            found = self._alias_at(norm, i, chains)
            if found is None:
                i += 1
                continue
            alias, end = found
            if alias in self._alias_owner:
                hits.append(
                    SectorHit(self._alias_owner[alias], shown[i:end], alias, 1.0, "exact", i)
                )
            else:
                hits.extend(self._chain_hits(alias, shown[i:end], 1.0, "exact", i))
            i = end
        return hits

    def mask(self, norm: str) -> str:
        """A normalised text with the trades that name no sector blanked (same length)."""
        for word in self._not_sectors:
            at = 0
            while (i := norm.find(word, at)) >= 0:
                end = i + len(word)
                at = end
                if word[-1:].isascii() and word[-1:].isalpha():
                    for suffix in ("es", "s"):  # plurals, as the scan reads them
                        if norm.startswith(suffix, end) and _bounded(norm, i, end + len(suffix)):
                            end += len(suffix)
                            break
                if _bounded(norm, i, end):
                    norm = norm[:i] + " " * (end - i) + norm[end:]
        return norm

    def _chain_hits(
        self, key: str, surface: str, confidence: float, how: Literal["exact", "fuzzy"], i: int
    ) -> list[SectorHit]:
        """The chain term's own sector, then the secondary sector it also serves."""
        term = self._chain[key]
        segment = self._segments[term.segment]
        roles: list[tuple[str, Literal["primary", "secondary"]]] = [(term.sector_id, "primary")]
        if term.secondary_sector_id:
            roles.append((term.secondary_sector_id, "secondary"))
        return [
            SectorHit(
                sector_id,
                surface,
                key,
                confidence,
                how,
                i,
                ChainLink(term.term_zh, term.term_en[0], term.sector_id, segment, role),
            )
            for sector_id, role in roles
        ]

    def _alias_at(self, norm: str, i: int, chains: bool = True) -> tuple[str, int] | None:
        """The longest alias or chain term starting at i and where it ends (past a plural)."""
        lengths = self._lengths
        for length in (
            *lengths.get(norm[i : i + 3], ()),
            *lengths.get(norm[i : i + 2], ()),
            *lengths.get(norm[i], ()),
        ):
            end = i + length
            if end > len(norm):
                continue
            candidate = norm[i:end]
            if candidate not in self._alias_owner and not (chains and candidate in self._chain):
                continue
            if candidate.isascii() and candidate[-1].isalpha():
                for suffix in ("es", "s"):
                    if norm.startswith(suffix, end) and _bounded(norm, i, end + len(suffix)):
                        return candidate, end + len(suffix)
            if _bounded(norm, i, end):
                return candidate, end
        return None

    def find_sectors(self, text: str) -> list[SectorHit]:
        """Exact alias hits, then fuzzy hits in the parts of the text no alias covered."""
        return self.find_sectors_many([text])[0]

    def find_sectors_many(self, texts: Sequence[str]) -> list[list[SectorHit]]:
        """find_sectors of each text. The fuzzy comparisons of all the texts are made
        together: a lead list's sentences share most of their words, and one rapidfuzz call
        per length over every distinct phrase costs less than one call per sentence."""
        exact = [self.find_exact(text) for text in texts]
        residues = [
            _residue(self.mask(normalize(t)), hits) for t, hits in zip(texts, exact, strict=True)
        ]
        grams = [_english_grams(r) for r in residues]
        zh_best = self._zh_window_best({w for r in residues for w in _zh_windows(r)})
        en_best = self._en_phrase_best({g[2] for found, _ in grams for g in found})
        return [
            hits + self._fuzzy_zh_hits(residue, zh_best) + self._fuzzy_en_hits(*english, en_best)
            for hits, residue, english in zip(exact, residues, grams, strict=True)
        ]

    def _zh_window_best(self, windows: set[str]) -> dict[str, tuple[float, int]]:
        """(score, alias index) of each window's best alias of its length group, score 0 for
        none above the cutoff; the first alias wins a tie, as argmax does."""
        best: dict[str, tuple[float, int]] = {}
        by_length: dict[int, list[str]] = {}
        for window in sorted(windows):
            by_length.setdefault(len(window), []).append(window)
        for n, group in by_length.items():
            aliases = self._zh_by_length.get(n, [])
            if aliases:
                scores = process.cdist(
                    group, aliases, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF_ZH, workers=1
                )
                best.update(_row_best(group, scores, np.arange(len(aliases))))
        return best

    def _en_phrase_best(self, phrases: set[str]) -> dict[str, tuple[float, int]]:
        """(score, index in _fuzzy_en) of each phrase's best alias, score 0 for none above
        the cutoff. Each length is compared only with aliases long or short enough to reach
        the cutoff (the others score 0 anyway), which is most of the saving."""
        best: dict[str, tuple[float, int]] = {}
        by_length: dict[int, list[str]] = {}
        for phrase in sorted(phrases):
            by_length.setdefault(len(phrase), []).append(phrase)
        for n, group in by_length.items():
            # ratio is at most 200 * shorter / (sum of lengths); a point of margin for floats.
            near = np.flatnonzero(
                200 * np.minimum(self._fuzzy_en_lengths, n)
                >= (FUZZY_CUTOFF_EN - 1) * (self._fuzzy_en_lengths + n)
            )
            if len(near):
                scores = process.cdist(
                    group,
                    [self._fuzzy_en[i] for i in near.tolist()],
                    scorer=fuzz.ratio,
                    score_cutoff=FUZZY_CUTOFF_EN,
                    workers=1,
                )
                best.update(_row_best(group, scores, near))
        return best

    def _fuzzy_zh_hits(
        self, residue: str, window_best: dict[str, tuple[float, int]]
    ) -> list[SectorHit]:
        """Best fuzzy alias per run of uncovered Chinese text, compared window by window."""
        hits: list[SectorHit] = []
        for span in _ZH_RUN.finditer(residue):
            text = span.group(0)
            best: tuple[float, int, str, str] | None = None
            for n in range(FUZZY_MIN_ZH - 1, min(len(text), 9) + 1):
                aliases = self._zh_by_length.get(n, [])
                if not aliases:
                    continue
                windows = [text[i : i + n] for i in range(len(text) - n + 1)]
                # The first window holding the highest score (row-major argmax of the matrix).
                found = [window_best[w] for w in windows]
                w = max(range(len(windows)), key=lambda i: found[i][0])
                score, a = found[w]
                if score and (best is None or score > best[0]):
                    best = (score, w, windows[w], aliases[a])
            if best:
                score, offset, window, alias = best
                hits.append(
                    SectorHit(
                        self._alias_owner[alias],
                        window,
                        alias,
                        score / 100,
                        "fuzzy",
                        span.start() + offset,
                    )
                )
        return hits

    def _fuzzy_en_hits(
        self,
        grams: list[tuple[int, int, str]],
        words: list[tuple[str, int]],
        phrase_best: dict[str, tuple[float, int]],
    ) -> list[SectorHit]:
        """Fuzzy aliases for English word n-grams no exact alias covered, longest first
        (grams and words as _english_grams gives them)."""
        hits: list[SectorHit] = []
        used: set[int] = set()
        for i, n, phrase in grams:
            score, a = phrase_best.get(phrase, (0.0, -1))  # absent: no alias near its length
            if not score or used & set(range(i, i + n)):
                continue
            alias = self._fuzzy_en[a]
            if not _same_words(phrase, alias):
                continue
            used |= set(range(i, i + n))
            if alias not in self._alias_owner:
                hits.extend(self._chain_hits(alias, phrase, score / 100, "fuzzy", words[i][1]))
                continue
            hits.append(
                SectorHit(
                    self._alias_owner[alias], phrase, alias, score / 100, "fuzzy", words[i][1]
                )
            )
        return hits

    def sectors_in(self, text: str) -> dict[str, str]:
        """Sector id -> first alias that names it in a published text (exact matches only)."""
        found: dict[str, str] = {}
        for hit in self.find_exact(text, chains=False):
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

    def credit_table(self) -> tuple[list[str], list[list[float]]]:
        """Sector ids and the matrix credit[query][park] over every pair of sectors."""
        ids = list(self.sectors)
        return ids, [[self.credit(q, p).value for p in ids] for q in ids]

    def credit(self, query_sector: str, park_sector: str) -> Credit:
        """Credit (0-1) a park listing `park_sector` earns for a query about `query_sector`."""
        if query_sector == park_sector:
            return Credit(1.0, "same")
        return self._credits.get((query_sector, park_sector), Credit(0.0, "related"))
