"""Workbooks that break naive readers, written as raw OOXML so every byte is under our control.

openpyxl cannot write a formula's cached value, a stray cell at column XFD or a lying
<dimension>; these generators can. The benchmarks import them too.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
DOC_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"

LEAD_HEADER = ["request_id", "sector", "min_area_m2", "preferred_location"]


@dataclass(frozen=True)
class Formula:
    """A formula cell; cached=None writes it the way generators do that never compute."""

    text: str
    cached: str | None = None


Cell = str | int | float | Formula | None


@dataclass
class RawSheet:
    """One worksheet: rows of cells from A1, plus what the XML may claim about them."""

    name: str
    rows: Iterable[Sequence[Cell]]
    dimension: str | None = None  # e.g. "A1:XFD20000"; None leaves the element out
    merges: Sequence[str] = ()
    state: str = "visible"  # or "hidden", "veryHidden"
    extra_cells: dict[int, dict[int, Cell]] = field(default_factory=dict)  # row -> col -> cell


def _cell_xml(ref: str, value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        cached = "" if value.cached is None else f"<v>{escape(value.cached)}</v>"
        return f'<c r="{ref}"><f>{escape(value.text)}</f>{cached}</c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def _sheet_rows(sheet: RawSheet) -> Iterable[str]:
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}">'
    if sheet.dimension:
        yield f'<dimension ref="{sheet.dimension}"/>'
    yield "<sheetData>"
    for number, cells in enumerate(sheet.rows, start=1):
        extra = sheet.extra_cells.get(number, {})
        placed = {index: value for index, value in enumerate(cells, start=1)} | extra
        body = "".join(
            _cell_xml(f"{get_column_letter(col)}{number}", placed[col]) for col in sorted(placed)
        )
        yield f'<row r="{number}">{body}</row>'
    yield "</sheetData>"
    if sheet.merges:
        yield f'<mergeCells count="{len(sheet.merges)}">'
        yield "".join(f'<mergeCell ref="{ref}"/>' for ref in sheet.merges)
        yield "</mergeCells>"
    yield "</worksheet>"


def write_raw_xlsx(path: Path, sheets: Sequence[RawSheet], active: int = 0) -> Path:
    """A minimal valid .xlsx (no styles, inline strings) with the given sheets."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{DOC_TYPE}" Target="xl/workbook.xml"/></Relationships>'
    )
    entries = "".join(
        f'<sheet name={quoteattr(s.name)} sheetId="{i}" r:id="rId{i}"'
        + ("" if s.state == "visible" else f' state="{s.state}"')
        + "/>"
        for i, s in enumerate(sheets, start=1)
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f'<bookViews><workbookView activeTab="{active}"/></bookViews>'
        f"<sheets>{entries}</sheets></workbook>"
    )
    sheet_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{SHEET_TYPE}" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PKG_REL_NS}">{sheet_rels}</Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        for i, sheet in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{i}.xml", "w") as handle:
                for part in _sheet_rows(sheet):
                    handle.write(part.encode())
    return path


def lead_rows(count: int) -> Iterable[list[Cell]]:
    """The header and `count` ordinary leads that all match some park."""
    yield list(LEAD_HEADER)
    sectors = ["集成电路", "人工智能", "生物医药", "量子"]
    for i in range(count):
        yield [f"L{i + 1}", sectors[i % len(sectors)], 1000 + (i % 50) * 100, "中关村"]


def write_column_bomb(path: Path, rows: int = 20_000, every: int = 100) -> Path:
    """A small workbook whose dimension claims 16,384 columns x `rows` rows, and which has a
    cell at column XFD in every `every`-th row, so the claim looks plausible."""
    far = 16_384
    extra = {n: {far: "x"} for n in range(2, rows + 2, every)}
    sheet = RawSheet("leads", lead_rows(rows), dimension=f"A1:XFD{rows + 1}", extra_cells=extra)
    return write_raw_xlsx(path, [sheet])
