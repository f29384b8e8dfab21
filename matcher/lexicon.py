"""Terms staff teach the matcher: a product or technology word mapped to a sector's chain.

A taught term is a chain term (matcher.chains) that lives in the workspace instead of
`data/chains.csv`: it joins the catalogue's chains, changes the data version, and is checked
the same way (known sector and segment, not already a sector alias or a chain term). Before a
term is saved, `preview_term` re-runs the evaluation sets with and without it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from matcher import messages as msg
from matcher.catalogue import Catalogue
from matcher.chains import ChainTerm
from matcher.evaluation import Report, evaluate, read_gold
from matcher.exports import neutralise_text
from matcher.messages import Reason
from matcher.models import Fit, Match, Requirement
from matcher.scoring import Ranker
from matcher.text import normalize

# Shorter words match inside too many unrelated texts ("芯" is in 芯片 and 核心).
MIN_TERM_CHARS = 2
MAX_TERM_CHARS = 40
MAX_VARIANTS = 8


class TaughtTerm(BaseModel):
    """What a staff member teaches: the investor's word in Chinese and English, and where it
    sits in a sector's chain. The note says why (a judgement others can review)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    term_zh: str = Field(min_length=1, max_length=MAX_TERM_CHARS)
    term_en: tuple[str, ...] = Field(min_length=1)
    sector_id: str = Field(min_length=1)
    secondary_sector_id: str | None = None
    segment: str = Field(min_length=1)
    note: str = Field(default="", max_length=500)

    @field_validator("term_en", mode="before")
    @classmethod
    def _split_variants(cls, value: object) -> object:
        # The form and CSV give one cell: "photoresist | photo resist" or "a, b".
        if isinstance(value, str):
            parts = value.replace(",", "|").replace("，", "|").split("|")
            return tuple(p.strip() for p in parts if p.strip())
        return value

    @field_validator("term_en", mode="after")
    @classmethod
    def _printable_variants(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(unicodedata.category(c) == "Cc" for v in value for c in v):
            raise ValueError("contains a control character")
        return value

    @field_validator("term_en")
    @classmethod
    def _bounded_variants(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(value) > MAX_VARIANTS or any(len(v) > MAX_TERM_CHARS for v in value):
            raise ValueError(
                f"at most {MAX_VARIANTS} English terms of at most {MAX_TERM_CHARS} characters"
            )
        return value

    @field_validator("term_zh", "note")
    @classmethod
    def _printable(cls, value: str) -> str:
        # A control character is invisible on screen and refused by PostgreSQL (NUL).
        if any(unicodedata.category(c) == "Cc" for c in value):
            raise ValueError("contains a control character")
        return value

    @field_validator("secondary_sector_id", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return value or None

    def as_chain_term(self) -> ChainTerm:
        return ChainTerm(
            term_zh=self.term_zh,
            term_en=self.term_en,
            sector_id=self.sector_id,
            secondary_sector_id=self.secondary_sector_id,
            segment=self.segment,
            note=self.note,
        )


@dataclass(frozen=True)
class TaughtEntry:
    """A taught term as stored: who taught it and when, and whether it was retired."""

    id: int
    term: TaughtTerm
    taught_by: str
    taught_at: datetime
    retired_by: str | None = None
    retired_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.retired_at is None


def term_problems(catalogue: Catalogue, term: TaughtTerm) -> list[Reason]:
    """Why `term` cannot join `catalogue` (empty: it can): unknown sector or segment, a word
    too short, or a word the catalogue already knows (as a sector alias or a chain term)."""
    problems: list[Reason] = []
    sectors = {s.sector_id: s for s in catalogue.sectors}
    for sector_id in (term.sector_id, term.secondary_sector_id):
        if sector_id is not None and sector_id not in sectors:
            problems.append(msg.lexicon_unknown_sector(sector_id))
    if term.secondary_sector_id is not None and term.secondary_sector_id == term.sector_id:
        problems.append(msg.lexicon_same_secondary())
    if term.segment not in {s.segment_id for s in catalogue.segments}:
        problems.append(msg.lexicon_unknown_segment(term.segment))
    aliases = {
        normalize(alias): sector
        for sector in catalogue.sectors
        for alias in sector.aliases_zh + sector.aliases_en
    }
    chain = {normalize(surface): known for known in catalogue.chains for surface in known.terms}
    seen: set[str] = set()
    for surface in (term.term_zh, *term.term_en):
        key = normalize(surface)
        if len(key) < MIN_TERM_CHARS:
            problems.append(msg.lexicon_too_short(surface, MIN_TERM_CHARS))
        elif key in seen:
            problems.append(msg.lexicon_repeated(surface))
        elif key in aliases:
            owner = aliases[key]
            problems.append(msg.lexicon_is_sector(surface, owner.name_zh, owner.name_en))
        elif key in chain:
            known = chain[key]
            owner = sectors[known.sector_id]
            problems.append(msg.lexicon_is_chain_term(surface, owner.name_zh, owner.name_en))
        seen.add(key)
    return problems


def with_taught_terms(catalogue: Catalogue, taught: Sequence[TaughtTerm]) -> Catalogue:
    """The catalogue with the usable taught terms added to its chains and a data version that
    covers them; a term the curated data has since learnt (or contradicts) is left out."""
    chains, added = list(catalogue.chains), []
    for term in taught:
        current = replace(catalogue, chains=tuple(chains))
        if not term_problems(current, term):
            chains.append(term.as_chain_term())
            added.append(term)
    if not added:
        return catalogue
    return replace(
        catalogue,
        chains=tuple(chains),
        version=taught_version(catalogue.version, added),
        taught_terms=len(added),
    )


def taught_version(base_version: str, taught: Sequence[TaughtTerm]) -> str:
    """A content hash of the curated data's version and the taught terms, in any order."""
    canonical = sorted(json.dumps(t.model_dump(mode="json"), sort_keys=True) for t in taught)
    digest = hashlib.sha256(base_version.encode())
    for line in canonical:
        digest.update(line.encode())
    return digest.hexdigest()[:12]


# -- before saving: what the term changes ------------------------------------------------------


@dataclass(frozen=True)
class SetFigures:
    """One evaluation set's figures for one catalogue."""

    name: str
    ndcg5: float
    hit1: float
    no_fit_flagged: int
    no_fit_rows: int

    @classmethod
    def of(cls, name: str, report: Report) -> SetFigures:
        return cls(
            name, report.ndcg5(), report.hit1(), report.empty_flagged, len(report.empty_rows)
        )

    def worse_than(self, before: SetFigures) -> bool:
        # A rounding-level wobble is not a loss; anything a reader would see is.
        return (
            self.ndcg5 < before.ndcg5 - 5e-4
            or self.hit1 < before.hit1 - 5e-4
            or self.no_fit_flagged < before.no_fit_flagged
        )


@dataclass(frozen=True)
class TermPreview:
    """What saving `term` would change: the term's own ranking and each evaluation set."""

    term: TaughtTerm
    problems: tuple[Reason, ...]
    top_before: tuple[Match, ...]  # the term alone, as an investor's requirement
    top_after: tuple[Match, ...]
    sets: tuple[tuple[SetFigures, SetFigures], ...]  # (before, after) per set

    @property
    def worse(self) -> tuple[str, ...]:
        """Names of the evaluation sets whose figures drop."""
        return tuple(after.name for before, after in self.sets if after.worse_than(before))


def _top(ranker: Ranker, text: str, k: int) -> tuple[Match, ...]:
    return tuple(ranker.rank(Requirement(sector_text=text))[:k])


def preview_term(
    ranker: Ranker, term: TaughtTerm, gold_files: Sequence[Path], top_k: int = 3
) -> TermPreview:
    """Rank the term and re-run every gold file with the current catalogue and with the term
    added; if the term cannot be added, only its problems."""
    problems = tuple(term_problems(ranker.catalogue, term))
    if problems:
        return TermPreview(term, problems, (), (), ())
    taught = Ranker(with_taught_terms(ranker.catalogue, [term]))
    sets = []
    for path in gold_files:
        before = evaluate(read_gold(path, ranker.area_limit_m2), ranker.rank)
        after = evaluate(read_gold(path, taught.area_limit_m2), taught.rank)
        sets.append((SetFigures.of(path.name, before), SetFigures.of(path.name, after)))
    return TermPreview(
        term,
        (),
        _top(ranker, term.term_zh, top_k),
        _top(taught, term.term_zh, top_k),
        tuple(sets),
    )


# -- what to teach: requirements the matcher did not understand -------------------------------


@dataclass(frozen=True)
class Unmatched:
    """A requirement text investors used that found no sector, or only a weak fit."""

    text: str
    best_fit: Fit  # NONE: no sector recognised at all
    times: int  # how many of the scanned requirements used this text


def best_fit_if_missed(ranker: Ranker, text: str) -> Fit | None:
    """NONE if the text recognises no sector, WEAK if its best park is a weak fit, else None
    (understood; a recognised sector no park lists is not a teaching matter)."""
    if not ranker.understand(Requirement(sector_text=text)).sector_hits:
        return Fit.NONE
    best = ranker.rank(Requirement(sector_text=text))[0].fit
    return best if best is Fit.WEAK else None


def texts_to_teach(ranker: Ranker, texts: Iterable[str], limit: int = 30) -> list[Unmatched]:
    """The distinct texts (most used first, at most `limit`) the matcher missed."""
    counts = Counter(text.strip() for text in texts if text and text.strip())
    found: list[Unmatched] = []
    for text, times in counts.most_common():
        best = best_fit_if_missed(ranker, text)
        if best is not None:
            found.append(Unmatched(text, best, times))
            if len(found) == limit:
                break
    return found


# -- review: the taught terms as a file -------------------------------------------------------

EXPORT_COLUMNS = (
    "term_zh",
    "term_en",
    "sector_id",
    "secondary_sector_id",
    "segment",
    "note",
    "taught_by",
    "taught_at",
    "retired_by",
    "retired_at",
)


def lexicon_csv(entries: Sequence[TaughtEntry]) -> bytes:
    """The taught terms in data/chains.csv's columns (so a reviewed row can be copied there)
    plus who taught or retired each and when; UTF-8 with BOM for Excel, formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for entry in entries:
        term = entry.term
        cells = (
            term.term_zh,
            "|".join(term.term_en),
            term.sector_id,
            term.secondary_sector_id or "",
            term.segment,
            term.note,
            entry.taught_by,
            entry.taught_at.isoformat(timespec="seconds"),
            entry.retired_by or "",
            entry.retired_at.isoformat(timespec="seconds") if entry.retired_at else "",
        )
        writer.writerow([neutralise_text(cell) for cell in cells])
    return out.getvalue().encode("utf-8-sig")
