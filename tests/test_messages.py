"""Every reason a user sees exists in Chinese and English (matcher/messages.py).

Numbers are formatted the way each audience reads them (3.5万㎡ / 35,000 m²), and the user's
own words are quoted exactly as given.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

import pytest

from matcher import messages
from matcher.messages import Reason
from matcher.tuning import AreaLevel, LocationLevel

CJK = re.compile(r"[\u4e00-\u9fff]")

# One call for every reason builder. The user's text and the park's term (both quoted as they
# are) are in Latin letters here, so any Chinese in an English reason comes from the template.
CALLS: dict[str, tuple[object, ...]] = {
    "sector_same": ("AI chips", "集成电路", "Integrated circuits", "IC", "primary"),
    "sector_related": (
        "CAR-T",
        "细胞与基因治疗",
        "Cell and gene therapy",
        "生物医药",
        "Biomedicine",
        "biopharma",
        "is_a",
    ),
    "sector_missing": ("quantum", "量子科技", "Quantum technology"),
    "no_park_lists": ("garment wholesale",),
    "sector_unrecognised": ("garment wholesale",),
    "area_enough": (30_000, 35_000, "building"),
    "area_below_max": (40_000, 35_000, "total"),
    "area_short_of_max": (100_000, 79_000, "above_ground"),
    "area_underground_only": (100_000, 79_000, 121_000),
    "area_too_small": (50_000, 35_000, "building"),
    "area_expansion": (100_000,),
    "above_ground_unknown": (),
    "area_from_sector_text": ("2,000 sqm",),
    "location_at": ("温泉镇", "Wenquan"),
    "location_same_town": ("翠湖科技园", "Cuihu Science Park", "温泉镇"),
    "location_same_zone": ("温泉镇", "Wenquan", "北区", "north zone"),
    "location_elsewhere": ("温泉镇", "Wenquan", "四季青镇", "Sijiqing"),
    "location_unrecognised": ("Mars Base",),
    "location_from_sector_text": ("清华", "Tsinghua"),
    "excluded_area": (),
    "excluded_location": (),
    "nothing_asked": (),
    "hint_less_area": (30, 35_000, "P05", "集成电路设计园二期"),
    "hint_without": ("location", "P05", "集成电路设计园二期"),
    "hint_without_hard_constraints": (3,),
    "chain_same": (
        "photoresist",
        ("光刻胶", "photoresist"),
        ("集成电路", "Integrated circuits"),
        ("上游材料", "upstream materials"),
        None,
        "IC",
        "primary",
    ),
    "chain_related": (
        "photoresist",
        ("光刻胶", "photoresist"),
        ("集成电路", "Integrated circuits"),
        ("上游材料", "upstream materials"),
        ("具身智能", "Embodied AI"),
        ("新材料", "New materials"),
        "new materials",
        "related",
    ),
    "chain_missing": (
        "photoresist",
        ("光刻胶", "photoresist"),
        ("集成电路", "Integrated circuits"),
    ),
    "lexicon_unknown_sector": ("chips",),
    "lexicon_unknown_segment": ("midstream",),
    "lexicon_same_secondary": (),
    "lexicon_too_short": ("X", 2),
    "lexicon_repeated": ("MES",),
    "lexicon_is_sector": ("AI", "人工智能", "Artificial intelligence"),
    "lexicon_is_chain_term": ("photoresist", "集成电路", "Integrated circuits"),
    "lexicon_missing": ("中文术语", "Chinese term"),
    "lexicon_just_taught": ("bird food",),
    "lexicon_too_long": ("英文术语", "English term(s)", 40),
    "lexicon_too_many_variants": (8,),
    "lexicon_hidden_character": ("中文术语", "Chinese term", "AI\u200b"),
}

# English reasons that name a Chinese place on purpose (the park's town has no English name).
ENGLISH_WITH_CHINESE = {"location_same_town"}


def builders() -> dict[str, Callable[..., Reason]]:
    return {
        name: function
        for name, function in inspect.getmembers(messages, inspect.isfunction)
        if function.__module__ == messages.__name__
        and inspect.signature(function).return_annotation in (Reason, "Reason")
    }


# Dispatchers pick one of the builders above by a comparison's level; tested level by level.
DISPATCHERS = {"area_reason", "location_reason"}


def test_every_reason_builder_is_covered_here() -> None:
    assert set(builders()) == set(CALLS) | DISPATCHERS


@pytest.mark.parametrize("level", list(AreaLevel))
def test_every_area_level_has_its_sentence_in_both_languages(level: AreaLevel) -> None:
    reason = messages.area_reason(
        level,
        need_min=100_000,
        need_max=float("nan") if level is not AreaLevel.SHORT_OF_MAX else 150_000,
        usable=79_000,
        above=79_000,
        total=121_000,
        figure="above_ground",
    )
    assert reason.zh and reason.en and not CJK.search(reason.en)


@pytest.mark.parametrize("level", list(LocationLevel))
def test_every_location_level_has_its_own_sentence(level: LocationLevel) -> None:
    sentences = {
        messages.location_reason(
            other,
            place_zh="温泉镇",
            place_en="Wenquan",
            town_zh="温泉镇",
            where_zh="东升镇（南区）",
            where_en="Dongsheng (south zone)",
            zone_zh="北区",
            zone_en="north zone",
        ).en
        for other in LocationLevel
    }
    assert len(sentences) == len(LocationLevel)  # no two levels read the same


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_reason_has_a_chinese_and_an_english_text(name: str) -> None:
    reason = builders()[name](*CALLS[name])
    assert isinstance(reason, Reason)
    assert reason.zh.strip() and CJK.search(reason.zh)
    assert reason.en.strip() and reason.en != reason.zh
    if name not in ENGLISH_WITH_CHINESE:
        assert not CJK.search(reason.en), reason.en


# --- numbers ---


def test_areas_read_in_wan_in_chinese_and_with_separators_in_english() -> None:
    reason = messages.area_too_small(50_000, 35_000, "building")
    assert reason == Reason(
        "面积不足：需求 5万㎡，园区建筑面积 3.5万㎡，无法容纳",
        "Too small: need 50,000 m², park's floor area is 35,000 m²; it cannot fit",
    )


def test_an_area_below_ten_thousand_is_written_out_in_chinese() -> None:
    reason = messages.area_enough(8_000, 79_000, "above_ground")
    assert "需求 8000㎡" in reason.zh and "地上建筑面积 7.9万㎡" in reason.zh
    assert "need 8,000 m²" in reason.en and "above-ground floor area 79,000 m²" in reason.en


def test_underground_only_names_all_three_figures() -> None:
    reason = messages.area_underground_only(100_000, 79_000, 121_000)
    for figure in ("10万㎡", "7.9万㎡", "12.1万㎡"):
        assert figure in reason.zh
    for figure in ("100,000 m²", "79,000 m²", "121,000 m²"):
        assert figure in reason.en


def test_the_figure_compared_is_named() -> None:
    assert "总建筑面积" in messages.area_too_small(50_000, 22_000, "total").zh
    assert "total floor area" in messages.area_too_small(50_000, 22_000, "total").en
    assert "above-ground" in messages.area_enough(1_000, 79_000, "above_ground").en


def test_expansion_space_is_said_to_be_not_yet_counted() -> None:
    reason = messages.area_expansion(100_000)
    assert "10万㎡" in reason.zh and "未计入" in reason.zh
    assert "100,000 m²" in reason.en and "not counted" in reason.en


# --- the user's own words ---


@pytest.mark.parametrize("text", ["AI Chips", "服装批发", '**bold** "quoted" ≥5000㎡', "  x  "])
def test_a_users_sector_text_is_quoted_exactly_as_given(text: str) -> None:
    for reason in (
        messages.no_park_lists(text),
        messages.sector_unrecognised(text),
        messages.sector_missing(text, "量子科技", "Quantum technology"),
        messages.sector_same(text, "集成电路", "Integrated circuits", "芯片", "primary"),
    ):
        assert f"“{text}”" in reason.zh
        assert f"“{text}”" in reason.en


def test_an_unrecognised_location_is_quoted_exactly_as_given() -> None:
    reason = messages.location_unrecognised("Mars Base")
    assert "“Mars Base”" in reason.zh and "“Mars Base”" in reason.en
    assert "not scored" in reason.en


def test_a_sector_match_says_how_prominently_the_park_lists_it() -> None:
    primary = messages.sector_same("芯片", "集成电路", "Integrated circuits", "芯片", "primary")
    secondary = messages.sector_same("芯片", "集成电路", "Integrated circuits", "芯片", "secondary")
    name_only = messages.sector_same("芯片", "集成电路", "Integrated circuits", "芯片", "name")
    assert "主导产业" in primary.zh and "a listed sector" in primary.en
    assert "a supporting line" in secondary.en
    assert "name only" in name_only.en


@pytest.mark.parametrize(
    ("relation", "words"),
    [("is_a", "broader/narrower"), ("related", "related"), ("via", "indirectly related")],
)
def test_a_related_sector_names_the_kind_of_relation(relation: str, words: str) -> None:
    reason = messages.sector_related(
        "CAR-T",
        "细胞与基因治疗",
        "Cell and gene therapy",
        "生物医药",
        "Biomedicine",
        "医药",
        relation,
    )
    assert f", {words} to the park's Biomedicine" in reason.en


def test_a_location_mismatch_names_both_places() -> None:
    reason = messages.location_elsewhere("温泉镇", "Wenquan", "四季青镇", "Sijiqing")
    assert "温泉镇" in reason.zh and "四季青镇" in reason.zh
    assert "Wenquan" in reason.en and "Sijiqing" in reason.en


def test_row_errors_come_in_both_languages_and_keep_todays_one_string_form() -> None:
    from matcher import messages as m

    dup = m.row_duplicate_id(3, "编号", "A1")
    assert dup.mixed == "line 3, column 编号: duplicate id 'A1' (编号重复)"
    assert (dup.text("zh"), dup.text("en")) == (
        "第 3 行“编号”列：编号“A1”重复",
        "line 3, column 编号: duplicate id 'A1'",
    )
    assert dup.text(None) == dup.mixed
    read = m.row_problem(7, "line 7 contains a NUL byte (该行含有空字符 NUL)")
    assert (read.zh, read.en) == ("第 7 行：该行含有空字符 NUL", "line 7 contains a NUL byte")


def test_split_mixed_leaves_a_message_without_a_chinese_gist_whole() -> None:
    from matcher.messages import split_mixed

    assert split_mixed("a (b)") == ("a (b)", "a (b)")
    assert split_mixed("x is bad (坏)") == ("x is bad", "坏")
