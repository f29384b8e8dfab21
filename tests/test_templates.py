"""The lead-list template: headers from data/column_aliases.csv, one example row that matches."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from matcher.batch import run_batch
from matcher.batch_io import load_column_aliases, map_headers
from matcher.templates import (
    expected_columns,
    is_chinese,
    template_csv,
    template_frame,
    template_xlsx,
)

# The first Chinese alias of each column, in the order of data/column_aliases.csv.
HEADERS = ["编号", "企业名称", "行业", "最小面积", "最大面积", "区位"]


def test_the_csv_template_has_chinese_headers_and_one_example_row() -> None:
    raw = template_csv()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8 Chinese
    frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str)
    assert list(frame.columns) == HEADERS
    assert len(frame) == 1
    assert frame.iloc[0].to_dict() == {
        "编号": "L001",
        "企业名称": "示例科技有限公司",
        "行业": "集成电路设计",
        "最小面积": "3000",
        "最大面积": "5000",
        "区位": "温泉",
    }


def test_the_xlsx_template_has_the_same_headers_and_numbers_as_numbers() -> None:
    sheet = load_workbook(io.BytesIO(template_xlsx())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 2
    assert rows[1][HEADERS.index("最小面积")] == 3000


def test_every_template_header_is_read_back_as_its_column() -> None:
    mapping = map_headers(HEADERS, load_column_aliases())
    assert mapping == {
        "编号": "request_id",
        "企业名称": "company",
        "行业": "sector",
        "最小面积": "min_area_m2",
        "最大面积": "max_area_m2",
        "区位": "preferred_location",
    }


def test_a_filled_template_matches_without_errors(tmp_path: Path) -> None:
    made = [
        (f"t-{lang}.{kind}", make(lang))
        for lang in ("zh", "en")
        for kind, make in (("csv", template_csv), ("xlsx", template_xlsx))
    ]
    for name, raw in made:
        source = tmp_path / name
        source.write_bytes(raw)
        summary, frame = run_batch(source, None, top_k=3)
        assert (summary.rows_read, summary.rows_matched, summary.rows_with_errors) == (1, 1, 0)
        assert frame is not None
        assert frame["request_id"].tolist() == ["L001"] * 3
        assert set(frame["status"]) == {"ok"}


def test_headers_follow_the_data_file_not_the_code(data_copy: Path) -> None:
    aliases = data_copy / "column_aliases.csv"
    lines = aliases.read_text(encoding="utf-8").splitlines()
    # A new first Chinese variant for request_id, and a column without any Chinese name.
    lines.insert(1, "request_id,线索号")
    lines.append("budget,budget")
    aliases.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = template_frame("zh", data_copy)
    assert list(frame.columns) == ["线索号", *HEADERS[1:], "budget"]
    assert frame["budget"].tolist() == [""]


def test_expected_columns_list_each_column_with_its_chinese_variants() -> None:
    table = expected_columns().set_index("column")
    assert list(table.index) == [
        "request_id",
        "company",
        "sector",
        "min_area_m2",
        "max_area_m2",
        "preferred_location",
    ]
    sector = table.loc["sector", "chinese_headers"].split("、")
    assert sector[:3] == ["行业", "产业", "产业方向"]
    assert "industry" not in sector
    assert table.loc["min_area_m2", "example"] == "3000"


def test_chinese_is_told_apart_from_latin_text() -> None:
    assert is_chinese("面积需求") and is_chinese("最小面积(平方米)")
    assert not is_chinese("lead id") and not is_chinese("min_area_m2") and not is_chinese("")


def test_the_english_template_has_english_headers_and_an_english_example() -> None:
    frame = template_frame("en")
    assert list(frame.columns)[:3] == ["request_id", "company", "sector"]
    assert frame["sector"].tolist() == ["IC design"]
    assert frame["preferred_location"].tolist() == ["Wenquan"]
