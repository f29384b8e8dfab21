"""One front door: the form, the command line, batch and eval turn the same cells into the
same requirement, or refuse them the same way (models.Requirement.from_cells)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.areas import AreaError
from matcher.batch import AreaCache, BatchSummary, IdRegistry, validate_chunk
from matcher.cli import build_parser, requirement_from_args
from matcher.errors import UsageError
from matcher.evaluation import read_gold
from matcher.models import Requirement
from matcher.scoring import Ranker

AREA_CELLS = st.sampled_from(
    [
        "",
        "5000",
        "5,000",
        "1,2,3",
        "0",
        "0.5万平方米",
        "3000-5000㎡",
        "3000至5000平米",
        "8000",
        "不超过8000平米",
        "8000以上",
        "20亩",
        "lots",
        "1亿平方米",
        "54000 sq ft",
    ]
)
Outcome = tuple[float | None, float | None] | str


def by_front_door(low: str, high: str, limit: float) -> Outcome:
    try:
        r = Requirement.from_cells(
            sector_text="集成电路", min_area=low, max_area=high, area_limit_m2=limit
        )
    except AreaError as error:
        return error.field
    return (r.min_area_m2, r.max_area_m2)


def by_command_line(low: str, high: str, limit: float) -> Outcome:
    args = build_parser().parse_args(["rank", "集成电路", "--min-area", low, "--max-area", high])
    try:
        r = requirement_from_args(args, limit)
    except UsageError as error:
        return "max" if str(error).startswith("--max-area") else "min"
    return (r.min_area_m2, r.max_area_m2)


def by_batch(low: str, high: str, limit: float) -> Outcome:
    frame = pd.DataFrame(
        [["L1", "集成电路", low, high]],
        columns=["编号", "产业方向", "最小面积", "最大面积"],
        index=[2],
    )
    mapping = {
        "编号": "request_id",
        "产业方向": "sector",
        "最小面积": "min_area_m2",
        "最大面积": "max_area_m2",
    }
    chunk = validate_chunk(frame, mapping, {}, IdRegistry(), BatchSummary(), AreaCache(limit))
    if chunk.error[0]:
        return "max" if "column 最大面积" in chunk.error[0] else "min"
    lo, hi = chunk.min_area[0], chunk.max_area[0]
    return (None if np.isnan(lo) else float(lo), None if np.isnan(hi) else float(hi))


def by_eval(low: str, high: str, limit: float, folder: Path) -> Outcome:
    path = folder / "gold.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["request_id", "sector", "min_area_m2", "max_area_m2", "gold"])
    writer.writerow(["G1", "集成电路", low, high, "P05:3"])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    try:
        r = read_gold(path, limit)[0].requirement
    except ValueError:
        return "refused"  # eval names the file and line, not the cell
    return (r.min_area_m2, r.max_area_m2)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(low=AREA_CELLS, high=AREA_CELLS)
def test_every_door_reads_the_same_area_cells_the_same_way(
    ranker: Ranker, tmp_path: Path, low: str, high: str
) -> None:
    limit = ranker.area_limit_m2
    expected = by_front_door(low, high, limit)
    assert by_command_line(low, high, limit) == expected
    assert by_batch(low, high, limit) == expected
    found = by_eval(low, high, limit, tmp_path)
    assert found == expected or (found == "refused" and isinstance(expected, str))


def test_a_range_in_the_minimum_cell_fills_both_bounds_at_every_door(
    ranker: Ranker, tmp_path: Path
) -> None:
    limit = ranker.area_limit_m2
    for door in (by_front_door, by_command_line, by_batch):
        assert door("3000-5000", "", limit) == (3000.0, 5000.0)
    assert by_eval("3000-5000", "", limit, tmp_path) == (3000.0, 5000.0)
