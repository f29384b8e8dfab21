"""Staff teach the matcher a term: it joins the chain knowledge, the data version covers it,
what the catalogue already knows is refused, and the preview measures the change first."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from matcher.catalogue import Catalogue
from matcher.errors import UsageError
from matcher.i18n import catalogue, same
from matcher.lexicon import (
    TaughtEntry,
    TaughtTerm,
    TaughtTermError,
    lexicon_csv,
    preview_term,
    read_term,
    term_problems,
    with_taught_terms,
)
from matcher.models import Fit, Requirement
from matcher.scoring import Ranker
from matcher.workspace import Workspace

# 质子治疗 (proton therapy) is a medical device the curated data knows only in English (as
# 放疗设备's "proton therapy"; the Chinese word finds nothing, checked below);
# the parks listing medical devices as a lead industry are P14 (国际医谷) and P15 (四季青).
PROTON = TaughtTerm(
    term_zh="质子治疗",
    term_en=("proton beam therapy",),
    sector_id="devices",
    segment="design",
    note="radiotherapy equipment: a medical device",
)


def test_a_term_nobody_taught_finds_no_sector(ranker: Ranker) -> None:
    matches = ranker.rank(Requirement(sector_text="质子治疗"))
    assert {m.fit for m in matches} == {Fit.NONE}


def test_a_taught_term_ranks_the_parks_of_its_chain_first_and_says_so(
    catalogue: Catalogue,
) -> None:
    taught = Ranker(with_taught_terms(catalogue, [PROTON]))
    for text in ("质子治疗", "proton beam therapy", "我们做质子治疗"):
        top = taught.rank(Requirement(sector_text=text))[:2]
        assert {m.park_id for m in top} == {"P14", "P15"}, text
        assert all(m.fit is Fit.STRONG for m in top)
    reason = taught.rank(Requirement(sector_text="质子治疗"))[0].reasons_zh[0]
    assert "质子治疗" in reason and "医疗器械" in reason


def test_the_data_version_covers_taught_terms_in_any_order(catalogue: Catalogue) -> None:
    other = TaughtTerm(
        term_zh="高压氧舱", term_en="hyperbaric chamber", sector_id="devices", segment="design"
    )
    one = with_taught_terms(catalogue, [PROTON, other])
    two = with_taught_terms(catalogue, [other, PROTON])
    assert one.version == two.version != catalogue.version
    assert one.taught_terms == 2
    assert with_taught_terms(catalogue, []) is catalogue


def test_english_variants_come_from_one_cell() -> None:
    term = TaughtTerm(
        term_zh="质子治疗",
        term_en="proton therapy | proton beam therapy, PBT",
        sector_id="devices",
        segment="design",
    )
    assert term.term_en == ("proton therapy", "proton beam therapy", "PBT")


@pytest.mark.parametrize(
    "cells",
    [
        {"term_zh": "质子\x00治疗"},
        {"term_zh": "人工\u200b智能"},
        {"term_zh": "\u202e能智工人"},
        {"term_en": "proton\x0btherapy"},
        {"note": "why\x07"},
        {"term_en": "x" * 41},
        {"term_en": "|".join(f"t{i}" for i in range(9))},
        {"term_zh": "质" * 41},
        {"term_zh": "  "},
        {"term_en": " | , "},
    ],
)
def test_a_term_with_control_characters_or_out_of_bounds_is_refused(
    cells: dict[str, str],
) -> None:
    fields = {**PROTON.model_dump(), **cells}
    with pytest.raises(ValidationError):
        TaughtTerm(**fields)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"term_zh": "光刻胶"}, "已在产业链知识中（集成电路产业链）"),
        ({"term_en": ("artificial intelligence",)}, "已是产业目录中人工智能的名称"),
        ({"term_zh": "芯"}, "太短"),
        ({"term_en": ("of",)}, "“of”太短：至少 3 个字符"),
        ({"sector_id": "chips"}, "未知的产业编号“chips”"),
        ({"secondary_sector_id": "devices"}, "次要产业与所属产业相同"),
        ({"segment": "midstream"}, "未知的产业链环节“midstream”"),
        ({"term_en": ("质子治疗",)}, "重复"),
    ],
)
def test_a_term_that_cannot_be_taught_says_why(
    catalogue: Catalogue, changes: dict[str, object], expected: str
) -> None:
    term = PROTON.model_copy(update=changes)
    problems = term_problems(catalogue, term)
    assert any(expected in p.zh for p in problems), [p.zh for p in problems]
    assert all(p.en and p.en != p.zh for p in problems)
    assert with_taught_terms(catalogue, [term]) is catalogue  # never joins the chains


def test_a_taught_term_the_curated_data_has_since_learnt_is_left_out(
    catalogue: Catalogue,
) -> None:
    learnt = with_taught_terms(catalogue, [PROTON])
    again = with_taught_terms(learnt, [PROTON])
    assert len(again.chains) == len(learnt.chains)


def _gold(tmp_path: Path) -> Path:
    # Graded by hand from the parks' published positioning (P05 is the IC design park; P01,
    # P03 and P16 list IC among others; P14/P15 list medical devices as a lead industry).
    path = tmp_path / "gold.csv"
    path.write_text(
        "request_id,sector,min_area_m2,max_area_m2,preferred_location,gold\n"
        "G1,集成电路设计企业,,,,P05:3;P01:2;P03:2;P16:2\n"
        "G2,医疗器械企业,,,,P14:3;P15:3\n"
        "G3,服装批发,,,,\n",
        encoding="utf-8",
    )
    return path


def test_the_preview_measures_a_harmless_term_as_no_change(ranker: Ranker, tmp_path: Path) -> None:
    preview = preview_term(ranker, PROTON, [_gold(tmp_path)])
    assert not preview.problems
    [(before, after)] = preview.sets
    assert before == after and before.hit1 == 1.0 and before.no_fit_rows == 1
    assert preview.worse == ()
    assert {m.fit for m in preview.top_before} == {Fit.NONE}
    assert {m.park_id for m in preview.top_after[:2]} == {"P14", "P15"}


def test_the_preview_shows_a_term_that_hijacks_a_common_word(
    ranker: Ranker, tmp_path: Path
) -> None:
    # "企业" (company) appears in most requirements; mapping it to quantum drags P18 up everywhere.
    hijack = TaughtTerm(term_zh="企业", term_en="enterprise", sector_id="quantum", segment="design")
    preview = preview_term(ranker, hijack, [_gold(tmp_path)])
    assert preview.worse == ("gold.csv",)
    [(before, after)] = preview.sets
    assert after.ndcg5 < before.ndcg5


def test_a_stage_word_taught_as_a_sector_cannot_hijack_a_named_one(
    ranker: Ranker, tmp_path: Path
) -> None:
    # "研发" (R&D) names a stage of work (data/reading.toml): beside a sector it is not read.
    stage = TaughtTerm(term_zh="研发", term_en="R&D", sector_id="quantum", segment="design")
    gold = tmp_path / "gold.csv"
    gold.write_text(
        "request_id,sector,min_area_m2,max_area_m2,preferred_location,gold\n"
        "G1,集成电路设计研发,,,,P05:3;P01:2;P03:2;P16:2\n",
        encoding="utf-8",
    )
    assert preview_term(ranker, stage, [gold]).worse == ()


def test_the_preview_of_a_known_term_only_gives_its_problems(
    ranker: Ranker, tmp_path: Path
) -> None:
    preview = preview_term(ranker, PROTON.model_copy(update={"term_zh": "光刻胶"}), [])
    assert preview.problems and not preview.sets and not preview.top_after


def test_the_export_is_chains_csv_plus_who_and_when_with_formulas_neutralised() -> None:
    when = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    entry = TaughtEntry(
        id=1,
        term=PROTON.model_copy(update={"note": "=HYPERLINK(1)", "term_en": ("a", "b")}),
        taught_by="li",
        taught_at=when,
    )
    data = lexicon_csv([entry])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [
        {
            "term_zh": "质子治疗",
            "term_en": "a|b",
            "sector_id": "devices",
            "secondary_sector_id": "",
            "segment": "design",
            "note": "'=HYPERLINK(1)",
            "taught_by": "li",
            "taught_at": "2026-11-23T08:30:00+00:00",
            "retired_by": "",
            "retired_at": "",
        }
    ]


# -- in the workspace ------------------------------------------------------------------------


def test_a_taught_term_is_stored_with_who_and_when_and_changes_the_ranking(
    workspace: Workspace,
) -> None:
    base_version = workspace.lexicon.data_version
    when = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    entry = workspace.lexicon.teach(PROTON, actor="li", now=when)
    assert (entry.taught_by, entry.taught_at, entry.active) == ("li", when, True)
    assert workspace.lexicon.terms() == [entry]
    assert workspace.lexicon.data_version != base_version
    top = workspace.lexicon.ranker.rank(Requirement(sector_text="质子治疗"))[:2]
    assert {m.park_id for m in top} == {"P14", "P15"}
    case = workspace.cases.create(Requirement(sector_text="质子治疗"), actor="li")
    assert case.snapshot is not None
    assert case.snapshot.data_version == workspace.lexicon.data_version


def test_a_retired_term_stops_counting_but_its_record_stays(workspace: Workspace) -> None:
    base_version = workspace.lexicon.data_version
    entry = workspace.lexicon.teach(PROTON, actor="li")
    retired = workspace.lexicon.retire(entry.id, actor="wang")
    assert (retired.retired_by, retired.active) == ("wang", False)
    assert workspace.lexicon.data_version == base_version
    matches = workspace.lexicon.ranker.rank(Requirement(sector_text="质子治疗"))
    assert {m.fit for m in matches} == {Fit.NONE}
    assert [e.id for e in workspace.lexicon.terms()] == [entry.id]
    again = workspace.lexicon.teach(PROTON, actor="li")  # and it can be taught again
    assert again.id != entry.id


def test_the_workspace_refuses_a_term_taught_twice(workspace: Workspace) -> None:
    workspace.lexicon.teach(PROTON, actor="li")
    with pytest.raises(TaughtTermError) as raised:
        workspace.lexicon.teach(PROTON, actor="wang")
    assert "already in the chain knowledge" in str(raised.value)
    assert len(workspace.lexicon.terms()) == 1


def test_the_form_names_every_missing_or_unusable_field() -> None:
    with pytest.raises(TaughtTermError) as raised:
        read_term(term_zh=" ", term_en="ok | " + "x" * 41, sector_id=None, segment="design")
    said = [p.zh for p in raised.value.problems]
    assert said == [
        "“英文术语”太长：每项最多 40 个字符",
        "请填写“中文术语”",
        "请填写“所属产业（产业链）”",
    ]
    with pytest.raises(TaughtTermError, match="--en"):
        read_term(
            term_zh="质子治疗",
            term_en="",
            sector_id="devices",
            segment="design",
            field_names=dict(catalogue()) | {"lexicon_term_en": same("--en")},
        )


def test_the_preview_names_the_requirements_a_broad_word_would_take_over(ranker: Ranker) -> None:
    # 宠物科技公司 (a pet-tech company) is read as a biomedicine matter; "科技公司" taught as AI
    # would read it as AI instead: an understood requirement rerouted.
    broad = TaughtTerm(term_zh="科技公司", term_en="tech company", sector_id="ai", segment="design")
    preview = preview_term(ranker, broad, [], ["宠物科技公司", "宠物科技公司", "集成电路设计"])
    assert preview.texts_scanned == 2
    [again] = preview.rerouted
    assert again.text == "宠物科技公司" and again.sectors_after[0] == "ai"
    assert preview.needs_care
    narrow = preview_term(ranker, PROTON, [], ["我们做质子治疗", "集成电路设计"])
    [again] = narrow.read_again
    assert (again.sectors_before, again.sectors_after) == ((), ("devices",))
    assert not narrow.rerouted and not narrow.needs_care


def test_the_preview_names_a_gold_file_it_cannot_read(ranker: Ranker, tmp_path: Path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    preview = preview_term(ranker, PROTON, [bad, _gold(tmp_path)])
    assert [name for name, _ in preview.unreadable] == ["notes.csv"]
    assert [before.name for before, _ in preview.sets] == ["gold.csv"]


def test_two_staff_teaching_one_word_at_once_keep_one(
    workspace: Workspace, db_url: str, ranker: Ranker, tmp_path: Path
) -> None:
    other = Workspace.open(db_url, ranker=ranker)
    try:
        assert other.lexicon.ranker is not None  # its view of the taught terms is now a moment old
        workspace.lexicon.teach(PROTON, actor="li")
        with pytest.raises(TaughtTermError, match="a colleague a moment ago"):
            other.lexicon.teach(PROTON, actor="wang")
    finally:
        other.engine.dispose()
    assert [e.taught_by for e in workspace.lexicon.terms()] == ["li"]


def test_retiring_a_retired_term_says_who_retired_it(workspace: Workspace) -> None:
    entry = workspace.lexicon.teach(PROTON, actor="li")
    workspace.lexicon.retire(entry.id, actor="wang")
    with pytest.raises(UsageError, match="already retired by wang"):
        workspace.lexicon.retire(entry.id, actor="li")
