"""Bilingual reason templates: every reason a user sees exists in Chinese and English."""

from __future__ import annotations

import re
from dataclasses import dataclass

from matcher.text import format_area_en, format_area_zh, has_cjk
from matcher.tuning import AreaLevel, LocationLevel


@dataclass(frozen=True)
class Reason:
    """One explanation line in both languages."""

    zh: str
    en: str


def area_pair(area_m2: float) -> tuple[str, str]:
    return format_area_zh(area_m2), format_area_en(area_m2)


LEVEL_ZH = {"primary": "主导产业", "secondary": "配套/拓展方向", "name": "仅见于园区名称"}
LEVEL_EN = {
    "primary": "a listed sector",
    "secondary": "a supporting line",
    "name": "in the park's name only",
}


def sector_same(query: str, sector_zh: str, sector_en: str, park_term: str, level: str) -> Reason:
    return Reason(
        f"产业匹配：“{query}”→{sector_zh}，园区定位含“{park_term}”（{LEVEL_ZH[level]}）",
        f"Sector match: “{query}” → {sector_en}; the park lists “{park_term}” ({LEVEL_EN[level]})",
    )


def sector_related(
    query: str, q_zh: str, q_en: str, p_zh: str, p_en: str, park_term: str, relation: str
) -> Reason:
    kind_zh = {"is_a": "上下位相关", "related": "相关", "via": "间接相关"}[relation]
    kind_en = {"is_a": "broader/narrower", "related": "related", "via": "indirectly related"}[
        relation
    ]
    return Reason(
        f"相关产业：“{query}”→{q_zh}，与园区的{p_zh}（“{park_term}”）{kind_zh}",
        f"Related sector: “{query}” → {q_en}, {kind_en} to the park's {p_en} (“{park_term}”)",
    )


def sector_missing(query: str, q_zh: str, q_en: str) -> Reason:
    return Reason(
        f"产业不符：园区定位不含{q_zh}（“{query}”）",
        f"No sector fit: the park does not list {q_en} (“{query}”)",
    )


def no_park_lists(text: str) -> Reason:
    return Reason(
        f"没有园区的产业定位包含“{text}”，所有园区均不匹配该产业",
        f"No park lists “{text}” in its published positioning; none of the parks fits this sector",
    )


def sector_unrecognised(text: str) -> Reason:
    return Reason(
        f"未能识别产业“{text}”：不在产业目录中，也没有园区列出",
        f"Sector not recognised: “{text}” is not in the taxonomy and no park lists it",
    )


def area_enough(need: float, have: float, figure: str) -> Reason:
    nz, ne = area_pair(need)
    hz, he = area_pair(have)
    fz, fe = FIGURE[figure]
    return Reason(
        f"面积充足：需求 {nz}，园区{fz} {hz}", f"Enough space: need {ne}, park's {fe} {he}"
    )


def area_below_max(need_max: float, have: float, figure: str) -> Reason:
    nz, ne = area_pair(need_max)
    hz, he = area_pair(have)
    fz, fe = FIGURE[figure]
    return Reason(
        f"面积上限 {nz} 以内可满足：园区{fz} {hz}",
        f"Fits the maximum of {ne}: park's {fe} {he}",
    )


def area_short_of_max(need_max: float, have: float, figure: str) -> Reason:
    nz, ne = area_pair(need_max)
    hz, he = area_pair(have)
    fz, fe = FIGURE[figure]
    return Reason(
        f"可满足最小需求，但达不到上限 {nz}：园区{fz} {hz}",
        f"Meets the minimum but not the maximum of {ne}: park's {fe} {he}",
    )


def area_underground_only(need: float, above: float, total: float) -> Reason:
    nz, ne = area_pair(need)
    az, ae = area_pair(above)
    tz, te = area_pair(total)
    return Reason(
        f"地上面积不足：需求 {nz}，园区地上建筑面积 {az}，仅计入地下空间（总建筑面积 {tz}）才够",
        f"Short of above-ground space: need {ne}, park has {ae} above ground; "
        f"only its total floor area of {te} (incl. underground) is enough",
    )


def area_too_small(need: float, total: float, figure: str) -> Reason:
    nz, ne = area_pair(need)
    tz, te = area_pair(total)
    fz, fe = FIGURE[figure]
    return Reason(
        f"面积不足：需求 {nz}，园区{fz} {tz}，无法容纳",
        f"Too small: need {ne}, park's {fe} is {te}; it cannot fit",
    )


def area_expansion(expansion: float) -> Reason:
    xz, xe = area_pair(expansion)
    return Reason(
        f"园区未来可提供{xz}以上扩展空间（尚未建成，未计入）",
        f"The park announces over {xe} of future expansion space (not yet built; not counted)",
    )


def area_from_sector_text(words: str) -> Reason:
    return Reason(
        f"面积取自需求描述中的“{words}”",
        f"Area taken from the description: “{words}”",
    )


def above_ground_unknown() -> Reason:
    return Reason(
        "地上面积：未知（来源未公布），按建筑面积比较",
        "Above-ground area: unknown (not published); compared with the floor area given",
    )


FIGURE = {
    "above_ground": ("地上建筑面积", "above-ground floor area"),
    "building": ("建筑面积", "floor area"),
    "total": ("总建筑面积", "total floor area"),
}


def location_at(place_zh: str, place_en: str) -> Reason:
    return Reason(f"区位匹配：位于{place_zh}", f"Location match: in {place_en}")


def location_same_town(place_zh: str, place_en: str, town_zh: str) -> Reason:
    return Reason(
        f"区位相近：{place_zh}与园区同在{town_zh}",
        f"Near: {place_en} is in the park's town ({town_zh})",
    )


def location_same_zone(place_zh: str, place_en: str, zone_zh: str, zone_en: str) -> Reason:
    return Reason(
        f"区位部分匹配：{place_zh}与园区同属{zone_zh}",
        f"Partly near: {place_en} and the park are both in the {zone_en}",
    )


def location_elsewhere(wanted_zh: str, wanted_en: str, where_zh: str, where_en: str) -> Reason:
    return Reason(
        f"区位不符：需求{wanted_zh}，园区位于{where_zh}",
        f"Location mismatch: asked for {wanted_en}, park is in {where_en}",
    )


def location_unrecognised(text: str) -> Reason:
    return Reason(
        f"未识别的区位“{text}”，区位未计入评分",
        f"Location “{text}” not recognised; location was not scored",
    )


def location_from_sector_text(place_zh: str, place_en: str) -> Reason:
    return Reason(
        f"区位取自需求描述中的“{place_zh}”",
        f"Location taken from the description: {place_en}",
    )


def area_reason(
    level: AreaLevel,
    *,
    need_min: float,
    need_max: float,
    usable: float,
    above: float | None,
    total: float,
    figure: str,
) -> Reason:
    """The one sentence for an area level; nan means the bound was not given."""
    if level is AreaLevel.ENOUGH:
        return area_enough(need_min, usable, figure)
    if level is AreaLevel.MAX_ONLY_ROOMY:
        return area_below_max(need_max, usable, figure)
    if level in (AreaLevel.SHORT_OF_MAX, AreaLevel.MAX_ONLY_SMALLER):
        return area_short_of_max(need_max, usable, figure)
    if level is AreaLevel.UNDERGROUND_ONLY:
        return area_underground_only(need_min, above or total, total)
    return area_too_small(need_min, total, "total" if above else "building")


def location_reason(
    level: LocationLevel,
    *,
    place_zh: str,
    place_en: str,
    town_zh: str,
    where_zh: str,
    where_en: str,
    zone_zh: str,
    zone_en: str,
) -> Reason:
    """The one sentence for a location level."""
    if level is LocationLevel.AT_PLACE:
        return location_at(place_zh, place_en)
    if level is LocationLevel.SAME_TOWN:
        return location_same_town(place_zh, place_en, town_zh)
    if level is LocationLevel.SAME_ZONE:
        return location_same_zone(place_zh, place_en, zone_zh, zone_en)
    return location_elsewhere(place_zh, place_en, where_zh, where_en)


def excluded_area() -> Reason:
    return Reason("已排除：面积为硬性条件且不满足", "Excluded: area is a hard constraint and fails")


def excluded_location() -> Reason:
    return Reason(
        "已排除：区位为硬性条件且不满足", "Excluded: location is a hard constraint and fails"
    )


def hint_less_area(cut_percent: int, room: float, park_id: str, park_name_zh: str) -> Reason:
    rz, re_ = area_pair(room)
    return Reason(
        f"需求面积减少{cut_percent}%（至{rz}）时，{park_id} {park_name_zh}即可容纳",
        f"With {cut_percent}% less area ({re_}), {park_id} would qualify",
    )


def hint_without(what: str, park_id: str, park_name_zh: str) -> Reason:
    """What would rank first without the location preference or the area requirement."""
    zh, en = {
        "location": ("不限区位", "Without the location preference"),
        "area": ("不限面积", "Without the area requirement"),
    }[what]
    return Reason(f"{zh}时，{park_id} {park_name_zh}将排第一", f"{en}, {park_id} would rank first")


def hint_without_hard_constraints(more: int) -> Reason:
    return Reason(
        f"取消硬性条件后，另有{more}个园区可参与排名",
        f"Without the hard constraints, {more} more park(s) would be ranked",
    )


def nothing_asked() -> Reason:
    return Reason(
        "没有可评分的产业、面积或区位，按园区编号列出",
        "Nothing to score (no sector, area or recognised location); parks are listed by id",
    )


# -- industry-chain reasons (产业链招商): a product or technology read as part of a chain --------


def _chain_terms(query: str, term_zh: str, term_en: str) -> tuple[str, str]:
    """The user's own words, with the term in the reader's language beside them if the user
    wrote in the other language."""
    cjk = has_cjk(query)
    zh = query if cjk or query.casefold() == term_zh.casefold() else f"{query}（{term_zh}）"
    en = f"{query} ({term_en})" if cjk else query
    return zh, en


def _chain_place(
    chain_zh: str, chain_en: str, segment_zh: str, segment_en: str, also: tuple[str, str] | None
) -> tuple[str, str]:
    zh = f"{chain_zh}产业链·{segment_zh}"
    en = f"{chain_en} chain · {segment_en}"
    if also is not None:
        zh += f"，兼及{also[0]}"
        en += f", also serving {also[1]}"
    return zh, en


def chain_same(
    query: str,
    term: tuple[str, str],
    chain: tuple[str, str],
    segment: tuple[str, str],
    also: tuple[str, str] | None,
    park_term: str,
    level: str,
) -> Reason:
    """“光刻胶”→集成电路产业链·上游材料；园区定位含“集成电路”. `also` names the sector a
    secondary hit stands for (手术机器人 → 医疗器械 chain, also serving 具身智能)."""
    q_zh, q_en = _chain_terms(query, *term)
    p_zh, p_en = _chain_place(*chain, *segment, also)
    return Reason(
        f"产业链匹配：“{q_zh}”→{p_zh}；园区定位含“{park_term}”（{LEVEL_ZH[level]}）",
        f"Industry-chain match: “{q_en}” → {p_en}; the park's positioning names “{park_term}” "
        f"({LEVEL_EN[level]})",
    )


def chain_related(
    query: str,
    term: tuple[str, str],
    chain: tuple[str, str],
    segment: tuple[str, str],
    also: tuple[str, str] | None,
    park_sector: tuple[str, str],
    park_term: str,
    relation: str,
) -> Reason:
    """“光刻胶”→集成电路产业链·上游材料，与园区的新材料（“新材料”）相关."""
    q_zh, q_en = _chain_terms(query, *term)
    p_zh, p_en = _chain_place(*chain, *segment, also)
    kind_zh = {"is_a": "上下位相关", "related": "相关", "via": "间接相关"}[relation]
    kind_en = {"is_a": "broader/narrower", "related": "related", "via": "indirectly related"}[
        relation
    ]
    return Reason(
        f"产业链相关：“{q_zh}”→{p_zh}，与园区的{park_sector[0]}（“{park_term}”）{kind_zh}",
        f"Industry-chain relation: “{q_en}” → {p_en}, {kind_en} to the park's "
        f"{park_sector[1]} (“{park_term}”)",
    )


def chain_missing(query: str, term: tuple[str, str], chain: tuple[str, str]) -> Reason:
    q_zh, q_en = _chain_terms(query, *term)
    return Reason(
        f"产业不符：“{q_zh}”属{chain[0]}产业链，园区定位不含相关产业",
        f"No sector fit: “{q_en}” belongs to the {chain[1]} chain, which the park does not list",
    )


# -- faulty rows of a lead list: each message in Chinese and English -----------------------------

_GIST = re.compile(r"^(?P<en>.*?)\s*\((?P<zh>[^()]*[\u3400-\u9fff][^()]*)\)\s*$", re.S)


@dataclass(frozen=True)
class RowError:
    """Why an input row was not matched, in Chinese and English; `mixed` is the one-string
    form ("english (中文)") the batch output writes when no language is chosen."""

    zh: str
    en: str
    mixed: str

    def text(self, lang: str | None) -> str:
        if lang is None:
            return self.mixed
        return self.zh if lang == "zh" else self.en


def split_mixed(message: str) -> tuple[str, str]:
    """'english (中文)' -> ('english', '中文'); a message without a Chinese gist -> (it, it)."""
    found = _GIST.match(message)
    if found is None:
        return message, message
    return found.group("en"), found.group("zh")


def row_problem(line: int, message: str) -> RowError:
    """A problem the file reader found on a line (field counts, quotes, encodings …)."""
    en, zh = split_mixed(message)
    return RowError(f"第 {line} 行：{zh}", en, message)


def row_duplicate_id(line: int, header: str, value: str) -> RowError:
    shown = value[:60]
    return RowError(
        f"第 {line} 行“{header}”列：编号“{shown}”重复",
        f"line {line}, column {header}: duplicate id '{shown}'",
        f"line {line}, column {header}: duplicate id '{shown}' (编号重复)",
    )


def row_text_too_long(line: int, header: str, length: int, limit: int) -> RowError:
    en = (
        f"line {line}, column {header}: the text is {length:,} characters long; "
        f"at most {limit:,} are read"
    )
    return RowError(
        f"第 {line} 行“{header}”列：文本长 {length:,} 字，最多读取 {limit:,} 字",
        en,
        f"{en} (文本过长)",
    )


def row_area(line: int, header: str, cell: str, message: str) -> RowError:
    """An area cell that could not be read; `message` is the AreaError's 'english (中文)'."""
    en, zh = split_mixed(message)
    return RowError(
        f"第 {line} 行“{header}”列（{cell[:60]}）：{zh}",
        f"line {line}, column {header}: {en}",
        f"line {line}, column {header}: {message}",
    )


def row_empty(line: int) -> RowError:
    return RowError(
        f"第 {line} 行：该行没有任何需求信息（产业、面积、区位均为空）",
        f"line {line}: the row has no sector, area or location",
        f"line {line}: the row has no sector, area or location (该行没有任何需求信息)",
    )


# -- teaching the matcher a term (matcher.lexicon) ---------------------------------------------


def lexicon_unknown_sector(sector_id: str) -> Reason:
    return Reason(f"未知的产业编号“{sector_id}”", f"Unknown sector id “{sector_id}”")


def lexicon_unknown_segment(segment: str) -> Reason:
    return Reason(f"未知的产业链环节“{segment}”", f"Unknown chain segment “{segment}”")


def lexicon_same_secondary() -> Reason:
    return Reason(
        "次要产业与所属产业相同：请留空或选择另一个产业",
        "The secondary sector is the sector itself: leave it empty or pick another",
    )


def lexicon_too_short(surface: str, least: int) -> Reason:
    return Reason(
        f"“{surface}”太短：至少 {least} 个字符，否则会误配许多无关的文字",
        f"“{surface}” is too short: at least {least} characters, or it matches unrelated text",
    )


def lexicon_repeated(surface: str) -> Reason:
    return Reason(f"“{surface}”重复填写了", f"“{surface}” is given twice")


def lexicon_is_sector(surface: str, sector_zh: str, sector_en: str) -> Reason:
    return Reason(
        f"“{surface}”已是产业目录中{sector_zh}的名称，无需添加",
        f"“{surface}” is already a name of the sector {sector_en}; nothing to add",
    )


def lexicon_is_chain_term(surface: str, sector_zh: str, sector_en: str) -> Reason:
    return Reason(
        f"“{surface}”已在产业链知识中（{sector_zh}产业链），无需添加",
        f"“{surface}” is already in the chain knowledge ({sector_en} chain); nothing to add",
    )


def lexicon_missing(field_zh: str, field_en: str) -> Reason:
    return Reason(f"请填写“{field_zh}”", f"Fill in “{field_en}”")


def lexicon_too_long(field_zh: str, field_en: str, limit: int) -> Reason:
    return Reason(
        f"“{field_zh}”太长：每项最多 {limit} 个字符",
        f"“{field_en}” is too long: at most {limit} characters each",
    )


def lexicon_too_many_variants(limit: int) -> Reason:
    return Reason(f"英文术语最多 {limit} 个", f"At most {limit} English terms")


def lexicon_hidden_character(field_zh: str, field_en: str, text: str) -> Reason:
    shown = text.encode("unicode_escape").decode("ascii")[:80]
    return Reason(
        f"“{field_zh}”含有不可见的控制或格式字符（{shown}），请重新输入",
        f"“{field_en}” contains an invisible control or formatting character ({shown}); "
        f"type it again",
    )


def lexicon_just_taught(term: str) -> Reason:
    return Reason(
        f"“{term}”刚刚已由同事添加，无需重复添加",
        f"“{term}” was taught by a colleague a moment ago; nothing to add",
    )
