"""Every reason a user reads exists in Chinese and English (matcher/reasons.py chooses it, the
message catalogue words it).

Numbers are formatted the way each audience reads them (3.5万㎡ / 35,000 m²), the user's own
words are quoted exactly as given, and each language is filled with its own names.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from matcher import reasons
from matcher.catalogue import Catalogue
from matcher.i18n import Lang, Text, both
from matcher.models import Fit, Requirement
from matcher.scoring import Ranker
from matcher.tuning import AreaLevel, LocationLevel

CJK = re.compile(r"[\u4e00-\u9fff]")
IC = both("集成电路", "Integrated circuits")
BIOMEDICINE = both("生物医药", "Biomedicine")
CGT = both("细胞与基因治疗", "Cell and gene therapy")
WENQUAN = both("温泉镇", "Wenquan Town")
NORTH = both("北区", "north zone")


def in_both(text: Text) -> None:
    """A Chinese text with Chinese in it, and an English one without (names are English)."""
    assert text.zh.strip() and CJK.search(text.zh)
    assert text.en.strip() and not CJK.search(text.en), text.en


# --- every reason, in both languages ---

READINGS: dict[str, Text] = {
    "sector_same": reasons.sector_same("AI chips", IC, "IC", "primary"),
    "sector_related": reasons.sector_related("CAR-T", CGT, BIOMEDICINE, "biopharma", "is_a"),
    "sector_missing": reasons.sector_missing("quantum", both("量子科技", "Quantum technology")),
    "no_park_lists": reasons.no_park_lists("garment wholesale"),
    "sector_unrecognised": reasons.sector_unrecognised("garment wholesale", IC),
    "sector_not_named": reasons.sector_not_named(IC),
    "area_expansion": reasons.area_expansion(100_000),
    "area_from_sector_text": reasons.area_from_sector_text("2,000 sqm"),
    "location_unrecognised": reasons.location_unrecognised("Mars Base"),
    "location_from_sector_text": reasons.location_from_sector_text(both("清华", "Tsinghua")),
    "hint_less_area": reasons.hint_less_area(
        30, 35_000, reasons.park_named("P05", "集成电路设计园二期", "IC Design Park (Phase II)")
    ),
    "hint_without": reasons.hint_without(
        "location", reasons.park_named("P05", "集成电路设计园二期", "IC Design Park (Phase II)")
    ),
    "hint_without_hard_constraints": reasons.hint_without_hard_constraints(3),
    "chain_same": reasons.chain_same(
        "photoresist",
        both("光刻胶", "photoresist"),
        IC,
        both("上游材料", "upstream materials"),
        None,
        "IC",
        "primary",
    ),
    "chain_related": reasons.chain_related(
        "photoresist",
        both("光刻胶", "photoresist"),
        IC,
        both("上游材料", "upstream materials"),
        both("具身智能", "Embodied AI"),
        both("新材料", "New materials"),
        "new materials",
        "related",
    ),
    "chain_missing": reasons.chain_missing("photoresist", both("光刻胶", "photoresist"), IC),
    "chain_secondary_only": reasons.chain_secondary_only(
        "optical modules", both("光模块", "optical module"), IC, BIOMEDICINE, "5G", "primary"
    ),
}


@pytest.mark.parametrize("name", sorted(READINGS))
def test_every_reason_has_a_chinese_and_an_english_text(name: str) -> None:
    in_both(READINGS[name])


@pytest.mark.parametrize("level", list(AreaLevel))
def test_every_area_level_has_its_sentence_in_both_languages(level: AreaLevel) -> None:
    reason = reasons.area_reason(
        level,
        need_min=100_000,
        need_max=float("nan") if level is not AreaLevel.SHORT_OF_MAX else 150_000,
        usable=79_000,
        above=79_000,
        total=121_000,
        figure="above_ground",
    )
    in_both(reason)


@pytest.mark.parametrize("level", list(LocationLevel))
def test_every_location_level_has_its_own_sentence(level: LocationLevel) -> None:
    def said(other: LocationLevel) -> Text:
        return reasons.location_reason(
            other,
            place=both("温泉", "Wenquan"),
            town=WENQUAN,
            where=both("东升镇（南区）", "Dongsheng Town (south zone)"),
            zone=NORTH,
        )

    in_both(said(level))
    assert len({said(other).en for other in LocationLevel}) == len(LocationLevel)


# --- numbers ---


def test_areas_read_in_wan_in_chinese_and_with_separators_in_english() -> None:
    reason = reasons.area_reason(
        AreaLevel.CANNOT_FIT,
        need_min=50_000,
        need_max=float("nan"),
        usable=35_000,
        above=None,
        total=35_000,
        figure="building",
    )
    assert reason == Text(
        "面积不足：需求 5万㎡，园区建筑面积 3.5万㎡，无法容纳",
        "Too small: need 50,000 m², park's floor area is 35,000 m²; it cannot fit",
    )


def test_an_area_below_ten_thousand_is_written_out_in_chinese() -> None:
    reason = reasons.area_reason(
        AreaLevel.ENOUGH,
        need_min=8_000,
        need_max=float("nan"),
        usable=79_000,
        above=79_000,
        total=121_000,
        figure="above_ground",
    )
    assert "需求 8000㎡" in reason.zh and "地上建筑面积 7.9万㎡" in reason.zh
    assert "need 8,000 m²" in reason.en and "above-ground floor area 79,000 m²" in reason.en


def test_underground_only_names_all_three_figures() -> None:
    reason = reasons.area_reason(
        AreaLevel.UNDERGROUND_ONLY,
        need_min=100_000,
        need_max=float("nan"),
        usable=79_000,
        above=79_000,
        total=121_000,
        figure="above_ground",
    )
    for figure in ("10万㎡", "7.9万㎡", "12.1万㎡"):
        assert figure in reason.zh
    for figure in ("100,000 m²", "79,000 m²", "121,000 m²"):
        assert figure in reason.en


def test_expansion_space_is_said_to_be_not_yet_counted() -> None:
    reason = reasons.area_expansion(100_000)
    assert "10万㎡" in reason.zh and "未计入" in reason.zh
    assert "100,000 m²" in reason.en and "not counted" in reason.en


# --- the user's own words and each language's own names ---


@pytest.mark.parametrize("text", ["AI Chips", "服装批发", '**bold** "quoted" ≥5000㎡', "  x  "])
def test_a_users_sector_text_is_quoted_exactly_as_given(text: str) -> None:
    for reason in (
        reasons.no_park_lists(text),
        reasons.sector_unrecognised(text, IC),
        reasons.sector_missing(text, both("量子科技", "Quantum technology")),
        reasons.sector_same(text, IC, "芯片", "primary"),
    ):
        assert f"“{text}”" in reason.zh
        assert f"“{text}”" in reason.en


def test_a_sector_match_says_how_prominently_the_park_lists_it() -> None:
    primary = reasons.sector_same("芯片", IC, "芯片", "primary")
    secondary = reasons.sector_same("芯片", IC, "芯片", "secondary")
    name_only = reasons.sector_same("芯片", IC, "芯片", "name")
    assert "主导产业" in primary.zh and "a listed sector" in primary.en
    assert "a supporting line" in secondary.en
    assert "name only" in name_only.en


@pytest.mark.parametrize(
    ("relation", "words"),
    [("is_a", "broader/narrower"), ("related", "related"), ("via", "indirectly related")],
)
def test_a_related_sector_names_the_kind_of_relation(relation: str, words: str) -> None:
    reason = reasons.sector_related("CAR-T", CGT, BIOMEDICINE, "医药", relation)
    assert f", {words} to the park's Biomedicine" in reason.en


def test_a_location_names_the_town_in_each_languages_own_words() -> None:
    reason = reasons.location_reason(
        LocationLevel.SAME_TOWN,
        place=both("古莲路", "Gulian Road"),
        town=WENQUAN,
        where=both("温泉镇（北区）", "Wenquan (north zone)"),
        zone=NORTH,
    )
    assert reason == Text(
        "区位相近：古莲路与园区同在温泉镇", "Near: Gulian Road is in the park's town (Wenquan Town)"
    )


def test_a_chain_term_typed_in_one_language_is_glossed_in_the_other() -> None:
    typed_english = reasons.chain_words("photoresist", both("光刻胶", "photoresist"))
    assert typed_english == Text("photoresist（光刻胶）", "photoresist")
    typed_chinese = reasons.chain_words("光刻胶", both("光刻胶", "photoresist"))
    assert typed_chinese == Text("光刻胶", "光刻胶 (photoresist)")


# --- a sector nobody placed: only its own words quoted, and advice that works ---


def sector_reasons(ranker: Ranker, text: str, lang: Lang) -> list[str]:
    """The first park's reasons that speak of the sector: "no park lists" and "not
    recognised" (area and location come after them)."""
    said = list(ranker.rank(Requirement(sector_text=text))[0].reasons_in(lang)[:2])
    assert len(said) == 2 and ("未能识别产业" in said[1] or "not recognised" in said[1]), said
    return said


@pytest.mark.parametrize(
    ("text", "quoted", "left_out"),
    [
        ("做宠物食品，需要5000平米", "“宠物食品”", ("5000", "平米", "需要", "做宠物")),
        ("我们是做宠物食品的企业，靠近温泉", "“宠物食品”", ("温泉", "企业", "我们")),
        ("We make pet food, 3000 sqm near Wudaokou", "“pet food”", ("3000", "sqm", "Wudaokou")),
        ("Pet Food near Tsinghua", "“Pet Food”", ("Tsinghua", "near")),
    ],
)
def test_an_unrecognised_sector_is_quoted_without_the_area_or_place_beside_it(
    ranker: Ranker, text: str, quoted: str, left_out: tuple[str, ...]
) -> None:
    for lang in ("zh", "en"):
        said = sector_reasons(ranker, text, lang)
        assert said and all(quoted in reason for reason in said), said
        for words in left_out:
            assert not any(words in reason for reason in said), (words, said)


def test_an_unrecognised_sector_gets_examples_of_sectors_the_parks_list(
    ranker: Ranker, catalogue: Catalogue
) -> None:
    examples = reasons.sector_examples(catalogue.parks, ranker.taxonomy.sectors)
    # taken from the data: the sectors most parks list as a main line, in each language
    primary = Counter(
        t.sector_id for p in catalogue.parks for t in p.sectors if t.level == "primary"
    )
    top = max(primary, key=lambda sid: primary[sid])
    assert catalogue.sector(top).name_zh in examples.zh
    assert catalogue.sector(top).name_en in examples.en
    assert len(examples.zh.split("、")) == reasons.SECTOR_EXAMPLES
    for lang in ("zh", "en"):
        advice = ranker.sector.unrecognised_reason(
            ranker.understand(Requirement(sector_text="做宠物食品，需要5000平米"))
        ).in_(lang)
        assert examples.in_(lang) in advice
    # every example is a word that finds a park fitting the sector
    for sid in sorted(primary, key=lambda s: -primary[s])[: reasons.SECTOR_EXAMPLES]:
        name = catalogue.sector(sid).name_zh
        assert ranker.rank(Requirement(sector_text=name))[0].fit in (Fit.STRONG, Fit.PARTIAL)


def test_a_sector_field_with_only_an_area_and_a_place_says_no_sector_was_named(
    ranker: Ranker,
) -> None:
    seen = ranker.understand(Requirement(sector_text="需要5000平米，靠近温泉"))
    assert seen.sector_hits == () and seen.unplaced_sector_words == ""
    best = ranker.rank(Requirement(sector_text="需要5000平米，靠近温泉"))[0]
    reason = best.reason("zh")
    assert "没有产业名称" in reason and "5000平米”，所有园区" not in reason
    assert "no sector" in best.reason("en")


def test_a_recognised_sector_no_park_lists_still_quotes_the_users_words(ranker: Ranker) -> None:
    best = ranker.rank(Requirement(sector_text="服装批发"))[0]
    assert best.reasons_in("zh")[0] == "没有园区的产业定位包含“服装批发”，所有园区均不匹配该产业"


@pytest.mark.parametrize(("text", "lang"), [("规模化生产 光模块", "zh"), ("optical modules", "en")])
def test_a_chain_term_fitting_a_park_only_by_its_secondary_sector_is_explained_once(
    ranker: Ranker, text: str, lang: Lang
) -> None:
    # 光模块 is optoelectronics, also 5G; P04 lists 5G, not optoelectronics: one statement
    # saying both, never "no sector fit" beside "industry-chain match".
    p04 = next(m for m in ranker.rank(Requirement(sector_text=text)) if m.park_id == "P04")
    said = "；".join(p04.reasons_zh) if lang == "zh" else " ".join(p04.reasons_en)
    assert ("产业不符" if lang == "zh" else "No sector fit") not in said
    assert ("产业链匹配" if lang == "zh" else "Industry-chain match") not in said
    assert "5G" in said
