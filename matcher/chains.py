"""Industry-chain knowledge (产业链图谱): products and technologies placed in a sector's chain.

`data/chains.csv` has one row per term: the Chinese and English words investors use for a
product or technology, the sector whose chain it belongs to (by function: 手术机器人 is a
medical device), an optional secondary sector, and the chain segment (上游材料 … 配套服务)
defined in `data/chain_segments.csv`. The taxonomy's text scan reads these terms alongside
the sector aliases; this module holds the models, the checks run by `check-data`, and the
link a recognised term carries into explanations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from matcher import reasons
from matcher.errors import in_data
from matcher.i18n import Text, both, say
from matcher.models import Sector
from matcher.text import normalize

CHAINS_FILE = "chains.csv"
SEGMENTS_FILE = "chain_segments.csv"
HEADS_FILE = "chain_heads.csv"

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class ChainSegment(BaseModel):
    """One position along an industry chain, from upstream materials to supporting services."""

    model_config = _FROZEN
    segment_id: str = Field(pattern=r"^[a-z_]+$")
    position: int = Field(ge=1)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    meaning: str = ""


class ChainTerm(BaseModel):
    """A product or technology and the sector chain (and segment) it belongs to."""

    model_config = _FROZEN
    term_zh: str = Field(min_length=1)
    term_en: tuple[str, ...] = Field(min_length=1)
    # Other Chinese words for the same term (柔性屏 | 柔性显示屏), as term_en holds English ones.
    also_zh: tuple[str, ...] = ()

    DERIVED_FIELDS: ClassVar[frozenset[str]] = frozenset({"also_zh"})
    sector_id: str = Field(min_length=1)
    secondary_sector_id: str | None = None
    segment: str = Field(min_length=1)
    note: str = ""

    @property
    def terms(self) -> tuple[str, ...]:
        """Every surface form, Chinese first."""
        return (self.term_zh, *self.also_zh, *self.term_en)


class ChainHead(BaseModel):
    """A head word in both languages (robot | robots = 机器人): the last word of an English
    chain term, the ending of a Chinese one. It lets check-data see which words a chain term
    has in one language only (data/chain_heads.csv)."""

    model_config = _FROZEN
    head_en: tuple[str, ...] = Field(min_length=1)
    head_zh: tuple[str, ...] = Field(min_length=1)
    note: str = ""


def head_fields(row: dict[str, str]) -> dict[str, object]:
    """A chain_heads.csv row as model fields: both languages' words split on '|'."""
    fields: dict[str, object] = dict(row)
    for name in ("head_en", "head_zh"):
        fields[name] = tuple(p.strip() for p in row.get(name, "").split("|") if p.strip())
    return fields


@dataclass(frozen=True)
class ChainGap:
    """A chain term whose words in one language end in a head the other language's words
    lack ("lithography system" beside 光刻机 alone): a spelling a reader of the other
    language types that the term does not know."""

    line: int
    term: ChainTerm
    written: tuple[str, ...]  # the term's words that end in the head
    missing: Literal["zh", "en"]  # the language with no word ending in it
    head: ChainHead


def _english_head(term: str) -> str:
    return term.replace("-", " ").split()[-1].casefold() if term.strip() else ""


def one_language_gaps(
    terms: Sequence[tuple[int, ChainTerm]], heads: Sequence[ChainHead]
) -> list[ChainGap]:
    """For each chain term and head word: the term's English words end in the head and none
    of its Chinese ones does, or the other way round. A list to work through, not an error:
    the scan still finds most such spellings through the words the term has."""
    gaps: list[ChainGap] = []
    for line, term in terms:
        chinese = (term.term_zh, *term.also_zh)
        for head in heads:
            english_words = set(head.head_en)
            said_en = tuple(t for t in term.term_en if _english_head(t) in english_words)
            said_zh = tuple(t for t in chinese if t.endswith(head.head_zh))
            if said_en and not said_zh:
                gaps.append(ChainGap(line, term, said_en, "zh", head))
            elif said_zh and not said_en:
                gaps.append(ChainGap(line, term, said_zh, "en", head))
    return gaps


def gap_problem(gap: ChainGap, file: str = CHAINS_FILE) -> Text:
    """'chains.csv line 23 (光刻机): the English “lithography system” ends in “system”; no
    Chinese form ends in 系统'."""
    written = "、".join(gap.written) if gap.missing == "en" else ", ".join(gap.written)
    if gap.missing == "zh":
        head = "/".join(dict.fromkeys(_english_head(w) for w in gap.written))
        others = "/".join(gap.head.head_zh)
        problem = say("data_chain_only_en", words=written, head=head, heads=others)
    else:
        head = "/".join(h for h in gap.head.head_zh if any(w.endswith(h) for w in gap.written))
        others = "/".join(gap.head.head_en)
        problem = say("data_chain_only_zh", words=written, head=head, heads=others)
    return in_data(file, problem, line=gap.line, row=gap.term.term_zh)


@dataclass(frozen=True)
class ChainLink:
    """Why a sector hit came from a chain term: the term, its chain and segment, and whether
    this hit is the term's own chain (primary) or the sector it also serves (secondary)."""

    term_zh: str
    term_en: str
    chain_sector: str  # the sector whose chain the term belongs to
    segment: ChainSegment
    role: Literal["primary", "secondary"]


def chain_fields(row: dict[str, str]) -> dict[str, object]:
    """A chains.csv row as model fields: English variants split on '|', blanks as None."""
    fields: dict[str, object] = dict(row)
    zh = [p.strip() for p in row.get("term_zh", "").split("|") if p.strip()]
    fields["term_zh"] = zh[0] if zh else ""
    fields["also_zh"] = tuple(zh[1:])
    fields["term_en"] = tuple(p.strip() for p in row.get("term_en", "").split("|") if p.strip())
    fields["secondary_sector_id"] = row.get("secondary_sector_id") or None
    return fields


def check_chains(
    terms: Sequence[tuple[int, ChainTerm]],
    sectors: Sequence[Sector],
    segments: Sequence[tuple[int, ChainSegment]],
    file: str = CHAINS_FILE,
) -> list[Text]:
    """Problems naming file, line and field: unknown sectors or segments, a secondary equal to
    the primary, a term mapped two ways (or twice), a term that is already a sector alias."""
    problems: list[Text] = []
    first_segment: dict[str, int] = {}
    for line, segment in segments:
        if segment.segment_id in first_segment:
            duplicate = say(
                "data_duplicate",
                field="segment",
                value=segment.segment_id,
                first=first_segment[segment.segment_id],
            )
            problems.append(
                in_data(
                    SEGMENTS_FILE, duplicate, line=line, row=segment.segment_id, field="segment_id"
                )
            )
        first_segment.setdefault(segment.segment_id, line)
    known = {s.sector_id for s in sectors}
    alias_owner = {normalize(a): s.sector_id for s in sectors for a in s.aliases_zh + s.aliases_en}
    mapped: dict[str, tuple[int, str, str | None]] = {}
    for line, term in terms:
        at = partial(in_data, file, line=line, row=term.term_zh)
        for field in ("sector_id", "secondary_sector_id"):
            value = getattr(term, field)
            if value is not None and value not in known:
                problems.append(at(say("data_unknown_sector", value=value), field=field))
        if term.secondary_sector_id == term.sector_id:
            same_sector = say("data_chain_same_secondary", sector=term.sector_id)
            problems.append(at(same_sector, field="secondary_sector_id"))
        if term.segment not in first_segment:
            unknown = say("data_chain_unknown_segment", segment=term.segment, file=SEGMENTS_FILE)
            problems.append(at(unknown, field="segment"))
        surfaces = {normalize(surface): surface for surface in reversed(term.terms)}
        for key, surface in reversed(surfaces.items()):
            owner = alias_owner.get(key)
            if owner is not None:
                alias = say(
                    "data_chain_alias_conflict"
                    if owner != term.sector_id
                    else "data_chain_alias_repeat",
                    term=surface,
                    sector=owner,
                )
                problems.append(at(alias, field="term"))
                continue
            previous = mapped.get(key)
            if previous is None:
                mapped[key] = (line, term.sector_id, term.secondary_sector_id)
                continue
            if previous[1:] == (term.sector_id, term.secondary_sector_id):
                twice = say("data_chain_term_twice", term=surface, line=previous[0])
            else:
                twice = say(
                    "data_chain_term_conflict",
                    term=surface,
                    line=previous[0],
                    there=f"{previous[1]}/{previous[2] or '-'}",
                    here=f"{term.sector_id}/{term.secondary_sector_id or '-'}",
                )
            problems.append(at(twice, field="term"))
    return problems


def _names(sectors: Mapping[str, Sector], sector_id: str) -> Text:
    return reasons.sector_name(sectors[sector_id])


def chain_reason(
    sectors: Mapping[str, Sector],
    link: ChainLink,
    query: str,
    hit_sector: str,
    park_sector: str,
    park_term: str,
    level: str,
    relation: str,
    primary_fits: bool = True,
) -> Text:
    """The reason for a sector hit that came from a chain term, in the words of 产业链招商.
    `primary_fits`: whether the term's own chain earns credit at the park too."""
    term = both(link.term_zh, link.term_en)
    chain = _names(sectors, link.chain_sector)
    segment = both(link.segment.name_zh, link.segment.name_en)
    also = _names(sectors, hit_sector) if link.role == "secondary" else None
    if also is not None and relation == "same" and not primary_fits:
        return reasons.chain_secondary_only(query, term, chain, also, park_term, level)
    if relation == "same":
        return reasons.chain_same(query, term, chain, segment, also, park_term, level)
    return reasons.chain_related(
        query, term, chain, segment, also, _names(sectors, park_sector), park_term, relation
    )


def chain_missing_reason(sectors: Mapping[str, Sector], link: ChainLink, query: str) -> Text | None:
    """No park sector earns credit: said once, for the term's own chain, not its secondary."""
    if link.role == "secondary":
        return None
    return reasons.chain_missing(
        query, both(link.term_zh, link.term_en), _names(sectors, link.chain_sector)
    )
