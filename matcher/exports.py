"""Writing tables users open in spreadsheets: CSV with BOM and XLSX, safe from formula injection."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# OWASP CSV injection: a cell starting with one of these may run as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(text: str) -> str:
    """Prefix text that a spreadsheet would evaluate as a formula with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def neutralise(value: object) -> object:
    """neutralise_text for text cells; numbers and empty cells pass unchanged."""
    return neutralise_text(value) if isinstance(value, str) else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell neutralised; numeric columns untouched."""
    safe = frame.copy()
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
    buffer = BytesIO()
    write_csv(frame, buffer, encoding)
    return buffer.getvalue()


def _fill_sheet(ws: Worksheet, frame: pd.DataFrame, headers: Sequence[str] | None) -> None:
    titles = list(headers) if headers is not None else [str(c) for c in frame.columns]
    ws.append(titles)
    for values in frame.itertuples(index=False):
        ws.append([_cell(v) for v in values])
    # A text cell must stay text: openpyxl would store "=..." as a live formula.
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.value = neutralise_text(cell.value)
                cell.data_type = TYPE_STRING
    for index, title in enumerate(titles, start=1):
        shown = [title, *(str(v) for v in frame.iloc[:200, index - 1].tolist())]
        width = max(_display_width(v) for v in shown)
        ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "A2"


def _cell(value: object) -> object:
    """Missing values (None, NaN, pd.NA) become empty cells; numpy numbers plain numbers."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _display_width(text: str) -> int:
    """Characters count double when they are CJK, as spreadsheets render them."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame], headers: Mapping[str, Sequence[str]] | None = None
) -> bytes:
    """An XLSX workbook with one sheet per frame, text neutralised, widths fitted."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for name, frame in sheets.items():
        _fill_sheet(workbook.create_sheet(title=name[:31]), frame, (headers or {}).get(name))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
