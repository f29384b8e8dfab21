"""Reading real enquiries (matcher/cues.py, data/reading.toml): zones and how strongly they are
wanted, stage words, negation, customers, background and company names."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.catalogue import CatalogueError, load_catalogue
from matcher.cues import load_cues
from matcher.models import Fit, Match, Requirement
from matcher.scoring import Ranker
from matcher.text import normalize
from matcher.views import find_parks


def ranked(ranker: Ranker, text: str, location: str = "") -> list[Match]:
    return ranker.rank(Requirement(sector_text=text, preferred_location=location))


def fits(ranker: Ranker, text: str, location: str = "") -> dict[str, Fit]:
    return {m.park_id: m.fit for m in ranked(ranker, text, location)}


def reasons(match: Match, lang: str = "zh") -> str:
    return "；".join(match.reasons_zh if lang == "zh" else match.reasons_en)


NORTH = {"P01", "P02", "P03", "P04", "P05", "P10", "P11", "P12", "P13", "P14", "P17"}
SOUTH = {"P06", "P07", "P08", "P09", "P15", "P16", "P18"}


def test_a_large_model_company_that_wants_the_south_prefers_the_southern_parks_and_says_so(
    ranker: Ranker,
) -> None:
    top = ranked(ranker, "一家做大模型的公司，需要一万平米，要在南边")
    assert {m.park_id for m in top[:3]} <= SOUTH
    assert "从需求描述中读到：南边优先" in reasons(top[0])


def test_north_preferred_is_said_in_both_languages(ranker: Ranker) -> None:
    top = ranked(ranker, "智能制造装备企业，需要5万平方米厂房，北部优先")[0]
    assert top.park_id in NORTH
    assert "从需求描述中读到：北部优先" in reasons(top)
    assert "Read from the description: north zone" in reasons(top, "en")
    assert "preferred" in reasons(top, "en")


def test_an_english_zone_is_read_but_not_north_america(ranker: Ranker) -> None:
    top = ranked(ranker, "medical device maker, preferably in the south of Haidian")[0]
    assert top.park_id == "P15"
    assert "Read from the description: south preferred" in reasons(top, "en")
    seen = ranker.understand(Requirement(sector_text="North American customers, we make lidar"))
    assert seen.place_hits == ()


def test_a_preference_never_lowers_a_strong_sector_fit_below_partial(ranker: Ranker) -> None:
    found = fits(ranker, "最好在北边，做大模型")
    assert found["P08"] is Fit.PARTIAL  # a strong AI park in the south
    assert found["P02"] is Fit.STRONG


def test_a_must_in_the_sentence_leaves_parks_elsewhere_weak(ranker: Ranker) -> None:
    found = fits(ranker, "必须在北部，做大模型")
    assert found["P08"] is Fit.WEAK
    assert found["P02"] is Fit.STRONG
    top = ranked(ranker, "only north Haidian, AI chips")
    assert top[0].park_id in NORTH
    assert "required" in reasons(top[0], "en")


def test_the_location_field_wins_over_the_sentence_and_says_so(ranker: Ranker) -> None:
    top = ranked(ranker, "最好在南边，集成电路设计", "温泉")[0]
    assert top.park_id in {"P01", "P03"}
    assert "需求描述中提到“南边”，以区位栏“温泉”为准" in reasons(top)


def test_area_and_preference_words_are_not_echoed_as_a_sector(ranker: Ranker) -> None:
    said = reasons(ranked(ranker, "需要3万平方米，北部优先")[0])
    assert "“优先”" not in said and "3万平方米”，所有" not in said


def test_a_stage_word_does_not_name_a_sector_beside_another(ranker: Ranker) -> None:
    found = fits(ranker, "手术机器人，小批量生产")
    assert found["P17"] in (Fit.WEAK, Fit.NONE)  # a biomedicine pilot park
    assert found["P14"] is Fit.STRONG
    found = fits(ranker, "柔性显示屏 中试线")
    assert found["P17"] is Fit.NONE and found["P14"] is Fit.NONE
    assert "不是产业" in reasons(ranked(ranker, "柔性显示屏 中试线")[0])


def test_a_stage_word_refines_a_biomedicine_sector_and_alone_keeps_its_published_meaning(
    ranker: Ranker,
) -> None:
    assert fits(ranker, "抗体药物中试生产")["P17"] is Fit.STRONG
    assert fits(ranker, "中试", "上庄")["P14"] is Fit.STRONG
    assert all(f is Fit.NONE for f in fits(ranker, "小批量生产").values())


def test_veterinary_care_is_not_human_healthcare(ranker: Ranker) -> None:
    assert all(f is Fit.NONE for f in fits(ranker, "宠物医疗").values())
    assert all(f is Fit.NONE for f in fits(ranker, "veterinary clinic chain").values())


def test_negation_leaves_out_what_the_company_does_not_do(ranker: Ranker) -> None:
    seen = ranker.understand(Requirement(sector_text="不是做芯片的，我们做芯片测试设备"))
    assert [h.surface for h in seen.sector_hits] == ["芯片测试设备"]
    assert "未计入“芯片”" in seen.sector_notes[0].zh
    seen = ranker.understand(Requirement(sector_text="we make drones, not chips"))
    assert {h.sector_id for h in seen.sector_hits} == {"unmanned"}


def test_the_customers_trade_only_supports(ranker: Ranker) -> None:
    top = ranked(ranker, "we serve hospitals, we are a software company")
    assert top[0].park_id == "P06"
    assert fits(ranker, "we serve hospitals, we are a software company")["P15"] in (
        Fit.WEAK,
        Fit.NONE,
    )
    assert "customers" in reasons(top[0], "en")


@pytest.mark.parametrize(
    ("text", "own", "customers", "first"),
    [
        ("面向医院提供手术机器人", "devices", "health", {"P14", "P15"}),
        ("面向金融机构的网络安全系统", "cybersecurity", "fintech", {"P16"}),
        ("serving hospitals with cybersecurity software", "cybersecurity", "health", {"P16"}),
    ],
)
def test_a_word_naming_whom_the_company_serves_marks_only_its_object_as_customers(
    ranker: Ranker, text: str, own: str, customers: str, first: set[str]
) -> None:
    seen = ranker.understand(Requirement(sector_text=text))
    weights = {h.sector_id: w for h, w in zip(seen.sector_hits, seen.sector_weights, strict=True)}
    assert weights[own] >= 1.0
    assert weights.get(customers, 0.0) < 0.5
    assert ranked(ranker, text)[0].park_id in first


@pytest.mark.parametrize("text", ["cybersecurity software", "辅助诊断软件", "卫星遥感数据平台"])
def test_a_word_naming_a_products_form_is_not_the_head_of_its_compound(
    ranker: Ranker, text: str
) -> None:
    seen = ranker.understand(Requirement(sector_text=text))
    weights = {h.sector_id: w for h, w in zip(seen.sector_hits, seen.sector_weights, strict=True)}
    assert weights.get("software", 0.0) <= max(w for s, w in weights.items() if s != "software")


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("一家做医疗AI的公司", {"P10", "P14"}),
        ("病理图像分析", {"P10", "P14"}),
        ("healthcare AI startup", {"P10", "P14"}),
    ],
)
def test_medical_ai_is_intelligent_healthcare_in_either_word_order(
    ranker: Ranker, text: str, first: set[str]
) -> None:
    assert ranked(ranker, text)[0].park_id in first


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("不要南边的，北部的园区，做集成电路设计", {"north"}),
        ("we are not in the north yet, need space in the south for our IC design team", {"south"}),
    ],
)
def test_a_place_named_after_a_negation_is_not_wanted(
    ranker: Ranker, text: str, wanted: set[str]
) -> None:
    seen = ranker.understand(Requirement(sector_text=text))
    assert {h.place.zone for h in seen.place_hits} == wanted


def test_a_profile_reads_no_sector_from_the_company_name_nor_a_place_from_the_team(
    ranker: Ranker,
) -> None:
    text = (
        "北京星辰生物科技有限公司，主营激光雷达与毫米波雷达，此外提供自动驾驶感知软件；"
        "创始团队来自清华大学，已获红杉A轮融资，员工120人。"
    )
    seen = ranker.understand(Requirement(sector_text=text))
    assert "biomed" not in {h.sector_id for h in seen.sector_hits}
    assert not seen.place_hits
    assert any("企业名称" in n.zh for n in seen.sector_notes)
    assert ranked(ranker, text)[0].park_id in {"P12", "P16"}


def test_zone_words_find_the_same_parks_in_either_language(ranker: Ranker) -> None:
    cat = ranker.catalogue
    found = {}
    for text in ("北部", "north", "北区", "northern haidian", "南部", "south"):
        seen = ranker.understand(Requirement(sector_text=text, preferred_location=text))
        parks = find_parks(
            text,
            cat,
            {h.sector_id for h in seen.sector_hits},
            {h.place.place_id for h in seen.place_hits},
        )
        found[text] = {p.park_id for p in parks}
    assert found["北部"] == found["north"] == found["北区"] == found["northern haidian"] == NORTH
    assert found["南部"] == found["south"] == SOUTH


def test_clauses_have_roles() -> None:
    cues = load_cues(Path(__file__).parents[1] / "data" / "reading.toml")
    norm = normalize("不是做芯片的，我们的客户是医院，主营软件")
    roles = [c.role for c in cues.clauses(norm)]
    assert roles == ["negated", "customers", "main"]
    assert cues.strength(normalize("必须在北部"), "北部") == "must"
    assert cues.strength(normalize("北部优先"), "北部") == "prefer"
    assert not cues.zone_word_counts(normalize("东北部"), "北部")


def test_a_stage_refining_an_unknown_sector_is_refused(data_copy: Path) -> None:
    path = data_copy / "reading.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('refines = ["biomed"', 'refines = ["nosuch"'),
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="nosuch"):
        load_catalogue(data_copy)


def weights_of(ranker: Ranker, text: str) -> dict[str, float]:
    seen = ranker.understand(Requirement(sector_text=text))
    found: dict[str, float] = {}
    for hit, weight in zip(seen.sector_hits, seen.sector_weights, strict=True):
        found[hit.sector_id] = max(found.get(hit.sector_id, 0.0), weight)
    return found


@pytest.mark.parametrize(
    "text",
    [
        "本公司主要从事网络安全产品研发，服务对象涵盖政府、金融和能源行业客户。",
        "we make cybersecurity software; our customers are banks, insurers and energy firms",
    ],
)
def test_a_list_of_customers_stays_the_customers_until_its_clause_ends(
    ranker: Ranker, text: str
) -> None:
    weights = weights_of(ranker, text)
    assert weights["cybersecurity"] >= 1.0
    assert weights.get("fintech", 0.0) < 0.5
    assert weights.get("future_energy", 0.0) < 0.5


def test_after_a_customers_list_the_company_own_activity_is_read_again(ranker: Ranker) -> None:
    weights = weights_of(ranker, "客户包括银行、保险公司，我们做网络安全")
    assert weights["cybersecurity"] >= 1.0
    weights = weights_of(ranker, "面向医院、药企提供网络安全服务")
    assert weights["cybersecurity"] >= 1.0


@pytest.mark.parametrize(
    ("text", "own", "domains"),
    [
        (
            "一家新材料公司，主营碳纤维复合材料，产品用于航空航天和新能源汽车",
            "new_materials",
            {"aerospace"},
        ),
        ("silicon photonics optical modules for data centres", "optoelectronics", {"computing"}),
        ("we design LiDAR for autonomous vehicles", "optoelectronics", {"autonomous"}),
    ],
)
def test_what_a_product_is_used_for_counts_like_its_customers(
    ranker: Ranker, text: str, own: str, domains: set[str]
) -> None:
    weights = weights_of(ranker, text)
    assert weights[own] >= 1.0
    for domain in domains:
        assert 0.0 < weights[domain] < 0.5


def test_for_without_a_product_before_it_is_no_application() -> None:
    cues = load_cues(Path(__file__).parents[1] / "data" / "reading.toml")
    norm = normalize("looking for an autonomous driving test site")
    # A span is offered, but nothing the company names comes before "for" in its clause.
    assert all(norm[start:cue].strip() == "looking" for start, cue, _ in cues.applications(norm))


@pytest.mark.parametrize(
    ("text", "trade"),
    [
        ("一家工业机器人企业，成立于2015年", "embodied"),
        ("我们是做工业机器人的企业成立于2015年", "embodied"),
        ("QuantaLeap is a quantum technology company founded in 2020 by physicists", "quantum"),
    ],
)
def test_a_history_cue_leaves_out_only_its_own_phrase(
    ranker: Ranker, text: str, trade: str
) -> None:
    seen = ranker.understand(Requirement(sector_text=text))
    assert trade in {h.sector_id for h in seen.sector_hits}
    assert not any("团队、融资或经历" in n.zh for n in seen.sector_notes)


def test_the_team_after_a_history_cue_is_still_background(ranker: Ranker) -> None:
    seen = ranker.understand(
        Requirement(sector_text="a quantum computing company founded by aerospace engineers")
    )
    assert "aerospace" not in {h.sector_id for h in seen.sector_hits}


def test_risk_control_for_banks_is_fintech(ranker: Ranker) -> None:
    weights = weights_of(ranker, "面向银行提供大数据风控平台")
    assert weights["fintech"] >= 1.0
    top = [m.park_id for m in ranked(ranker, "面向银行提供大数据风控平台")[:3]]
    assert "P07" in top  # the one park publishing fintech (as a supporting direction)


@pytest.mark.parametrize(
    "text", ["面向银行提供大数据风控平台", "大数据风控", "big data risk control for banks"]
)
def test_a_qualifying_trade_word_supports_the_head_it_qualifies_but_is_no_second_trade(
    ranker: Ranker, text: str
) -> None:
    # 大数据风控 is risk control done with big data: fintech decides, big data only supports.
    weights = weights_of(ranker, text)
    assert weights["big_data"] <= 0.3 < weights["fintech"]
    top = ranked(ranker, text)
    assert top[0].park_id == "P07"
    assert top[0].fit in (Fit.STRONG, Fit.PARTIAL)


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("不要北边，做卫星通信", "south"),
        ("we do satellite communications, not in the south", "north"),
    ],
)
def test_not_wanting_one_of_the_two_zones_prefers_the_other_and_says_so(
    ranker: Ranker, text: str, wanted: str
) -> None:
    seen = ranker.understand(Requirement(sector_text=text))
    assert [h.place.zone for h in seen.place_hits] == [wanted]
    assert seen.location_must is False
    top = ranked(ranker, text)[0]  # the sector orders first: a preference only orders within
    assert "不要" in reasons(top) and "优先" in reasons(top)
    assert "so" in reasons(top, "en") and "preferred" in reasons(top, "en")


def test_a_zone_wanted_in_the_text_wins_over_one_not_wanted(ranker: Ranker) -> None:
    seen = ranker.understand(Requirement(sector_text="不要南边的，北部的园区，做集成电路设计"))
    assert [h.instead_of for h in seen.place_hits] == [""]


def test_the_customers_trade_is_said_once_and_never_explained_on_each_park(
    ranker: Ranker,
) -> None:
    text = (
        "本公司主要从事网络安全产品研发，核心产品包括下一代防火墙，"
        "服务对象涵盖政府、金融和能源行业客户。"
    )
    seen = ranker.understand(Requirement(sector_text=text))
    assert {"fintech", "future_energy"} <= seen.customers_sectors
    for match in ranked(ranker, text)[:5]:
        said = reasons(match)
        assert said.count("按客户或用户所在行业计，只作参考") == 1
        for word in ("“金融”", "“能源”"):
            assert word not in said.replace("“金融、能源”", "")
