"""Ranking quality against graded gold: nDCG@5, Hit@1, MRR, and flags on no-fit rows."""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from matcher.errors import UserFacingError, on_file
from matcher.i18n import same, say
from matcher.models import Fit, Match, Requirement
from matcher.text import has_cjk


@dataclass(frozen=True)
class GoldRow:
    """One evaluation requirement with its graded relevant parks (empty: no park fits)."""

    requirement: Requirement
    grades: Mapping[str, int]


@dataclass(frozen=True)
class RowResult:
    request_id: str
    sector_text: str
    ranked: tuple[str, ...]
    top_fit: Fit
    grades: Mapping[str, int]
    ndcg5: float | None
    hit1: float | None
    rr: float | None

    @property
    def language(self) -> str:
        """'zh' if the sector text contains Chinese, else 'en'."""
        return "zh" if has_cjk(self.sector_text) else "en"


@dataclass(frozen=True)
class Report:
    rows: tuple[RowResult, ...]

    def _mean(self, attr: str, language: str | None = None) -> float:
        values = [
            getattr(r, attr)
            for r in self.rows
            if getattr(r, attr) is not None and (language is None or r.language == language)
        ]
        return sum(values) / len(values) if values else float("nan")

    def ndcg5(self, language: str | None = None) -> float:
        return self._mean("ndcg5", language)

    def hit1(self, language: str | None = None) -> float:
        return self._mean("hit1", language)

    def mrr(self, language: str | None = None) -> float:
        return self._mean("rr", language)

    @property
    def graded_rows(self) -> int:
        return sum(1 for r in self.rows if r.grades)

    @property
    def empty_rows(self) -> tuple[RowResult, ...]:
        return tuple(r for r in self.rows if not r.grades)

    @property
    def empty_flagged(self) -> int:
        return sum(1 for r in self.empty_rows if r.top_fit in (Fit.WEAK, Fit.NONE))


GOLD_DIR_VAR = "MATCHER_EVAL_DIR"


def gold_dir() -> Path:
    """Where the graded evaluation sets live: $MATCHER_EVAL_DIR, else ../shared/eval beside
    the project (where `make eval` reads them)."""
    override = os.environ.get(GOLD_DIR_VAR)
    return Path(override) if override else Path(__file__).resolve().parents[2] / "shared" / "eval"


def gold_files(directory: Path | None = None) -> list[Path]:
    """The evaluation sets (every .csv) in `directory` (default gold_dir()), by name."""
    folder = directory or gold_dir()
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def parse_gold(text: str) -> dict[str, int]:
    """'P05:3;P01:2' -> {'P05': 3, 'P01': 2}; an empty cell means no park fits."""
    grades: dict[str, int] = {}
    for item in text.split(";"):
        if item.strip():
            park_id, _, grade = item.strip().partition(":")
            if not grade.strip().isdigit() or not 0 <= int(grade) <= 3:
                raise UserFacingError(say("gold_bad_grade", item=item.strip()[:40]))
            grades[park_id.strip()] = int(grade)
    return grades


REQUIRED_COLUMNS = ("request_id", "sector", "gold")


def read_gold(path: Path, area_limit_m2: float | None = None) -> list[GoldRow]:
    """Rows in the batch input format plus a `gold` column; a file without one is refused."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                problem = say("gold_missing_columns", columns=", ".join(missing))
                raise UserFacingError(on_file(str(path), problem))
            rows = [_gold_row(path, line, row, area_limit_m2) for line, row in _lines(reader)]
    except UnicodeDecodeError as error:
        raise UserFacingError(on_file(str(path), say("gold_not_utf8"))) from error
    if not rows:
        raise UserFacingError(on_file(str(path), say("gold_no_rows")))
    return rows


def _lines(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, str]]]:
    for row in reader:
        yield reader.line_num, row


def _gold_row(path: Path, line: int, row: dict[str, str], area_limit_m2: float | None) -> GoldRow:
    try:
        requirement = Requirement.from_cells(
            request_id=row["request_id"],
            sector_text=row.get("sector") or "",
            min_area=row.get("min_area_m2") or "",
            max_area=row.get("max_area_m2") or "",
            location=row.get("preferred_location") or "",
            area_limit_m2=area_limit_m2,
        )
        grades = parse_gold(row.get("gold") or "")
    except ValueError as error:  # an area or a grade a person wrote
        said = error.message if isinstance(error, UserFacingError) else same(str(error)[:200])
        problem = say("gold_line", file=str(path), line=line, problem=said)
        raise UserFacingError(problem) from error
    return GoldRow(requirement, grades)


def dcg(gains: Sequence[float]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 5) -> float:
    """nDCG@k with gain 2^grade - 1 and a log2(rank + 1) discount."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    return dcg([grades.get(p, 0) for p in ranked[:k]]) / ideal if ideal else 0.0


def reciprocal_rank(ranked: Sequence[str], grades: Mapping[str, int]) -> float:
    """1 / rank of the first park carrying the row's highest grade."""
    top = max(grades.values())
    for i, park_id in enumerate(ranked, start=1):
        if grades.get(park_id, 0) == top:
            return 1.0 / i
    return 0.0


def evaluate(rows: Sequence[GoldRow], rank: Callable[[Requirement], list[Match]]) -> Report:
    """Rank every gold row and score the rankings."""
    results = []
    for row in rows:
        matches = rank(row.requirement)
        ranked = tuple(m.park_id for m in matches)
        graded = bool(row.grades)
        rr = reciprocal_rank(ranked, row.grades) if graded else None
        results.append(
            RowResult(
                request_id=row.requirement.request_id or "",
                sector_text=row.requirement.sector_text,
                ranked=ranked,
                top_fit=matches[0].fit,
                grades=row.grades,
                ndcg5=ndcg_at(ranked, row.grades) if graded else None,
                hit1=(1.0 if rr == 1.0 else 0.0) if graded else None,
                rr=rr,
            )
        )
    return Report(tuple(results))
