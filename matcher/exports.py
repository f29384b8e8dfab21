"""Writing tables users open in spreadsheets: CSV with BOM and XLSX, safe from formula injection."""

from __future__ import annotations

import itertools
import math
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from matcher.errors import UserFacingError
from matcher.i18n import label, say
from matcher.text import has_cjk

if TYPE_CHECKING:
    from rvgsrust_xlsxwriter import Workbook, Worksheet

# OWASP CSV injection: a cell starting with one of these may run as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGERS = pa.array(FORMULA_TRIGGERS, type=pa.string())


def neutralise_text(text: str) -> str:
    """Prefix text that a spreadsheet would evaluate as a formula with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def neutralise(value: object) -> object:
    """neutralise_text for text cells; numbers and empty cells pass unchanged."""
    return neutralise_text(value) if isinstance(value, str) else value


def neutralise_arrow(values: pa.Array) -> pa.Array:
    """neutralise_text over a whole Arrow text column, vectorised; nulls stay null."""
    risky = pc.is_in(pc.utf8_slice_codeunits(values, 0, 1), value_set=_TRIGGERS)
    if not pc.any(risky).as_py():
        return values
    return pc.if_else(risky, pc.binary_join_element_wise("'", values, ""), values)


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


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as compressed Parquet: how a result is kept to be worded again later."""
    import pyarrow.parquet as pq

    buffer = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer, compression="zstd")
    return bytes(buffer.getvalue().to_pybytes())


def xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame], headers: Mapping[str, Sequence[str]] | None = None
) -> bytes:
    """write_xlsx into memory, for downloads."""
    buffer = BytesIO()
    write_xlsx(sheets, buffer, headers)
    return buffer.getvalue()


# -- XLSX ---------------------------------------------------------------------------------------
# rvgsrust-xlsxwriter binds rust_xlsxwriter (by XlsxWriter's author). Each block of rows goes in
# as an Arrow table (write_dataframe: no Python per cell) to a constant-memory worksheet, which
# streams rows to a temporary file, so memory stays flat whatever the row count. Text is always
# a string cell (never a formula, URL or number); what needs changing is changed here first.

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_TEXT = 32_767
WIDTH_SAMPLE_ROWS = 200
ROWS_PER_BLOCK = 10_000

# XML 1.0 forbids these; openpyxl's ILLEGAL_CHARACTERS_RE plus lone surrogates and U+FFFE/F.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The same for Arrow's RE2 (Arrow text cannot hold a lone surrogate at all).
_ILLEGAL_XML_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]"


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
        # The note follows the text's own language: a reader of either sees why it ends.
        note = label("excel_cell_cut", "zh" if has_cjk(text[:2000]) else "en")
        text = text[: EXCEL_MAX_TEXT - len(note)] + note
    return text


SheetRows = pd.DataFrame | Iterable[pd.DataFrame]


def write_xlsx(
    sheets: Mapping[str, SheetRows],
    target: Path | BinaryIO,
    headers: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """One sheet per frame (or per iterable of frames, written as they come): header row
    frozen, widths fitted to the first rows, text always text (excel_text), numbers numeric.
    Raises TooManyRowsError if a sheet will not fit in Excel; nothing is written then."""
    for name, rows in sheets.items():
        if isinstance(rows, pd.DataFrame):
            _check_rows(name, len(rows))
    # Imported here: only XLSX output needs it (`matcher rank` starts without it).
    from rvgsrust_xlsxwriter import Workbook

    workbook = Workbook()
    for title, (name, rows) in zip(_sheet_titles(list(sheets)), sheets.items(), strict=True):
        given = (headers or {}).get(name)
        sheet = workbook.add_worksheet(title, constant_memory=True)
        _fill_sheet(sheet, name, rows, given)
    _save(workbook, target)


def _save(workbook: Workbook, target: Path | BinaryIO) -> None:
    """Zip the workbook into `target`: a path, memory, or any handle (via a temporary file, so
    a large workbook is never held in memory whole)."""
    if isinstance(target, Path):
        workbook.close(str(target))
    elif isinstance(target, BytesIO):
        target.write(workbook.save_to_buffer())
    else:
        with tempfile.TemporaryDirectory(prefix="matcher-xlsx-") as folder:
            temp = Path(folder) / "out.xlsx"
            workbook.close(str(temp))
            with temp.open("rb") as written:
                shutil.copyfileobj(written, target, 1 << 20)


def _check_rows(name: str, rows: int) -> None:
    if rows + 1 > EXCEL_MAX_ROWS:
        raise TooManyRowsError(
            say("excel_too_many_rows", sheet=name, rows=rows + 1, limit=EXCEL_MAX_ROWS)
        )


def _fill_sheet(sheet: Worksheet, name: str, rows: SheetRows, given: Sequence[str] | None) -> None:
    frames = iter([rows]) if isinstance(rows, pd.DataFrame) else iter(rows)
    first = next(frames, pd.DataFrame())
    names = [str(c) for c in (given if given is not None else first.columns)]
    for col, title in enumerate(names):
        sample = first.iloc[:WIDTH_SAMPLE_ROWS, col] if col < first.shape[1] else pd.Series()
        sheet.set_column_width(col, _fitted_width(title, sample))
        if heading := excel_text(title):
            sheet.write(0, col, heading)  # a str is always written as a string cell
    sheet.freeze_panes(1, 0)
    row = 1
    for frame in itertools.chain([first], frames):
        _check_rows(name, row - 1 + len(frame))
        _write_frame(sheet, frame, row)
        row += len(frame)


def _write_frame(sheet: Worksheet, frame: pd.DataFrame, first_row: int) -> None:
    """Rows in order (constant memory needs that), a block of rows per Arrow table, so the
    extra memory held stays one block's whatever the frame's length."""
    for start in range(0, len(frame), ROWS_PER_BLOCK):
        block = frame.iloc[start : start + ROWS_PER_BLOCK]
        columns = [_arrow_column(block.iloc[:, i]) for i in range(block.shape[1])]
        if not columns:
            continue
        if all(column is not None for column in columns):
            table = pa.table({f"c{i}": column for i, column in enumerate(columns)})
            sheet.write_dataframe(first_row + start, 0, table, write_header=False)
        else:  # a column mixing text and numbers (never from a batch): cell by cell
            cells = [_column_values(block.iloc[:, i]) for i in range(block.shape[1])]
            for offset, values in enumerate(zip(*cells, strict=True), start=first_row + start):
                sheet.write_row(offset, 0, list(values))


def _arrow_column(values: pd.Series) -> pa.Array | None:
    """A column as one typed Arrow array of the cells to write: finite float64 numbers, or
    text made safe by excel_text, null for an empty cell. None if it mixes text and numbers."""
    dtype = values.dtype
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        numbers = values.astype("float64").to_numpy(na_value=np.nan)
        return pa.array(numbers, type=pa.float64(), mask=~np.isfinite(numbers))
    if pd.api.types.is_string_dtype(dtype) and (
        not pd.api.types.is_object_dtype(dtype)
        or pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")
    ):
        try:
            return _safe_text(pa.array(values, type=pa.string(), from_pandas=True))
        except UnicodeEncodeError:  # a lone surrogate: excel_text escapes it below
            pass
    cells = [_any_value(v) for v in values.tolist()]
    if any(cell is not None and not isinstance(cell, str) for cell in cells):
        return None
    return pa.array(cells, type=pa.string())


def _safe_text(strings: pa.Array) -> pa.Array:
    """excel_text over a whole column: vectorised, Python only for cells XML cannot hold
    as they are or longer than Excel allows. An empty string becomes an empty cell."""
    odd = pc.or_(  # bytes: a cell of fewer UTF-8 bytes than the limit has fewer characters
        pc.match_substring_regex(strings, _ILLEGAL_XML_RE2),
        pc.greater(pc.binary_length(strings), EXCEL_MAX_TEXT),
    )
    if pc.any(odd).as_py():
        cells = [excel_text(v) if v else None for v in strings.to_pylist()]
        return pa.array(cells, type=pa.string())
    strings = neutralise_arrow(strings)
    empty = pc.equal(strings, "")
    if pc.any(empty).as_py():
        strings = pc.if_else(empty, pa.scalar(None, pa.string()), strings)
    return strings


def _column_values(values: pd.Series) -> list[object]:
    """A column as the cells to write one by one: finite numbers, cleaned text, or None."""
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
