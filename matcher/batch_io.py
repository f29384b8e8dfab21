"""Reading lead lists as they come: any common encoding and delimiter, CSV or XLSX, headers
in English or Chinese. Yields chunks of raw text cells; validation is batch.py's job.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from charset_normalizer import from_bytes

from matcher.catalogue import default_data_dir
from matcher.text import normalize
from matcher.xlsx_reader import XlsxError, open_xlsx

SNIFF_BYTES = 1 << 16


class BatchError(ValueError):
    """The file as a whole cannot be read (not a table, no requirement column, ...)."""


def detect_encoding(sample: bytes) -> str:
    """BOMs first, then strict UTF-8, then GB18030 (covers GBK), then charset-normalizer."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in sample:
        # UTF-16 without a BOM puts a zero byte beside every ASCII character.
        zeros_odd = sample[1::2].count(0) / max(len(sample) // 2, 1)
        zeros_even = sample[0::2].count(0) / max(len(sample) // 2, 1)
        if zeros_odd > 0.3 and zeros_even < 0.05:
            return "utf-16-le"
        if zeros_even > 0.3 and zeros_odd < 0.05:
            return "utf-16-be"
        raise BatchError("the file looks binary, not a CSV text file (文件不是文本格式的CSV)")
    for encoding in ("utf-8", "gb18030"):
        try:
            _decode_prefix(sample, encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    best = from_bytes(sample).best()
    if best is None:
        raise BatchError("cannot tell the file's text encoding; pass --encoding (无法识别文件编码)")
    return str(best.encoding)


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
    with path.open(encoding="utf-8", newline="") as handle:
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
    """An opened input file: its chunks of raw text cells, and how it was read."""

    chunks: Iterator[pd.DataFrame]
    encoding: str
    delimiter: str
    total_rows: int | None
    sheet: str = ""  # the worksheet read, for an XLSX
    # Spreadsheet line -> why that row cannot be trusted (XLSX: uncached formula, merged cell);
    # filled as chunks are read, before the chunk holding the line is yielded.
    row_problems: dict[int, str] = field(default_factory=dict)


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
    if path.stat().st_size == 0:
        raise BatchError(f"{path.name}: the file is empty (文件为空)")
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if path.suffix.lower() in (".xlsx", ".xlsm") or head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, sheet, chunk_rows)
    chosen = encoding or detect_encoding(head)
    try:
        text_head = _decode_prefix(head, chosen)
    except (UnicodeDecodeError, LookupError) as error:
        raise BatchError(f"{path.name}: cannot decode as {chosen}: {error}") from error
    if not text_head.strip():
        raise BatchError(
            f"{path.name}: the file has no header row, only blank space (文件没有表头)"
        )
    delimiter = sniff_delimiter(text_head)
    handle_text = path.open(encoding=chosen, errors="strict", newline="")
    reader = pd.read_csv(
        handle_text,
        sep=delimiter,
        dtype=str,
        keep_default_na=False,
        chunksize=chunk_rows,
        skip_blank_lines=True,
        engine="c",
    )

    def chunks() -> Iterator[pd.DataFrame]:
        try:
            yield from reader
        except UnicodeDecodeError as error:
            raise BatchError(
                f"{path.name}: not valid {chosen} text further into the file; pass --encoding "
                f"(文件编码不一致)"
            ) from error
        except pd.errors.ParserError as error:
            raise BatchError(f"{path.name}: not a well-formed table: {error}") from error
        finally:
            handle_text.close()

    return TableSource(chunks(), chosen, delimiter, None)


def _open_xlsx(path: Path, sheet: str | None, chunk_rows: int) -> TableSource:
    """Stream the sheet through xlsx_reader; its errors become BatchErrors, even mid-way."""
    try:
        table = open_xlsx(path, sheet, chunk_rows=chunk_rows)
    except XlsxError as error:
        raise BatchError(f"{path.name}: {error}") from error

    def chunks() -> Iterator[pd.DataFrame]:
        try:
            yield from table.chunks
        except XlsxError as error:
            raise BatchError(f"{path.name}: {error}") from error

    return TableSource(chunks(), "xlsx", "", table.total_rows, table.sheet, table.row_problems)
