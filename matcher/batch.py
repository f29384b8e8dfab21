"""Batch matching of lead lists: read any CSV/XLSX, validate every row, score in bulk, write.

Every input row comes out: matched rows as their top K parks with status=ok, faulty rows
once with status=error and a message naming the column and the bad value.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from matcher import messages as msg
from matcher.areas import AreaError, AreaRange, area_bounds
from matcher.atomic import atomic_output, same_file
from matcher.batch_io import (
    BatchError,
    TableSource,
    load_column_aliases,
    map_headers,
    open_table,
)
from matcher.cache import LruCache
from matcher.catalogue import Catalogue
from matcher.comparisons import COMPONENTS, Readings
from matcher.display import shown_scores
from matcher.errors import UsageError
from matcher.exports import write_csv, write_xlsx
from matcher.i18n import Lang, label
from matcher.messages import Reason
from matcher.models import Weights
from matcher.scoring import FIT_CODES, Ranker, ScoreTable, no_park_lists, ranker_for
from matcher.text import normalize_keep_case
from matcher.tuning import ShownScale
from matcher.understanding import Understanding, understand

LONG_COLUMNS = [
    "request_id",
    "rank",
    "park_id",
    "park_name_zh",
    "score",
    "fit",
    "sector_score",
    "area_score",
    "location_score",
    "reason_zh",
    "reason_en",
    "status",
    "error",
]
# Output names a passed-through input column must not take, in long and wide output.
WIDE_FIXED_COLUMNS = ("reason_zh_1", "reason_en_1")
WIDE_NUMBERED = re.compile(r"(?:park|park_name|score|fit)_\d+")
REQUIREMENT_COLUMNS = ("sector", "min_area_m2", "max_area_m2", "preferred_location")
CHUNK_ROWS = 20_000
# Distinct sector/location texts kept read across chunks; lead lists repeat a few thousand.
READINGS_KEPT = 100_000
# Bounds memory: a chunk's score matrices hold rows x parks cells each.
CHUNK_CELLS = 2_000_000

ProgressCallback = Callable[[int, int | None], None]  # rows done, rows in total if known


@dataclass
class BatchSummary:
    """What a batch run did, for the CLI's closing line and the app's summary."""

    rows_read: int = 0
    rows_matched: int = 0
    rows_with_errors: int = 0
    duplicate_ids: list[str] = field(default_factory=list)
    generated_ids: int = 0
    encoding: str = ""
    delimiter: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # original header -> canonical
    seconds: float = 0.0

    def line(self) -> str:
        text = (
            f"rows read: {self.rows_read}, matched: {self.rows_matched}, "
            f"with errors: {self.rows_with_errors}"
        )
        if self.duplicate_ids:
            shown = ", ".join(self.duplicate_ids[:5])
            more = " …" if len(self.duplicate_ids) > 5 else ""
            text += f", duplicate ids: {len(self.duplicate_ids)} ({shown}{more})"
        if self.generated_ids:
            text += f", ids generated: {self.generated_ids}"
        return text


# -- validating ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidatedChunk:
    """A chunk's rows as plain arrays, with an error message (or '') per row."""

    request_id: list[str]
    sector: list[str]
    location: list[str]
    min_area: np.ndarray
    max_area: np.ndarray
    error: list[str]
    extras: pd.DataFrame
    # The same errors in each language, for output with --lang (see localise_errors).
    error_zh: list[str] = field(default_factory=list)
    error_en: list[str] = field(default_factory=list)


class AreaCache:
    """area_bounds for each distinct pair of cells once: lead lists repeat a few area texts."""

    def __init__(self, limit_m2: float) -> None:
        self.limit_m2 = limit_m2
        self._seen: dict[tuple[str, str], AreaRange | AreaError] = {}

    def bounds(self, low: str, high: str) -> AreaRange | AreaError:
        found = self._seen.get((low, high))
        if found is None:
            try:
                found = area_bounds(low, high, self.limit_m2)
            except AreaError as error:
                found = error
            if len(self._seen) < 200_000:
                self._seen[(low, high)] = found
        return found


# A requirement is a sentence or two; a longer cell is pasted by mistake and not read.
MAX_TEXT_CHARS = 2_000


@dataclass
class IdRegistry:
    """Request ids seen so far: generated ids never collide with users', repeats are named."""

    seen: set[str] = field(default_factory=set)

    def generated(self, line: int) -> str:
        candidate, n = f"row-{line}", 1
        while candidate in self.seen:
            n += 1
            candidate = f"row-{line}-{n}"
        self.seen.add(candidate)
        return candidate

    def repeated(self, given: str) -> bool:
        if given in self.seen:
            return True
        self.seen.add(given)
        return False


def validate_chunk(
    frame: pd.DataFrame,
    mapping: dict[str, str],
    row_problems: dict[int, str],
    ids: IdRegistry,
    summary: BatchSummary,
    areas: AreaCache,
) -> ValidatedChunk:
    """Check each row's cells; generate missing ids; report duplicates; never drop a row.

    `frame`'s index is each row's line in the file; messages name it and the user's header.
    """
    by_name = {canonical: original for original, canonical in mapping.items()}
    n = len(frame)
    lines = [int(x) for x in frame.index]

    def column(name: str) -> list[str]:
        if name not in by_name:
            return [""] * n
        return [normalize_keep_case(str(v)) for v in frame[by_name[name]].tolist()]

    def header(name: str) -> str:
        return by_name.get(name, name)

    request_ids = column("request_id")
    sector = column("sector")
    location = column("preferred_location")
    min_cells = column("min_area_m2")
    max_cells = column("max_area_m2")
    min_area = np.full(n, np.nan)
    max_area = np.full(n, np.nan)
    errors, errors_zh, errors_en = [""] * n, [""] * n, [""] * n
    for i in range(n):
        line = lines[i]
        problems: list[msg.RowError] = []
        if line in row_problems:
            problems.append(msg.row_problem(line, row_problems[line]))
        if not request_ids[i]:
            request_ids[i] = ids.generated(line)
            summary.generated_ids += 1
        elif ids.repeated(request_ids[i]):
            summary.duplicate_ids.append(request_ids[i])
            problems.append(msg.row_duplicate_id(line, header("request_id"), request_ids[i]))
        for name, cells in (("sector", sector), ("preferred_location", location)):
            if len(cells[i]) > MAX_TEXT_CHARS:
                problems.append(
                    msg.row_text_too_long(line, header(name), len(cells[i]), MAX_TEXT_CHARS)
                )
        if not problems:
            found = areas.bounds(min_cells[i], max_cells[i])
            if isinstance(found, AreaError):
                at_fault = "max_area_m2" if found.field == "max" else "min_area_m2"
                cell = max_cells[i] if found.field == "max" else min_cells[i]
                problems.append(msg.row_area(line, header(at_fault), cell, str(found)))
            else:
                min_area[i] = np.nan if found.min_m2 is None else found.min_m2
                max_area[i] = np.nan if found.max_m2 is None else found.max_m2
        if not problems and not (sector[i] or location[i] or min_cells[i] or max_cells[i]):
            problems.append(msg.row_empty(line))
        if problems:
            errors[i] = "; ".join(p.mixed for p in problems)
            errors_zh[i] = "；".join(p.zh for p in problems)
            errors_en[i] = "; ".join(p.en for p in problems)
    extras = frame.reset_index(drop=True)
    extras.columns = pd.Index(passthrough_names(list(frame.columns)))
    return ValidatedChunk(
        request_ids, sector, location, min_area, max_area, errors, extras, errors_zh, errors_en
    )


def passthrough_names(headers: Sequence[str]) -> list[str]:
    """Input headers as they come back: a name an output column uses gets an input_ prefix."""
    taken = set(LONG_COLUMNS) | set(WIDE_FIXED_COLUMNS)
    names: list[str] = []
    for header in headers:
        name = header
        while name in taken or name in names or WIDE_NUMBERED.fullmatch(name):
            name = f"input_{name}"
        names.append(name)
    return names


# -- scoring ------------------------------------------------------------------------------------


class BatchScorer:
    """Scores many requirements at once; each distinct sector or location text is read once
    (the readings are kept in a bounded cache across chunks)."""

    def __init__(self, ranker: Ranker, weights: Weights | None = None) -> None:
        self.ranker = ranker
        self.weights = weights or ranker.default_weights
        self.parks = ranker.parks
        self._readings: LruCache[Understanding] = LruCache(READINGS_KEPT)

    def _reading(self, sector: str, location: str) -> Understanding:
        key = (sector, location)
        seen = self._readings.get(key)
        if seen is None:
            seen = understand(self.ranker.taxonomy, self.ranker.gazetteer, sector, (), location)
            self._readings.put(key, seen)
        return seen

    def readings(self, chunk: ValidatedChunk, rows: NDArray[np.intp]) -> Readings:
        """The chunk's valid rows, each distinct sector and location text read once."""
        sector_codes, sector_texts = pd.factorize(
            pd.Series([chunk.sector[i] for i in rows], dtype=object)
        )
        # Without a location, a town or landmark in the sector text counts as the location.
        location_codes, location_keys = pd.factorize(
            pd.Series(
                [
                    f"{chunk.location[i]}\x00{'' if chunk.location[i] else chunk.sector[i]}"
                    for i in rows
                ],
                dtype=object,
            )
        )
        return Readings(
            sector=[self._reading(text, "") for text in sector_texts],
            sector_of=sector_codes.astype(np.intp),
            location=[self._reading(*reversed(key.split("\x00", 1))) for key in location_keys],
            location_of=location_codes.astype(np.intp),
            min_area=chunk.min_area[rows],
            max_area=chunk.max_area[rows],
        ).with_areas_from_text()

    def score(self, chunk: ValidatedChunk, top_k: int) -> pd.DataFrame:
        """Long-format rows for one validated chunk, in input order."""
        rows = np.array([i for i, e in enumerate(chunk.error) if not e], dtype=np.intp)
        readings = self.readings(chunk, rows)
        w = self.weights
        table = self.ranker.score(
            readings,
            np.repeat(np.array([[w.sector, w.area, w.location]]), len(rows), axis=0),
            np.zeros(len(rows), dtype=bool),
            np.zeros(len(rows), dtype=bool),
        )
        order = table.order(top_k)
        return self._long_rows(chunk, rows, table, order, readings)

    def _long_rows(
        self,
        chunk: ValidatedChunk,
        rows: NDArray[np.intp],
        table: ScoreTable,
        order: NDArray[np.intp],
        readings: Readings,
    ) -> pd.DataFrame:
        k = order.shape[1]
        out_index = np.repeat(rows, k)
        park_idx = order.reshape(-1)
        row_pos = np.repeat(np.arange(len(rows)), k)
        park_ids = np.array([p.park_id for p in self.parks], dtype=object)
        names = np.array([p.name_zh for p in self.parks], dtype=object)
        comps = table.components_at(row_pos, park_idx)
        reason_zh, reason_en = self._reasons(readings, table, row_pos, park_idx)
        ok = pd.DataFrame(
            {
                "_row": out_index,
                "request_id": [chunk.request_id[i] for i in out_index],
                "rank": np.tile(np.arange(1, k + 1), len(rows)),
                "park_id": park_ids[park_idx],
                "park_name_zh": names[park_idx],
                "score": table.score[row_pos, park_idx],
                "fit": np.array([f.value for f in FIT_CODES], dtype=object)[
                    table.fit_at(row_pos, park_idx)
                ],
                **{f"{name}_score": np.round(comps[:, k], 4) for k, name in enumerate(COMPONENTS)},
                "reason_zh": reason_zh,
                "reason_en": reason_en,
                "status": "ok",
                "error": "",
            }
        )
        bad = [i for i, e in enumerate(chunk.error) if e]
        failed = pd.DataFrame(
            {
                "_row": bad,
                "request_id": [chunk.request_id[i] for i in bad],
                "rank": np.nan,
                "park_id": "",
                "park_name_zh": "",
                "score": np.nan,
                "fit": "",
                **{f"{name}_score": np.nan for name in COMPONENTS},
                "reason_zh": "",
                "reason_en": "",
                "status": "error",
                "error": [chunk.error[i] for i in bad],
                **_error_columns(chunk, bad),
            }
        )
        frames = [f for f in (ok, failed) if len(f)]
        merged = pd.concat(frames, ignore_index=True) if frames else failed
        merged["rank"] = merged["rank"].astype("Int64")
        merged = merged.sort_values(["_row", "rank"], kind="stable", na_position="first")
        extras = chunk.extras.iloc[merged["_row"].to_numpy()].reset_index(drop=True)
        merged = merged.reset_index(drop=True)
        return pd.concat([merged, extras], axis=1) if len(extras.columns) else merged

    def _reasons(
        self,
        readings: Readings,
        table: ScoreTable,
        row_pos: NDArray[np.intp],
        park_idx: NDArray[np.intp],
    ) -> tuple[list[str], list[str]]:
        """The reasons Ranker.rank gives, built once per distinct (reading, park) pair."""
        n_parks = len(self.parks)
        parts = []
        for k, comparison in enumerate(self.ranker.comparisons):
            keys = comparison.reason_key(readings)
            describe = partial(self._describe, readings, table, k, _first_rows(keys))
            parts.append(_per_pair(keys[row_pos] * n_parks + park_idx, n_parks, describe))
        # As in Ranker.rank: a row that asked nothing scorable says so last.
        nothing = msg.nothing_asked()
        empty = ~table.asked[row_pos].any(axis=1)
        parts.append(
            (
                np.where(empty, nothing.zh, "").tolist(),
                np.where(empty, nothing.en, "").tolist(),
            )
        )
        zh_all = ["；".join(filter(None, z)) for z in zip(*(p[0] for p in parts), strict=True)]
        en_all = ["; ".join(filter(None, e)) for e in zip(*(p[1] for p in parts), strict=True)]
        return zh_all, en_all

    def _describe(
        self,
        readings: Readings,
        table: ScoreTable,
        k: int,
        first_row: NDArray[np.intp],
        key: int,
        park: int,
    ) -> tuple[str, str]:
        """Comparison k's reasons for a reading (by its first row) and a park, joined."""
        row = int(first_row[key])
        comparison = self.ranker.comparisons[k]
        reasons = comparison.explain(readings, row, park, int(table.levels[k][row, park])).reasons
        if comparison.name == "sector":
            reasons = self._no_park_note(readings, table, row) + reasons
        return "；".join(r.zh for r in reasons), "; ".join(r.en for r in reasons)

    @staticmethod
    def _no_park_note(readings: Readings, table: ScoreTable, row: int) -> tuple[Reason, ...]:
        seen = readings.sector[int(readings.sector_of[row])]
        note = no_park_lists(seen, table.values[COMPONENTS.index("sector")][row])
        return (note,) if note else ()


def _first_rows(keys: NDArray[np.intp]) -> NDArray[np.intp]:
    """For each key value, the first row that has it."""
    first = np.zeros(int(keys.max()) + 1 if len(keys) else 0, dtype=np.intp)
    rows = np.arange(len(keys))[::-1]
    first[keys[::-1]] = rows
    return first


def _per_pair(
    pair_codes: NDArray[np.intp], n_parks: int, describe: Callable[[int, int], tuple[str, str]]
) -> tuple[list[str], list[str]]:
    """describe(input code, park) once per distinct pair, spread back to every row."""
    inverse, uniques = pd.factorize(pair_codes)
    texts = [describe(int(u) // n_parks, int(u) % n_parks) for u in uniques]
    zh = np.array([t[0] for t in texts], dtype=object)[inverse]
    en = np.array([t[1] for t in texts], dtype=object)[inverse]
    return zh.tolist(), en.tolist()


# -- writing ------------------------------------------------------------------------------------


def wide_rows(long: pd.DataFrame, top_k: int) -> pd.DataFrame:
    """One row per input row (keyed by `_row`, not by id): park_1, score_1, fit_1 … park_K."""
    passthrough = [c for c in long.columns if c not in LONG_COLUMNS and c != "_row"]
    firsts = long.drop_duplicates("_row", keep="first").set_index("_row")
    ok = long[long["status"] == "ok"]
    columns: dict[str, pd.Series] = {"request_id": firsts["request_id"]}
    for k in range(1, top_k + 1):
        at = ok[ok["rank"] == k].set_index("_row")
        columns[f"park_{k}"] = at["park_id"]
        columns[f"park_name_{k}"] = at["park_name_zh"]
        columns[f"score_{k}"] = at["score"]
        columns[f"fit_{k}"] = at["fit"]
    first = ok[ok["rank"] == 1].set_index("_row")
    columns["reason_zh_1"] = first["reason_zh"]
    columns["reason_en_1"] = first["reason_en"]
    columns["status"] = firsts["status"]
    columns["error"] = firsts["error"]
    wide = pd.DataFrame(columns, index=firsts.index)
    for col in passthrough:
        wide[col] = firsts[col]
    return wide.reset_index(drop=True)


OutputFormat = Literal["long", "wide"]


def run_batch(
    source: Path,
    output: Path | None,
    *,
    top_k: int = 5,
    output_format: OutputFormat = "long",
    encoding: str | None = None,
    output_encoding: str = "utf-8-sig",
    sheet: str | None = None,
    catalogue: Catalogue | None = None,
    weights: Weights | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: ProgressCallback | None = None,
    lang: Lang | None = None,
) -> tuple[BatchSummary, pd.DataFrame | None]:
    """Match every row of `source`; write to `output` (CSV or .xlsx) or return the frame.

    The output is written atomically and never over the input; every input row and column
    comes back (see passthrough_names for headers that collide with output columns). Without
    `lang` the columns are the public contract (LONG_COLUMNS); with it, headers, fit labels,
    status and errors are in that language and the score is the shown score (see localise).
    """
    started = time.perf_counter()
    if top_k < 1:
        raise UsageError(f"--top must be at least 1, not {top_k} (推荐数量至少为1)")
    if output is not None and same_file(output, source):
        raise UsageError(
            f"{output}: the output would overwrite the input file; choose another name "
            f"(输出文件与输入文件相同，请换一个文件名)"
        )
    ranker = ranker_for(catalogue)
    top_k = min(top_k, len(ranker.parks))
    chunk_rows = min(chunk_rows, max(100, CHUNK_CELLS // len(ranker.parks)))
    table = open_table(source, encoding=encoding, sheet=sheet, chunk_rows=chunk_rows)
    summary = BatchSummary(encoding=table.encoding, delimiter=table.delimiter)
    aliases = load_column_aliases(catalogue.data_dir if catalogue else None)
    mapping = _requirement_columns(table.headers, aliases, source)
    summary.columns = mapping
    results = _matched_chunks(table, mapping, ranker, weights, top_k, summary, progress)
    shaped = (
        (wide_rows(rows, top_k) if output_format == "wide" else rows.drop(columns="_row"))
        for rows in (localise_errors(rows, lang) for rows in results)
    )
    frames = _or_empty(shaped, table.headers)
    if lang is not None:
        frames = (localise(rows, lang, ranker.tuning.shown) for rows in frames)
    if output is None:
        result = pd.concat(list(frames), ignore_index=True)
        summary.seconds = time.perf_counter() - started
        return summary, result
    with atomic_output(output, protect=(source,)) as handle:
        if output.suffix.lower() == ".xlsx":
            # Streamed chunk by chunk; past Excel's row limit it stops with TooManyRowsError.
            write_xlsx({"matches": frames}, handle)
        else:
            for i, rows in enumerate(frames):
                write_csv(rows, handle, output_encoding, append=i > 0)
    summary.seconds = time.perf_counter() - started
    return summary, None


def _or_empty(frames: Iterator[pd.DataFrame], headers: Sequence[str]) -> Iterator[pd.DataFrame]:
    """The frames, or one empty frame with the output's columns if there are none."""
    first = next(frames, None)
    yield _empty(headers) if first is None else first
    yield from frames


def _empty(headers: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=[*LONG_COLUMNS, *passthrough_names(headers)])


def _requirement_columns(
    headers: Sequence[str], aliases: dict[str, str], source: Path
) -> dict[str, str]:
    mapping = map_headers(list(headers), aliases)
    if not any(v in REQUIREMENT_COLUMNS for v in mapping.values()):
        raise BatchError(
            f"{source.name}: no requirement columns found: expected headers such as "
            f"sector/产业方向, min_area_m2/最小面积, preferred_location/意向区域; found "
            + ", ".join(h[:40] for h in headers[:20])
            + " (未找到需求列)"
        )
    return mapping


def _matched_chunks(
    table: TableSource,
    mapping: dict[str, str],
    ranker: Ranker,
    weights: Weights | None,
    top_k: int,
    summary: BatchSummary,
    progress: ProgressCallback | None,
) -> Iterator[pd.DataFrame]:
    """Long rows (with their `_row` position) per chunk, in input order."""
    scorer = BatchScorer(ranker, weights)
    ids = IdRegistry()
    areas = AreaCache(ranker.area_limit_m2)
    for chunk in table.chunks:
        validated = validate_chunk(chunk, mapping, table.row_problems, ids, summary, areas)
        summary.rows_read += len(chunk)
        bad = sum(1 for e in validated.error if e)
        summary.rows_with_errors += bad
        summary.rows_matched += len(chunk) - bad
        yield scorer.score(validated, top_k)
        if progress:
            progress(summary.rows_read, table.total_rows)


# -- output in the user's language (--lang): a last step on each finished frame --------------------

ERROR_COLUMNS = {"zh": "_error_zh", "en": "_error_en"}

OUTPUT_HEADERS: dict[str, tuple[str, str]] = {
    "request_id": ("需求编号", "Request ID"),
    "rank": ("排名", "Rank"),
    "park_id": ("园区编号", "Park ID"),
    "park_name_zh": ("园区名称", "Park name (Chinese)"),
    "score": ("得分", "Score"),
    "fit": ("匹配度", "Fit"),
    "sector_score": ("产业得分", "Sector score"),
    "area_score": ("面积得分", "Area score"),
    "location_score": ("区位得分", "Location score"),
    "reason_zh": ("理由（中文）", "Reasons (Chinese)"),
    "reason_en": ("理由（英文）", "Reasons (English)"),
    "status": ("状态", "Status"),
    "error": ("错误", "Error"),
    "park": ("园区编号", "Park ID"),
    "park_name": ("园区名称", "Park name (Chinese)"),
}
STATUS_WORDS = {"ok": ("已匹配", "matched"), "error": ("出错", "error")}
INPUT_PREFIX = {"zh": "输入_", "en": "input "}


def _error_columns(chunk: ValidatedChunk, bad: list[int]) -> dict[str, list[str]]:
    if not chunk.error_zh:
        return {}
    return {
        ERROR_COLUMNS["zh"]: [chunk.error_zh[i] for i in bad],
        ERROR_COLUMNS["en"]: [chunk.error_en[i] for i in bad],
    }


def localise_errors(rows: pd.DataFrame, lang: Lang | None) -> pd.DataFrame:
    """The error column in the chosen language (unchanged without one); the per-language
    columns carried alongside are dropped."""
    hidden = [c for c in ERROR_COLUMNS.values() if c in rows.columns]
    if not hidden:
        return rows
    if lang is not None:
        rows = rows.assign(error=rows[ERROR_COLUMNS[lang]].fillna(rows["error"]))
    return rows.drop(columns=hidden)


def output_header(name: str, lang: Lang) -> str | None:
    """The header of an output column in the language, or None for a passed-through column."""
    pick = 0 if lang == "zh" else 1
    if name in OUTPUT_HEADERS:
        return OUTPUT_HEADERS[name][pick]
    numbered = re.fullmatch(r"(park|park_name|score|fit|reason_zh|reason_en)_(\d+)", name)
    if numbered is None:
        return None
    base = OUTPUT_HEADERS[numbered.group(1)][pick]
    return f"{base}_{numbered.group(2)}" if lang == "zh" else f"{base} {numbered.group(2)}"


def localise(frame: pd.DataFrame, lang: Lang, scale: ShownScale) -> pd.DataFrame:
    """A finished output frame for people reading `lang`: the shown score (which agrees with
    the fit label), fit labels and status in words, headers in the language; input columns
    keep their own headers (prefixed if one would repeat an output header)."""
    out = frame.copy()
    words = {f.value: label(f"fit_{f.value}", lang) for f in FIT_CODES}
    for score, fit in _score_fit_pairs(list(out.columns)):
        fits = out[fit].fillna("").astype(str)
        out[score] = shown_scores(out[score].to_numpy(dtype=float), fits.tolist(), scale)
        out[fit] = fits.map(lambda v: words.get(v, v))
    if "status" in out.columns:
        pick = 0 if lang == "zh" else 1
        out["status"] = out["status"].map(lambda v: STATUS_WORDS.get(v, (v, v))[pick])
    names = [output_header(c, lang) for c in out.columns]
    taken = {n for n in names if n is not None}
    headers: list[str] = []
    for column, name in zip(out.columns, names, strict=True):
        if name is None:
            name = str(column)
            while name in taken:
                name = f"{INPUT_PREFIX[lang]}{name}"
            taken.add(name)
        headers.append(name)
    out.columns = pd.Index(headers)
    return out


def _score_fit_pairs(columns: Sequence[str]) -> list[tuple[str, str]]:
    pairs = [("score", "fit")] if "score" in columns and "fit" in columns else []
    for column in columns:
        if re.fullmatch(r"score_\d+", column) and f"fit_{column[6:]}" in columns:
            pairs.append((column, f"fit_{column[6:]}"))
    return pairs


__all__ = ["LONG_COLUMNS", "BatchError", "BatchSummary", "run_batch", "wide_rows"]
