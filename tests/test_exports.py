"""Spreadsheet exports never execute a cell and keep numbers numeric."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

from matcher.exports import csv_bytes, neutralise, xlsx_bytes

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"]


def test_cells_a_spreadsheet_would_run_are_neutralised() -> None:
    for text in DANGEROUS:
        assert neutralise(text) == "'" + text
    assert neutralise("集成电路") == "集成电路"
    assert neutralise(-5) == -5


def test_csv_has_a_bom_and_neutralised_text_but_numeric_numbers() -> None:
    frame = pd.DataFrame({"name": DANGEROUS, "score": [-1.5, 2, 3, 4, 5, 6]})
    raw = csv_bytes(frame)
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert back["name"].str.startswith("'").all()
    assert back["score"].tolist() == [-1.5, 2, 3, 4, 5, 6]


def test_xlsx_stores_dangerous_text_as_text_not_formula() -> None:
    frame = pd.DataFrame({"name": DANGEROUS, "score": [-1.5, 2, 3, 4, 5, 6]})
    book = load_workbook(io.BytesIO(xlsx_bytes({"parks": frame})))
    sheet = book["parks"]
    for row in sheet.iter_rows(min_row=2):
        assert row[0].data_type == "s" and str(row[0].value).startswith("'")
        assert row[1].data_type == "n"
    assert sheet.column_dimensions["A"].width >= 8
