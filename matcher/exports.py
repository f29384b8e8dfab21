"""Writing tables users open in spreadsheets: CSV with BOM and XLSX, safe from formula injection."""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from openpyxl.utils import get_column_letter

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
    frame: pd.DataFrame, target: Path | BytesIO, encoding: str = "utf-8-sig", append: bool = False
) -> None:
    """CSV with a BOM by default so Excel shows Chinese correctly; appends without a header."""
    safe = neutralise_frame(frame)
    if isinstance(target, BytesIO):
        target.write(safe.to_csv(index=False, lineterminator="\r\n").encode(encoding))
        return
    if encoding.replace("_", "-").lower() in ("utf-8", "utf-8-sig", "utf8"):
        _write_utf8(
            safe, target, bom=encoding.lower().endswith("sig") and not append, append=append
        )
        return
    if append:
        encoding = "utf-8" if encoding == "utf-8-sig" else encoding  # one BOM, at the start
    # CRLF rows make the csv module quote a bare \r inside a cell, and suit Excel.
    safe.to_csv(
        target,
        index=False,
        encoding=encoding,
        mode="a" if append else "w",
        header=not append,
        lineterminator="\r\n",
    )


def _write_utf8(frame: pd.DataFrame, target: Path, *, bom: bool, append: bool) -> None:
    """Arrow's C++ CSV writer: large batch outputs are written many times faster than by pandas."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with target.open("ab" if append else "wb") as handle:
        if bom:
            handle.write(b"\xef\xbb\xbf")
        pa_csv.write_csv(table, handle, pa_csv.WriteOptions(include_header=not append))


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
#
# openpyxl (write_only) and XlsxWriter (constant_memory) spend 10+ µs per cell in Python:
# 100k requests x top 5 took minutes. The sheet XML is therefore built column by column
# here, and the small fixed parts of the package are written as text.

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_TEXT = 32_767
WIDTH_SAMPLE_ROWS = 200
ROWS_PER_BLOCK = 5_000

# XML 1.0 forbids these; openpyxl's ILLEGAL_CHARACTERS_RE plus lone surrogates and U+FFFE/F.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


class TooManyRowsError(ValueError):
    """A sheet would exceed Excel's 1,048,576 rows; CSV has no such limit."""


def clean_text(text: str) -> str:
    """Characters XML cannot hold become a visible escape such as '\\x0b' (4 characters)."""
    return ILLEGAL_XML.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def write_xlsx(
    sheets: Mapping[str, pd.DataFrame],
    target: Path | BinaryIO,
    headers: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """One sheet per frame: header row frozen, widths fitted to the first rows, text always
    text (neutralised, illegal characters escaped by clean_text), numbers numeric.
    Raises TooManyRowsError before writing anything if a frame will not fit in a sheet."""
    for name, frame in sheets.items():
        if len(frame) + 1 > EXCEL_MAX_ROWS:
            raise TooManyRowsError(
                f"sheet '{name}' would have {len(frame) + 1:,} rows, more than Excel's "
                f"{EXCEL_MAX_ROWS:,}; export as CSV instead "
                f"(行数超过 Excel 上限 {EXCEL_MAX_ROWS:,}，请导出为 CSV)"
            )
    titles = _sheet_titles(list(sheets))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(titles)))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook_xml(titles))
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(titles)))
        archive.writestr("xl/styles.xml", _STYLES)
        for number, (name, frame) in enumerate(sheets.items(), start=1):
            given = (headers or {}).get(name)
            names = [str(c) for c in (given if given is not None else frame.columns)]
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as handle:
                for part in _sheet_xml(frame, names):
                    handle.write(part.encode("utf-8"))


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


def _text_cell(text: str) -> str:
    return neutralise_text(clean_text(text))[:EXCEL_MAX_TEXT]


def _column_cells(values: pd.Series, letter: str, rows: range) -> list[str]:
    """The <c> elements of one column for the given sheet rows; missing values are omitted."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return [
            "" if v is pd.NA else f'<c r="{letter}{r}" t="b"><v>{int(v)}</v></c>'
            for v, r in zip(values.tolist(), rows, strict=True)
        ]
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.astype("float64").to_numpy(na_value=np.nan)
        return [
            f'<c r="{letter}{r}"><v>{v!r}</v></c>' if math.isfinite(v) else ""
            for v, r in zip(numbers.tolist(), rows, strict=True)
        ]
    return [_any_cell(v, f"{letter}{r}") for v, r in zip(values.tolist(), rows, strict=True)]


def _any_cell(value: object, ref: str) -> str:
    if isinstance(value, str):
        if not value:
            return ""
        text = _text_cell(value).translate(_XML_ESCAPES)
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float) and math.isfinite(value) and abs(value) < 1e308:
        return f'<c r="{ref}"><v>{float(value)!r}</v></c>'
    if isinstance(value, float) and math.isnan(value):
        return ""
    return _any_cell(str(value), ref)


def _sheet_xml(frame: pd.DataFrame, names: list[str]) -> Iterator[str]:
    letters = [get_column_letter(i) for i in range(1, len(names) + 1)]
    widths = [
        _fitted_width(name, frame.iloc[:WIDTH_SAMPLE_ROWS, i]) for i, name in enumerate(names)
    ]
    yield (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
        'sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
    )
    if names:
        yield (
            "<cols>"
            + "".join(
                f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                for i, w in enumerate(widths, start=1)
            )
            + "</cols>"
        )
    yield "<sheetData>"
    header = [_any_cell(name, f"{letter}1") for name, letter in zip(names, letters, strict=True)]
    yield '<row r="1">' + "".join(header) + "</row>"
    for start in range(0, len(frame), ROWS_PER_BLOCK):
        block = frame.iloc[start : start + ROWS_PER_BLOCK]
        rows = range(start + 2, start + 2 + len(block))
        columns = [_column_cells(block.iloc[:, i], letters[i], rows) for i in range(len(names))]
        yield (
            "".join(
                f'<row r="{r}">{"".join(cells)}</row>'
                for r, cells in zip(rows, zip(*columns, strict=True), strict=True)
            )
            if columns
            else "".join(f'<row r="{r}"/>' for r in rows)
        )
    yield "</sheetData></worksheet>"


def _display_width(text: str) -> int:
    """Characters count double when they are CJK, as spreadsheets render them."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _fitted_width(title: str, sample: pd.Series) -> int:
    shown = [title, *(str(v) for v in sample.tolist() if v is not None and v is not pd.NA)]
    return min(max(max(_display_width(v) for v in shown) + 2, 8), 60)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ROOT_RELS = (
    f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
    f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_STYLES = (
    f'{_XML_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _content_types(count: int) -> str:
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_type}"/>'
        for i in range(1, count + 1)
    )
    return (
        f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheets}</Types>"
    )


def _workbook_xml(titles: list[str]) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(t)} sheetId="{i}" r:id="rId{i}"/>'
        for i, t in enumerate(titles, start=1)
    )
    return (
        f'{_XML_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets></workbook>'
    )


def _workbook_rels(count: int) -> str:
    links = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    styles = f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    return f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL}">{links}{styles}</Relationships>'
