"""Reading XLSX lead lists in bounded memory, saying which rows cannot be trusted and why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from matcher.batch_io import BatchError, open_table
from matcher.xlsx_reader import XlsxError, cell_text, open_xlsx
from tests.xlsx_fixtures import Formula, RawSheet, lead_rows, write_column_bomb, write_raw_xlsx


def read_all(path: Path, **kwargs: object) -> pd.DataFrame:
    table = open_xlsx(path, **kwargs)  # type: ignore[arg-type]
    return pd.concat(list(table.chunks))


def test_cells_read_as_a_person_sees_them() -> None:
    assert cell_text(5000.0) == "5000"
    assert cell_text(1234.5) == "1234.5"
    assert cell_text(0.1 + 0.2) == "0.3"  # Excel shows 15 significant digits
    assert cell_text(42) == "42"
    assert cell_text(True) == "TRUE"
    assert cell_text(None) == ""
    assert cell_text(dt.datetime(2024, 5, 1)) == "2024-05-01"
    assert cell_text(dt.datetime(2024, 5, 1, 13, 45)) == "2024-05-01 13:45:00"


def test_a_sheet_claiming_16384_columns_is_cut_to_the_header(tmp_path: Path) -> None:
    path = write_column_bomb(tmp_path / "bomb.xlsx", rows=300, every=7)
    table = open_xlsx(path, chunk_rows=100)
    chunks = list(table.chunks)
    assert [len(c) for c in chunks] == [100, 100, 100]
    assert all(list(c.columns) == list(next(lead_rows(0))) for c in chunks)
    frame = pd.concat(chunks)
    assert frame.index.tolist() == list(range(2, 302))  # spreadsheet line numbers
    assert frame.loc[2].tolist() == ["L1", "集成电路", "1000", "中关村"]
    assert table.row_problems == {}


def test_blank_rows_are_skipped_and_all_cells_are_text(tmp_path: Path) -> None:
    rows = [["id", "area", "when"], ["A", 5000.0, None], [None, None, None], ["B", 12, "x"]]
    path = write_raw_xlsx(tmp_path / "t.xlsx", [RawSheet("s", rows)])
    frame = read_all(path)
    assert frame.index.tolist() == [2, 4]
    assert frame.to_dict("list") == {"id": ["A", "B"], "area": ["5000", "12"], "when": ["", "x"]}


def test_formula_without_saved_value_makes_that_row_a_problem(tmp_path: Path) -> None:
    rows = [
        ["request_id", "min_area_m2"],
        ["A", Formula("1000*2", cached="2000")],
        ["B", Formula("1000*3")],
    ]
    table = open_xlsx(write_raw_xlsx(tmp_path / "f.xlsx", [RawSheet("s", rows)]))
    frame = pd.concat(list(table.chunks))
    assert frame["min_area_m2"].tolist() == ["2000", ""]
    assert list(table.row_problems) == [3]
    problem = table.row_problems[3]
    assert "B3" in problem.en and "formula" in problem.en
    assert "B3" in problem.zh and "公式" in problem.zh


def test_cells_inside_merged_ranges_make_their_rows_problems(tmp_path: Path) -> None:
    rows = [["request_id", "sector", "note"]] + [[f"R{i}", "AI", "n"] for i in range(2, 8)]
    # B3:B5 is merged down three rows; C6:D6 reaches past the header, so C6 is alone.
    sheet = RawSheet("s", rows, merges=["B3:B5", "C6:D6", "A7:B7"])
    table = open_xlsx(write_raw_xlsx(tmp_path / "m.xlsx", [sheet]))
    list(table.chunks)
    assert sorted(table.row_problems) == [4, 5, 7]
    assert "B3:B5" in table.row_problems[4].zh and "合并单元格" in table.row_problems[4].zh
    assert "merged cells B3:B5" in table.row_problems[4].en


def test_the_visible_active_sheet_is_read_and_named(tmp_path: Path) -> None:
    sheets = [
        RawSheet("old", [["request_id"], ["hidden"]], state="hidden"),
        RawSheet("leads", [["request_id"], ["visible"]]),
        RawSheet("notes", [["request_id"], ["third"]]),
    ]
    path = write_raw_xlsx(tmp_path / "h.xlsx", sheets, active=0)  # the hidden one is active
    table = open_xlsx(path)
    assert table.sheet == "leads"
    assert pd.concat(list(table.chunks))["request_id"].tolist() == ["visible"]
    assert open_xlsx(write_raw_xlsx(tmp_path / "a.xlsx", sheets, active=2)).sheet == "notes"
    assert read_all(path, sheet="old")["request_id"].tolist() == ["hidden"]


def test_an_unknown_sheet_name_lists_the_sheets(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "封面"
    book.create_sheet("leads")
    book.save(tmp_path / "w.xlsx")
    with pytest.raises(XlsxError, match="封面, leads"):
        open_xlsx(tmp_path / "w.xlsx", sheet="nope")


def test_a_sheet_beyond_the_cell_cap_is_refused_naming_the_cap(tmp_path: Path) -> None:
    path = write_raw_xlsx(tmp_path / "big.xlsx", [RawSheet("s", lead_rows(100))])
    with pytest.raises(XlsxError, match="more than 250 cells"):
        open_xlsx(path, max_cells=250)
    assert len(read_all(path, max_cells=404)) == 100  # 101 rows x 4 cells


def test_open_table_exposes_sheet_and_row_problems(tmp_path: Path) -> None:
    rows = [["request_id", "min_area_m2"], ["A", Formula("1+1")]]
    path = write_raw_xlsx(tmp_path / "t.xlsx", [RawSheet("名单", rows)])
    source = open_table(path)
    assert source.sheet == "名单"
    list(source.chunks)
    assert list(source.row_problems) == [2]
    with pytest.raises(BatchError, match=r"t\.xlsx: .*sheets are: 名单"):
        open_table(path, sheet="x")
