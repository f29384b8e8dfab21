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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from matcher.catalogue import Catalogue
from matcher.chains import ChainTerm
from matcher.errors import UsageError, UserFacingError
from matcher.evaluation import Report, evaluate, read_gold
from matcher.exports import neutralise_text
from matcher.i18n import Text, catalogue, joined, say
from matcher.models import Fit, Match, Requirement
from matcher.reasons import sector_name
from matcher.scoring import Ranker
from matcher.text import has_cjk, normalize

# Shorter words match inside too many unrelated texts ("芯" is in 芯片 and 核心).
MIN_TERM_CHARS = 2
MIN_LATIN_CHARS = 3  # "of", "PD", "ML": two letters are a word or an ambiguous acronym
MAX_TERM_CHARS = 40
MAX_VARIANTS = 8
MAX_NOTE_CHARS = 500


class TaughtTermError(UsageError):
    """A term that cannot be taught; `problems` says why, in both languages."""

    def __init__(self, problems: Sequence[Text]) -> None:
        self.problems = tuple(problems)
        super().__init__(joined(self.problems, "reason_separator"))


def hidden_characters(text: str) -> bool:
    """Control or format characters (NUL, tab, zero-width space, right-to-left override):
    invisible on screen, they make one word look like another."""
    return any(unicodedata.category(c) in ("Cc", "Cf") for c in text)


def split_variants(cell: str) -> tuple[str, ...]:
    """English variants as one cell gives them: "photoresist | photo resist" or "a, b"."""
    parts = cell.replace(",", "|").replace("，", "|").split("|")
    return tuple(p.strip() for p in parts if p.strip())


def read_term(
    *,
    term_zh: str,
    term_en: str,
    sector_id: str | None,
    segment: str | None,
    secondary_sector_id: str | None = None,
    note: str = "",
    field_names: Mapping[str, Text] | None = None,
) -> TaughtTerm:
    """The term a form or the command line describes; TaughtTermError names every field that
    is missing or unusable by `field_names` (default: the form's labels)."""
    names = catalogue() if field_names is None else field_names
    problems: list[Text] = []
    zh, variants, note = term_zh.strip(), split_variants(term_en), note.strip()
    for key, text, limit in (
        ("lexicon_term_zh", zh, MAX_TERM_CHARS),
        *(("lexicon_term_en", v, MAX_TERM_CHARS) for v in variants),
        ("lexicon_note", note, MAX_NOTE_CHARS),
    ):
        if hidden_characters(text):
            problems.append(
                say(
                    "lexicon_hidden_character",
                    field=names[key],
                    shown=text.encode("unicode_escape").decode("ascii")[:80],
                )
            )
        elif len(text) > limit:
            problems.append(say("lexicon_too_long", field=names[key], limit=limit))
    if len(variants) > MAX_VARIANTS:
        problems.append(say("lexicon_too_many_variants", limit=MAX_VARIANTS))
    for key, given in (
        ("lexicon_term_zh", zh),
        ("lexicon_term_en", variants),
        ("lexicon_sector", sector_id),
        ("lexicon_segment", segment),
    ):
        if not given:
            problems.append(say("lexicon_missing", field=names[key]))
    if problems:
        raise TaughtTermError(problems)
    return TaughtTerm(
        term_zh=zh,
        term_en=variants,
        sector_id=str(sector_id),
        secondary_sector_id=secondary_sector_id or None,
        segment=str(segment),
        note=note,
    )


class TaughtTerm(BaseModel):
    """What a staff member teaches: the investor's word in Chinese and English, and where it
    sits in a sector's chain. The note says why (a judgement others can review). Build it
    from what people typed with `read_term`, which says what is wrong in their words."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    term_zh: str = Field(min_length=1, max_length=MAX_TERM_CHARS)
    term_en: tuple[str, ...] = Field(min_length=1, max_length=MAX_VARIANTS)
    sector_id: str = Field(min_length=1)
    secondary_sector_id: str | None = None
    segment: str = Field(min_length=1)
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)

    @field_validator("term_en", mode="before")
    @classmethod
    def _split_variants(cls, value: object) -> object:
        return split_variants(value) if isinstance(value, str) else value

    @field_validator("term_en")
    @classmethod
    def _bounded_variants(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(len(v) > MAX_TERM_CHARS or hidden_characters(v) for v in value):
            raise ValueError(f"at most {MAX_TERM_CHARS} visible characters per English term")
        return value

    @field_validator("term_zh", "note")
    @classmethod
    def _visible(cls, value: str) -> str:
        if hidden_characters(value):
            raise ValueError("contains a control or invisible formatting character")
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


def term_problems(catalogue: Catalogue, term: TaughtTerm) -> list[Text]:
    """Why `term` cannot join `catalogue` (empty: it can): unknown sector or segment, a word
    too short, or a word the catalogue already knows (as a sector alias or a chain term)."""
    problems: list[Text] = []
    sectors = {s.sector_id: s for s in catalogue.sectors}
    for sector_id in (term.sector_id, term.secondary_sector_id):
        if sector_id is not None and sector_id not in sectors:
            problems.append(say("lexicon_unknown_sector", sector_id=sector_id))
    if term.secondary_sector_id is not None and term.secondary_sector_id == term.sector_id:
        problems.append(say("lexicon_same_secondary"))
    if term.segment not in {s.segment_id for s in catalogue.segments}:
        problems.append(say("lexicon_unknown_segment", segment=term.segment))
    aliases = {
        normalize(alias): sector
        for sector in catalogue.sectors
        for alias in sector.aliases_zh + sector.aliases_en
    }
    chain = {normalize(surface): known for known in catalogue.chains for surface in known.terms}
    seen: set[str] = set()
    for surface in (term.term_zh, *term.term_en):
        key = normalize(surface)
        least = MIN_TERM_CHARS if has_cjk(key) else MIN_LATIN_CHARS
        if len(key) < least:
            problems.append(say("lexicon_too_short", surface=surface, least=least))
        elif key in seen:
            problems.append(say("lexicon_repeated", surface=surface))
        elif key in aliases:
            owner = aliases[key]
            problems.append(say("lexicon_is_sector", surface=surface, sector=sector_name(owner)))
        elif key in chain:
            known = chain[key]
            owner = sectors[known.sector_id]
            problems.append(
                say("lexicon_is_chain_term", surface=surface, sector=sector_name(owner))
            )
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
class ReadAgain:
    """A requirement text the term would make the matcher read differently."""

    text: str
    sectors_before: tuple[str, ...]  # sector ids recognised, strongest first
    sectors_after: tuple[str, ...]

    @property
    def was_understood(self) -> bool:
        return bool(self.sectors_before)


@dataclass(frozen=True)
class TermPreview:
    """What saving `term` would change: the term's own ranking, the texts read differently
    (recent requirements and evaluation rows) and each evaluation set's figures."""

    term: TaughtTerm
    problems: tuple[Text, ...]
    top_before: tuple[Match, ...]  # the term alone, as an investor's requirement
    top_after: tuple[Match, ...]
    sets: tuple[tuple[SetFigures, SetFigures], ...]  # (before, after) per set
    read_again: tuple[ReadAgain, ...] = ()
    texts_scanned: int = 0
    unreadable: tuple[tuple[str, str], ...] = ()  # (file name, why) of gold files not read

    @property
    def worse(self) -> tuple[str, ...]:
        """Names of the evaluation sets whose figures drop."""
        return tuple(after.name for before, after in self.sets if after.worse_than(before))

    @property
    def rerouted(self) -> tuple[ReadAgain, ...]:
        """Texts the matcher understood that the term would read as something else: a word
        that broad (科技, 平台, "the") takes over requirements it should leave alone."""
        return tuple(r for r in self.read_again if r.was_understood)

    @property
    def too_common(self) -> bool:
        """The term changes the reading of a large share of the texts scanned."""
        changed = len(self.read_again)
        return changed >= COMMON_LEAST and changed > COMMON_SHARE * max(self.texts_scanned, 1)

    @property
    def needs_care(self) -> bool:
        """Saving needs an explicit "save anyway": figures drop or the term is too broad."""
        return bool(self.worse or self.rerouted or self.too_common)


# A term reading this many texts differently, and this share of those scanned, is too common.
COMMON_LEAST = 3
COMMON_SHARE = 0.2


def _top(ranker: Ranker, text: str, k: int) -> tuple[Match, ...]:
    return tuple(ranker.rank(Requirement(sector_text=text))[:k])


def _sectors(ranker: Ranker, text: str) -> tuple[str, ...]:
    hits = ranker.understand(Requirement(sector_text=text)).sector_hits
    return tuple(dict.fromkeys(hit.sector_id for hit in hits))


def read_differently(
    before: Ranker, after: Ranker, texts: Iterable[str]
) -> tuple[tuple[ReadAgain, ...], int]:
    """The distinct texts whose recognised sectors differ between two rankers, and how many
    distinct texts were compared."""
    distinct = list(dict.fromkeys(t.strip() for t in texts if t and t.strip()))
    changed = []
    for text in distinct:
        old, new = _sectors(before, text), _sectors(after, text)
        if old != new:
            changed.append(ReadAgain(text, old, new))
    return tuple(changed), len(distinct)


def preview_term(
    ranker: Ranker,
    term: TaughtTerm,
    gold_files: Sequence[Path],
    texts: Sequence[str] = (),
    top_k: int = 3,
) -> TermPreview:
    """Rank the term, compare how `texts` (recent requirements) and the gold rows are read,
    and re-run every gold file, with the current catalogue and with the term added; if the
    term cannot be added, only its problems. A gold file that cannot be read is named."""
    problems = tuple(term_problems(ranker.catalogue, term))
    if problems:
        return TermPreview(term, problems, (), (), ())
    taught = Ranker(with_taught_terms(ranker.catalogue, [term]))
    sets: list[tuple[SetFigures, SetFigures]] = []
    unreadable: list[tuple[str, str]] = []
    gold_texts: list[str] = []
    for path in gold_files:
        try:
            rows = read_gold(path, ranker.area_limit_m2)
        except UserFacingError as error:
            unreadable.append((path.name, str(error)))
            continue
        gold_texts.extend(row.requirement.sector_text for row in rows)
        before, after = evaluate(rows, ranker.rank), evaluate(rows, taught.rank)
        sets.append((SetFigures.of(path.name, before), SetFigures.of(path.name, after)))
    changed, scanned = read_differently(ranker, taught, [*texts, *gold_texts])
    return TermPreview(
        term,
        (),
        _top(ranker, term.term_zh, top_k),
        _top(taught, term.term_zh, top_k),
        tuple(sets),
        changed,
        scanned,
        tuple(unreadable),
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


# data/chains.csv's own columns, the first of EXPORT_COLUMNS.
CHAIN_COLUMNS = EXPORT_COLUMNS[:6]


def lexicon_csv(entries: Sequence[TaughtEntry]) -> bytes:
    """The taught terms in data/chains.csv's columns plus who taught or retired each and when,
    for review in a spreadsheet: UTF-8 with BOM for Excel, formulas neutralised (so a term
    such as "=1+2项" reads "'=1+2项" here; `chain_rows` gives it as typed)."""
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


def chain_rows(entries: Sequence[TaughtEntry]) -> bytes:
    """The terms in use as rows of data/chains.csv, each cell exactly as taught: a data file
    read by this tool, not a spreadsheet, so nothing is neutralised (an apostrophe would
    become part of the term). UTF-8 without BOM, one header line, as data/chains.csv is."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CHAIN_COLUMNS)
    for entry in entries:
        if not entry.active:
            continue
        term = entry.term
        writer.writerow(
            (
                term.term_zh,
                "|".join(term.term_en),
                term.sector_id,
                term.secondary_sector_id or "",
                term.segment,
                term.note,
            )
        )
    return out.getvalue().encode("utf-8")
