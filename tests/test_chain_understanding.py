"""Investors' own words: products and technologies rank the parks of their industry chain, and
the reasons say which chain and segment the word was read as (产业链招商)."""

from __future__ import annotations

from matcher.models import Match, Requirement
from matcher.scoring import Ranker
from matcher.understanding import HEAD_WEIGHT, SECONDARY_WEIGHT

IC_PARKS = {"P01", "P03", "P05", "P16"}
DEVICE_PARKS = {"P14", "P15"}
EMBODIED_PARK = "P03"


def rank(ranker: Ranker, text: str) -> list[Match]:
    return ranker.rank(Requirement(sector_text=text))


def weights(ranker: Ranker, text: str) -> dict[str, float]:
    seen = ranker.understand(Requirement(sector_text=text))
    return {h.sector_id: w for h, w in zip(seen.sector_hits, seen.sector_weights, strict=True)}


def test_an_upstream_material_ranks_the_ic_parks_first_and_cites_its_segment(
    ranker: Ranker,
) -> None:
    matches = rank(ranker, "我们生产KrF光刻胶")
    assert {m.park_id for m in matches[:4]} == IC_PARKS
    best = matches[0]
    assert "集成电路产业链·上游材料" in best.reason("zh")
    assert "Integrated circuits chain · upstream materials" in best.reason("en")
    assert "光刻胶" in best.reason("zh") and "photoresist" in best.reason("en")


def test_an_english_product_is_explained_with_its_chinese_term(ranker: Ranker) -> None:
    best = rank(ranker, "etching equipment for 12-inch fabs")[0]
    assert best.park_id in IC_PARKS
    assert "etching equipment（刻蚀机）" in best.reason("zh")
    assert "upstream equipment" in best.reason("en")


def test_surgical_robots_rank_the_device_parks_above_the_embodied_ai_park(
    ranker: Ranker,
) -> None:
    for text in ("骨科手术机器人研发", "we build surgical robots for orthopaedics"):
        order = [m.park_id for m in rank(ranker, text)]
        assert set(order[:2]) == DEVICE_PARKS, text
        assert order.index(EMBODIED_PARK) > 1, text


def test_the_secondary_sector_still_earns_something_and_says_why(ranker: Ranker) -> None:
    matches = {m.park_id: m for m in rank(ranker, "康复机器人")}
    embodied = matches[EMBODIED_PARK]
    assert embodied.sector.score and embodied.sector.score > 0
    assert "兼及具身智能" in embodied.reason("zh")
    assert "also serving Embodied intelligence" in embodied.reason("en")


def test_cpus_and_ai_accelerators_rank_the_ic_parks_first(ranker: Ranker) -> None:
    for text in ("We design RISC-V server CPUs and AI accelerator cards", "CPU和AI加速器芯片设计"):
        top = [m.park_id for m in rank(ranker, text)[:4]]
        assert set(top) == IC_PARKS, (text, top)


def test_products_of_one_family_reinforce_their_sector(ranker: Ranker) -> None:
    single = weights(ranker, "电子特气")
    listed = weights(ranker, "电子特气、溅射靶材及抛光液")
    assert listed["ic"] == 3 * single["ic"]


def test_a_list_has_no_head_noun_but_a_compound_does(ranker: Ranker) -> None:
    assert weights(ranker, "人工智能和集成电路") == {"ai": 1.0, "ic": 1.0}
    assert weights(ranker, "人工智能, integrated circuits") == {"ai": 1.0, "ic": 1.0}
    compound = weights(ranker, "大模型 服务器")
    assert compound == {"ai": 1.0, "computing": HEAD_WEIGHT}


def test_a_products_category_word_does_not_become_the_head(ranker: Ranker) -> None:
    # 外骨骼 is a rehabilitation device; the 机器人 after it is its secondary sector, not a head.
    assert weights(ranker, "外骨骼机器人")["devices"] > weights(ranker, "外骨骼机器人")["embodied"]
    assert weights(ranker, "外骨骼机器人")["embodied"] <= 2 * SECONDARY_WEIGHT


def test_an_ai_application_in_medicine_ranks_intelligent_healthcare_first(ranker: Ranker) -> None:
    top = [m.park_id for m in rank(ranker, "AI辅助诊断")[:2]]
    assert set(top) == {"P10", "P14"}  # the two parks listing 智能医疗


def test_unrelated_trades_still_fit_no_park(ranker: Ranker) -> None:
    for text in ("连锁火锅餐厅", "二手车交易市场", "hair salon franchise"):
        best = rank(ranker, text)[0]
        assert best.fit.value in ("none", "weak"), text


def test_a_chain_term_missing_from_a_park_is_said_once(ranker: Ranker) -> None:
    matches = {m.park_id: m for m in rank(ranker, "手术机器人")}
    quantum = matches["P18"]
    lines = [r for r in quantum.reasons_zh if "手术机器人" in r]
    assert lines == ["产业不符：“手术机器人”属医疗器械产业链，园区定位不含相关产业"]
