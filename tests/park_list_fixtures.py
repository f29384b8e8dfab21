"""A newly published park list crafted from data/parks.csv: one park added (P19), one removed
(P18), one area changed (P07's total floor area), nothing else; as CSV in any encoding or XLSX."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

from tests.conftest import DATA

ADDED, REMOVED, CHANGED = "P19", "P18", "P07"
NEW_TOTAL = "200000"  # P07's total floor area in the new list


def published_rows() -> list[dict[str, str]]:
    """data/parks.csv, the list published in 2025, row by row."""
    with (DATA / "parks.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def crafted_rows() -> list[dict[str, str]]:
    rows = [dict(r) for r in published_rows() if r["park_id"] != REMOVED]
    for row in rows:
        if row["park_id"] == CHANGED:
            row["total_area_m2"] = NEW_TOTAL
    added = dict(rows[0])
    added.update(
        park_id=ADDED,
        name_zh="海淀新材料测试园",
        name_en="Haidian New Materials Test Park",
        total_area_m2="12000",
        above_ground_area_m2="",
        expansion_area_m2="",
    )
    return [*rows, added]


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    book.save(path)
    return path


def crafted_list(folder: Path, encoding: str = "utf-8") -> Path:
    """The crafted list as a CSV file in `folder`."""
    return write_csv(folder / "parks-2026.csv", crafted_rows(), encoding)
