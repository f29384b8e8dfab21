"""Batch matching takes lead lists as they come and never loses a row."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from matcher import Requirement
from matcher.batch import LONG_COLUMNS, run_batch
from matcher.batch_io import BatchError
from matcher.scoring import Ranker

ROWS = [
    ["request_id", "sector", "min_area_m2", "max_area_m2", "preferred_location"],
    ["L1", "集成电路", "5000", "", "温泉"],
    ["L2", "AI chips", "0.5万平方米", "", "north"],
    ["L3", "生物医药中试", "3000-5000㎡", "", "上庄"],
]


def write_csv(
    path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def run(path: Path, **kwargs: object) -> pd.DataFrame:
    summary, frame = run_batch(path, None, **kwargs)  # type: ignore[arg-type]
    assert frame is not None
    frame.attrs["summary"] = summary
    return frame


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_every_common_encoding_reads_the_same(tmp_path: Path, encoding: str) -> None:
    frame = run(write_csv(tmp_path / "leads.csv", ROWS, encoding), top_k=3)
    assert list(frame.columns[: len(LONG_COLUMNS)]) == LONG_COLUMNS
    assert frame["request_id"].tolist() == ["L1"] * 3 + ["L2"] * 3 + ["L3"] * 3
    assert frame.loc[0, "park_id"] == "P01"
    assert (frame["status"] == "ok").all()


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_comma_tab_and_semicolon_files_are_read(tmp_path: Path, delimiter: str) -> None:
    frame = run(write_csv(tmp_path / "leads.csv", ROWS, delimiter=delimiter), top_k=1)
    assert frame["park_id"].tolist() == ["P01", "P01", "P14"]


def test_encoding_can_be_overridden(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", ROWS, "gb18030")
    summary, frame = run_batch(path, None, encoding="gb18030", top_k=1)
    assert summary.encoding == "gb18030" and frame is not None and len(frame) == 3


def test_chinese_headers_in_any_order_with_extra_columns_passed_through(tmp_path: Path) -> None:
    rows = [
        ["意向区域", "企业名称", "产业方向", "面积需求", "需求编号", "联系人"],
        ["温泉", "芯片公司", "集成电路", "5000平米", "A-1", "张三"],
    ]
    frame = run(write_csv(tmp_path / "leads.csv", rows), top_k=2)
    assert frame["request_id"].tolist() == ["A-1", "A-1"]
    assert frame["联系人"].tolist() == ["张三", "张三"]
    assert frame.loc[0, "park_id"] == "P01"
    assert frame.attrs["summary"].columns["产业方向"] == "sector"


def test_excel_files_are_read_from_the_first_or_a_named_sheet(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "封面"
    workbook.active.append(["说明"])
    sheet = workbook.create_sheet("leads")
    for row in ROWS:
        sheet.append(row)
    sheet.append(["L4", "量子", 2000, None, None])  # a real number cell
    path = tmp_path / "leads.xlsx"
    workbook.save(path)
    frame = run(path, sheet="leads", top_k=1)
    assert frame["park_id"].tolist() == ["P01", "P01", "P14", "P18"]
    with pytest.raises(BatchError, match="no requirement columns"):
        run(path, top_k=1)  # the first sheet has no requirement columns


def test_malformed_rows_come_out_once_with_the_column_and_value(tmp_path: Path) -> None:
    rows = [
        *ROWS,
        ["L4", "集成电路", "20亩", "", ""],
        ["L5", "集成电路", "9000", "3000", ""],
        ["L1", "AI", "", "", ""],
        ["", "量子", "", "", ""],
        ["L7", "", "", "", ""],
        ["L8", "AI", "lots", "", ""],
    ]
    frame = run(write_csv(tmp_path / "leads.csv", rows), top_k=2)
    errors = frame[frame["status"] == "error"].set_index("request_id")["error"]
    assert "min_area_m2" in errors["L4"] and "20亩" in errors["L4"] and "land area" in errors["L4"]
    assert "min_area_m2" in errors["L5"] and "more than the maximum" in errors["L5"]
    assert "min_area_m2" in errors["L8"] and "lots" in errors["L8"]
    assert "no sector, area or location" in errors["L7"]
    assert errors.index.tolist().count("L1") == 1 and "duplicate" in errors["L1"]
    generated = frame[frame["request_id"] == "row-8"]
    assert generated["status"].tolist() == ["ok", "ok"]
    summary = frame.attrs["summary"]
    assert (summary.rows_read, summary.rows_matched, summary.rows_with_errors) == (9, 4, 5)
    assert summary.duplicate_ids == ["L1"]
    firsts = frame[(frame["status"] == "error") | (frame["rank"] == 1)]
    order = firsts["request_id"].tolist()
    assert order == ["L1", "L2", "L3", "L4", "L5", "L1", "row-8", "L7", "L8"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\r\n\n  \n", "no header row"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "binary"),
        (b"foo,bar\n1,2\n", "no requirement columns"),
    ],
)
def test_unusable_files_give_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(content)
    with pytest.raises(BatchError, match=message):
        run(path)


def test_a_file_with_only_headers_gives_an_empty_result(tmp_path: Path) -> None:
    frame = run(write_csv(tmp_path / "leads.csv", ROWS[:1]))
    assert len(frame) == 0 and frame.attrs["summary"].rows_read == 0


def test_batch_scores_equal_single_requirement_ranking(tmp_path: Path, ranker: Ranker) -> None:
    frame = run(write_csv(tmp_path / "leads.csv", ROWS), top_k=18)
    for request_id, sector, low, location in [
        ("L1", "集成电路", 5000, "温泉"),
        ("L2", "AI chips", 5000, "north"),
    ]:
        expected = ranker.rank(
            Requirement(sector_text=sector, min_area_m2=low, preferred_location=location)
        )
        got = frame[frame["request_id"] == request_id]
        assert got["park_id"].tolist() == [m.park_id for m in expected]
        assert got["score"].tolist() == [m.score for m in expected]
        assert got["fit"].tolist() == [m.fit.value for m in expected]
        assert got["reason_en"].tolist() == [m.reason("en") for m in expected]


def test_output_files_csv_with_bom_wide_and_xlsx(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "leads.csv", ROWS)
    run_batch(source, tmp_path / "out.csv", top_k=2)
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig").shape[0] == 6
    run_batch(source, tmp_path / "wide.csv", top_k=2, output_format="wide")
    wide = pd.read_csv(tmp_path / "wide.csv", encoding="utf-8-sig")
    assert wide["park_1"].tolist() == ["P01", "P01", "P14"] and "score_2" in wide.columns
    run_batch(source, tmp_path / "out.xlsx", top_k=2)
    assert pd.read_excel(tmp_path / "out.xlsx").shape[0] == 6


def test_large_files_are_processed_in_chunks_with_the_same_result(tmp_path: Path) -> None:
    rows = [ROWS[0]] + [
        [f"R{i}", ["集成电路", "AI", "量子", "x"][i % 4], str(1000 * (i % 7)), "", ""]
        for i in range(250)
    ]
    path = write_csv(tmp_path / "big.csv", rows)
    whole = run(path, top_k=3)
    chunks = []
    run_batch(
        path,
        tmp_path / "chunked.csv",
        top_k=3,
        chunk_rows=37,
        progress=lambda done, total: chunks.append(done),
    )
    chunked = pd.read_csv(
        tmp_path / "chunked.csv", encoding="utf-8-sig", keep_default_na=False, dtype=str
    )
    assert chunked["request_id"].tolist() == whole["request_id"].tolist()
    assert chunked["park_id"].tolist() == whole["park_id"].fillna("").tolist()
    assert chunks[-1] == 250 and len(chunks) == 7


cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["5000", "0.5万㎡", "20亩", "3000-5000", "-1", "AI", "温泉"]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(cell, cell, cell, cell, cell), max_size=12), st.integers(1, 5))
def test_output_has_one_entry_per_input_row(
    tmp_path: Path, rows: list[tuple[str, ...]], top_k: int
) -> None:
    clean = [
        [c.replace("\x00", "").replace("\r", " ").replace("\n", " ") for c in row] for row in rows
    ]
    path = write_csv(tmp_path / "prop.csv", [ROWS[0], *clean])
    try:
        summary, frame = run_batch(path, None, top_k=top_k)
    except BatchError:
        return  # a file the reader refuses is reported whole, never half-read
    assert frame is not None
    assert summary.rows_read == summary.rows_matched + summary.rows_with_errors
    per_row = frame.groupby("status").size().to_dict()
    assert per_row.get("error", 0) == summary.rows_with_errors
    assert per_row.get("ok", 0) == summary.rows_matched * top_k


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "集成电路",
                    "AI chips",
                    "生物医药中试",
                    "服装批发",
                    "",
                    "quantum",
                    "fintech near Tsinghua",
                    "集成电路设计，需要2000平米，希望在温泉",
                ]
            ),
            st.sampled_from(["", "5000", "0.5万平方米", "3000-5000㎡", "150000", "90000"]),
            st.sampled_from(["", "8000", "200000"]),
            st.sampled_from(["", "温泉", "north", "学院路", "Mars"]),
        ),
        min_size=1,
        max_size=6,
    )
)
@example(rows=[("", "", "", "Mars")])  # only an unknown place: nothing to score, said so
def test_batch_and_single_ranking_agree_on_every_row(
    tmp_path: Path, ranker: Ranker, rows: list[tuple[str, str, str, str]]
) -> None:
    from matcher.areas import AreaError

    table = [ROWS[0]] + [[f"X{i}", *row[:3], row[3]] for i, row in enumerate(rows)]
    _, frame = run_batch(write_csv(tmp_path / "agree.csv", table), None, top_k=18)
    assert frame is not None
    for i, (sector, low, high, location) in enumerate(rows):
        got = frame[frame["request_id"] == f"X{i}"]
        try:
            requirement = Requirement.from_cells(
                sector_text=sector,
                min_area=low,
                max_area=high,
                location=location,
                area_limit_m2=ranker.area_limit_m2,
            )
        except AreaError:
            assert got["status"].tolist() == ["error"]
            continue
        if got["status"].iloc[0] == "error":
            assert not (sector or low or high or location)
            continue
        expected = ranker.rank(requirement)
        assert got["park_id"].tolist() == [m.park_id for m in expected]
        assert got["score"].tolist() == [m.score for m in expected]
        assert got["fit"].tolist() == [m.fit.value for m in expected]
        assert got["reason_zh"].tolist() == [m.reason("zh") for m in expected]


# --- output in the user's language (--lang) ---

LANG_ROWS = [
    ["编号", "行业", "面积需求", "意向区域", "排名"],
    ["A1", "集成电路", "5000", "温泉", "x"],
    ["A1", "AI", "", "", "y"],
    ["A3", "生物医药", "1,2,3", "上地", "z"],
]


def test_without_lang_the_english_column_contract_and_error_text_stay(tmp_path: Path) -> None:
    frame = run(write_csv(tmp_path / "leads.csv", LANG_ROWS), top_k=1)
    assert list(frame.columns[: len(LONG_COLUMNS)]) == LONG_COLUMNS
    errors = frame.loc[frame["status"] == "error", "error"].tolist()
    assert errors == [
        "line 3, column 编号: duplicate id 'A1' (第 3 行“编号”列：编号“A1”重复)",
        "line 4, column 面积需求: '1,2,3' is not one number: commas may only separate "
        "thousands (第 4 行“面积需求”列：“1,2,3”不是一个数字：逗号只能用作千位分隔符)",
    ]
    assert frame["fit"].iloc[0] == "strong"


def test_lang_zh_writes_chinese_headers_labels_and_errors_naming_the_users_header(
    tmp_path: Path,
) -> None:
    frame = run(write_csv(tmp_path / "leads.csv", LANG_ROWS), top_k=1, lang="zh")
    assert list(frame.columns[:6]) == ["需求编号", "排名", "园区编号", "园区名称", "得分", "匹配度"]
    # The user's own 排名 column comes back, prefixed so no header repeats.
    assert list(frame.columns[-5:]) == ["编号", "行业", "面积需求", "意向区域", "输入_排名"]
    assert frame["匹配度"].iloc[0] == "强" and frame["状态"].iloc[0] == "已匹配"
    errors = frame.loc[frame["状态"] == "出错", "错误"].tolist()
    assert errors == [
        "第 3 行“编号”列：编号“A1”重复",
        "第 4 行“面积需求”列：“1,2,3”不是一个数字：逗号只能用作千位分隔符",
    ]
    assert all("line" not in e for e in errors)


def test_lang_en_writes_english_words_and_errors_without_chinese(tmp_path: Path) -> None:
    frame = run(write_csv(tmp_path / "leads.csv", LANG_ROWS), top_k=1, lang="en")
    assert list(frame.columns[:6]) == [
        "Request ID",
        "Rank",
        "Park ID",
        "Park name (Chinese)",
        "Score",
        "Fit",
    ]
    errors = frame.loc[frame["Status"] == "error", "Error"].tolist()
    assert errors[0] == "line 3, column 编号: duplicate id 'A1'"
    assert errors[1].startswith("line 4, column 面积需求: '1,2,3' is not one number")
    assert not errors[1].endswith(")")


def test_lang_output_shows_the_score_that_agrees_with_the_fit_label(tmp_path: Path) -> None:
    from matcher.catalogue import default_catalogue
    from matcher.display import shown_value

    plain = run(write_csv(tmp_path / "leads.csv", ROWS), top_k=18)
    shown = run(write_csv(tmp_path / "leads.csv", ROWS), top_k=18, lang="en")
    scale = default_catalogue().tuning.shown
    expected = [shown_value(s, f, scale) for s, f in zip(plain["score"], plain["fit"], strict=True)]
    assert shown["Score"].tolist() == expected


def test_lang_wide_output_numbers_its_headers(tmp_path: Path) -> None:
    frame = run(write_csv(tmp_path / "leads.csv", ROWS), top_k=2, output_format="wide", lang="zh")
    assert [c for c in frame.columns if c in ("园区编号_1", "得分_1", "匹配度_2", "理由_1")] == [
        "园区编号_1",
        "得分_1",
        "匹配度_2",
        "理由_1",
    ]
    assert not [c for c in frame.columns if "英文" in c]  # the reader's language only
    assert len(frame) == 3


risky = st.sampled_from(["=1+1", "+cmd", "-5", "@SUM(A1)", "\t=2", "集成电路", "AI chips", "5000"])


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(risky, risky, risky, risky), min_size=1, max_size=6))
def test_the_csv_written_is_the_frame_returned_made_safe(
    tmp_path: Path, rows: list[tuple[str, str, str, str]]
) -> None:
    """The CSV is assembled and written by Arrow; it must say exactly what the returned frame
    says, written the way every other export is (exports.write_csv: no formula)."""
    from matcher.exports import write_csv as export_csv

    header = ["编号", "产业方向", '=HYPERLINK("x")', "面积需求"]
    source = write_csv(tmp_path / "risky.csv", [header, *[list(r) for r in rows]])
    try:
        run_batch(source, tmp_path / "out.csv", top_k=2)
    except BatchError:
        return
    _, frame = run_batch(source, None, top_k=2)
    assert frame is not None
    export_csv(frame, tmp_path / "expected.csv")
    written = (tmp_path / "out.csv").read_bytes()
    assert written == (tmp_path / "expected.csv").read_bytes()
    assert b"\n=" not in written and b",=" not in written and b'"=' not in written


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=12))
def test_cells_are_normalised_as_normalize_keep_case_does(text: str) -> None:
    from matcher.batch import _normalized
    from matcher.text import normalize_keep_case

    assert _normalized([text, text + "  x", " " + text]) == [
        normalize_keep_case(t) for t in (text, text + "  x", " " + text)
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_and_its_downloads_say_what_the_command_line_writes(
    tmp_path: Path, lang: str
) -> None:
    """The Batch page shows for_reader(frame) and downloads it; `matcher batch --lang` writes
    its file: one rendering, so the screen, the downloads and the file agree cell for cell."""
    from matcher.batch import for_reader
    from matcher.catalogue import default_catalogue

    rows = [*LANG_ROWS, ["B9", "集成电路", "900000", "", ""]]  # one park too small to hold it
    source = write_csv(tmp_path / "leads.csv", rows)
    written = tmp_path / "out.csv"
    run_batch(source, written, top_k=3, lang=lang)  # type: ignore[arg-type]
    on_page = for_reader(
        run(source, top_k=3, for_any_reader=True),
        lang,
        default_catalogue().tuning.shown,  # type: ignore[arg-type]
    )
    from_file = pd.read_csv(written, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    shown = on_page
    assert list(from_file.columns) == list(shown.columns)
    score = "得分" if lang == "zh" else "Score"
    fit = "匹配度" if lang == "zh" else "Fit"
    assert from_file[fit].tolist() == shown[fit].fillna("").tolist()

    def numbers(values: pd.Series) -> list[float | None]:
        return [None if pd.isna(v) or v in ("", "nan", "None") else float(v) for v in values]

    assert numbers(from_file[score]) == numbers(shown[score])
    assert ("无 · 面积不足" if lang == "zh" else "none · cannot fit") in shown[fit].tolist()


def test_a_lead_list_wider_than_the_limit_is_refused_naming_the_limit(tmp_path: Path) -> None:
    from matcher.batch import MAX_COLUMNS

    headers = ["request_id", "sector", *(f"extra {i}" for i in range(MAX_COLUMNS - 1))]
    cells = ["L1", "集成电路", *[""] * (MAX_COLUMNS - 1)]
    source = write_csv(tmp_path / "wide.csv", [headers, cells])
    with pytest.raises(BatchError) as refused:
        run_batch(source, None)
    for lang in ("zh", "en"):
        said = refused.value.message.in_(lang)  # type: ignore[arg-type]
        assert "wide.csv" in said and str(MAX_COLUMNS + 1) in said and str(MAX_COLUMNS) in said
    # One column fewer is a lead list like any other.
    fits = write_csv(tmp_path / "fits.csv", [headers[:-1], cells[:-1]])
    assert len(run(fits)) == 5


def test_a_parquet_result_holds_what_the_returned_frame_holds(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    # Chunks of two rows: a passthrough column empty in the first chunk, filled later.
    rows = [[*ROWS[0], "remark"], *([*r, ""] for r in ROWS[1:3]), [*ROWS[3], "later"]]
    rows += [[f"M{i}", "AI", "abc" if i % 2 else "2000", "", "", "x"] for i in range(5)]
    source = write_csv(tmp_path / "leads.csv", rows)
    _, frame = run_batch(source, None, for_any_reader=True)
    output = tmp_path / "result.parquet"
    summary, none = run_batch(source, output, for_any_reader=True, chunk_rows=2)
    assert none is None and summary.rows_read == 8
    stored = pq.read_table(output).to_pandas()
    pd.testing.assert_frame_equal(stored, frame)
    assert "_error_zh" in stored and "_error_en" in stored  # for any reader
