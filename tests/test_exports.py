"""Spreadsheet exports never execute a cell and keep numbers numeric."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from matcher import exports
from matcher.exports import (
    EXCEL_MAX_ROWS,
    EXCEL_MAX_TEXT,
    TooManyRowsError,
    clean_text,
    csv_bytes,
    excel_text,
    neutralise,
    write_xlsx,
    xlsx_bytes,
)

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


def as_excel_shows(value: object) -> object:
    """Excel decodes the _xHHHH_ escapes XML needs for control characters; openpyxl does not."""
    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def read_xlsx(raw: bytes, sheet: str) -> list[list[object]]:
    rows = load_workbook(io.BytesIO(raw))[sheet].iter_rows()
    return [[(as_excel_shows(c.value), c.data_type) for c in row] for row in rows]


def test_headers_are_neutralised_in_csv_and_xlsx() -> None:
    frame = pd.DataFrame({'=HYPERLINK("http://x","y")': ["a"], "ok": ["b"]})
    header = csv_bytes(frame).decode("utf-8-sig").splitlines()[0]
    assert header.startswith("\"'=HYPERLINK(")
    cells = read_xlsx(xlsx_bytes({"s": frame}), "s")[0]
    assert cells[0] == ('\'=HYPERLINK("http://x","y")', "s")
    custom = xlsx_bytes({"s": frame}, headers={"s": ["@evil", "fine"]})
    assert read_xlsx(custom, "s")[0] == [("'@evil", "s"), ("fine", "s")]


def test_characters_xml_cannot_hold_become_visible_escapes() -> None:
    frame = pd.DataFrame({"note\x01": ["line\x0bbreak", "bell\x07"]})
    cells = read_xlsx(xlsx_bytes({"s": frame}), "s")
    assert [row[0][0] for row in cells] == ["note\\x01", "line\\x0bbreak", "bell\\x07"]


def test_a_shortlist_note_with_a_vertical_tab_exports() -> None:
    about = pd.DataFrame({"field": ["note"], "requirement": ["第一行\x0b第二行"]})
    cells = read_xlsx(xlsx_bytes({"requirement": about}), "requirement")
    assert cells[1][1] == ("第一行\\x0b第二行", "s")


def test_numbers_stay_numbers_missing_cells_stay_empty_and_the_header_is_frozen() -> None:
    frame = pd.DataFrame(
        {"rank": pd.array([1, None], dtype="Int64"), "score": [0.5, float("nan")], "n": ["", "x"]}
    )
    raw = xlsx_bytes({"m": frame})
    cells = read_xlsx(raw, "m")
    assert cells[1][:2] == [(1, "n"), (0.5, "n")]
    assert cells[2][0][0] is None and cells[2][1][0] is None and cells[2][2] == ("x", "s")
    sheet = load_workbook(io.BytesIO(raw))["m"]
    assert sheet.freeze_panes == "A2"
    assert 8 <= sheet.column_dimensions["A"].width <= 60


def test_more_rows_than_excel_holds_is_a_clear_error_suggesting_csv(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": np.zeros(EXCEL_MAX_ROWS, dtype=np.int8)})
    with pytest.raises(TooManyRowsError, match="CSV") as caught:
        write_xlsx({"big": frame}, tmp_path / "big.xlsx")
    assert "1,048,576" in str(caught.value) and "请导出为 CSV" in str(caught.value)
    assert isinstance(caught.value, ValueError) and not (tmp_path / "big.xlsx").exists()
    write_xlsx({"fits": frame.iloc[1:]}, tmp_path / "fits.xlsx")  # header + 1,048,575 rows


texts = st.text(st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=60, deadline=None)
@given(cell=texts, header=texts.filter(lambda h: h.strip() != ""))
def test_any_text_comes_back_as_text_never_a_formula(cell: str, header: str) -> None:
    frame = pd.DataFrame({header: [cell]}, dtype=object)
    back = pd.read_csv(
        io.BytesIO(csv_bytes(frame)), dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    assert list(back.columns) == [neutralise(header)] or back.columns[0].startswith("Unnamed")
    assert back.iloc[0, 0] == neutralise(cell)
    rows = read_xlsx(xlsx_bytes({"s": frame}), "s")
    assert rows[0][0] == (neutralise(clean_text(header)), "s")
    if cell:  # an empty cell is not written at all
        assert rows[1][0] == (neutralise(clean_text(cell)), "s")


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(texts, min_size=1, max_size=8), as_str=st.booleans())
def test_a_column_of_any_texts_comes_back_cell_for_cell(cells: list[str], as_str: bool) -> None:
    """The vectorised path (a whole column at once) agrees with excel_text on every cell."""
    frame = pd.DataFrame({"t": cells}, dtype="str" if as_str else object)
    rows = read_xlsx(xlsx_bytes({"s": frame}), "s")[1:]
    expected = [(excel_text(c), "s") if c else (None, "n") for c in cells]
    assert [row[0] for row in rows] + [(None, "n")] * (len(cells) - len(rows)) == expected


def test_a_column_mixing_text_and_numbers_keeps_each_cell_s_kind() -> None:
    frame = pd.DataFrame(
        {
            "mixed": pd.Series(["=x", 3, None, True, 2.5, float("inf")], dtype=object),
            "text": ["a", "b", "c", "d", "e", "f"],
        }
    )
    rows = read_xlsx(xlsx_bytes({"m": frame}), "m")[1:]
    assert [row[0] for row in rows] == [
        ("'=x", "s"),
        (3, "n"),
        (None, "n"),
        ("TRUE", "s"),
        (2.5, "n"),
        (None, "n"),
    ]
    assert [row[1][0] for row in rows] == ["a", "b", "c", "d", "e", "f"]


def test_overlong_cells_lone_surrogates_and_non_finite_numbers() -> None:
    frame = pd.DataFrame(
        {
            "t": pd.Series(["a\ud800b", "x" * 40_000, "\x0b=1", "+1"], dtype=object),
            "n": [float("nan"), float("inf"), -float("inf"), 1e300],
        }
    )
    rows = read_xlsx(xlsx_bytes({"m": frame}), "m")[1:]
    assert rows[0][0] == ("a\\ud800b", "s")
    long = rows[1][0][0]
    # The cut is said in the text's own language (this one is English).
    assert isinstance(long, str) and len(long) == EXCEL_MAX_TEXT
    assert long.endswith("[cut: an Excel cell holds 32,767 characters]")
    assert [row[0][0] for row in rows[2:]] == ["\\x0b=1", "'+1"]
    assert [row[1][0] for row in rows] == [None, None, None, 1e300]


def test_streamed_frames_keep_their_order_across_blocks_and_dtypes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several frames, each cut into blocks, written to an open file as `matcher batch` does;
    a column empty in one frame and text in the next still lines up."""
    monkeypatch.setattr(exports, "ROWS_PER_BLOCK", 2)
    frames = [
        pd.DataFrame({"id": [f"R{i}" for i in range(k, k + 5)], "note": [None] * 5, "x": 1.5})
        for k in (0, 5)
    ]
    frames.append(pd.DataFrame({"id": ["R10"], "note": ["-bad"], "x": [2]}))
    target = tmp_path / "out.xlsx"
    with target.open("wb") as handle:
        write_xlsx({"m": iter(frames)}, handle)
    rows = read_xlsx(target.read_bytes(), "m")
    assert rows[0] == [("id", "s"), ("note", "s"), ("x", "s")]
    assert [row[0][0] for row in rows[1:]] == [f"R{i}" for i in range(11)]
    assert rows[-1][1:] == [("'-bad", "s"), (2, "n")]
    assert all(row[1] == (None, "n") and row[2] == (1.5, "n") for row in rows[1:-1])
