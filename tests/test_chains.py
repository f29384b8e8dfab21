"""Industry-chain knowledge (data/chains.csv): what the data must hold, what check-data refuses,
and how the text scan reads product and technology words alongside the sector aliases."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from matcher import Catalogue
from matcher.catalogue import CatalogueError, chain_gaps, load_catalogue
from matcher.cli import main
from matcher.i18n import Text
from matcher.scoring import Ranker
from matcher.text import normalize


def _append(path: Path, row: dict[str, str]) -> None:
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, fieldnames=list(row), lineterminator="\n").writerow(row)


def _row(**fields: str) -> dict[str, str]:
    row = {
        "term_zh": "测试专用术语甲",
        "term_en": "test-only term alpha",
        "sector_id": "ic",
        "secondary_sector_id": "",
        "segment": "components",
        "note": "",
    }
    row.update(fields)
    return row


def _problems(data_copy: Path) -> Text:
    """Every problem check-data finds, one a line, in each language."""
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(data_copy)
    problems = caught.value.problems
    return Text("\n".join(p.zh for p in problems), "\n".join(p.en for p in problems))


# -- the data ---------------------------------------------------------------------------------


def test_every_sector_has_a_chain_of_products_across_segments(catalogue: Catalogue) -> None:
    per_sector = Counter(term.sector_id for term in catalogue.chains)
    assert set(per_sector) == {s.sector_id for s in catalogue.sectors}
    assert min(per_sector.values()) >= 15
    assert len(catalogue.chains) >= 1500
    segments = {term.segment for term in catalogue.chains}
    assert segments == {s.segment_id for s in catalogue.segments}


def test_segments_run_upstream_to_services_in_both_languages(catalogue: Catalogue) -> None:
    names = [(s.name_zh, s.name_en) for s in catalogue.segments]
    assert names[0] == ("上游材料", "upstream materials")
    assert names[-1][0] == "配套服务"
    assert [s.position for s in catalogue.segments] == sorted(
        s.position for s in catalogue.segments
    )


def test_every_term_has_chinese_and_english(catalogue: Catalogue) -> None:
    for term in catalogue.chains:
        assert term.term_zh and term.term_en, term


def test_no_chain_term_repeats_a_sector_alias(catalogue: Catalogue) -> None:
    aliases = {normalize(a) for s in catalogue.sectors for a in s.aliases_zh + s.aliases_en}
    for term in catalogue.chains:
        assert not {normalize(t) for t in term.terms} & aliases, term.term_zh


def test_compound_products_are_placed_by_function(catalogue: Catalogue) -> None:
    by_zh = {term.term_zh: term for term in catalogue.chains}
    assert (by_zh["手术机器人"].sector_id, by_zh["手术机器人"].secondary_sector_id) == (
        "devices",
        "embodied",
    )
    assert (by_zh["车规级芯片"].sector_id, by_zh["车规级芯片"].secondary_sector_id) == (
        "ic",
        "autonomous",
    )
    assert by_zh["光刻胶"].segment == "upstream_materials"


def test_the_chain_files_are_part_of_the_data_version(data_copy: Path) -> None:
    before = load_catalogue(data_copy).version
    _append(data_copy / "chains.csv", _row())
    assert load_catalogue(data_copy).version != before


# -- what check-data refuses ------------------------------------------------------------------


def test_a_term_with_an_unknown_sector_is_refused(data_copy: Path) -> None:
    _append(data_copy / "chains.csv", _row(sector_id="spaceships"))
    problems = _problems(data_copy)
    assert "(测试专用术语甲), field sector_id: unknown sector id 'spaceships'" in problems.en
    assert "（测试专用术语甲），字段 sector_id：未知的行业编号“spaceships”" in problems.zh


def test_an_unknown_secondary_sector_is_refused(data_copy: Path) -> None:
    _append(data_copy / "chains.csv", _row(secondary_sector_id="nope"))
    problems = _problems(data_copy)
    assert "field secondary_sector_id: unknown sector id 'nope'" in problems.en
    assert "字段 secondary_sector_id：未知的行业编号“nope”" in problems.zh


def test_a_secondary_sector_equal_to_the_primary_is_refused(data_copy: Path) -> None:
    _append(data_copy / "chains.csv", _row(secondary_sector_id="ic"))
    problems = _problems(data_copy)
    assert "field secondary_sector_id: same as sector_id 'ic'" in problems.en
    assert "字段 secondary_sector_id：次要行业与主行业 sector_id 相同（“ic”）" in problems.zh


def test_a_term_without_english_is_refused(data_copy: Path) -> None:
    _append(data_copy / "chains.csv", _row(term_en=""))
    problems = _problems(data_copy)
    assert "chains.csv line" in problems.en and "field term_en: should not be empty" in problems.en
    assert "chains.csv 第" in problems.zh and "字段 term_en：不能为空" in problems.zh


def test_a_term_without_chinese_is_refused(data_copy: Path) -> None:
    _append(data_copy / "chains.csv", _row(term_zh=""))
    problems = _problems(data_copy)
    assert "field term_zh: should not be empty" in problems.en
    assert "字段 term_zh：不能为空" in problems.zh


def test_an_unknown_segment_is_refused(data_copy: Path) -> None:
    _append(data_copy / "chains.csv", _row(segment="midstream"))
    problems = _problems(data_copy)
    assert "field segment: unknown segment 'midstream', see chain_segments.csv" in problems.en
    assert "字段 segment：未知的产业链环节“midstream”，见 chain_segments.csv" in problems.zh


def test_a_term_mapped_two_ways_is_refused(data_copy: Path) -> None:
    _append(data_copy / "chains.csv", _row(term_zh="光刻胶", term_en="resist", sector_id="ai"))
    problems = _problems(data_copy)
    assert re.search(
        r"'光刻胶' is also on line \d+, mapped to ic/new_materials there and ai/- here", problems.en
    )
    assert re.search(
        r"“光刻胶”在第 \d+ 行也出现过，那里映射到 ic/new_materials，这里映射到 ai/-：术语映射冲突",
        problems.zh,
    )


def test_a_term_given_twice_the_same_way_is_a_duplicate(data_copy: Path) -> None:
    _append(
        data_copy / "chains.csv",
        _row(term_zh="光刻胶", term_en="resist", secondary_sector_id="new_materials"),
    )
    problems = _problems(data_copy)
    assert re.search(r"'光刻胶' is also on line \d+, mapped the same way: a duplicate", problems.en)
    assert re.search(r"“光刻胶”在第 \d+ 行也出现过，映射相同：术语重复", problems.zh)


def test_a_term_that_is_another_sectors_alias_is_refused(data_copy: Path) -> None:
    _append(data_copy / "chains.csv", _row(term_zh="集成电路", sector_id="ai"))
    problems = _problems(data_copy)
    assert "'集成电路' conflicts with the alias of sector ic" in problems.en
    assert "“集成电路”与 sectors.csv 中行业 ic 的别名冲突" in problems.zh


def test_a_term_that_is_its_own_sectors_alias_is_refused(data_copy: Path) -> None:
    _append(data_copy / "chains.csv", _row(term_zh="集成电路"))
    problems = _problems(data_copy)
    assert "'集成电路' repeats the alias of sector ic" in problems.en
    assert "“集成电路”与 sectors.csv 中行业 ic 的别名重复" in problems.zh


def test_a_missing_chain_file_is_named(data_copy: Path) -> None:
    (data_copy / "chains.csv").unlink()
    problems = _problems(data_copy)
    assert "chains.csv: file not found" in problems.en
    assert "chains.csv：文件不存在" in problems.zh


# -- reading chain terms in text --------------------------------------------------------------


def _sectors(ranker: Ranker, text: str) -> list[tuple[str, str | None]]:
    return [
        (h.sector_id, h.chain.role if h.chain else None) for h in ranker.taxonomy.find_sectors(text)
    ]


@pytest.mark.parametrize(
    ("text", "sector"),
    [
        ("光刻胶", "ic"),
        ("photoresists", "ic"),
        ("刻蚀机", "ic"),
        ("钠离子电池", "future_energy"),
        ("sodium-ion batteries", "future_energy"),
        ("病毒载体", "cgt"),
        ("双特异性抗体", "protein"),
        ("谐波减速器", "embodied"),
        ("域控制器", "autonomous"),
        ("零信任", "cybersecurity"),
        ("zero trust", "cybersecurity"),
        ("稀释制冷机", "quantum"),
        ("相控阵天线", "satellite"),
        ("动力电池", "future_energy"),
    ],
)
def test_product_words_name_their_chain(ranker: Ranker, text: str, sector: str) -> None:
    assert _sectors(ranker, text)[0] == (sector, "primary")


def test_a_secondary_sector_follows_its_primary(ranker: Ranker) -> None:
    assert _sectors(ranker, "骨科手术机器人") == [("devices", "primary"), ("embodied", "secondary")]


def test_english_chain_terms_are_whole_words(ranker: Ranker) -> None:
    assert _sectors(ranker, "a stenting company") == []  # "stent" is not cut out of "stenting"


def test_longest_first_lets_a_product_beat_the_alias_inside_it(ranker: Ranker) -> None:
    # 半导体设备 contains the alias 半导体; both are IC, but the hit is the equipment segment.
    hit = ranker.taxonomy.find_sectors("半导体设备")[0]
    assert hit.chain is not None and hit.chain.segment.segment_id == "upstream_equipment"


def test_published_positioning_is_read_with_sector_aliases_only(ranker: Ranker) -> None:
    assert all(h.chain is None for h in ranker.taxonomy.find_exact("AI芯片", chains=False))


def test_a_long_english_product_name_forgives_a_typo(ranker: Ranker) -> None:
    hits = ranker.taxonomy.find_sectors("a photoresit supplier")
    assert hits and hits[0].sector_id == "ic" and hits[0].how == "fuzzy"


# -- terms in both languages (check-data's list of gaps) ----------------------------------------


def test_a_term_whose_english_head_has_no_chinese_form_is_listed_where_it_is(
    data_copy: Path,
) -> None:
    _append(
        data_copy / "chains.csv",
        _row(term_zh="测试专用光刻机", term_en="test-only lithography system"),
    )
    lines = len((data_copy / "chains.csv").read_text(encoding="utf-8").splitlines())
    gaps = [g.en for g in chain_gaps(data_copy) if "测试专用光刻机" in g.en]
    assert gaps == [
        f"chains.csv line {lines} (测试专用光刻机): the English “test-only lithography system” "
        "ends in “system”, but no Chinese form ends in 系统"
    ]


def test_a_term_whose_chinese_head_has_no_english_form_is_listed_in_chinese_too(
    data_copy: Path,
) -> None:
    _append(data_copy / "chains.csv", _row(term_zh="测试专用服务", term_en="test-only help"))
    gaps = [g.zh for g in chain_gaps(data_copy) if "测试专用服务" in g.zh]
    assert len(gaps) == 1 and "中文写法“测试专用服务”以服务结尾" in gaps[0]
    assert "“service/services”" in gaps[0]


def test_a_term_with_its_head_in_both_languages_is_not_listed(data_copy: Path) -> None:
    _append(
        data_copy / "chains.csv",
        _row(term_zh="测试专用光刻机|测试专用光刻系统", term_en="test-only lithography system"),
    )
    assert not [g for g in chain_gaps(data_copy) if "测试专用" in g.en]


def test_the_gaps_are_a_list_to_work_through_not_a_refusal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATCHER_LANG", "en")
    assert main(["check-data"]) == 0
    out = capsys.readouterr().out
    assert "Chain-term head words written in one language only" in out
    assert out.count("chains.csv line") == len(chain_gaps())
