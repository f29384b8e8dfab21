"""What the Batch page keeps between reruns, and how it words a file it cannot read.

Not a page: st.navigation lists the pages explicitly.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from app_pages.common import lang, plain, t
from matcher.batch import ERROR_COLUMNS, BatchSummary, for_reader
from matcher.errors import UserFacingError
from matcher.exports import write_csv, write_xlsx
from matcher.i18n import Lang, label
from matcher.tuning import ShownScale

PREVIEW_ROWS = 200
SAFE_NAME = "upload.csv"
HELD_KEY = "batch_history_held"


@dataclass(frozen=True)
class HeldResult:
    """A past run's result asked for on the page: where its CSV in `lang` streams from
    (app_pages.batch_download), or the problem said instead (`url` None)."""

    run_id: int
    lang: Lang
    url: str | None
    problem: str | None


def run_key(
    content: bytes, top_k: int, encoding: str | None, sheet: str | None, data_version: str = ""
) -> str:
    """Identifies one computation: the file's SHA-256, every option that changes the result,
    and the data version (a term taught since changes it)."""
    digest = hashlib.sha256(content).hexdigest()
    return f"{digest}|top={top_k}|encoding={encoding or ''}|sheet={sheet or ''}|data={data_version}"


def safe_file_name(name: str) -> str:
    """The uploaded name reduced to a plain file name, so it cannot point outside a folder."""
    base = Path(name.replace("\\", "/")).name
    return SAFE_NAME if base in ("", ".", "..") else base


# Rows a download converts at a time from the kept Parquet: memory holds one such chunk.
DOWNLOAD_CHUNK_ROWS = 50_000


def reader_chunks(
    result: bytes | Path, lang: Lang, scale: ShownScale, rows: int = DOWNLOAD_CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    """A kept result (Parquet, for any reader; its bytes or its file) worded in `lang`, chunk
    by chunk; at least one chunk (an empty result still has its headers)."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(str(result) if isinstance(result, Path) else io.BytesIO(result))
    empty = True
    for batch in parquet.iter_batches(batch_size=rows):
        empty = False
        table = pa.Table.from_batches([batch], schema=parquet.schema_arrow)
        yield for_reader(table.to_pandas(), lang, scale)
    if empty:
        yield for_reader(parquet.schema_arrow.empty_table().to_pandas(), lang, scale)


def csv_file_bytes(frames: Iterable[pd.DataFrame]) -> bytes:
    """The frames as the library's CSV (BOM, formulas neutralised), written through a file
    chunk by chunk: the text is never built as one string, nor the rows as one frame."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "matches.csv"
        with path.open("wb") as handle:
            for i, frame in enumerate(frames):
                write_csv(frame, handle, append=i > 0)
        return path.read_bytes()


class BatchRun:
    """One batch result as the page keeps it between reruns: its summary, the first rows and
    row errors it shows, and the result itself as compressed Parquet, for any reader
    (matcher.batch.for_reader words it in theirs). Never the upload nor the whole frame: each
    download is built from the Parquet, chunk by chunk, on its click, and kept by nobody."""

    def __init__(self, key: str, file_name: str, summary: BatchSummary, result: bytes):
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        self.key = key
        self.file_name = file_name
        self.summary = summary
        self.result = result
        # The run's id once recorded in the workspace: its CSV then streams from there.
        self.stored_id: int | None = None
        parquet = pq.ParquetFile(io.BytesIO(result))
        self.rows = parquet.metadata.num_rows
        self.preview = next(iter(reader_chunks_raw(result, PREVIEW_ROWS)))
        names = parquet.schema_arrow.names
        shown = ["request_id", "error", *(c for c in ERROR_COLUMNS.values() if c in names)]
        errors = pq.read_table(io.BytesIO(result), columns=["status", *shown])
        errors = errors.filter(pc.equal(errors["status"], "error"))
        self.error_count = errors.num_rows
        self.error_preview = errors.select(shown).slice(0, PREVIEW_ROWS).to_pandas()

    def csv(self, lang: Lang, scale: ShownScale) -> bytes:
        """The results as the page shows them, in `lang`: CSV."""
        data = csv_file_bytes(reader_chunks(self.result, lang, scale))
        release_memory()
        return data

    def xlsx(self, lang: Lang, scale: ShownScale) -> bytes:
        """The results as the page shows them, in `lang`: Excel, one sheet."""
        buffer = io.BytesIO()
        write_xlsx({label("sheet_results", lang): reader_chunks(self.result, lang, scale)}, buffer)
        return buffer.getvalue()


def reader_chunks_raw(result: bytes, rows: int) -> Iterator[pd.DataFrame]:
    """The kept result's first `rows` rows, as stored (for any reader)."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(io.BytesIO(result))
    for batch in parquet.iter_batches(batch_size=rows):
        yield pa.Table.from_batches([batch], schema=parquet.schema_arrow).to_pandas()
        return
    yield parquet.schema_arrow.empty_table().to_pandas()


def stored_for_reader(data: bytes, stored_as: str, lang: Lang, scale: ShownScale) -> bytes:
    """A kept result as a CSV for the reader: a Parquet result (for any reader) worded in
    `lang`; a CSV kept by an earlier version, as it was."""
    if not stored_as.endswith(".parquet"):
        return data
    return csv_file_bytes(reader_chunks(data, lang, scale))


# Bytes a kept CSV (an earlier version's result) is sent in at a time, and rows of a Parquet
# result converted at a time: a streamed download holds one such piece while it is sent.
SEND_BYTES = 1024 * 1024
SEND_ROWS = 10_000


def stored_csv_chunks(path: Path, stored_as: str, lang: Lang, scale: ShownScale) -> Iterator[bytes]:
    """A kept result's file as stored_for_reader words it, piece by piece, the same bytes:
    a Parquet result as the library's CSV chunk by chunk (memory holds one chunk); a CSV kept
    by an earlier version, as it was."""
    if not stored_as.endswith(".parquet"):
        with path.open("rb") as handle:
            while piece := handle.read(SEND_BYTES):
                yield piece
        return
    for i, frame in enumerate(reader_chunks(path, lang, scale, SEND_ROWS)):
        buffer = io.BytesIO()
        write_csv(frame, buffer, append=i > 0)
        yield buffer.getvalue()


def release_memory() -> None:
    """Hand the memory a finished run used back to the system: Arrow's pool and the C
    allocator keep freed blocks for reuse otherwise, and the server would look as big as the
    run's peak until it ends."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # glibc only
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def failure_message(error: Exception) -> str | None:
    """What to tell the user about an error reading their file; None if it is not about it."""
    if isinstance(error, UserFacingError):
        return t("field_value", field=t("batch_failed"), value=plain(error.message.in_(lang())))
    return None
