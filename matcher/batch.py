"""Batch matching of lead lists: read any CSV/XLSX, validate every row, score in bulk, write.

Every input row comes out: matched rows as their top K parks with status=ok, faulty rows
once with status=error and a message naming the column and the bad value.
"""

from __future__ import annotations

import contextlib
import gc
import re
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from numpy.typing import NDArray

from matcher.areas import AreaError, AreaRange, area_bounds
from matcher.atomic import atomic_output, same_file
from matcher.batch_io import (
    BatchError,
    TableSource,
    load_column_aliases,
    map_headers,
    open_table,
)
from matcher.blocking import FIRST_VISIT, BlockedTop
from matcher.cache import LruCache
from matcher.catalogue import Catalogue
from matcher.comparisons import COMPONENTS, BoolArray, FloatArray, Readings
from matcher.display import shown_scores
from matcher.errors import UsageError, on_file
from matcher.explain import NOTHING_SAID, Explainer, Part
from matcher.exports import (
    FORMULA_TRIGGERS,
    neutralise_arrow,
    neutralise_text,
    write_csv,
    write_xlsx,
)
from matcher.i18n import Lang, Text, joined, label, say
from matcher.models import FIT_ORDER, Weights
from matcher.scoring import Ranker, TopK, ranker_for
from matcher.text import normalize_keep_case
from matcher.tuning import ShownScale
from matcher.understanding import Understanding, understand_all
from matcher.views import fit_words

# The public contract: one score column per comparison, in COMPONENTS order.
LONG_COLUMNS = [
    "request_id",
    "rank",
    "park_id",
    "park_name_zh",
    "score",
    "fit",
    *(f"{name}_score" for name in COMPONENTS),
    "reason_zh",
    "reason_en",
    "status",
    "error",
]
# Output names a passed-through input column must not take, in long and wide output.
WIDE_FIXED_COLUMNS = ("reason_zh_1", "reason_en_1")
WIDE_NUMBERED = re.compile(r"(?:park|park_name|score|fit)_\d+")
REQUIREMENT_COLUMNS = ("sector", "min_area_m2", "max_area_m2", "preferred_location")
# Rows matched together. Smaller chunks cost more per row to match; larger ones make output
# columns so big that their memory goes back to the system after each chunk and is zeroed
# again for the next (with 20,000 rows, page zeroing took 6-13% of a batch's CPU, more than
# filling the reason columns; with 10,000, 3%, and peak memory fell from 500 to 360 MB).
CHUNK_ROWS = 10_000
# A lead list is a few columns (the template has eight); every column comes back in every
# result row, so thousands of them cost gigabytes. Refused before a row is read.
MAX_COLUMNS = 200
# Chunks matched ahead of the writer: matching rarely waits, memory stays bounded.
CHUNKS_AHEAD = 2
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

    def words(self) -> Text:
        """What the run did, in words: rows read, matched, with errors, ids repeated or made."""
        parts = [
            say(
                "batch_summary",
                read=self.rows_read,
                ok=self.rows_matched,
                bad=self.rows_with_errors,
            )
        ]
        if self.duplicate_ids:
            shown = ", ".join(self.duplicate_ids[:5]) + (
                " …" if len(self.duplicate_ids) > 5 else ""
            )
            parts.append(say("batch_duplicate_ids", count=len(self.duplicate_ids), ids=shown))
        if self.generated_ids:
            parts.append(say("batch_generated_ids", count=self.generated_ids))
        return joined(parts)


# -- validating ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidatedChunk:
    """A chunk's rows as plain arrays, with an error message (or '') per row. Sector and
    location texts are held once each (normalised, distinct), with the one of each row."""

    request_id: list[str]
    sector_of: NDArray[np.intp]
    sector_texts: list[str]
    location_of: NDArray[np.intp]
    location_texts: list[str]
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
    row_problems: dict[int, Text],
    ids: IdRegistry,
    summary: BatchSummary,
    areas: AreaCache,
) -> ValidatedChunk:
    """Check each row's cells; generate missing ids; report duplicates; never drop a row.

    `frame`'s index is each row's line in the file; messages name it and the user's header.
    Each distinct cell text is read once; only rows with a problem are looked at one by one.
    """
    by_name = {canonical: original for original, canonical in mapping.items()}
    n = len(frame)
    lines = frame.index.to_numpy(dtype=np.int64)

    def column(name: str) -> tuple[NDArray[np.intp], list[str]]:
        """(code per row, distinct normalised texts); code -1 never occurs."""
        if name not in by_name or n == 0:
            return np.zeros(n, dtype=np.intp), [""]
        # On the column as it is: a CSV's columns are Arrow strings, factorised in Arrow.
        codes, uniques = pd.factorize(frame[by_name[name]])
        # Cells that differ only in what normalising removes are one text.
        same, texts = pd.factorize(
            np.array(_normalized([str(v) for v in np.asarray(uniques, dtype=object)]), dtype=object)
        )
        return same[codes].astype(np.intp), [str(t) for t in texts]

    def header(name: str) -> str:
        return by_name.get(name, name)

    id_codes, id_texts = column("request_id")
    request_ids: list[str] = np.array(id_texts, dtype=object)[id_codes].tolist()
    sector_codes, sector_texts = column("sector")
    location_codes, location_texts = column("preferred_location")
    min_codes, min_texts = column("min_area_m2")
    max_codes, max_texts = column("max_area_m2")

    # Ids in file order: a generated id never takes one already seen, a repeat is named.
    repeated: list[int] = []
    if "" not in id_texts and len(id_texts) == n and ids.seen.isdisjoint(id_texts):
        ids.seen.update(id_texts)  # the usual chunk: every id given, none seen before
    else:
        for i, given in enumerate(request_ids):
            if not given:
                request_ids[i] = ids.generated(int(lines[i]))
                summary.generated_ids += 1
            elif ids.repeated(given):
                summary.duplicate_ids.append(given)
                repeated.append(i)
    too_long = {
        name: np.array([len(t) > MAX_TEXT_CHARS for t in texts])[codes]
        for name, codes, texts in (
            ("sector", sector_codes, sector_texts),
            ("preferred_location", location_codes, location_texts),
        )
    }
    has_problem = np.isin(lines, np.fromiter(row_problems, dtype=np.int64, count=len(row_problems)))
    troubled = has_problem | too_long["sector"] | too_long["preferred_location"]
    troubled[repeated] = True
    # Areas: each distinct (min, max) pair of cells read once.
    pair = min_codes * len(max_texts) + max_codes
    _, first, pair_of = np.unique(pair, return_index=True, return_inverse=True)
    found = [areas.bounds(min_texts[min_codes[i]], max_texts[max_codes[i]]) for i in first]
    bad_area = np.array([isinstance(f, AreaError) for f in found], dtype=bool)[pair_of]
    low = np.array(
        [np.nan if isinstance(f, AreaError) or f.min_m2 is None else f.min_m2 for f in found]
    )
    high = np.array(
        [np.nan if isinstance(f, AreaError) or f.max_m2 is None else f.max_m2 for f in found]
    )
    readable = ~troubled & ~bad_area
    min_area = np.where(readable, low[pair_of], np.nan)
    max_area = np.where(readable, high[pair_of], np.nan)
    empty_texts = [
        np.array([not t for t in texts])[codes]
        for codes, texts in (
            (sector_codes, sector_texts),
            (location_codes, location_texts),
            (min_codes, min_texts),
            (max_codes, max_texts),
        )
    ]
    empty = np.logical_and.reduce(empty_texts) & readable
    errors, errors_zh, errors_en = [""] * n, [""] * n, [""] * n
    repeated_set = set(repeated)
    for i in np.flatnonzero(troubled | bad_area | empty).tolist():
        line = int(lines[i])
        problems: list[Text] = []
        if line in row_problems:
            problems.append(say("row_problem", line=line, problem=row_problems[line]))
        if i in repeated_set:
            problems.append(
                say(
                    "row_duplicate_id",
                    line=line,
                    header=header("request_id"),
                    value=request_ids[i][:60],
                )
            )
        for name, cell in (
            ("sector", sector_texts[sector_codes[i]]),
            ("preferred_location", location_texts[location_codes[i]]),
        ):
            if len(cell) > MAX_TEXT_CHARS:
                problems.append(
                    say(
                        "row_text_too_long",
                        line=line,
                        header=header(name),
                        length=len(cell),
                        limit=MAX_TEXT_CHARS,
                    )
                )
        fault = found[int(pair_of[i])]
        if not problems and isinstance(fault, AreaError):
            at_fault = "max_area_m2" if fault.field == "max" else "min_area_m2"
            problems.append(
                say("row_area", line=line, header=header(at_fault), problem=fault.message)
            )
        if not problems and empty[i]:
            problems.append(say("row_empty", line=line))
        errors[i] = "; ".join(p.mixed for p in problems)
        errors_zh[i] = "；".join(p.zh for p in problems)
        errors_en[i] = "; ".join(p.en for p in problems)
    extras = frame.reset_index(drop=True)
    extras.columns = pd.Index(passthrough_names(list(frame.columns)))
    return ValidatedChunk(
        request_ids,
        sector_codes,
        sector_texts,
        location_codes,
        location_texts,
        min_area,
        max_area,
        errors,
        extras,
        errors_zh,
        errors_en,
    )


# ASCII text that NFKC and whitespace collapsing leave as it is needs no normalising.
_UNTIDY_ASCII = r"[\t\n\x0b\x0c\r\x1c-\x1f]|^ | $|  "


def _normalized(texts: list[str]) -> list[str]:
    """normalize_keep_case of each text, skipped (in Arrow) for ASCII it would not change."""
    if not texts:
        return texts
    values = pa.array(texts, type=pa.string())
    tidy = pc.and_(
        pc.string_is_ascii(values), pc.invert(pc.match_substring_regex(values, _UNTIDY_ASCII))
    )
    out = list(texts)
    for i in np.flatnonzero(~tidy.to_numpy(zero_copy_only=False)).tolist():
        out[i] = normalize_keep_case(texts[i])
    return out


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

    def __init__(
        self,
        ranker: Ranker,
        weights: Weights | None = None,
        blocking: bool | None = None,
        safe: bool = False,
        languages: bool = True,
    ) -> None:
        """`safe`: text cells come out ready for a spreadsheet (see exports.neutralise);
        `languages`: error rows carry their message in each language (for --lang)."""
        self.ranker = ranker
        self._safe = _safe if safe else _as_is
        self._languages = languages
        self.weights = weights or ranker.default_weights
        self.parks = ranker.parks
        self.blocking = blocking  # None: when the catalogue is large enough to gain
        self.blocked = BlockedTop(ranker)
        self.explainer = Explainer(ranker, READINGS_KEPT)
        self._readings: LruCache[Understanding] = LruCache(READINGS_KEPT)
        ids = pa.array([p.park_id for p in self.parks] + [""], type=pa.string())
        names = pa.array([p.name_zh for p in self.parks] + [""], type=pa.string())
        self._park_ids, self._park_names = self._safe(ids), self._safe(names)

    def _read(self, keys: Sequence[tuple[str, str]]) -> list[Understanding]:
        """The reading of each (sector, location) pair; those not kept are read together."""
        found = [self._readings.get(key) for key in keys]
        missing = list(dict.fromkeys(k for k, f in zip(keys, found, strict=True) if f is None))
        if missing:
            taxonomy, gazetteer = self.ranker.taxonomy, self.ranker.gazetteer
            fresh = dict(
                zip(
                    missing,
                    understand_all(taxonomy, gazetteer, missing, self.ranker.cues),
                    strict=True,
                )
            )
            for key, seen in fresh.items():
                self._readings.put(key, seen)
            found = [fresh[k] if f is None else f for k, f in zip(keys, found, strict=True)]
        return [f for f in found if f is not None]

    def readings(self, chunk: ValidatedChunk, rows: NDArray[np.intp]) -> Readings:
        """The chunk's valid rows, each distinct sector and location text read once."""
        sector_codes, sectors = pd.factorize(chunk.sector_of[rows])
        # Without a location, a town or landmark in the sector text counts as the location:
        # a row's place is read from (its location, or its sector text if it has none).
        no_location = np.array([not t for t in chunk.location_texts], dtype=bool)
        place = np.where(no_location[chunk.location_of], chunk.sector_of, -1)
        width = len(chunk.sector_texts) + 1
        location_codes, places = pd.factorize(chunk.location_of[rows] * width + place[rows] + 1)
        sector_keys = [(chunk.sector_texts[c], "") for c in sectors.tolist()]
        place_keys = [
            (chunk.sector_texts[s - 1] if s else "", chunk.location_texts[loc])
            for loc, s in (divmod(code, width) for code in places.tolist())
        ]
        seen = self._read(sector_keys + place_keys)
        return Readings(
            sector=seen[: len(sector_keys)],
            sector_of=sector_codes.astype(np.intp),
            location=seen[len(sector_keys) :],
            location_of=location_codes.astype(np.intp),
            min_area=chunk.min_area[rows],
            max_area=chunk.max_area[rows],
        ).with_areas_from_text()

    def top(self, readings: Readings, top_k: int) -> TopK:
        """The best top_k parks of each requirement (blocked when the catalogue is large)."""
        n = len(readings)
        weights = np.repeat(self.ranker.weight_row(self.weights)[None, :], n, axis=0)
        # A lead list has no hard constraints: every park is ranked.
        hard = np.zeros((n, len(self.ranker.comparisons)), dtype=bool)
        return self.blocked.top(readings, weights, hard, top_k, blocking=self.blocking)

    def score(self, chunk: ValidatedChunk, top_k: int) -> pa.Table:
        """Long-format rows for one validated chunk, in input order, with a `_row` column."""
        return self.prepare(chunk, top_k)()

    def prepare(self, chunk: ValidatedChunk, top_k: int) -> Callable[[], pa.Table]:
        """Everything that needs Python (matching, explaining) done now; what is left is
        Arrow assembling the table (takes and joins, without the GIL), which the returned
        function does, so that it can run while the next chunk is matched."""
        error = np.array([bool(e) for e in chunk.error], dtype=bool)
        rows = np.flatnonzero(~error)
        readings = self.readings(chunk, rows)
        top = self.top(readings, top_k)
        return self._long_rows(chunk, error, top, readings)

    def _long_rows(
        self, chunk: ValidatedChunk, error: BoolArray, top: TopK, readings: Readings
    ) -> Callable[[], pa.Table]:
        """Every input row in place: its top K rows, or one error row; each column is taken
        from a short array (parks, labels, distinct reasons) by index, in Arrow."""
        k = top.parks.shape[1] if len(top) else 1
        counts = np.where(error, 1, k)
        out_row = np.repeat(np.arange(len(error)), counts)
        rank = np.arange(len(out_row)) - (np.cumsum(counts) - counts)[out_row]
        ok = ~error[out_row]
        n_ok = int(ok.sum())
        cell = np.where(ok, np.cumsum(ok) - 1, n_ok)  # index among ok cells; n_ok: none
        parks = top.parks.reshape(-1)
        parts = self._reasons(readings, top, cell)
        texts = {
            "request_id": pa.array(chunk.request_id, type=pa.string()),
            "error": pa.array(chunk.error, type=pa.string()),
            # The error in each language, for --lang (see localise_errors).
            **(
                {
                    ERROR_COLUMNS["zh"]: pa.array(chunk.error_zh or chunk.error, type=pa.string()),
                    ERROR_COLUMNS["en"]: pa.array(chunk.error_en or chunk.error, type=pa.string()),
                }
                if self._languages
                else {}
            ),
            **{
                str(name): pa.array(chunk.extras[name], type=pa.string(), from_pandas=True)
                for name in chunk.extras.columns
            },
        }
        safe = self._safe
        park_ids, park_names = self._park_ids, self._park_names

        def numbers(flat: FloatArray) -> pa.Array:
            return pa.array(np.append(flat, np.nan)[cell], from_pandas=True)

        def build() -> pa.Table:
            at = pa.array(out_row)
            park_at = pa.array(np.append(parks, len(park_ids) - 1)[cell])
            columns: dict[str, pa.Array] = {
                "_row": at,
                "request_id": safe(texts["request_id"]).take(at),
                "rank": pa.array(rank + 1, mask=~ok),
                "park_id": park_ids.take(park_at),
                "park_name_zh": park_names.take(park_at),
                "score": numbers(top.score.reshape(-1)),
                "fit": _FIT_LABELS.take(pa.array(np.append(top.fit.reshape(-1), 4)[cell])),
                **{
                    f"{name}_score": numbers(np.round(top.values[c].reshape(-1), 4))
                    for c, name in enumerate(COMPONENTS)
                },
                "reason_zh": _joined(parts, "zh", safe),
                "reason_en": _joined(parts, "en", safe),
                "status": _STATUS.take(pa.array(error[out_row].astype(np.int8))),
                "error": safe(texts["error"]).take(at),
            }
            for name in ERROR_COLUMNS.values():
                if name in texts:
                    columns[name] = safe(texts[name]).take(at)
            if self._languages:  # for a reader: the fit words say "cannot fit" (see localise)
                holds = np.append(top.feasible.reshape(-1), True)[cell]
                columns[CANNOT_FIT] = pa.array(~holds)
            for name in chunk.extras.columns:
                columns[str(name)] = safe(texts[str(name)]).take(at)
            return pa.table(columns)

        return build

    def _reasons(self, readings: Readings, top: TopK, cell: NDArray[np.intp]) -> list[_Part]:
        """The reasons Ranker.rank gives (matcher/explain.py: the one assembly), for each
        output row: `cell` is each output row's (requirement, rank) cell, counted row by row,
        or the number of cells for an error row (no reasons)."""
        return [_Part(part, cell) for part in self.explainer.parts(readings, top)]


_STATUS = pa.array(["ok", "error"], type=pa.string())
_FIT_LABELS = pa.array([f.value for f in FIT_ORDER] + [""], type=pa.string())


def _joined(
    parts: Sequence[_Part], lang: Literal["zh", "en"], safe: Callable[[pa.Array], pa.Array]
) -> pa.Array:
    """Each output row's parts concatenated: the first non-empty one as it is, the others led
    by the separator. A part empty in every row is left out."""
    used = [p for p in parts if p.nonempty[p.index].any()]
    if not used:
        return pa.array([""] * len(parts[0].index), type=pa.string())
    before = np.zeros(len(parts[0].index), dtype=bool)  # a part already said something
    pieces, risky = [], np.zeros(len(before), dtype=bool)
    for part in used:
        nonempty = part.nonempty[part.index]
        lead = (~before).astype(np.intp)
        pieces.append(part.texts[lang].take(pa.array(part.index * 2 + lead)))
        risky |= nonempty & ~before & part.risky[lang][part.index]
        before |= nonempty
    joined = pieces[0] if len(pieces) == 1 else pc.binary_join_element_wise(*pieces, "")
    if safe is _safe and risky.any():
        joined = pc.if_else(pa.array(risky), pc.binary_join_element_wise("'", joined, ""), joined)
    return joined


class _Part:
    """One source of reasons (explain.Part) laid over the output rows, with its reason lists
    as Arrow text, ready to be taken and joined."""

    def __init__(self, part: Part, cell: NDArray[np.intp]):
        """`cell`: the TopK cell of each output row (one past the last for a row with no
        reasons)."""
        self.said = [*part.said, NOTHING_SAID]
        self.index = np.append(np.asarray(part.index, dtype=np.intp), len(part.said))[cell]
        self.nonempty = np.array([s.nonempty for s in self.said], dtype=bool)
        self.texts = {lang: self._texts(lang) for lang in ("zh", "en")}
        self.risky = {lang: self._risky(lang) for lang in ("zh", "en")}

    def _texts(self, lang: Lang) -> pa.Array:
        """Per reason list two texts: [2i] led by the separator, [2i+1] as it is (the first
        thing said in a cell)."""
        join = label("reason_separator", lang)
        out: list[str] = []
        for said in self.said:
            text = said.zh if lang == "zh" else said.en
            out.extend((join + text if text else "", text))
        return pa.array(out, type=pa.string())

    def _risky(self, lang: Lang) -> BoolArray:
        """Whether each reason list, said first, would read as a formula."""
        return np.array(
            [(s.zh if lang == "zh" else s.en).startswith(FORMULA_TRIGGERS) for s in self.said],
            dtype=bool,
        )


def _as_is(values: pa.Array) -> pa.Array:
    return values


# Text a spreadsheet would evaluate as a formula gets an apostrophe, as in every export.
_safe = neutralise_arrow


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


@contextlib.contextmanager
def _old_objects_left_alone() -> Iterator[None]:
    """While a batch runs, the collector's full passes skip the objects alive when it began
    (modules, the catalogue): a batch allocates enough to trigger them, and each walked all
    of those for nothing (about 0.04 s per 100k rows). gc.freeze is undone after, so later
    garbage among them is still collected."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@_old_objects_left_alone()
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
    for_any_reader: bool = False,
) -> tuple[BatchSummary, pd.DataFrame | None]:
    """Match every row of `source`; write to `output` (CSV, .xlsx or .parquet) or return the
    frame.

    The output is written atomically and never over the input; every input row and column
    comes back (see passthrough_names for headers that collide with output columns). Without
    `lang` the columns are the public contract (LONG_COLUMNS); with it, headers, fit labels,
    status and errors are in that language and the score is the shown score (see localise).
    `for_any_reader` (a returned frame or a .parquet output): the contract's columns plus each
    error in both languages, so a page can show it to any reader with `for_reader`.
    """
    started = time.perf_counter()
    if top_k < 1:
        raise UsageError(say("top_at_least_one", top=top_k))
    if output is not None and same_file(output, source):
        raise UsageError(on_file(str(output), say("output_is_input")))
    ranker = ranker_for(catalogue)
    top_k = min(top_k, len(ranker.parks))
    if len(ranker.parks) <= FIRST_VISIT:
        # Scored against every park: a chunk's matrices hold rows x parks cells. With more
        # parks blocking scores a bounded number of cells at a time whatever the chunk.
        chunk_rows = min(chunk_rows, max(100, CHUNK_CELLS // len(ranker.parks)))
    table = open_table(source, encoding=encoding, sheet=sheet, chunk_rows=chunk_rows)
    if len(table.headers) > MAX_COLUMNS:
        raise BatchError(
            on_file(
                source.name, say("too_many_columns", columns=len(table.headers), most=MAX_COLUMNS)
            )
        )
    summary = BatchSummary(encoding=table.encoding, delimiter=table.delimiter)
    aliases = load_column_aliases(catalogue.data_dir if catalogue else None)
    mapping = _requirement_columns(table.headers, aliases, source)
    summary.columns = mapping
    arrow_csv = (
        output is not None
        and output.suffix.lower() != ".xlsx"
        and output_format == "long"
        and _is_utf8(output_encoding)
    )
    to_parquet = output is not None and output.suffix.lower() == ".parquet"
    keep_languages = for_any_reader and (output is None or to_parquet) and lang is None
    scorer = BatchScorer(
        ranker, weights, safe=arrow_csv, languages=lang is not None or keep_languages
    )
    results = _matched_chunks(table, mapping, scorer, top_k, summary, progress)
    shaped = (
        partial(_shaped, build, output_format, top_k, lang, ranker.tuning.shown, keep_languages)
        for build in results
    )
    frames = _or_empty(shaped, table.headers)
    if output is None:
        result = pd.concat([_frame(build()) for build in frames], ignore_index=True)
        summary.seconds = time.perf_counter() - started
        return summary, result
    with atomic_output(output, protect=(source,)) as handle:
        if to_parquet:
            # For any reader, chunk by chunk: memory holds one chunk, whatever the file.
            write_parquet(((_frame(build()) for build in frames)), handle)
        elif output.suffix.lower() == ".xlsx":
            # Streamed chunk by chunk; past Excel's row limit it stops with TooManyRowsError.
            write_xlsx({"matches": (_frame(build()) for build in frames)}, handle)
        elif arrow_csv:
            if output_encoding.replace("_", "-").lower().endswith("sig"):
                handle.write(b"\xef\xbb\xbf")
            # Arrow assembles and writes (without the GIL) while the next chunks are
            # matched: one thread assembles chunk i+1 while another writes chunk i, in order.
            # Up to CHUNKS_AHEAD chunks wait their turn, so matching seldom waits for them.
            with (
                ThreadPoolExecutor(max_workers=1) as assembler,
                ThreadPoolExecutor(max_workers=1) as writer,
            ):
                pending: deque[Future[None]] = deque()
                for i, build in enumerate(frames):
                    while len(pending) >= CHUNKS_AHEAD:
                        pending.popleft().result()
                    built = assembler.submit(build)
                    pending.append(writer.submit(_write_when_built, built, handle, i == 0))
                while pending:
                    pending.popleft().result()
        else:
            for i, build in enumerate(frames):
                write_csv(_frame(build()), handle, output_encoding, append=i > 0)
    summary.seconds = time.perf_counter() - started
    return summary, None


Built = Callable[[], pa.Table]  # a chunk's table, assembled when called


def _shaped(
    build: Built,
    output_format: OutputFormat,
    top_k: int,
    lang: Lang | None,
    scale: ShownScale,
    keep_languages: bool = False,
) -> pa.Table:
    """A chunk as written: long or wide, in the contract's English or in `lang` (or, with
    `keep_languages`, the contract plus each error in both languages)."""
    rows = build()
    if lang is None and output_format == "long":
        hidden = () if keep_languages else HIDDEN_COLUMNS
        return rows.drop_columns(["_row", *(c for c in hidden if c in rows.column_names)])
    frame = localise_errors(_frame(rows), lang)
    frame = wide_rows(frame, top_k) if output_format == "wide" else frame.drop(columns="_row")
    if lang is not None:
        frame = localise(frame, lang, scale)
    return pa.Table.from_pandas(frame, preserve_index=False)


def _write_when_built(built: Future[pa.Table], handle: BinaryIO, header: bool) -> None:
    write_arrow_csv(built.result(), handle, header)


def _or_empty(frames: Iterator[Built], headers: Sequence[str]) -> Iterator[Built]:
    """The tables, or one empty table with the output's columns if there are none."""
    first = next(frames, None)
    yield partial(_empty, headers) if first is None else first
    yield from frames


def _empty(headers: Sequence[str]) -> pa.Table:
    names = [*LONG_COLUMNS, *passthrough_names(headers)]
    return pa.table({name: pa.array([], type=pa.string()) for name in names})


def _frame(table: pa.Table) -> pd.DataFrame:
    """A chunk as pandas: rank as a nullable integer, missing numbers as nan."""
    frame: pd.DataFrame = table.to_pandas()
    if "rank" in frame.columns and len(frame):
        frame["rank"] = frame["rank"].astype("Int64")
    if "_row" in frame.columns:
        frame["_row"] = frame["_row"].astype(np.int64)
    return frame


def write_parquet(frames: Iterator[pd.DataFrame], handle: BinaryIO) -> None:
    """Chunks as one compressed Parquet file (as exports.parquet_bytes keeps a result), read
    back with pyarrow.parquet; a column empty in one chunk is text like the others."""
    import pyarrow.parquet as pq

    writer: pq.ParquetWriter | None = None
    for frame in frames:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        table = table.cast(
            pa.schema(
                [f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema],
                metadata=table.schema.metadata,
            )
        )
        if writer is None:
            writer = pq.ParquetWriter(handle, table.schema, compression="zstd")
        elif not table.schema.equals(writer.schema):
            table = table.cast(writer.schema)
        writer.write_table(table)
    if writer is not None:
        writer.close()


def _is_utf8(encoding: str) -> bool:
    return encoding.replace("_", "-").lower() in ("utf-8", "utf-8-sig", "utf8")


def write_arrow_csv(table: pa.Table, handle: BinaryIO, header: bool) -> None:
    """A chunk with Arrow's CSV writer; its cells were made safe from formulas when built
    (BatchScorer(safe=True)), the headers are here."""
    safe = table.rename_columns([neutralise_text(name) for name in table.column_names])
    pa_csv.write_csv(
        safe, handle, pa_csv.WriteOptions(include_header=header, quoting_style="needed")
    )


def _requirement_columns(
    headers: Sequence[str], aliases: dict[str, str], source: Path
) -> dict[str, str]:
    mapping = map_headers(list(headers), aliases)
    if not any(v in REQUIREMENT_COLUMNS for v in mapping.values()):
        found = ", ".join(h[:40] for h in headers[:20])
        raise BatchError(on_file(source.name, say("no_requirement_columns", found=found)))
    return mapping


def _matched_chunks(
    table: TableSource,
    mapping: dict[str, str],
    scorer: BatchScorer,
    top_k: int,
    summary: BatchSummary,
    progress: ProgressCallback | None,
) -> Iterator[Built]:
    """Long rows (with their `_row` position) per chunk, in input order, to be assembled."""
    ids = IdRegistry()
    areas = AreaCache(scorer.ranker.area_limit_m2)
    for chunk in table.chunks:
        validated = validate_chunk(chunk, mapping, table.row_problems, ids, summary, areas)
        summary.rows_read += len(chunk)
        bad = sum(1 for e in validated.error if e)
        summary.rows_with_errors += bad
        summary.rows_matched += len(chunk) - bad
        yield scorer.prepare(validated, top_k)
        if progress:
            progress(summary.rows_read, table.total_rows)


# -- output in the user's language (--lang): a last step on each finished frame --------------------

ERROR_COLUMNS = {"zh": "_error_zh", "en": "_error_en"}
# Whether a park cannot hold the area asked for: carried for a reader's fit words only.
CANNOT_FIT = "_cannot_fit"
FIT_NOTE = ":cannot_fit"
HIDDEN_COLUMNS = (*ERROR_COLUMNS.values(), CANNOT_FIT)

# Output columns have their header in the message catalogue as "column_<name>".
OUTPUT_COLUMNS = frozenset([*LONG_COLUMNS, "park", "park_name"])


def _error_columns(chunk: ValidatedChunk, bad: list[int]) -> dict[str, list[str]]:
    if not chunk.error_zh:
        return {}
    return {
        ERROR_COLUMNS["zh"]: [chunk.error_zh[i] for i in bad],
        ERROR_COLUMNS["en"]: [chunk.error_en[i] for i in bad],
    }


def localise_errors(rows: pd.DataFrame, lang: Lang | None) -> pd.DataFrame:
    """The error column in the chosen language (unchanged without one), and a park that
    cannot hold the area marked in its fit ("none" becomes "none:cannot_fit", worded by
    localise); the columns carried alongside for this are dropped."""
    hidden = [c for c in HIDDEN_COLUMNS if c in rows.columns]
    if not hidden:
        return rows
    if lang is not None and ERROR_COLUMNS[lang] in rows.columns:
        rows = rows.assign(error=rows[ERROR_COLUMNS[lang]].fillna(rows["error"]))
    if lang is not None and CANNOT_FIT in rows.columns:
        cannot = rows[CANNOT_FIT].fillna(False).astype(bool) & (rows["status"] == "ok")
        rows = rows.assign(fit=rows["fit"].where(~cannot, rows["fit"] + FIT_NOTE))
    return rows.drop(columns=hidden)


def output_header(name: str, lang: Lang) -> str | None:
    """The header of an output column in the language, or None for a passed-through column;
    the reasons in the reader's language are headed as every ranking heads them."""
    if name == f"reason_{lang}":
        return label("column_reasons", lang)
    if name in OUTPUT_COLUMNS:
        return label(f"column_{name}", lang)
    numbered = re.fullmatch(r"(park|park_name|score|fit|reason_zh|reason_en)_(\d+)", name)
    if numbered is None:
        return None
    base = "reasons" if numbered.group(1) == f"reason_{lang}" else numbered.group(1)
    return label("column_numbered", lang, name=say(f"column_{base}"), n=numbered.group(2))


def localise(frame: pd.DataFrame, lang: Lang, scale: ShownScale) -> pd.DataFrame:
    """A finished output frame for people reading `lang`: the shown score (which agrees with
    the fit label), fit labels and status in words, headers in the language; input columns
    keep their own headers (prefixed if one would repeat an output header). The reasons are
    in the reader's language only, as on every page."""
    other = "reason_en" if lang == "zh" else "reason_zh"
    out = frame.drop(columns=[c for c in frame.columns if c in (other, f"{other}_1")])
    words = {f.value: fit_words(f).in_(lang) for f in FIT_ORDER}
    words[FIT_ORDER[0].value + FIT_NOTE] = fit_words(FIT_ORDER[0], feasible=False).in_(lang)
    for score, fit in _score_fit_pairs(list(out.columns)):
        fits = out[fit].fillna("").astype(str)
        bands = fits.str.removesuffix(FIT_NOTE).tolist()
        out[score] = shown_scores(out[score].to_numpy(dtype=float), bands, scale)
        out[fit] = fits.map(lambda v: words.get(v, v))
    if "status" in out.columns:
        words = {status: label(f"row_status_{status}", lang) for status in ("ok", "error")}
        out["status"] = out["status"].map(lambda v: words.get(v, v))
    names = [output_header(c, lang) for c in out.columns]
    taken = {n for n in names if n is not None}
    headers: list[str] = []
    for column, name in zip(out.columns, names, strict=True):
        if name is None:
            name = str(column)
            while name in taken:
                name = label("input_column", lang, name=name)
            taken.add(name)
        headers.append(name)
    out.columns = pd.Index(headers)
    return out


def for_reader(frame: pd.DataFrame, lang: Lang, scale: ShownScale) -> pd.DataFrame:
    """A result frame of `run_batch(..., for_any_reader=True)` as `--lang` writes it: what a
    page shows and what its downloads hold, so the screen and the files agree."""
    return localise(localise_errors(frame, lang), lang, scale)


def _score_fit_pairs(columns: Sequence[str]) -> list[tuple[str, str]]:
    pairs = [("score", "fit")] if "score" in columns and "fit" in columns else []
    for column in columns:
        if re.fullmatch(r"score_\d+", column) and f"fit_{column[6:]}" in columns:
            pairs.append((column, f"fit_{column[6:]}"))
    return pairs


__all__ = ["LONG_COLUMNS", "BatchError", "BatchSummary", "run_batch", "wide_rows"]
