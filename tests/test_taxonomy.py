"""The sector taxonomy: tags justified by published text, longest terms first, typos forgiven."""

from __future__ import annotations

import pytest

from matcher import Catalogue
from matcher.models import SectorLevel
from matcher.scoring import Ranker


def ids(ranker: Ranker, text: str) -> list[str]:
    return [h.sector_id for h in ranker.taxonomy.find_sectors(text)]


def test_every_positioning_tag_is_named_in_the_positioning_text(
    ranker: Ranker, catalogue: Catalogue
) -> None:
    for park in catalogue.parks:
        named = ranker.taxonomy.sectors_in(park.positioning_zh)
        for tag in park.sectors:
            if tag.level == SectorLevel.NAME:
                assert tag.sector_id in ranker.taxonomy.sectors_in(park.name_zh), park.park_id
            else:
                assert tag.sector_id in named, (park.park_id, tag.sector_id)


def test_every_sector_a_positioning_names_is_tagged(ranker: Ranker, catalogue: Catalogue) -> None:
    for park in catalogue.parks:
        named = set(ranker.taxonomy.sectors_in(park.positioning_zh))
        assert named <= set(park.sector_ids()), (park.park_id, named - set(park.sector_ids()))


def test_taxonomy_has_between_15_and_40_bilingual_sectors(catalogue: Catalogue) -> None:
    assert 15 <= len(catalogue.sectors) <= 40
    for sector in catalogue.sectors:
        assert sector.name_zh and sector.name_en and sector.aliases_zh and sector.aliases_en


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("人工智能", ["ai"]),
        ("智能制造", ["smart_mfg"]),
        ("具身智能", ["embodied"]),
        ("智能医疗", ["digital_health"]),
        ("空天信息", ["space_info"]),
        ("网络信息安全", ["cybersecurity"]),
        ("新一代信息技术", ["next_gen_it"]),
        ("数字经济", ["digital_economy"]),
        ("数字医疗", ["digital_health"]),
        ("智能网联汽车", ["autonomous"]),
        ("芯片", ["ic"]),
        ("半导体", ["ic"]),
        ("大模型", ["ai"]),
        ("无人机", ["unmanned"]),
        ("AI芯片", ["ic", "ai"]),  # a chain term: the IC chain, AI as its secondary sector
    ],
)
def test_the_longest_taxonomy_term_wins_over_shared_characters(
    ranker: Ranker, text: str, expected: list[str]
) -> None:
    assert ids(ranker, text) == expected


def test_a_chinese_sentence_without_spaces_finds_its_sector(ranker: Ranker) -> None:
    assert set(ids(ranker, "我们是一家做RISC-V处理器的企业")) == {"ic"}


def test_english_phrases_and_plurals_are_found(ranker: Ranker) -> None:
    assert set(ids(ranker, "CAR-T cell therapy pilot plant")) == {"cgt", "pilot"}
    assert ids(ranker, "autonomous vehicles") == ["autonomous"]
    assert ids(ranker, "Robots") == ["embodied"]


def test_reasons_quote_the_users_own_spelling(ranker: Ranker) -> None:
    hits = ranker.taxonomy.find_sectors("an AI company in drug discovery, IC design")
    assert [h.surface for h in hits] == ["AI", "drug discovery", "IC design"]


def test_english_short_words_do_not_match_inside_other_words(ranker: Ranker) -> None:
    assert ids(ranker, "we need it soon, with office space") == []
    assert "ai" not in ids(ranker, "maintenance")
    assert "ic" not in ids(ranker, "public relations")


@pytest.mark.parametrize(
    ("typo", "sector"),
    [
        ("集层电路", "ic"),
        ("人工智障", "ai"),
        ("artifical inteligence", "ai"),
        ("semiconducter", "ic"),
    ],
)
def test_typos_are_matched_fuzzily(ranker: Ranker, typo: str, sector: str) -> None:
    hits = ranker.taxonomy.find_sectors(typo)
    assert [h.sector_id for h in hits] == [sector]
    assert hits[0].how == "fuzzy" and hits[0].confidence < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "commercial printing and packaging plant",
        "packaging",
        "food and packaging supplies",
        "recycling technology",
    ],
)
def test_a_typo_never_stands_for_a_whole_word(ranker: Ranker, text: str) -> None:
    # "and packaging" is one word away from "ic packaging", "packaging" from "3d packaging",
    # "technology" three letters from "biotechnology": close as strings, no misspelling.
    assert ids(ranker, text) == []


def test_a_typo_inside_a_word_or_a_word_split_differently_is_forgiven(ranker: Ranker) -> None:
    assert "ic" in ids(ranker, "photoresit supplier")
    assert "future_energy" in ids(ranker, "solid-state baterry cells")


def test_unrelated_text_finds_nothing(ranker: Ranker) -> None:
    for text in ("服装批发", "餐饮连锁", "汽车维修", "hello world", ""):
        assert ids(ranker, text) == [], text


def test_a_narrower_sector_earns_partial_credit_from_its_parent(ranker: Ranker) -> None:
    assert ranker.taxonomy.credit("cgt", "biomed").value == 0.5
    assert ranker.taxonomy.credit("biomed", "cgt").value == 0.8
    assert ranker.taxonomy.credit("cgt", "cgt").relation == "same"
    assert ranker.taxonomy.credit("quantum", "biomed").value == 0.0
