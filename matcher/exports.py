"""Writing tables users open in spreadsheets: CSV with BOM and XLSX, safe from formula injection."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
import pandas as pd

from matcher.errors import UserFacingError

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

# OWASP CSV injection: a cell starting with one of these may run as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(text: str) -> str:
    """Prefix text that a spreadsheet would evaluate as a formula with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def neutralise(value: object) -> object:
    """neutralise_text for text cells; numbers and empty cells pass unchanged."""
    return neutralise_text(value) if isinstance(value, str) else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell and header neutralised; numbers untouched."""
    safe = frame.copy()
    safe.columns = pd.Index([neutralise_text(str(c)) for c in frame.columns], dtype=object)
    for column in safe.columns:
        values = safe[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            risky = values.str.startswith(FORMULA_TRIGGERS, na=False).to_numpy(dtype=bool)
            if risky.any():
                fixed = values.astype(object)
                fixed[risky] = "'" + values[risky].astype(str)
                safe[column] = fixed
    return safe


def write_csv(
    frame: pd.DataFrame,
    target: Path | BinaryIO,
    encoding: str = "utf-8-sig",
    append: bool = False,
) -> None:
    """CSV with a BOM by default so Excel shows Chinese correctly; appends without a header.

    `target` is a path or an open binary handle (appending then means "after what is there").
    """
    if isinstance(target, Path):
        with target.open("ab" if append else "wb") as handle:
            write_csv(frame, handle, encoding, append)
        return
    safe = neutralise_frame(frame)
    if encoding.replace("_", "-").lower() in ("utf-8", "utf-8-sig", "utf8"):
        if encoding.lower().endswith("sig") and not append:
            target.write(b"\xef\xbb\xbf")
        # Arrow's C++ writer: large batch outputs are written many times faster than by pandas.
        # Imported here, as xlsxwriter below: each is needed only for its own format.
        import pyarrow as pa
        import pyarrow.csv as pa_csv

        table = pa.Table.from_pandas(safe, preserve_index=False)
        pa_csv.write_csv(
            table,
            target,
            pa_csv.WriteOptions(include_header=not append, quoting_style="needed"),
        )
        return
    if append and encoding.lower().replace("_", "-") == "utf-16":
        encoding = "utf-16-le"  # one BOM, at the start
    # CRLF rows make the csv module quote a bare \r inside a cell, and suit Excel.
    text = safe.to_csv(index=False, header=not append, lineterminator="\r\n")
    target.write(text.encode(encoding))


def csv_bytes(frame: pd.DataFrame, encoding: str = "utf-8-sig") -> bytes:
    """write_csv into memory, for downloads."""
    buffer = BytesIO()
    write_csv(frame, buffer, encoding)
    return buffer.getvalue()


def xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame], headers: Mapping[str, Sequence[str]] | None = None
) -> bytes:
    """write_xlsx into memory, for downloads."""
    buffer = BytesIO()
    write_xlsx(sheets, buffer, headers)
    return buffer.getvalue()


# -- XLSX ---------------------------------------------------------------------------------------
# XlsxWriter in constant_memory mode streams each row to a temporary file, so memory stays
# flat whatever the row count. It never turns text into formulas, URLs or numbers here.

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_TEXT = 32_767
WIDTH_SAMPLE_ROWS = 200
ROWS_PER_BLOCK = 10_000

# XML 1.0 forbids these; openpyxl's ILLEGAL_CHARACTERS_RE plus lone surrogates and U+FFFE/F.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CUT_NOTE = "…[cut: an Excel cell holds 32,767 characters / Excel单元格上限]"
_WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": False,
}


class TooManyRowsError(UserFacingError):
    """A sheet would exceed Excel's 1,048,576 rows; CSV has no such limit."""


def clean_text(text: str) -> str:
    """Characters XML cannot hold become a visible escape such as '\\x0b' (4 characters)."""
    return ILLEGAL_XML.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def excel_text(text: str) -> str:
    """A text cell as written to XLSX: neutralised, XML-safe, within Excel's cell limit."""
    text = neutralise_text(clean_text(text))
    if len(text) > EXCEL_MAX_TEXT:
        text = text[: EXCEL_MAX_TEXT - len(_CUT_NOTE)] + _CUT_NOTE
    return text


SheetRows = pd.DataFrame | Iterable[pd.DataFrame]


def write_xlsx(
    sheets: Mapping[str, SheetRows],
    target: Path | BinaryIO,
    headers: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """One sheet per frame (or per iterable of frames, written as they come): header row
    frozen, widths fitted to the first rows, text always text (excel_text), numbers numeric.
    Raises TooManyRowsError if a sheet will not fit in Excel."""
    for name, rows in sheets.items():
        if isinstance(rows, pd.DataFrame):
            _check_rows(name, len(rows))
    import xlsxwriter

    workbook = xlsxwriter.Workbook(target, _WORKBOOK_OPTIONS)
    try:
        for title, (name, rows) in zip(_sheet_titles(list(sheets)), sheets.items(), strict=True):
            given = (headers or {}).get(name)
            _fill_sheet(workbook.add_worksheet(title), name, rows, given)
    finally:
        workbook.close()


def _check_rows(name: str, rows: int) -> None:
    if rows + 1 > EXCEL_MAX_ROWS:
        raise TooManyRowsError(
            f"sheet '{name}' would have {rows + 1:,} rows, more than Excel's "
            f"{EXCEL_MAX_ROWS:,}; export as CSV instead "
            f"(行数超过 Excel 上限 {EXCEL_MAX_ROWS:,}，请导出为 CSV)"
        )


def _fill_sheet(sheet: Worksheet, name: str, rows: SheetRows, given: Sequence[str] | None) -> None:
    frames = iter([rows]) if isinstance(rows, pd.DataFrame) else iter(rows)
    first = next(frames, pd.DataFrame())
    names = [str(c) for c in (given if given is not None else first.columns)]
    for col, title in enumerate(names):
        sample = first.iloc[:WIDTH_SAMPLE_ROWS, col] if col < first.shape[1] else pd.Series()
        sheet.set_column(col, col, _fitted_width(title, sample))
        sheet.write_string(0, col, excel_text(title))
    sheet.freeze_panes(1, 0)
    row = 1
    for frame in itertools.chain([first], frames):
        _check_rows(name, row - 1 + len(frame))
        _write_frame(sheet, frame, row)
        row += len(frame)


def _write_frame(sheet: Worksheet, frame: pd.DataFrame, first_row: int) -> None:
    """Rows in order (constant_memory needs that), each cell by its column's kind; converted
    a block at a time so the Python objects held stay few whatever the frame's length."""
    write_number, write_string = sheet.write_number, sheet.write_string
    for start in range(0, len(frame), ROWS_PER_BLOCK):
        block = frame.iloc[start : start + ROWS_PER_BLOCK]
        columns = [_column_values(block.iloc[:, i]) for i in range(block.shape[1])]
        for offset, values in enumerate(zip(*columns, strict=True), start=first_row + start):
            for col, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, str):
                    write_string(offset, col, value)
                else:
                    write_number(offset, col, value)


def _column_values(values: pd.Series) -> list[object]:
    """A column as the cells to write: finite numbers, cleaned text, or None for empty."""
    if pd.api.types.is_bool_dtype(values.dtype) or not pd.api.types.is_numeric_dtype(values.dtype):
        return [_any_value(v) for v in values.tolist()]
    numbers = values.astype("float64").to_numpy(na_value=np.nan).tolist()
    return [v if math.isfinite(v) else None for v in numbers]


def _any_value(value: object) -> object:
    if isinstance(value, str):
        return excel_text(value) if value else None
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) and abs(value) < 1e308 else None
    return excel_text(str(value))


def _sheet_titles(names: list[str]) -> list[str]:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique."""
    titles: list[str] = []
    for name in names:
        base = re.sub(r"[\[\]:*?/\\]", "_", clean_text(name)).strip("'")[:31] or "Sheet"
        title, n = base, 1
        while title.casefold() in (t.casefold() for t in titles):
            n += 1
            title = f"{base[: 31 - len(str(n)) - 1]}_{n}"
        titles.append(title)
    return titles


def _display_width(text: str) -> int:
    """Characters count double when they are CJK, as spreadsheets render them."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _fitted_width(title: str, sample: pd.Series) -> int:
    shown = [title, *(str(v) for v in sample.tolist() if v is not None and v is not pd.NA)]
    return min(max(max(_display_width(v) for v in shown) + 2, 8), 60)
