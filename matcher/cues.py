"""How an enquiry's sentence is read beyond its sectors and places (`data/reading.toml`).

Real enquiries arrive as a sentence or a pasted company profile: "需要3万平方米，北部优先",
"不是做芯片的，我们做芯片测试设备", "we serve hospitals, we are a software company". This module
splits a text into clauses and says, from the cue words in data/, what each clause is: the
company's own activity (its main one or a side line), its customers, what it is not, or its
team, funding and history; where a company's name is; which words name a stage of work (中试,
量产, R&D) rather than a trade; and how strongly a place in a clause is wanted (preferred or a
must). The words themselves live in data/, never here.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from matcher.errors import UserFacingError, located_problems, on_file
from matcher.i18n import joined, say
from matcher.text import is_cjk, normalize

READING_FILE = "reading.toml"
SPLITS_KEPT = 4096
_STRICT = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

Role = Literal["own", "main", "secondary", "customers", "negated", "background"]
Strength = Literal["prefer", "must"]

# Clauses end at punctuation (half- and full-width after NFKC), a dash or an English " and ".
_CLAUSE_END = re.compile(r"[,;。.!?:()\[\]【】/|\n、，；！？：（）—–]+|\s+-\s+|\s+and\s+")
# Of those, the ones that only separate the items of a list ("政府、金融", "banks and insurers").
_LIST_SEPARATORS = ("、", "and")


class _Zones(BaseModel):
    model_config = _STRICT
    zh_not_after: tuple[str, ...] = ()
    en_not_before: tuple[str, ...] = ()


class _Preference(BaseModel):
    model_config = _STRICT
    prefer: tuple[str, ...] = ()
    must: tuple[str, ...] = ()


class _Clauses(BaseModel):
    model_config = _STRICT
    negation: tuple[str, ...] = ()
    negation_not: tuple[str, ...] = ()
    customers: tuple[str, ...] = ()
    customers_for: tuple[str, ...] = ()
    customers_until: tuple[str, ...] = ()
    customers_after_product: tuple[str, ...] = ()
    background: tuple[str, ...] = ()
    main: tuple[str, ...] = ()
    secondary: tuple[str, ...] = ()


class _Weights(BaseModel):
    model_config = _STRICT
    main: float = Field(default=2.0, gt=0, le=5)
    secondary: float = Field(default=0.5, gt=0, le=1)
    customers: float = Field(default=0.3, gt=0, le=1)


class _Company(BaseModel):
    model_config = _STRICT
    endings: tuple[str, ...] = ()


class Stage(BaseModel):
    """Words naming a stage or way of working; the sector they refine a named one into."""

    model_config = _STRICT
    words: tuple[str, ...] = Field(min_length=1)
    sector: str = ""
    refines: tuple[str, ...] = ()
    alone: bool = False


class _Forms(BaseModel):
    model_config = _STRICT
    words: tuple[str, ...] = ()


class _NotSectors(BaseModel):
    model_config = _STRICT
    words: tuple[str, ...] = ()


class _Reading(BaseModel):
    model_config = _STRICT
    zones: _Zones = _Zones()
    preference: _Preference = _Preference()
    clauses: _Clauses = _Clauses()
    weights: _Weights = _Weights()
    company: _Company = _Company()
    stages: tuple[Stage, ...] = ()
    not_sectors: _NotSectors = _NotSectors()
    forms: _Forms = _Forms()
    qualifiers: _Forms = _Forms()


def _words(values: Sequence[str]) -> tuple[str, ...]:
    """Normalised, longest first, each once."""
    return tuple(sorted({normalize(v) for v in values if v.strip()}, key=lambda w: (-len(w), w)))


def _find(words: Sequence[str], text: str, start: int = 0) -> tuple[int, int] | None:
    """The first (start, end) of any word in text[start:], English ones as whole words."""
    literal, whole = _patterns(tuple(words))
    # The words as plain literals find the first candidate fast (re skips to the places a
    # word can start); only where that candidate is cut out of a longer word ("not" in
    # "note") does the exact pattern, with its lookarounds, search on from there.
    found = literal.search(text, start)
    if found is None:
        return None
    if not _whole(text, found.start(), found.end(), found.group()):
        found = whole.search(text, found.start())
        if found is None:
            return None
    return found.start(), found.end()


@functools.cache
def _patterns(words: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two searches for a list of words, leftmost first and at one place the first word of
    the list (longest first): the words as literals, and as whole words."""
    if not words:
        nothing = re.compile(r"(?!)")
        return nothing, nothing
    literal = re.compile("|".join(re.escape(w) for w in words))
    return literal, re.compile("|".join(_whole_word(w) for w in words))


def _whole(text: str, start: int, end: int, word: str) -> bool:
    """A word of letters or digits may not be cut out of a longer one ("not" in "note")."""
    if word[:1].isascii() and word[:1].isalnum() and start > 0:
        before = text[start - 1]
        if before.isascii() and before.isalnum():
            return False
    if word[-1:].isascii() and word[-1:].isalnum() and end < len(text):
        after = text[end]
        if after.isascii() and after.isalnum():
            return False
    return True


def _whole_word(word: str) -> str:
    """`word` as a pattern that matches where `_whole` would accept it."""
    before = r"(?<![A-Za-z0-9])" if word[:1].isascii() and word[:1].isalnum() else ""
    after = r"(?![A-Za-z0-9])" if word[-1:].isascii() and word[-1:].isalnum() else ""
    return before + re.escape(word) + after


@dataclass(frozen=True)
class Clause:
    """A stretch of normalised text and what it says: `role` applies from `cue_end` to
    `role_end` (the words before a cue, "芯片测试设备，服务于…", and after a customers' object,
    "面向医院提供手术机器人", keep the company's own reading)."""

    start: int
    end: int
    role: Role
    cue_end: int
    role_end: int = -1  # -1: to the clause's end

    def role_at(self, position: int) -> Role:
        if position < self.cue_end or 0 <= self.role_end <= position:
            return "own"
        return self.role


@dataclass(frozen=True)
class Cues:
    """The cue words of data/reading.toml, normalised; empty by default (reads nothing extra)."""

    zone_not_after: tuple[str, ...] = ()
    zone_not_before: tuple[str, ...] = ()
    prefer: tuple[str, ...] = ()
    must: tuple[str, ...] = ()
    negation: tuple[str, ...] = ()
    negation_not: tuple[str, ...] = ()
    customers: tuple[str, ...] = ()
    customers_for: tuple[str, ...] = ()
    customers_until: tuple[str, ...] = ()
    customers_after_product: tuple[str, ...] = ()
    background: tuple[str, ...] = ()
    main: tuple[str, ...] = ()
    secondary: tuple[str, ...] = ()
    company_endings: tuple[str, ...] = ()
    stages: tuple[Stage, ...] = ()
    not_sectors: tuple[str, ...] = ()
    forms: frozenset[str] = frozenset()
    qualifiers: frozenset[str] = frozenset()
    weight_main: float = 2.0
    weight_secondary: float = 0.5
    weight_customers: float = 0.3
    _stage_of: dict[str, Stage] = field(default_factory=dict, compare=False, hash=False)
    # A text is split into clauses for its places and again for its sectors: the last few
    # thousand splits are kept (bounded, so a long batch or a long-lived app holds no more).
    _split: dict[str, tuple[Clause, ...]] = field(default_factory=dict, compare=False, hash=False)
    # Every word that gives a clause a role other than the company's own activity.
    _role_words: tuple[str, ...] = field(default=(), init=False, compare=False, hash=False)
    _all_customers: tuple[str, ...] = field(default=(), init=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        for stage in self.stages:
            for word in stage.words:
                self._stage_of.setdefault(normalize(word), stage)
        customers = (*self.customers, *self.customers_for)
        roles = (*self.negation, *self.background, *customers, *self.secondary, *self.main)
        object.__setattr__(self, "_role_words", _words(roles))
        object.__setattr__(self, "_all_customers", _words(customers))

    # -- clauses ---------------------------------------------------------------------------

    def clauses(self, norm: str) -> tuple[Clause, ...]:
        """The clauses of a normalised text, each with its role (a text without a word that
        gives any clause another role is one clause: the company's own activity)."""
        # A text is asked for its clauses several times while it is read: kept, the split
        # and the search for role words that most texts fail are done once.
        known = self._split.get(norm)
        if known is None:
            if len(self._split) >= SPLITS_KEPT:
                self._split.clear()
            if _find(self._role_words, norm) is None:  # most texts: one search, no split
                known = (Clause(0, len(norm), "own", 0),)
            else:
                known = tuple(self._clauses(norm))
            self._split[norm] = known
        return known

    def _clauses(self, norm: str) -> list[Clause]:
        found: list[Clause] = []
        start = 0
        ends = [*_CLAUSE_END.finditer(norm), None]
        listing: tuple[str, ...] | None = None  # a customers' list goes on: its until-words
        for at, end_match in enumerate(ends):
            end = end_match.start() if end_match else len(norm)
            if end > start:
                clause = self._clause(norm, start, end)
                if listing is not None and clause.role == "own":
                    clause = self._listed_customers(norm, start, end, listing)
                elif listing is not None and clause.role == "customers":
                    clause = replace(clause, cue_end=start)  # "…、能源行业客户"
                found.append(clause)
                listing = self._list_goes_on(norm, clause, end_match, ends[at + 1 :])
            start = end_match.end() if end_match else len(norm)
        return found

    def _listed_customers(
        self, norm: str, start: int, end: int, until_words: tuple[str, ...]
    ) -> Clause:
        """An item of a list that a customers' cue opened ("服务对象涵盖政府、金融和能源行业客户"):
        the customers' too, up to where the company's own activity starts again."""
        until = _find(until_words, norm[start:end]) if until_words else None
        return Clause(start, end, "customers", start, -1 if until is None else start + until[0])

    def _list_goes_on(
        self,
        norm: str,
        clause: Clause,
        end_match: re.Match[str] | None,
        later: Sequence[re.Match[str] | None],
    ) -> tuple[str, ...] | None:
        """Whether the customers' list in `clause` goes on past its end: it names the customers
        up to its end and is cut off by a list's separator (、, " and ", or a comma that a later
        、 or " and " shows to be inside the list). Returns the words that would end the
        customers' part in the next item (those of a "面向…" cue), or None."""
        if clause.role != "customers" or clause.role_end >= 0 or end_match is None:
            return None
        separator = end_match.group().strip()
        if separator not in _LIST_SEPARATORS:
            if separator not in (",", "，") or not later or later[0] is None:
                return None
            if later[0].group().strip() not in _LIST_SEPARATORS:
                return None
        cue = _find(self._all_customers, norm[clause.start : clause.end])
        opened_by_object = cue is not None and (
            norm[clause.start + cue[0] : clause.start + cue[1]] in self.customers_for
        )
        return self.customers_until if opened_by_object else ()

    def _clause(self, norm: str, start: int, end: int) -> Clause:
        text = norm[start:end]
        if _find(self._role_words, text) is None:  # most clauses: one search, not six
            return Clause(start, end, "own", start)
        negated = _find(self.negation, text)
        if negated is not None and _find(self.negation_not, text) is None:
            return Clause(start, end, "negated", start + negated[1])
        for role, words in (
            ("background", self.background),
            ("customers", self._all_customers),
            ("secondary", self.secondary),
            ("main", self.main),
        ):
            cue = _find(words, text)
            if cue is None:
                continue
            if role == "background":
                # Only the phrase from the cue on is background ("成立于2015年", "founded in
                # 2020 by …"): a trade named before it in the clause is the company's own.
                return Clause(start, end, "background", start + cue[0])
            if role != "customers":
                return Clause(start, end, role, start)  # type: ignore[arg-type]
            until = self._customers_end(text, cue)
            stop = -1 if until < 0 else start + until
            return Clause(start, end, "customers", start + cue[0], stop)
        return Clause(start, end, "own", start)

    def _customers_end(self, text: str, cue: tuple[int, int]) -> int:
        """Where a customers' cue stops naming the customers, as a position in the text: at
        the clause's end for a cue whose clause is about them ("客户包括…"), or for a cue
        naming them in its object ("面向…", "serving …") where the company's own activity
        starts again ("提供", "with"); -1 for the clause's end."""
        if text[cue[0] : cue[1]] not in self.customers_for:
            return -1
        until = _find(self.customers_until, text, cue[1])
        return -1 if until is None else until[0]

    def applications(self, norm: str) -> list[tuple[int, int, int]]:
        """(clause start, cue start, end) of each application domain named after a
        `customers_after_product` word ("optical modules for data centres"): from the word
        to where the company's own activity starts again or its clause ends. Whether a
        product comes before it (between clause start and cue start) is the caller's to say."""
        spans: list[tuple[int, int, int]] = []
        if not self.customers_after_product:
            return spans
        start = 0
        for end_match in [*_CLAUSE_END.finditer(norm), None]:
            end = end_match.start() if end_match else len(norm)
            at = start
            while at < end and (cue := _find(self.customers_after_product, norm[:end], at)):
                until = _find(self.customers_until, norm[:end], cue[1])
                stop = end if until is None else until[0]
                spans.append((start, cue[0], stop))
                at = max(stop, cue[1])
            start = end_match.end() if end_match else len(norm)
        return spans

    def role_of(self, clauses: Sequence[Clause], position: int) -> Role:
        """The role of the words at `position` (own where no clause holds it)."""
        for clause in clauses:
            if clause.start <= position < clause.end:
                return clause.role_at(position)
        return "own"

    def weight_of(self, role: Role) -> float:
        """How much a sector named in a clause of this role counts (0: not read)."""
        return {
            "own": 1.0,
            "main": self.weight_main,
            "secondary": self.weight_secondary,
            "customers": self.weight_customers,
        }.get(role, 0.0)

    # -- company names ---------------------------------------------------------------------

    def company_names(self, norm: str) -> list[tuple[int, int]]:
        """(start, end) of each company name: from its clause's start (or the last space before
        an English name's capitalised words) to the end of its ending (有限公司, Co., Ltd)."""
        spans: list[tuple[int, int]] = []
        for ending in self.company_endings:
            at = 0
            while (i := norm.find(ending, at)) >= 0:
                end = i + len(ending)
                at = end
                if not _whole(norm, i, end, ending):
                    continue
                begin = i
                while begin > 0 and not _CLAUSE_END.match(norm[begin - 1]):
                    begin -= 1
                if any(s <= begin < e or s < end <= e for s, e in spans):
                    continue
                spans.append((begin, end))
        return spans

    # -- stages ----------------------------------------------------------------------------

    def stage_of(self, word: str) -> Stage | None:
        """The stage a word names, if it names one."""
        return self._stage_of.get(normalize(word))

    def stage_words(self) -> tuple[str, ...]:
        return tuple(self._stage_of)

    # -- places ----------------------------------------------------------------------------

    def zone_word_counts(self, norm: str, surface: str) -> bool:
        """Whether a zone word at some place in the text names a zone of the district."""
        at = 0
        while (i := norm.find(surface, at)) >= 0:
            at = i + 1
            end = i + len(surface)
            if not _whole(norm, i, end, surface):
                continue
            if is_cjk(surface[:1]):
                if i > 0 and norm[i - 1] in self.zone_not_after:
                    continue
                return True
            after = norm[end:].lstrip(" -")
            if any(
                after.startswith(w) and _whole(after, 0, len(w), w) for w in self.zone_not_before
            ):
                continue
            return True
        return False

    def strength(self, norm: str, surface: str) -> Strength:
        """A place in the text is a must if a must word is in its clause, else preferred."""
        i = norm.find(surface)
        if i < 0:
            return "prefer"
        for clause in self._clauses(norm):  # where its clause ends matters, not its role
            if clause.start <= i < clause.end:
                text = norm[clause.start : clause.end]
                return "must" if _find(self.must, text) is not None else "prefer"
        return "prefer"

    def where_wanted(self, norm: str) -> str:
        """The text with what names no place the company wants blanked out: its background
        clauses (team, funding, history) and, in a negated clause, the words after the
        negation ("不要南边的", "not in the south")."""
        chars = list(norm)
        for clause in self.clauses(norm):
            if clause.role == "background" or clause.role == "negated":
                chars[clause.cue_end : clause.end] = " " * (clause.end - clause.cue_end)
        return "".join(chars)

    def where_unwanted(self, norm: str) -> str:
        """The text with only what a negated clause says it does not want left ("不要北边")."""
        chars = [" "] * len(norm)
        for clause in self.clauses(norm):
            if clause.role == "negated":
                chars[clause.cue_end : clause.end] = norm[clause.cue_end : clause.end]
        return "".join(chars)

    def cue_words(self) -> tuple[str, ...]:
        """Words that say how something is wanted, not which trade (taken out of an
        unrecognised sector before it is quoted back)."""
        return (*self.prefer, *self.must)


def load_cues(path: Path) -> Cues:
    """data/reading.toml read and validated; a missing file reads nothing extra."""
    if not path.exists():
        return Cues()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        reading = _Reading.model_validate(raw)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        problem = say("tuning_not_toml", error=str(error))
        raise UserFacingError(on_file(path.name, problem)) from error
    except ValidationError as error:
        details = joined(located_problems(error.errors()))
        raise UserFacingError(on_file(path.name, details)) from error
    clauses = reading.clauses
    return Cues(
        zone_not_after=tuple(normalize(w) for w in reading.zones.zh_not_after),
        zone_not_before=_words(reading.zones.en_not_before),
        prefer=_words(reading.preference.prefer),
        must=_words(reading.preference.must),
        negation=_words(clauses.negation),
        negation_not=_words(clauses.negation_not),
        customers=_words(clauses.customers),
        customers_for=_words(clauses.customers_for),
        customers_until=_words(clauses.customers_until),
        customers_after_product=_words(clauses.customers_after_product),
        background=_words(clauses.background),
        main=_words(clauses.main),
        secondary=_words(clauses.secondary),
        company_endings=_words(reading.company.endings),
        stages=reading.stages,
        not_sectors=_words(reading.not_sectors.words),
        forms=frozenset(_words(reading.forms.words)),
        qualifiers=frozenset(_words(reading.qualifiers.words)),
        weight_main=reading.weights.main,
        weight_secondary=reading.weights.secondary,
        weight_customers=reading.weights.customers,
    )
