"""Reading a requirement once: which sectors and places it names, before any park is compared."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from matcher.areas import AreaRange, area_in_text
from matcher.cues import Cues, Role, Strength
from matcher.errors import UsageError
from matcher.i18n import Text, both, joined, say
from matcher.location import Gazetteer, PlaceHit
from matcher.taxonomy import SectorHit, Taxonomy
from matcher.text import has_cjk, normalize, normalize_keep_case

# In Chinese and English noun phrases the last noun is the head: "AI芯片" and "AI chips" are
# chips. Where one sector word directly modifies another (nothing but a space or a hyphen
# between them), the last one counts this many times. Items of a list (和, 及, 、, and,
# commas) are not compounds: each counts once.
HEAD_WEIGHT = 2.0
# A chain term's secondary sector ("手术机器人" also serves robotics) counts this much.
SECONDARY_WEIGHT = 0.3
_COMPOUND_GAP = re.compile(r"[\s\-]*")

# Words that say what is asked rather than which trade: around a sentence's clauses ("我们是
# 做宠物食品的企业，需要…", "we make pet food near …") they are not the sector nobody placed,
# so an unrecognised sector is quoted without them. Only taken off a clause's ends (in
# Chinese), or as whole words (in English): never out of the middle of a word (在线教育).
# Longest first where one is the start of another (我们是 before 我们).
_ASKING_BEFORE_ZH_WORDS = """我们是 我们 我司 本公司 公司 一家 主要 专注于 专注 从事
需要 需求 希望 想要 计划 打算 寻找 想找 找 做 位于 靠近 临近
地点 区位 面积 大约 约 北京市 北京 海淀区 海淀 在"""
_ASKING_BEFORE_ZH = tuple(_ASKING_BEFORE_ZH_WORDS.split())
_ASKING_AFTER_ZH_WORDS = """的企业 企业 的公司 公司 项目 方向 行业 产业 的 附近 周边 旁边 一带 左右
以上 区域 场地 空间"""
_ASKING_AFTER_ZH = tuple(_ASKING_AFTER_ZH_WORDS.split())
_ASKING_EN_WORDS = """we our us i my company firm startup are is am a an the in at near around
about by to for of on need needs needed want wants looking look seek seeking make makes making
do does doing work works working business space office floor area sqm m2 with beijing haidian
district"""
_ASKING_EN = frozenset(_ASKING_EN_WORDS.split())
_CLAUSES = re.compile(r"[,，;；。.、!！?？:：()（）\[\]【】/|]+|\s+and\s+")
_ASCII_PUNCT = re.compile(r"[,.;:!?()\[\]/|\"]")
_EN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9&+\-']*")


@dataclass(frozen=True)
class Understanding:
    """What was recognised in a requirement, shared by every park comparison."""

    sector_text: str
    sector_hits: tuple[SectorHit, ...]
    sector_weights: tuple[float, ...]  # aligned with sector_hits
    location_text: str
    place_hits: tuple[PlaceHit, ...]
    places_from_sector_text: bool
    # A floor area written in the sentence, with the words it was read from; it counts only
    # where the requirement's own area fields are empty.
    area_in_text: tuple[AreaRange, str] | None = None
    # Where no sector was recognised: the sector text's own words that nothing placed (no
    # area, place or asking words), as the user wrote them; "" if only those were written.
    unplaced_sector_words: str = ""
    # How strongly the places read from the sector text are wanted (data/reading.toml).
    location_strength: Strength = "prefer"
    # The places the sector text names, whether or not they count (a location field wins).
    text_places: tuple[PlaceHit, ...] = ()
    # What the reading of the sentence left out or weighed differently, said to the reader:
    # a negated sector, the customers' trade, a stage word, a company's name.
    sector_notes: tuple[Text, ...] = ()
    # Sectors named only as the customers' or users' trade: said once in sector_notes, not
    # explained on each park.
    customers_sectors: frozenset[str] = frozenset()

    @property
    def location_must(self) -> bool:
        """The sentence itself says the place is a must ("必须在北部", "only north")."""
        return self.places_from_sector_text and self.location_strength == "must"

    @property
    def asks_sector(self) -> bool:
        return bool(self.sector_text.strip() or self.sector_hits)

    @property
    def unrecognised_location(self) -> bool:
        return bool(self.location_text.strip()) and not self.place_hits


def _mention_weights(
    hits: Sequence[SectorHit],
    norm: str,
    forms: frozenset[str] = frozenset(),
    qualifiers: frozenset[str] = frozenset(),
) -> list[float]:
    """Weight of each hit: 1, HEAD_WEIGHT for the head of a compound naming several sectors,
    SECONDARY_WEIGHT for a chain term's secondary sector. A word naming only the form a
    product takes (`forms`: software, 平台) is no compound's head: "cybersecurity software"
    and "辅助诊断软件" are about their trade, delivered as software. A `qualifiers` word
    (大数据, AI) before another trade's head counts SECONDARY_WEIGHT: it says how."""
    weights = [SECONDARY_WEIGHT if _secondary(h) else 1.0 for h in hits]
    # Mentions in reading order; a chain term's secondary hit shares its primary's place.
    mentions = sorted(
        (i for i, h in enumerate(hits) if h.start >= 0 and h.how != "selected"),
        key=lambda i: hits[i].start,
    )
    mentions = [i for i in mentions if not _secondary(hits[i])]
    groups: list[list[int]] = []
    for i in mentions:
        gap = norm[hits[groups[-1][-1]].end : hits[i].start] if groups else None
        if gap is not None and _COMPOUND_GAP.fullmatch(gap):
            groups[-1].append(i)
        else:
            groups.append([i])
    for whole in groups:
        group = whole
        while len(group) > 1 and _form(hits[group[-1]], forms):
            group = group[:-1]
        head, modifier = group[-1], group[-2] if len(group) > 1 else -1
        link = hits[modifier].chain if modifier >= 0 else None
        if link is not None and _secondary_of(hits, link.term_zh, modifier) == hits[head].sector_id:
            # "外骨骼机器人": the product term already places the whole compound by function;
            # its category word is the secondary sector the term names, not a new head.
            weights[head] = SECONDARY_WEIGHT
        elif len({hits[j].sector_id for j in whole}) > 1:
            weights[head] *= HEAD_WEIGHT
            # "大数据风控", "AI制药": the modifier says how the head's trade is done; it may
            # support its own sector but is no second main activity.
            for j in group[:-1]:
                if hits[j].sector_id != hits[head].sector_id and _form(hits[j], qualifiers):
                    weights[j] = min(weights[j], SECONDARY_WEIGHT)
    return weights


def _form(hit: SectorHit, forms: frozenset[str]) -> bool:
    return normalize(hit.surface) in forms or hit.alias in forms


def weigh(
    hits: Sequence[SectorHit],
    norm: str,
    factors: Sequence[float] | None = None,
    forms: frozenset[str] = frozenset(),
    qualifiers: frozenset[str] = frozenset(),
) -> tuple[tuple[SectorHit, ...], tuple[float, ...]]:
    """One hit per sector and its weight: the sum over every mention of the sector, so several
    products of one chain ("CPUs and AI accelerators") reinforce it rather than the last word
    winning. The hit kept to explain a sector is its most confident own-chain mention.
    `factors` (aligned with hits) is what each mention's clause makes it count (Cues)."""
    weights = _mention_weights(hits, norm, forms, qualifiers)
    if factors is not None:
        weights = [w * f for w, f in zip(weights, factors, strict=True)]
    best: dict[str, SectorHit] = {}
    total: dict[str, float] = {}
    for hit, weight in zip(hits, weights, strict=True):
        total[hit.sector_id] = total.get(hit.sector_id, 0.0) + weight
        kept = best.get(hit.sector_id)
        if kept is None or _preference(hit) > _preference(kept):
            best[hit.sector_id] = hit
    return tuple(best.values()), tuple(total[sid] for sid in best)


def _secondary_of(hits: Sequence[SectorHit], term_zh: str, primary: int) -> str | None:
    """The secondary sector of the chain term whose primary hit is hits[primary], if any."""
    start = hits[primary].start
    for hit in hits:
        if _secondary(hit) and hit.start == start and hit.chain and hit.chain.term_zh == term_zh:
            return hit.sector_id
    return None


def _secondary(hit: SectorHit) -> bool:
    return hit.chain is not None and hit.chain.role == "secondary"


def _preference(hit: SectorHit) -> tuple[bool, float]:
    return (not _secondary(hit), hit.confidence)


def unplaced_words(text: str, taken: Sequence[str]) -> str:
    """`text` without the words `taken` (an area, place names: as found, normalised), the
    asking words around its clauses and its punctuation: what an unrecognised sector really
    was ("做宠物食品，需要5000平米" -> "宠物食品"). Clauses left are joined by a comma."""
    shown = normalize_keep_case(text)
    for words in sorted({w for w in taken if w.strip()}, key=len, reverse=True):
        # English words are taken whole ("Haidian" not out of "Haidianese"); \b would not do,
        # as Chinese characters count as word characters to it.
        edge = r"(?<![A-Za-z0-9])" if words[:1].isascii() and words[:1].isalnum() else ""
        tail = r"(?![A-Za-z0-9])" if words[-1:].isascii() and words[-1:].isalnum() else ""
        shown = re.sub(edge + re.escape(words) + tail, " ", shown, flags=re.IGNORECASE)
    kept = [c for c in (_clause_core(part) for part in _CLAUSES.split(shown)) if c]
    return ("，" if has_cjk("".join(kept)) else ", ").join(dict.fromkeys(kept))


def _clause_core(clause: str) -> str:
    """A clause without its asking words: English ones anywhere as whole words, Chinese ones
    repeatedly off either end."""
    words = _EN_WORD.findall(clause)
    if words and not has_cjk(clause):
        return " ".join(w for w in words if w.casefold() not in _ASKING_EN)
    core = re.sub(r"\s+", " ", clause).strip(" -·~")
    changed = True
    while changed and core:
        changed = False
        for word in _ASKING_BEFORE_ZH:
            if core.startswith(word):
                core, changed = core[len(word) :].strip(), True
        for word in _ASKING_AFTER_ZH:
            if core.endswith(word):
                core, changed = core[: -len(word)].strip(), True
    return core


def understand(
    taxonomy: Taxonomy,
    gazetteer: Gazetteer,
    sector_text: str,
    sector_ids: Sequence[str] = (),
    location_text: str = "",
    place_ids: Sequence[str] = (),
    cues: Cues | None = None,
) -> Understanding:
    """Sectors (text and picked ids) and places; places in the sector text count if no location."""
    cues = cues or _NO_CUES
    hits = taxonomy.find_sectors(sector_text)
    places = _places(gazetteer, sector_text, location_text, place_ids, cues)
    return _understood(
        taxonomy, gazetteer, sector_text, hits, sector_ids, location_text, places, cues
    )


_NO_CUES = Cues()


def understand_all(
    taxonomy: Taxonomy,
    gazetteer: Gazetteer,
    texts: Sequence[tuple[str, str]],
    cues: Cues | None = None,
) -> list[Understanding]:
    """understand(sector text, location text) of each pair, the fuzzy matching of sectors
    and of places done together (see Taxonomy.find_sectors_many, Gazetteer.find_many): what a
    batch's distinct texts cost."""
    cues = cues or _NO_CUES
    found = taxonomy.find_sectors_many([sector for sector, _ in texts])
    return [
        _understood(taxonomy, gazetteer, sector, hits, (), location, where, cues)
        for (sector, location), hits, where in zip(
            texts, found, _places_many(gazetteer, texts, cues), strict=True
        )
    ]


Places = tuple[list[PlaceHit], bool, list[PlaceHit], Strength]


def _places_many(
    gazetteer: Gazetteer, texts: Sequence[tuple[str, str]], cues: Cues
) -> list[Places]:
    """Of each (sector text, location text): the places in the location text or, if there is
    none, those named in the sector text (exact spellings only; a zone only where its word
    names one, see Cues.zone_word_counts; nothing from a clause about the team or funding,
    nor after a negation);
    whether they came from the sector text; the places the sector text names either way; and
    how strongly they are wanted. Looked for together (see Gazetteer.find_many)."""
    places: list[Places] = [([], False, [], "prefer")] * len(texts)
    written = [i for i, (sector, _) in enumerate(texts) if sector.strip()]
    # English place words stand between spaces (see Gazetteer.find): punctuation becomes a
    # space, keeping every position.
    norms = {i: _ASCII_PUNCT.sub(" ", cues.where_wanted(normalize(texts[i][0]))) for i in written}
    in_text = gazetteer.find_many([norms[i] for i in written], fuzzy=False)
    named: dict[int, list[PlaceHit]] = {}
    for i, hits in zip(written, in_text, strict=True):
        named[i] = [
            h for h in hits if h.place.kind != "zone" or cues.zone_word_counts(norms[i], h.surface)
        ]
        if not named[i]:
            named[i] = _other_zone(gazetteer, cues, normalize(texts[i][0]))
    asked = [i for i, (_, location) in enumerate(texts) if location.strip()]
    in_location = gazetteer.find_many([texts[i][1].strip() for i in asked])
    for i, hits in zip(asked, in_location, strict=True):
        places[i] = (hits, False, named.get(i, []), "prefer")
    for i in written:
        if texts[i][1].strip():
            continue
        hits = named[i]
        must = any(cues.strength(norms[i], h.surface) == "must" for h in hits)
        places[i] = (hits, bool(hits), hits, "must" if must else "prefer")
    return places


def _other_zone(gazetteer: Gazetteer, cues: Cues, norm: str) -> list[PlaceHit]:
    """Where the text names no place it wants but one of the district's two zones it does not
    ("不要北边，做卫星通信"): the other zone, preferred."""
    zones = [p for p in gazetteer.places if p.kind == "zone"]
    if len(zones) != 2:
        return []
    unwanted = _ASCII_PUNCT.sub(" ", cues.where_unwanted(norm))
    if not unwanted.strip():
        return []
    hits = gazetteer.find(unwanted, fuzzy=False)
    said = {h.place.place_id: h for h in hits if h.place.kind == "zone"}
    said = {k: h for k, h in said.items() if cues.zone_word_counts(unwanted, h.surface)}
    if len(said) != 1:
        return []
    (hit,) = said.values()
    other = next(z for z in zones if z.place_id != hit.place.place_id)
    return [PlaceHit(other, other.name_zh, instead_of=hit.surface)]


def _places(
    gazetteer: Gazetteer,
    sector_text: str,
    location_text: str,
    place_ids: Sequence[str],
    cues: Cues,
) -> Places:
    """_places_many of one requirement, the places picked from the list first; with a place
    picked, the sector text's places do not count."""
    picked = gazetteer.picked(place_ids)
    hits, from_text, named, strength = _places_many(
        gazetteer, [(sector_text, location_text)], cues
    )[0]
    if picked and not location_text.strip():
        return picked, False, named, "prefer"
    return [*picked, *hits], from_text, named, strength


def _understood(
    taxonomy: Taxonomy,
    gazetteer: Gazetteer,
    sector_text: str,
    found: Sequence[SectorHit],
    sector_ids: Sequence[str],
    location_text: str,
    places: Places,
    cues: Cues = _NO_CUES,
) -> Understanding:
    """understand, given the sector hits already found in sector_text and the places (see
    _places)."""
    norm = normalize(sector_text)
    hits, factors, notes, theirs = _read_clauses(list(found), norm, cues)
    customers = frozenset(h.sector_id for h, t in zip(hits, theirs, strict=True) if t) - {
        h.sector_id for h, t in zip(hits, theirs, strict=True) if not t
    }
    unknown = [sid for sid in sector_ids if sid not in taxonomy.sectors]
    if unknown:
        raise UsageError(say("unknown_sector_ids", ids=", ".join(unknown)[:200]))
    for sector_id in sector_ids:
        name = taxonomy.sectors[sector_id].name_zh
        hits.append(SectorHit(sector_id, name, name, 1.0, "selected"))
        factors.append(1.0)
    unique, weights = weigh(hits, norm, factors, cues.forms, cues.qualifiers)
    area = area_in_text(sector_text)
    unplaced = ""
    if not unique and sector_text.strip():
        # Only an unrecognised text is quoted back: its area, any place named in it and the
        # words saying how it is wanted (优先, must) are taken out, so the reader sees the
        # trade nobody placed, not their whole sentence.
        named = [h.surface for h in gazetteer.find(sector_text, fuzzy=False)]
        taken = [*named, *([area[1]] if area else []), *cues.cue_words(), *cues.stage_words()]
        unplaced = unplaced_words(sector_text, taken)
    return Understanding(
        sector_text=sector_text.strip(),
        sector_hits=unique,
        sector_weights=weights,
        location_text=location_text.strip(),
        place_hits=tuple(places[0]),
        places_from_sector_text=places[1],
        area_in_text=area,
        unplaced_sector_words=unplaced,
        location_strength=places[3],
        text_places=tuple(places[2]),
        sector_notes=tuple(notes),
        customers_sectors=customers,
    )


def _applications(hits: list[SectorHit], roles: list[Role], norm: str, cues: Cues) -> list[Role]:
    """The roles with each sector named as a product's application domain ("optical modules
    for data centres") read as the customers': only where a sector the company itself names
    comes before the "for" in its clause."""
    spans = cues.applications(norm)
    if not spans:
        return roles
    own = ("own", "main", "secondary")
    result = list(roles)
    for i, hit in enumerate(hits):
        if roles[i] not in own or hit.start < 0:
            continue
        for clause_start, cue_start, stop in spans:
            if cue_start <= hit.start < stop and any(
                roles[j] in own and clause_start <= other.start and other.end <= cue_start
                for j, other in enumerate(hits)
            ):
                result[i] = "customers"
                break
    return result


def _read_clauses(
    hits: list[SectorHit], norm: str, cues: Cues
) -> tuple[list[SectorHit], list[float], list[Text], list[bool]]:
    """The hits the company's own activity names, each with the factor its clause gives it
    and whether it is the customers' trade
    (Cues.weight_of), and what the reader is told of those left out or weighed down: a
    negated sector, one named only in a clause on the team or funding, the customers' trade,
    a company name's words (when the text names a sector elsewhere), a stage word that
    refines no sector named."""
    if not hits:
        return [], [], [], []
    clauses = cues.clauses(norm)
    names = cues.company_names(norm)
    roles = [cues.role_of(clauses, h.start) if h.start >= 0 else "own" for h in hits]
    roles = _applications(hits, roles, norm, cues)
    in_name = [any(s <= h.start < e for s, e in names) for h in hits]
    dropped: dict[str, list[str]] = {}

    def drop(key: str, hit: SectorHit) -> None:
        words = dropped.setdefault(key, [])
        if hit.surface not in words:
            words.append(hit.surface)

    kept: list[int] = []
    for i, (hit, role) in enumerate(zip(hits, roles, strict=True)):
        if role in ("negated", "background"):
            drop(f"reading_{role}", hit)
        else:
            kept.append(i)
    outside = [i for i in kept if not in_name[i]]
    if outside and len(outside) < len(kept):
        for i in kept:
            if in_name[i]:
                drop("reading_company_name", hits[i])
        kept = outside
    stage_of = {i: cues.stage_of(hits[i].alias) or cues.stage_of(hits[i].surface) for i in kept}
    trades = {hits[i].sector_id for i in kept if stage_of[i] is None and not _secondary(hits[i])}
    read: list[int] = []
    for i in kept:
        stage = stage_of[i]
        if stage is not None and (
            (trades and not trades & set(stage.refines)) or (not trades and not stage.alone)
        ):
            drop("reading_stage", hits[i])
            continue
        read.append(i)
    for i in read:
        if roles[i] == "customers":
            drop("reading_customers", hits[i])
    notes = [
        say(key, words=joined(both(w, w) for w in words))
        for key in (
            "reading_negated",
            "reading_background",
            "reading_company_name",
            "reading_stage",
            "reading_customers",
        )
        if (words := dropped.get(key))
    ]
    return (
        [hits[i] for i in read],
        [cues.weight_of(roles[i]) for i in read],
        notes,
        [roles[i] == "customers" for i in read],
    )
