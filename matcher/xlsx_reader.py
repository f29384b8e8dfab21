"""Streaming XLSX reading with bounded memory: chunks of text cells, like the CSV path.

A workbook is a zip of XML, so a 100 KB file can claim 16,384 columns or hold millions of
cells. Before parsing, one pass over the sheet's raw XML counts rows and cells (refusing a
sheet beyond the caps) and collects merged ranges, which the XML only lists after the data.
Rows are then parsed one at a time with openpyxl's read-only parser and cut to the header's
width, so a claimed dimension never allocates anything.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from matcher.errors import UserFacingError
from matcher.i18n import Text, joined, same, say
from matcher.text import unique_names

MAX_CELLS = 20_000_000
MAX_ROWS = 1_048_576  # Excel's own limit: a sheet claiming more was not made by a spreadsheet
MAX_ROW_CELLS = 16_384  # Excel's column limit, XFD
MAX_PART_BYTES = 256 << 20  # shared strings and styles are loaded whole, so bound them
CHUNK_CELLS = 1_000_000

# Element starts in the raw sheet XML, with any namespace prefix. `<` cannot appear unescaped
# in XML text or attribute values, so each match is a real element.
_TOKEN = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(row|c|mergeCell)(?=[\s/>])([^>]*)")
_REF = re.compile(rb"""\bref\s*=\s*["']([A-Za-z]+[0-9]+(?::[A-Za-z]+[0-9]+)?)["']""")


class XlsxError(UserFacingError):
    """The workbook as a whole cannot be read; the message (en + zh) leaves out the file name."""


class _Uncached:
    """Marks a formula cell whose file holds no computed value."""


UNCACHED = _Uncached()


@dataclass
class XlsxTable:
    """An opened sheet. `chunks` yields DataFrames of str cells ('' when empty) whose columns
    are the header row's names and whose index is each row's spreadsheet line number (the
    header's line is usually 1). Blank rows are skipped, as the CSV path skips blank lines.

    `row_problems` maps a line number to a message (en + zh) for rows that cannot be trusted:
    a formula with no saved value, or a cell inside a merged range other than its top-left
    one. Each row's entry is added before the chunk holding that row is yielded; the row
    itself is still in the chunk (its bad cells read as ''), so the caller can report it.
    """

    sheet: str
    sheet_names: list[str]
    chunks: Iterator[pd.DataFrame]
    total_rows: int  # rows in the sheet's XML after the first: an upper bound on data rows
    row_problems: dict[int, Text] = field(default_factory=dict)


def cell_text(value: object) -> str:
    """A cell as a person sees it: 5000.0 as '5000', 15 significant digits, dates in ISO."""
    if value is None or isinstance(value, _Uncached):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(value, ".15g")  # Excel shows 15 significant digits
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class SheetScan:
    """What one pass over a sheet's raw XML found."""

    rows: int
    cells: int
    merges: list[tuple[int, int, int, int]]  # min_col, min_row, max_col, max_row


def scan_sheet_xml(
    stream: Any, name: str, max_cells: int = MAX_CELLS, block: int = 1 << 20
) -> SheetScan:
    """Count rows and cells and collect merged ranges, refusing a sheet beyond the caps."""
    rows = cells = row_cells = 0
    merges: list[tuple[int, int, int, int]] = []
    tail = b""
    while True:
        data = stream.read(block)
        buffer = tail + data
        # Keep an unfinished tag for the next block; at the end, parse everything.
        cut = buffer.rfind(b"<") if data else len(buffer)
        cut = cut if cut >= 0 else len(buffer)
        for match in _TOKEN.finditer(buffer, 0, cut):
            kind = match.group(1)
            if kind == b"c":
                cells += 1
                row_cells += 1
            elif kind == b"row":
                rows += 1
                row_cells = 0
            else:
                ref = _REF.search(match.group(2))
                if ref:
                    merges.append(range_boundaries(ref.group(1).decode()))  # type: ignore[arg-type]
            if row_cells > MAX_ROW_CELLS or rows > MAX_ROWS or cells > max_cells:
                raise XlsxError(_too_big(name, rows, row_cells, max_cells))
        tail = buffer[cut:]
        if not data:
            return SheetScan(rows, cells, merges)


def _too_big(name: str, rows: int, row_cells: int, max_cells: int) -> Text:
    if row_cells > MAX_ROW_CELLS:
        return say("xlsx_row_too_wide", sheet=name, row=rows, limit=MAX_ROW_CELLS)
    if rows > MAX_ROWS:
        return say("xlsx_too_many_rows", sheet=name, limit=MAX_ROWS)
    return say("xlsx_too_many_cells", sheet=name, limit=max_cells)


class _Parser(WorkSheetParser):
    """openpyxl's row parser, with formulas that have no saved value marked UNCACHED
    (with data_only it gives None for them, like an empty cell)."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = UNCACHED
        return cell


def open_xlsx(
    path: Path,
    sheet: str | None = None,
    *,
    chunk_rows: int = 20_000,
    max_cells: int = MAX_CELLS,
) -> XlsxTable:
    """Open `sheet` (default: the active sheet if visible, else the first visible one)."""
    try:
        with zipfile.ZipFile(path) as archive:
            _check_parts(archive)
        workbook = load_workbook(path, read_only=True, data_only=True)
    except XlsxError:
        raise
    except Exception as error:  # zipfile and openpyxl raise many types for a broken file
        raise XlsxError(say("xlsx_unreadable", reason=str(error)[:200])) from error
    try:
        chosen = _choose_sheet(workbook, sheet)
        with chosen._get_source() as stream:
            scan = scan_sheet_xml(stream, chosen.title, max_cells)
    except BaseException:
        workbook.close()
        raise
    problems: dict[int, Text] = {}
    chunks = _chunks(workbook, chosen, scan, problems, chunk_rows, max_cells)
    return XlsxTable(
        sheet=chosen.title,
        sheet_names=[ws.title for ws in workbook.worksheets],
        chunks=chunks,
        total_rows=max(scan.rows - 1, 0),
        row_problems=problems,
    )


def _check_parts(archive: zipfile.ZipFile) -> None:
    """Parts openpyxl loads whole (shared strings, styles) must be of a sane size."""
    for info in archive.infolist():
        if "/worksheets/" not in info.filename and info.file_size > MAX_PART_BYTES:
            raise XlsxError(
                say(
                    "xlsx_part_too_big",
                    part=info.filename,
                    size=info.file_size,
                    limit=MAX_PART_BYTES,
                )
            )


def _choose_sheet(workbook: Any, wanted: str | None) -> Any:
    worksheets = list(workbook.worksheets)
    titles = [ws.title for ws in worksheets]
    if wanted is not None:
        for ws in worksheets:
            if ws.title == wanted:
                return ws
        folded = [ws for ws in worksheets if ws.title.strip().casefold() == wanted.casefold()]
        if len(folded) == 1:
            return folded[0]
        raise XlsxError(
            say("xlsx_no_such_sheet", wanted=wanted[:60], sheets=joined(same(t) for t in titles))
        )
    active = workbook.active
    if active in worksheets and active.sheet_state == "visible":
        return active
    for ws in worksheets:
        if ws.sheet_state == "visible":
            return ws
    raise XlsxError(say("xlsx_no_visible_sheet"))


def _chunks(
    workbook: Any,
    ws: Any,
    scan: SheetScan,
    problems: dict[int, Text],
    chunk_rows: int,
    max_cells: int,
) -> Iterator[pd.DataFrame]:
    try:
        with ws._get_source() as stream:
            parser = _Parser(
                stream,
                ws._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            yield from _frames(ws.title, parser.parse(), scan, problems, chunk_rows, max_cells)
    finally:
        workbook.close()


def _frames(
    sheet: str,
    parsed: Iterator[tuple[int, list[dict[str, Any]]]],
    scan: SheetScan,
    problems: dict[int, Text],
    chunk_rows: int,
    max_cells: int,
) -> Iterator[pd.DataFrame]:
    columns: list[str] | None = None
    width = 0
    per_chunk = chunk_rows
    merged = _MergeSweep(scan.merges)
    rows: list[list[str]] = []
    lines: list[int] = []
    grid = 0
    yielded = False
    for line, cells in parsed:
        if columns is None:
            texts = {c["column"]: cell_text(c["value"]) for c in cells if c["column"] > 0}
            filled = [col for col, text in texts.items() if text.strip()]
            if not filled:
                continue
            width = max(filled)
            columns = list(unique_names([texts.get(col, "") for col in range(1, width + 1)]))
            merged.limit(width)
            per_chunk = max(1, min(chunk_rows, CHUNK_CELLS // width))
            continue
        grid += width
        if grid > max_cells:
            raise XlsxError(_too_big(sheet, 0, 0, max_cells))
        row = [""] * width
        found: list[Text] = []
        for cell in cells:
            col = cell["column"]
            if 0 < col <= width:
                value = cell["value"]
                if value is UNCACHED:
                    found.append(_formula_message(col, line, columns[col - 1]))
                else:
                    row[col - 1] = cell_text(value)
        found.extend(merged.problems(line))
        if found:
            problems[line] = joined(found, "reason_separator")
        elif not any(row):
            continue
        rows.append(row)
        lines.append(line)
        if len(rows) >= per_chunk:
            yield _frame(rows, lines, columns)
            rows, lines, yielded = [], [], True
    # A header without rows still yields its columns, as pandas.read_csv does.
    if columns is not None and (rows or not yielded):
        yield _frame(rows, lines, columns)


def _frame(rows: list[list[str]], lines: list[int], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns, dtype=object, index=pd.Index(lines))


def _formula_message(col: int, line: int, header: str) -> Text:
    return say("row_formula", header=header, cell=f"{get_column_letter(col)}{line}")


class _MergeSweep:
    """Which merged ranges cover a line with a cell other than their top-left one.

    Lines arrive in increasing order, so ranges are taken in order of their first row and
    dropped after their last: each line looks only at ranges that cover it."""

    def __init__(self, merges: list[tuple[int, int, int, int]]) -> None:
        self._pending = sorted(merges, key=lambda m: m[1])
        self._next = 0
        self._open: list[tuple[int, int, int, int]] = []
        self._width = MAX_ROW_CELLS

    def limit(self, width: int) -> None:
        """Only cells under a header matter; a merge wholly to the right is ignored."""
        self._width = width
        self._pending = [m for m in self._pending if m[0] <= width]

    def problems(self, line: int) -> list[Text]:
        while self._next < len(self._pending) and self._pending[self._next][1] <= line:
            self._open.append(self._pending[self._next])
            self._next += 1
        self._open = [m for m in self._open if m[3] >= line]
        found = []
        for min_col, min_row, max_col, max_row in self._open:
            if line == min_row and min(max_col, self._width) == min_col:
                continue  # this line holds only the top-left cell
            span = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
            found.append(say("row_merged", span=span))
        return found[:3]
