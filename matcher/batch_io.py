"""Reading lead lists as they come: any common encoding and delimiter, CSV or XLSX, headers
in English or Chinese. Yields chunks of raw text cells; validation is batch.py's job.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from matcher.catalogue import default_data_dir
from matcher.errors import UsageError, UserFacingError
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
        raise BatchError("the file looks binary, not a CSV text file (文件不是文本格式的CSV)")
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
        raise BatchError("cannot tell the file's text encoding; pass --encoding (无法识别文件编码)")
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
    row_problems: dict[int, str] = field(default_factory=dict)
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
        raise BatchError(f"{path}: file not found (文件不存在)")
    if path.is_dir():
        raise BatchError(f"{path}: is a folder, not a file (这是文件夹，不是文件)")
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        raise BatchError(f"{path}: cannot be read: {error.strerror} (无法读取文件)") from error
    if not head:
        raise BatchError(f"{path.name}: the file is empty (文件为空)")
    if path.suffix.lower() in (".xlsx", ".xlsm") or head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, sheet, chunk_rows)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError as error:
            raise UsageError(
                f"unknown encoding '{encoding}'; try utf-8, gb18030 or utf-16 (无法识别的编码名称)"
            ) from error
    chosen = encoding or detect_encoding(head)
    wide = chosen.lower().replace("_", "-").startswith(_LINE_ENCODINGS_SPLIT_ON_NEWLINE)
    # Only for finding the delimiter: lines that do not decode are reported one by one later.
    text_head = (head if wide else head.replace(b"\x00", b"")).decode(chosen, errors="replace")
    if not text_head.strip():
        raise BatchError(
            f"{path.name}: the file has no header row, only blank space (文件没有表头)"
        )
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


class CsvRows:
    """A CSV file read line by line so that every record knows its line number and one bad
    line (wrong field count, stray quote, another encoding, NUL byte) never shifts others."""

    def __init__(self, path: Path, encoding: str, delimiter: str) -> None:
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter
        self.problems: dict[int, str] = {}
        self._header: tuple[int, tuple[str, ...]] | None = None
        self._records = self._read_records()

    def headers(self) -> tuple[str, ...]:
        """The header row's names, made unique and never blank."""
        if self._header is None:
            for line, cells in self._records:
                if any(c.strip() for c in cells):
                    self._header = (line, unique_names(cells))
                    self.problems.pop(line, None)
                    break
            else:
                raise BatchError(f"{self.path.name}: no header row found (文件没有表头)")
        return self._header[1]

    def chunks(self, chunk_rows: int) -> Iterator[pd.DataFrame]:
        headers = self.headers()
        width = len(headers)
        rows: list[list[str]] = []
        lines: list[int] = []
        problems = self.problems
        for line, cells in self._records:
            if len(cells) <= 1 and not any(c.strip() for c in cells) and line not in problems:
                continue  # a blank line is not a row
            if len(cells) != width:
                if line not in problems:
                    problems[line] = _field_count_problem(line, cells, width)
                cells = (cells + [""] * width)[:width]
            rows.append(cells)
            lines.append(line)
            if len(rows) >= chunk_rows:
                yield pd.DataFrame(rows, columns=list(headers), index=lines, dtype=object)
                rows, lines = [], []
        if rows:
            yield pd.DataFrame(rows, columns=list(headers), index=lines, dtype=object)

    def _read_records(self) -> Iterator[tuple[int, list[str]]]:
        """(first line, cells) per record; a stray quote costs only its own line."""
        with self.path.open("rb") as handle:
            feed = _LineFeed(self._lines(handle))
            reader = csv.reader(feed, delimiter=self.delimiter)
            delimiter = self.delimiter
            while True:
                ahead = feed.peek()
                if ahead is None:
                    return
                if '"' not in ahead[1]:
                    # No quote: the line is one record, its cells are what the delimiter
                    # splits (as csv.reader would), so it skips the record machinery.
                    feed.skip()
                    body = ahead[1].rstrip("\r\n")
                    yield ahead[0], body.split(delimiter) if body else []
                    continue
                feed.taken.clear()
                cells: list[str] | None
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error:
                    cells = None
                taken = list(feed.taken)
                if not taken:
                    return
                first = taken[0][0]
                if cells is None and len(taken) == 1:
                    self.problems[first] = (
                        f"line {first} has a cell longer than {csv.field_size_limit():,} "
                        f"characters (该行单元格过长)"
                    )
                    cells = []
                if len(taken) > 1 and (cells is None or self._looks_swallowed(cells, taken)):
                    # Re-read the following lines on their own; only the first is at fault.
                    feed.push_back(taken[1:])
                    self.problems[first] = (
                        f"line {first}: a quote opened on this line is never closed (引号未闭合)"
                    )
                    cells = next(csv.reader([taken[0][1]], delimiter=self.delimiter), [])
                if len(taken) > 1:
                    self._merge_line_problems(taken)
                yield first, cells if cells is not None else []

    def _looks_swallowed(self, cells: list[str], taken: list[tuple[int, str]]) -> bool:
        width = len(self._header[1]) if self._header else len(cells)
        return len(cells) != width or len(taken) > MAX_RECORD_LINES

    def _merge_line_problems(self, taken: list[tuple[int, str]]) -> None:
        """A record spanning lines carries their problems under its first line."""
        first = taken[0][0]
        for line, _ in taken[1:]:
            if line in self.problems and first not in self.problems:
                self.problems[first] = self.problems.pop(line)

    def _lines(self, handle: BinaryIO) -> Iterator[tuple[int, str]]:
        if self.encoding.lower().replace("_", "-").startswith(_LINE_ENCODINGS_SPLIT_ON_NEWLINE):
            yield from self._wide_lines(handle)
            return
        codec = "utf-8" if self.encoding.lower().replace("_", "-") == "utf-8-sig" else self.encoding
        in_gb = codecs.lookup(codec).name in ("gb18030", "gbk", "gb2312")
        for number, raw in enumerate(_raw_lines(handle), start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            if raw is _TOO_LONG:
                self.problems[number] = (
                    f"line {number} is longer than {MAX_LINE_BYTES:,} bytes and was not read "
                    f"(该行过长，未读取)"
                )
                yield number, "\n"
                continue
            try:
                text, valid = raw.decode(codec), True
            except UnicodeDecodeError:
                text, valid = "", False
            if in_gb and not raw.isascii() and (as_utf8 := _chinese_utf8(raw)):
                text = as_utf8  # shown as written; the row is still refused
                self.problems[number] = (
                    f"line {number} is UTF-8 text in a {self.encoding} file: the file mixes "
                    f"text encodings; save it in one encoding (该行编码与文件其余部分不一致)"
                )
            elif not valid:
                text = _shown_anyway(raw, codec)
                self.problems[number] = (
                    f"line {number} is not valid {self.encoding}: the file mixes text "
                    f"encodings; save it in one encoding (该行编码与文件其余部分不一致)"
                )
            if "\x00" in text:
                text = text.replace("\x00", "")
                self.problems.setdefault(
                    number, f"line {number} contains a NUL byte (该行含有空字符 NUL)"
                )
            yield number, text

    def _wide_lines(self, handle: BinaryIO) -> Iterator[tuple[int, str]]:
        """UTF-16/32 text cannot be split on the byte 0x0A, so it is decoded as a stream."""
        text = io.TextIOWrapper(handle, encoding=self.encoding, errors="strict", newline="")
        number = 0
        try:
            for number, line in enumerate(text, start=1):
                if "\x00" in line:
                    line = line.replace("\x00", "")
                    self.problems.setdefault(
                        number, f"line {number} contains a NUL character (该行含有空字符 NUL)"
                    )
                yield number, line
        except UnicodeDecodeError as error:
            raise BatchError(
                f"{self.path.name}: not valid {self.encoding} text after line {number} "
                f"(第 {number} 行之后的内容不是有效的 {self.encoding} 编码)"
            ) from error


_TOO_LONG = b"\x00too-long\x00"


def _raw_lines(handle: BinaryIO) -> Iterator[bytes]:
    """Lines of bytes with their endings (\\n, \\r\\n or a lone \\r), each at most
    MAX_LINE_BYTES; a longer line is skipped and given as _TOO_LONG."""
    pending = b""
    skipping = False
    while block := handle.read(1 << 16):
        pieces = (pending + block).splitlines(keepends=True)
        # The last piece may continue in the next block (or be the \r of a \r\n).
        pending = pieces.pop()
        if pending.endswith(b"\n"):
            pieces.append(pending)
            pending = b""
        for piece in pieces:
            if skipping:
                skipping = False
                yield _TOO_LONG
                continue
            yield piece
        if len(pending) > MAX_LINE_BYTES:
            skipping, pending = True, b""
    if skipping:
        yield _TOO_LONG
    elif pending:
        yield pending


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
    """An iterator of text lines for csv.reader that remembers which lines a record took."""

    def __init__(self, lines: Iterator[tuple[int, str]]) -> None:
        self._lines = lines
        self._back: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        item = self._back.popleft() if self._back else next(self._lines)
        self.taken.append(item)
        return item[1]

    def push_back(self, items: list[tuple[int, str]]) -> None:
        self._back.extendleft(reversed(items))

    def peek(self) -> tuple[int, str] | None:
        """The next line without taking it (None at the end)."""
        if not self._back:
            try:
                self._back.append(next(self._lines))
            except StopIteration:
                return None
        return self._back[0]

    def skip(self) -> None:
        """Drop the line peek gave, without recording it as taken."""
        self._back.popleft()


def _field_count_problem(line: int, cells: list[str], width: int) -> str:
    if len(cells) > width:
        extra = ", ".join(repr(c[:30]) for c in cells[width:][:3])
        return (
            f"line {line} has {len(cells)} fields where the header has {width}; the extra "
            f"field(s) {extra} were not read (该行字段数多于表头)"
        )
    return f"line {line} has {len(cells)} fields where the header has {width} (该行字段数少于表头)"


def _open_xlsx(path: Path, sheet: str | None, chunk_rows: int) -> TableSource:
    """Stream the sheet through xlsx_reader; its errors become BatchErrors, even mid-way."""
    from matcher.xlsx_reader import XlsxError, open_xlsx  # openpyxl: for XLSX input only

    try:
        table = open_xlsx(path, sheet, chunk_rows=chunk_rows)
        first = next(table.chunks, None)
    except XlsxError as error:
        raise BatchError(f"{path.name}: {error}") from error
    if first is None:
        raise BatchError(f"{path.name}: sheet '{table.sheet}' has no header row (工作表没有表头)")

    def chunks() -> Iterator[pd.DataFrame]:
        try:
            if len(first):
                yield first
            yield from table.chunks
        except XlsxError as error:
            raise BatchError(f"{path.name}: {error}") from error

    return TableSource(
        chunks(),
        "xlsx",
        "",
        table.total_rows,
        tuple(str(c) for c in first.columns),
        table.row_problems,
        table.sheet,
    )
