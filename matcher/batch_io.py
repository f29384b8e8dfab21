"""Reading lead lists as they come: any common encoding and delimiter, CSV or XLSX, headers
in English or Chinese. Yields chunks of raw text cells; validation is batch.py's job.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from matcher.catalogue import default_data_dir
from matcher.errors import UsageError, UserFacingError, on_file
from matcher.i18n import Text, say
from matcher.text import has_cjk, normalize, unique_names

SNIFF_BYTES = 1 << 16


class BatchError(UserFacingError):
    """The file as a whole cannot be read (not a table, no requirement column, ...)."""


def detect_encoding(sample: bytes) -> str:
    """BOMs first, then strict UTF-8, then GB18030 (covers GBK), then charset-normalizer."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if sample.count(0) * 10 > len(sample):
        # UTF-16 without a BOM puts a zero byte beside every ASCII character.
        zeros_odd = sample[1::2].count(0) / max(len(sample) // 2, 1)
        zeros_even = sample[0::2].count(0) / max(len(sample) // 2, 1)
        if zeros_odd > 0.3 and zeros_even < 0.05:
            return "utf-16-le"
        if zeros_even > 0.3 and zeros_odd < 0.05:
            return "utf-16-be"
        raise BatchError(say("file_binary"))
    # A stray NUL is a bad line, reported as such; it says nothing about the encoding.
    sample = sample.replace(b"\x00", b"")
    for encoding in ("utf-8", "gb18030"):
        try:
            _decode_prefix(sample, encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    voted = _vote_by_line(sample)
    if voted:
        return voted
    # Only the rare file that is neither UTF-8 nor GB18030 pays for importing the detector.
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise BatchError(say("file_encoding_unknown"))
    return str(best.encoding)


def _vote_by_line(sample: bytes) -> str:
    """For a file mixing UTF-8 and GB18030 lines: the encoding most of its lines are in.

    The lines in the other encoding are then reported one by one, never re-decoded silently.
    """
    votes = {"utf-8": 0, "gb18030": 0}
    for raw in sample.splitlines()[:-1]:  # the last line may be cut by the sample
        if raw.isascii():
            continue
        if _chinese_utf8(raw):
            votes["utf-8"] += 1
            continue
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            return ""
        votes["gb18030"] += 1
    if not any(votes.values()):
        return ""
    return max(votes, key=lambda e: votes[e])


def _decode_prefix(sample: bytes, encoding: str) -> str:
    """Decode a file's first bytes, forgiving only a character cut at the sample's end."""
    for cut in range(4):
        try:
            return sample[: len(sample) - cut].decode(encoding)
        except UnicodeDecodeError:
            if cut == 3 or len(sample) < SNIFF_BYTES:
                raise
    raise AssertionError("unreachable")


def sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon, whichever splits the header and first lines consistently."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",\t;").delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in ",\t;"}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def load_column_aliases(data_dir: Path | None = None) -> dict[str, str]:
    """Normalised header variant -> canonical column name, from data/column_aliases.csv."""
    path = (data_dir or default_data_dir()) / "column_aliases.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {_header_key(row["alias"]): row["column"] for row in csv.DictReader(handle)}


def _header_key(header: str) -> str:
    return normalize(header).replace("_", " ").replace("（", "(").replace("）", ")").strip()


def map_headers(headers: Sequence[str], aliases: dict[str, str]) -> dict[str, str]:
    """Original header -> canonical name for the headers we recognise; the first wins."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        key = _header_key(str(header))
        canonical = aliases.get(key) or aliases.get(key.split("(")[0].strip())
        if canonical and canonical not in taken:
            mapping[str(header)] = canonical
            taken.add(canonical)
    return mapping


@dataclass(frozen=True)
class TableSource:
    """An opened input file and how it was read.

    Each chunk's index is the spreadsheet line of each row (the header is line 1), so a
    message can name the line. `row_problems` maps such a line to what is wrong with it (a
    malformed line, a line in another encoding); it is filled as chunks are read, before the
    chunk holding that line is yielded.
    """

    chunks: Iterator[pd.DataFrame]
    encoding: str
    delimiter: str
    total_rows: int | None
    headers: tuple[str, ...] = ()
    row_problems: dict[int, Text] = field(default_factory=dict)
    sheet: str = ""  # the worksheet read, for an XLSX


def open_table(
    path: Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    chunk_rows: int = 20_000,
) -> TableSource:
    """Open a CSV (any common encoding and delimiter) or XLSX as chunks of string cells."""
    if not path.exists():
        raise BatchError(on_file(path.name, say("file_not_found")))
    if path.is_dir():
        raise BatchError(on_file(path.name, say("file_is_folder")))
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        problem = say("file_unreadable", reason=str(error.strerror or error))
        raise BatchError(on_file(path.name, problem)) from error
    if not head:
        raise BatchError(on_file(path.name, say("file_empty")))
    if path.suffix.lower() in (".xlsx", ".xlsm") or head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, sheet, chunk_rows)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError as error:
            raise UsageError(say("encoding_unknown", encoding=encoding[:40])) from error
    chosen = encoding or detect_encoding(head)
    wide = chosen.lower().replace("_", "-").startswith(_LINE_ENCODINGS_SPLIT_ON_NEWLINE)
    # Only for finding the delimiter: lines that do not decode are reported one by one later.
    text_head = (head if wide else head.replace(b"\x00", b"")).decode(chosen, errors="replace")
    if not text_head.strip():
        raise BatchError(on_file(path.name, say("file_blank")))
    delimiter = sniff_delimiter(text_head)
    reader = CsvRows(path, chosen, delimiter)
    headers = reader.headers()
    return TableSource(reader.chunks(chunk_rows), chosen, delimiter, None, headers, reader.problems)


# A physical line longer than this is not a lead list's row; it is reported, not read.
MAX_LINE_BYTES = 1 << 20
# A cell may be as long as a line; the default limit (128 Ki) would drop a row's other
# cells with it. Raising it is process-wide, and harmless: lines are bounded above.
csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))
# A quoted cell may span lines, but one spanning more than this is a stray quote.
MAX_RECORD_LINES = 200
_LINE_ENCODINGS_SPLIT_ON_NEWLINE = ("utf-16", "utf-32")


# A batch of records: the first line of each, and its cells.
_Records = tuple[list[int], list[list[str]]]


@dataclass(frozen=True)
class _Plain:
    """Lines that are each one whole record and that csv.reader and Arrow read alike: every
    quoted cell is quoted whole ("...", a quote inside written ""). Arrow reads them without
    making a Python string per cell; blank lines (no rows) are left out first."""

    lines: Sequence[int]
    bodies: list[str]  # the lines without their endings
    # The lines' bytes as Arrow may read them, when every line is a row as it stands (each
    # ends in \n or \r\n and holds the delimiter, so none is blank).
    raw: bytes | None = None

    def records(self, delimiter: str) -> _Records:
        """The lines read as the record-by-record path reads them."""
        return list(self.lines), [
            next(csv.reader([body], delimiter=delimiter))
            if '"' in body
            else (body.split(delimiter) if body else [])
            for body in self.bodies
        ]

    def table(self, width: int, delimiter: str) -> tuple[list[int], pa.Table] | None:
        """(line of each row, the rows' cells as strings), or None if a line does not have
        `width` cells (it is then read as records, to be reported)."""
        if self.raw is not None:
            kept_lines, text = list(self.lines), self.raw
        else:
            kept = [
                (line, body)
                for line, body in zip(self.lines, self.bodies, strict=True)
                if delimiter in body or body.strip()
            ]
            kept_lines = [line for line, _ in kept]
            text = "\n".join(body for _, body in kept).encode("utf-8")
        if not kept_lines:
            return [], _strings([], width)
        if text.startswith(codecs.BOM_UTF8):
            # Arrow drops a byte order mark at the start of what it reads: a line beginning
            # with U+FEFF keeps it, as csv.reader keeps it, behind one given to be dropped.
            text = codecs.BOM_UTF8 + text
        names = [f"c{i}" for i in range(width)]
        try:
            table = pa_csv.read_csv(
                io.BytesIO(text),
                read_options=pa_csv.ReadOptions(column_names=names, use_threads=False),
                parse_options=pa_csv.ParseOptions(
                    delimiter=delimiter,
                    quote_char='"',
                    double_quote=True,
                    escape_char=False,
                    newlines_in_values=False,
                    ignore_empty_lines=False,
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types={name: pa.string() for name in names},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid:  # a line with too many or too few cells
            return None
        if table.num_rows != len(kept_lines):
            return None
        return kept_lines, table


class CsvRows:
    """A CSV file read line by line so that every record knows its line number and one bad
    line (wrong field count, stray quote, another encoding, NUL byte) never shifts others.

    Lines come in blocks (what one read of the file holds); a block whose every line is
    one whole record, in the file's encoding and without a NUL, is read in one go (see
    _single_line_records), any other block record by record."""

    def __init__(self, path: Path, encoding: str, delimiter: str) -> None:
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter
        self.problems: dict[int, Text] = {}
        self._header: tuple[int, tuple[str, ...]] | None = None
        self._batches = self._record_batches()
        self._pending: _Records | _Plain = ([], [])  # read past the header row

    def headers(self) -> tuple[str, ...]:
        """The header row's names, made unique and never blank."""
        if self._header is None:
            for batch in self._batches:
                lines, records = (
                    batch.records(self.delimiter) if isinstance(batch, _Plain) else batch
                )
                for at, (line, cells) in enumerate(zip(lines, records, strict=True)):
                    if any(c.strip() for c in cells):
                        self._header = (line, unique_names(cells))
                        self.problems.pop(line, None)
                        # The lines after the header keep their way in (see chunks).
                        self._pending = (
                            _Plain(batch.lines[at + 1 :], batch.bodies[at + 1 :])
                            if isinstance(batch, _Plain)
                            else (lines[at + 1 :], records[at + 1 :])
                        )
                        return self._header[1]
            raise BatchError(on_file(self.path.name, say("file_no_header")))
        return self._header[1]

    def chunks(self, chunk_rows: int) -> Iterator[pd.DataFrame]:
        headers = self.headers()
        width = len(headers)
        rows: list[list[str]] = []  # read as records, not yet in `tables`
        lines: list[int] = []
        tables: list[pa.Table] = []
        table_lines: list[int] = []
        problems = self.problems
        for batch in _prepended(self._pending, self._batches):
            if isinstance(batch, _Plain):
                parsed = batch.table(width, self.delimiter) if width > 1 else None
                if parsed is not None:
                    if rows:
                        tables.append(_strings(rows, width))
                        table_lines += lines
                        rows, lines = [], []
                    tables.append(parsed[1])
                    table_lines += parsed[0]
                    while len(table_lines) >= chunk_rows:
                        whole = pa.concat_tables(tables)
                        yield _frame(whole.slice(0, chunk_rows), headers, table_lines[:chunk_rows])
                        tables, table_lines = [whole.slice(chunk_rows)], table_lines[chunk_rows:]
                    continue
                batch = batch.records(self.delimiter)
            for line, cells in zip(*batch, strict=True):
                if len(cells) <= 1 and not any(c.strip() for c in cells) and line not in problems:
                    continue  # a blank line is not a row
                if len(cells) != width:
                    if line not in problems:
                        problems[line] = _field_count_problem(line, cells, width)
                    cells = (cells + [""] * width)[:width]
                rows.append(cells)
                lines.append(line)
            while len(table_lines) + len(rows) >= chunk_rows:
                tables.append(_strings(rows, width))
                whole = pa.concat_tables(tables)
                held = table_lines + lines
                yield _frame(whole.slice(0, chunk_rows), headers, held[:chunk_rows])
                tables, table_lines = [whole.slice(chunk_rows)], held[chunk_rows:]
                rows, lines = [], []
        tables.append(_strings(rows, width))
        whole = pa.concat_tables(tables)
        held = table_lines + lines
        for start in range(0, len(held), chunk_rows):
            part = whole.slice(start, chunk_rows)
            yield _frame(part, headers, held[start : start + chunk_rows])

    def _read_records(self) -> Iterator[tuple[int, list[str]]]:
        """(first line, cells) per record."""
        for batch in self._record_batches():
            lines, records = batch.records(self.delimiter) if isinstance(batch, _Plain) else batch
            yield from zip(lines, records, strict=True)

    def _record_batches(self) -> Iterator[_Records | _Plain]:
        """(first line, cells) per record, a block of lines at a time; a stray quote costs
        only its own line."""
        with self.path.open("rb") as handle:
            feed = _LineFeed(self._line_blocks(handle))
            reader = csv.reader(feed, delimiter=self.delimiter)
            delimiter = self.delimiter
            while (block := feed.take_block()) is not None:
                # A line with a problem is a row whatever it holds: not for the fast path.
                plain = (
                    None
                    if self.problems and any(n in self.problems for n, _ in block)
                    else _plain(block, delimiter)
                )
                if plain is not None:
                    yield plain
                    continue
                whole = _single_line_records(block, delimiter)
                if whole is not None:
                    yield whole
                    continue
                feed.untake_block()
                # Record by record until the block is used up (a record may run into the
                # next block; the rest of that one is then read here too). One at a time:
                # whether a record swallowed lines depends on the header, read by then.
                while feed.in_block():
                    ahead = feed.peek()
                    if ahead is None:
                        break
                    if '"' not in ahead[1]:
                        # No quote: the line is one record, its cells are what the delimiter
                        # splits (as csv.reader would), so it skips the record machinery.
                        feed.skip()
                        body = ahead[1].rstrip("\r\n")
                        yield [ahead[0]], [body.split(delimiter) if body else []]
                        continue
                    record = self._quoted_record(feed, reader)
                    if record is None:
                        break
                    yield [record[0]], [record[1]]

    def _quoted_record(
        self, feed: _LineFeed, reader: Iterator[list[str]]
    ) -> tuple[int, list[str]] | None:
        """The record starting at a line with a quote (None at the end of the file)."""
        feed.taken.clear()
        cells: list[str] | None
        try:
            cells = next(reader)
        except StopIteration:
            return None
        except csv.Error:
            cells = None
        taken = list(feed.taken)
        if not taken:
            return None
        first = taken[0][0]
        if cells is None and len(taken) == 1:
            self.problems[first] = say("row_cell_too_long", limit=csv.field_size_limit())
            cells = []
        if len(taken) > 1 and (cells is None or self._looks_swallowed(cells, taken)):
            # Re-read the following lines on their own; only the first is at fault.
            feed.push_back(taken[1:])
            self.problems[first] = say("row_unclosed_quote")
            cells = next(csv.reader([taken[0][1]], delimiter=self.delimiter), [])
        if len(taken) > 1:
            self._merge_line_problems(taken)
        return first, cells if cells is not None else []

    def _looks_swallowed(self, cells: list[str], taken: list[tuple[int, str]]) -> bool:
        width = len(self._header[1]) if self._header else len(cells)
        return len(cells) != width or len(taken) > MAX_RECORD_LINES

    def _merge_line_problems(self, taken: list[tuple[int, str]]) -> None:
        """A record spanning lines carries their problems under its first line."""
        first = taken[0][0]
        for line, _ in taken[1:]:
            if line in self.problems and first not in self.problems:
                self.problems[first] = self.problems.pop(line)

    def _line_blocks(self, handle: BinaryIO) -> Iterator[list[tuple[int, str]]]:
        """(line number, text) of each line, a block at a time."""
        if self.encoding.lower().replace("_", "-").startswith(_LINE_ENCODINGS_SPLIT_ON_NEWLINE):
            yield from _in_blocks(self._wide_lines(handle))
            return
        codec = "utf-8" if self.encoding.lower().replace("_", "-") == "utf-8-sig" else self.encoding
        in_gb = codecs.lookup(codec).name in ("gb18030", "gbk", "gb2312")
        number = 0
        for raws, clean in _raw_blocks(handle):
            if number == 0 and raws[0].startswith(codecs.BOM_UTF8):
                raws[0] = raws[0][len(codecs.BOM_UTF8) :]
            first = number + 1
            number += len(raws)
            # In a GB file only ASCII lines can be taken as they are: a line of Chinese
            # may be UTF-8, which is reported (see _line).
            block = _decoded(raws, codec, first) if clean and not in_gb else None
            if block is None:
                texts = [self._line(n, raw, codec, in_gb) for n, raw in enumerate(raws, first)]
                block = _Block(zip(range(first, number + 1), texts, strict=True))
            yield block

    def _line(self, number: int, raw: bytes, codec: str, in_gb: bool) -> str:
        """One line's text; what is wrong with it goes to `problems`."""
        if raw is _TOO_LONG:
            self.problems[number] = say("row_line_too_long", limit=MAX_LINE_BYTES)
            return "\n"
        try:
            text, valid = raw.decode(codec), True
        except UnicodeDecodeError:
            text, valid = "", False
        if in_gb and not raw.isascii() and (as_utf8 := _chinese_utf8(raw)):
            text = as_utf8  # shown as written; the row is still refused
            self.problems[number] = say("row_utf8_in_gb", encoding=self.encoding)
        elif not valid:
            text = _shown_anyway(raw, codec)
            self.problems[number] = say("row_not_valid_text", encoding=self.encoding)
        if "\x00" in text:
            text = text.replace("\x00", "")
            self.problems.setdefault(number, say("row_nul"))
        return text

    def _wide_lines(self, handle: BinaryIO) -> Iterator[tuple[int, str]]:
        """UTF-16/32 text cannot be split on the byte 0x0A, so it is decoded as a stream."""
        text = io.TextIOWrapper(handle, encoding=self.encoding, errors="strict", newline="")
        number = 0
        try:
            for number, line in enumerate(text, start=1):
                if "\x00" in line:
                    line = line.replace("\x00", "")
                    self.problems.setdefault(number, say("row_nul"))
                yield number, line
        except UnicodeDecodeError as error:
            problem = say("file_encoding_broken", line=number, encoding=self.encoding)
            raise BatchError(on_file(self.path.name, problem)) from error


def _strings(rows: list[list[str]], width: int) -> pa.Table:
    """Rows of `width` cells as a table of string columns c0, c1, ..."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    return pa.table(
        {f"c{i}": pa.array(column, type=pa.string()) for i, column in enumerate(columns)}
    )


def _frame(table: pa.Table, headers: Sequence[str], lines: list[int]) -> pd.DataFrame:
    """A chunk: the user's headers, each row's line as its index (string columns, held by
    Arrow rather than as a Python string per cell)."""
    frame: pd.DataFrame = table.rename_columns(list(headers)).to_pandas()
    frame.index = pd.Index(lines, dtype=np.int64)
    return frame


def _prepended(
    first: _Records | _Plain, rest: Iterator[_Records | _Plain]
) -> Iterator[_Records | _Plain]:
    yield first
    yield from rest


def _single_line_records(block: list[tuple[int, str]], delimiter: str) -> _Records | None:
    """Each line's record, if every line of the block is a whole record; else None.

    A line without a quote is split on the delimiter (what csv.reader would make of it). The
    lines with one go through one csv.reader, which makes a record per line unless a quote
    stays open past a line's end: then a record takes several lines (fewer records than
    lines), or, at the last of them, keeps its line ending in its last cell (a cell closed
    on its line never holds one).
    """
    lines = [line for line, _ in block]
    texts = [text for _, text in block]
    records = [body.split(delimiter) if (body := t.rstrip("\r\n")) else [] for t in texts]
    quoted = [i for i, text in enumerate(texts) if '"' in text]
    if quoted:
        try:
            parsed = list(csv.reader([texts[i] for i in quoted], delimiter=delimiter))
        except csv.Error:  # a cell over the size limit: reported record by record
            return None
        if len(parsed) != len(quoted):
            return None
        if parsed[-1] and ("\n" in parsed[-1][-1] or "\r" in parsed[-1][-1]):
            return None
        for i, cells in zip(quoted, parsed, strict=True):
            records[i] = cells
    return lines, records


# A line whose quoted cells are all quoted whole: read alike by csv.reader and Arrow.
_CELL = r'(?:[^"{d}]*|"(?:[^"]|"")*")'


@functools.cache
def _whole_quotes(delimiter: str) -> re.Pattern[str]:
    cell = _CELL.format(d=re.escape(delimiter))
    return re.compile(rf"{cell}(?:{re.escape(delimiter)}{cell})*")


def _plain(block: list[tuple[int, str]], delimiter: str) -> _Plain | None:
    """The block as a _Plain, if every line's quotes are whole cells (see _Plain)."""
    if isinstance(block, _Block) and (whole_block := _plain_whole(block, delimiter)):
        return whole_block
    bodies = [text.rstrip("\r\n") for _, text in block]
    whole = _whole_quotes(delimiter).fullmatch
    # A quoted line longer than csv's cell limit may hold a cell it refuses (reported).
    limit = csv.field_size_limit()
    if not all(whole(body) and len(body) <= limit for body in bodies if '"' in body):
        return None
    return _Plain([line for line, _ in block], bodies)


def _plain_whole(block: _Block, delimiter: str) -> _Plain | None:
    """The block as a _Plain Arrow reads as it stands, or None if a line needs looking at
    (a lone \r, a line without the delimiter, a quote not around a whole cell, no final
    line ending)."""
    text = block.text
    if block.raw is None or not text.endswith("\n"):
        return None
    if "\r" in text:  # Arrow reads \r\n endings as they are; a lone \r is a line of its own
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    bodies = text[:-1].split("\n")
    if len(bodies) != len(block) or not all(delimiter in body for body in bodies):
        return None
    if '"' in text:
        whole = _whole_quotes(delimiter).fullmatch
        limit = csv.field_size_limit()
        if not all(whole(body) and len(body) <= limit for body in bodies if '"' in body):
            return None
    first = block[0][0]
    return _Plain(range(first, first + len(block)), bodies, block.raw)


class _Block(list[tuple[int, str]]):
    """A block of (line number, text) as read, with the whole block's text and bytes when it
    was decoded at once (valid UTF-8, no NUL); a block the feed cuts is a plain list."""

    text: str = ""
    raw: bytes | None = None


def _decoded(raws: list[bytes], codec: str, first: int) -> _Block | None:
    """The lines numbered from `first`, each decoded, or None if one is not in the codec."""
    numbers = range(first, first + len(raws))
    if codec == "utf-8":
        # The block at once: a UTF-8 character never holds a line break's byte, so each
        # line decodes as it would alone (one call instead of one per line).
        raw = b"".join(raws)
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            return None
        # str.splitlines also breaks at \x0b, \x1c, \u2028 ... which bytes.splitlines does
        # not: a block holding one has more lines as text, and is decoded line by line.
        lines = text.splitlines(keepends=True)
        if len(lines) == len(raws):
            block = _Block(zip(numbers, lines, strict=True))
            block.text, block.raw = text, raw
            return block
    try:
        return _Block(zip(numbers, [raw.decode(codec) for raw in raws], strict=True))
    except UnicodeDecodeError:
        return None


def _in_blocks(
    lines: Iterator[tuple[int, str]], size: int = 1024
) -> Iterator[list[tuple[int, str]]]:
    block: list[tuple[int, str]] = []
    for item in lines:
        block.append(item)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


_TOO_LONG = b"\x00too-long\x00"
# What one read of a CSV takes: the lines in it are decoded and, if plain, parsed together.
READ_BYTES = 1 << 18


def _raw_blocks(handle: BinaryIO) -> Iterator[tuple[list[bytes], bool]]:
    """Lines of bytes with their endings (\\n, \\r\\n or a lone \\r), each at most
    MAX_LINE_BYTES (a longer line is skipped and given as _TOO_LONG), a block at a time, and
    whether the block is clean: no NUL byte, no line skipped."""
    pending = b""
    skipping = False
    while block := handle.read(READ_BYTES):
        data = pending + block
        pieces = data.splitlines(keepends=True)
        # The last piece may continue in the next block (or be the \r of a \r\n).
        pending = pieces.pop()
        if pending.endswith(b"\n"):
            pieces.append(pending)
            pending = b""
        clean = b"\x00" not in data
        if skipping and pieces:
            skipping, clean = False, False
            pieces[0] = _TOO_LONG
        if pieces:
            yield pieces, clean
        if len(pending) > MAX_LINE_BYTES:
            # A final \r may end the line (a lone \r) or start a \r\n: it is kept, so that
            # the line after is not taken for the rest of the one skipped.
            skipping, pending = True, b"\r" if pending.endswith(b"\r") else b""
    if skipping:
        yield [_TOO_LONG], False
    elif pending:
        yield [pending], b"\x00" not in pending


def _shown_anyway(raw: bytes, codec: str) -> str:
    """A line that is not in the file's encoding, decoded as best we can for showing it."""
    for other in ("utf-8", "gb18030"):
        if other != codec:
            try:
                return raw.decode(other)
            except UnicodeDecodeError:
                continue
    return raw.decode(codec, errors="replace")


def _chinese_utf8(raw: bytes) -> str:
    """The line as UTF-8 if it is valid UTF-8 holding Chinese, else ''.

    Short GBK text can be valid UTF-8 by chance (亩 is C4 B6, UTF-8 for Ķ), but it then
    decodes to Latin, Greek or Cyrillic letters, almost never to Chinese characters.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    return text if has_cjk(text) else ""


class _LineFeed:
    """An iterator of text lines for csv.reader that remembers which lines a record took;
    it holds one block of lines at a time, which the fast path may take whole."""

    def __init__(self, blocks: Iterator[list[tuple[int, str]]]) -> None:
        self._blocks = blocks
        self._block: list[tuple[int, str]] = []
        self._at = 0  # the next line of the block
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        while self._at >= len(self._block):
            self._block, self._at = next(self._blocks), 0
        item = self._block[self._at]
        self._at += 1
        self.taken.append(item)
        return item[1]

    def take_block(self) -> list[tuple[int, str]] | None:
        """The rest of the current block, or the next block, all taken (None at the end)."""
        if self._at >= len(self._block):
            self._block, self._at = next(self._blocks, []), 0
            if not self._block:
                return None
        if self._at:
            self._block, self._at = self._block[self._at :], 0
        self._at = len(self._block)
        return self._block

    def untake_block(self) -> None:
        """Give back the block take_block gave, to be read line by line."""
        self._at = 0

    def in_block(self) -> bool:
        """Whether lines of the current block are left."""
        return self._at < len(self._block)

    def push_back(self, items: list[tuple[int, str]]) -> None:
        self._block, self._at = [*items, *self._block[self._at :]], 0

    def peek(self) -> tuple[int, str] | None:
        """The next line without taking it (None at the end)."""
        while self._at >= len(self._block):
            try:
                self._block, self._at = next(self._blocks), 0
            except StopIteration:
                return None
        return self._block[self._at]

    def skip(self) -> None:
        """Drop the line peek gave, without recording it as taken."""
        self._at += 1


def _field_count_problem(line: int, cells: list[str], width: int) -> Text:
    if len(cells) > width:
        extra = ", ".join(repr(c[:30]) for c in cells[width:][:3])
        return say("row_more_fields", count=len(cells), width=width, extra=extra)
    return say("row_fewer_fields", count=len(cells), width=width)


def _open_xlsx(path: Path, sheet: str | None, chunk_rows: int) -> TableSource:
    """Stream the sheet through xlsx_reader; its errors become BatchErrors, even mid-way."""
    from matcher.xlsx_reader import XlsxError, open_xlsx  # openpyxl: for XLSX input only

    try:
        table = open_xlsx(path, sheet, chunk_rows=chunk_rows)
        first = next(table.chunks, None)
    except XlsxError as error:
        raise BatchError(on_file(path.name, error.message)) from error
    if first is None:
        raise BatchError(on_file(path.name, say("sheet_no_header", sheet=table.sheet)))

    def chunks() -> Iterator[pd.DataFrame]:
        try:
            if len(first):
                yield first
            yield from table.chunks
        except XlsxError as error:
            raise BatchError(on_file(path.name, error.message)) from error

    return TableSource(
        chunks(),
        "xlsx",
        "",
        table.total_rows,
        tuple(str(c) for c in first.columns),
        table.row_problems,
        table.sheet,
    )
