"""What `understand` recognises in a requirement, before any park is compared.

Uses the real catalogue: sectors from data/sectors.csv, places from data/places.csv.
"""

from __future__ import annotations

import pytest

from matcher.scoring import Ranker
from matcher.understanding import Understanding, understand


def read(
    ranker: Ranker, sector_text: str, location_text: str = "", sector_ids: tuple[str, ...] = ()
) -> Understanding:
    return understand(
        ranker.taxonomy,
        ranker.gazetteer,
        sector_text,
        sector_ids=sector_ids,
        location_text=location_text,
    )


def sectors(u: Understanding) -> list[str]:
    return [hit.sector_id for hit in u.sector_hits]


def weight_of(u: Understanding, sector_id: str) -> float:
    return dict(zip(sectors(u), u.sector_weights, strict=True))[sector_id]


def places(u: Understanding) -> set[str]:
    return {hit.place.place_id for hit in u.place_hits}


# --- sectors ---


@pytest.mark.parametrize(
    ("text", "sector"),
    [
        ("集成电路", "ic"),
        ("我们是一家做细胞治疗的企业", "cgt"),
        ("integrated circuits", "ic"),
        ("Fintech", "fintech"),
        ("ＡＩ", "ai"),  # full-width letters
    ],
)
def test_a_sector_is_recognised_in_chinese_or_english(
    ranker: Ranker, text: str, sector: str
) -> None:
    assert sectors(read(ranker, text)) == [sector]


@pytest.mark.parametrize(("typo", "sector"), [("集层电路", "ic"), ("artifical inteligence", "ai")])
def test_a_typo_is_still_recognised_and_marked_fuzzy(
    ranker: Ranker, typo: str, sector: str
) -> None:
    (hit,) = read(ranker, typo).sector_hits
    assert hit.sector_id == sector
    assert hit.how == "fuzzy"
    assert hit.confidence < 1


def test_an_exact_alias_is_recognised_with_full_confidence(ranker: Ranker) -> None:
    (hit,) = read(ranker, "集成电路").sector_hits
    assert (hit.how, hit.confidence) == ("exact", 1.0)


def test_a_sector_named_twice_is_one_hit(ranker: Ranker) -> None:
    assert sectors(read(ranker, "芯片、集成电路和半导体")) == ["ic"]


def test_text_naming_no_sector_finds_none_but_still_asks_for_a_sector(ranker: Ranker) -> None:
    u = read(ranker, "服装批发")
    assert u.sector_hits == () and u.sector_weights == ()
    assert u.asks_sector


def test_an_empty_requirement_asks_for_no_sector(ranker: Ranker) -> None:
    u = read(ranker, "   ")
    assert not u.asks_sector
    assert u.sector_text == ""


# --- the head noun counts most ---


@pytest.mark.parametrize("text", ["AI芯片", "AI chips"])
def test_ai_chips_are_chips_first_and_ai_second(ranker: Ranker, text: str) -> None:
    u = read(ranker, text)
    assert sorted(sectors(u)) == ["ai", "ic"]
    assert weight_of(u, "ic") > weight_of(u, "ai") > 0


def test_the_last_sector_named_is_the_head_whatever_it_is(ranker: Ranker) -> None:
    u = read(ranker, "芯片AI")
    assert weight_of(u, "ai") == 2 * weight_of(u, "ic")


def test_a_single_sector_is_not_weighted_up(ranker: Ranker) -> None:
    assert read(ranker, "芯片").sector_weights == (1.0,)


# --- sectors picked from the list ---


def test_picked_sector_ids_are_understood_as_selected(ranker: Ranker) -> None:
    (hit,) = read(ranker, "", sector_ids=("quantum",)).sector_hits
    assert (hit.sector_id, hit.how) == ("quantum", "selected")


def test_a_sector_both_typed_and_picked_is_one_hit(ranker: Ranker) -> None:
    assert sectors(read(ranker, "集成电路", sector_ids=("ic",))) == ["ic"]


def test_an_unknown_picked_sector_id_is_refused_by_name(ranker: Ranker) -> None:
    with pytest.raises(ValueError, match="no_such_sector"):
        read(ranker, "集成电路", sector_ids=("no_such_sector",))


# --- places ---


@pytest.mark.parametrize("location", ["温泉", "Wenquan", "wenquan zhen", "温泉镇"])
def test_a_given_location_is_found_in_chinese_english_or_pinyin(
    ranker: Ranker, location: str
) -> None:
    u = read(ranker, "集成电路", location)
    assert places(u) == {"wenquan"}
    assert not u.places_from_sector_text
    assert not u.unrecognised_location


def test_a_location_nobody_recognises_is_flagged(ranker: Ranker) -> None:
    u = read(ranker, "集成电路", "Mars Base Alpha")
    assert u.place_hits == ()
    assert u.unrecognised_location
    assert u.location_text == "Mars Base Alpha"


def test_with_no_location_a_place_in_the_sentence_is_used(ranker: Ranker) -> None:
    u = read(ranker, "fintech near Tsinghua")
    assert sectors(u) == ["fintech"]
    assert places(u) == {"qinghua_east_road"}
    assert u.places_from_sector_text


def test_a_chinese_town_in_the_sentence_is_used_as_location(ranker: Ranker) -> None:
    u = read(ranker, "集成电路 温泉")
    assert places(u) == {"wenquan"}
    assert u.places_from_sector_text


def test_a_given_location_wins_over_a_place_in_the_sentence(ranker: Ranker) -> None:
    u = read(ranker, "fintech near Tsinghua", "温泉")
    assert places(u) == {"wenquan"}
    assert not u.places_from_sector_text


def test_a_zone_word_in_the_sentence_is_a_preferred_location(ranker: Ranker) -> None:
    u = read(ranker, "人工智能 北部")
    assert places(u) == {"north"} and u.places_from_sector_text
    assert u.location_strength == "prefer" and not u.location_must
    assert places(read(ranker, "人工智能", "北部")) == {"north"}


def test_a_sentence_without_a_place_gives_no_location(ranker: Ranker) -> None:
    u = read(ranker, "人工智能")
    assert u.place_hits == ()
    assert not u.places_from_sector_text
    assert not u.unrecognised_location
