"""What the Batch page keeps between reruns, and how it words a file it cannot read.

Not a page: st.navigation lists the pages explicitly.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from app_pages.common import lang, plain, t
from matcher.batch import ERROR_COLUMNS, BatchSummary, for_reader
from matcher.errors import UserFacingError
from matcher.exports import parquet_bytes, write_csv, xlsx_bytes
from matcher.i18n import Lang, label
from matcher.tuning import ShownScale

PREVIEW_ROWS = 200
SAFE_NAME = "upload.csv"
HELD_KEY = "batch_history_held"


@dataclass(frozen=True)
class HeldResult:
    """A past run's result asked for on the page: the CSV in `lang`, or the problem said
    instead (`data` None)."""

    run_id: int
    lang: Lang
    data: bytes | None
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


def csv_file_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as the library's CSV (BOM, formulas neutralised), written through a file.

    A file target takes the library's streaming Arrow writer; csv_bytes builds the whole
    text as one Python string first: for 100k leads that was 2 GB peak and 8 s.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "matches.csv"
        write_csv(frame, path)
        return path.read_bytes()


class BatchRun:
    """One batch result, for any reader (matcher.batch.for_reader words it in theirs); each
    download is built on its first click in a language and then reused."""

    def __init__(self, key: str, file_name: str, summary: BatchSummary, frame: pd.DataFrame):
        self.key = key
        self.file_name = file_name
        self.summary = summary
        self.frame = frame
        errors = frame[frame["status"] == "error"]
        self.error_count = len(errors)
        shown = ["request_id", "error", *(c for c in ERROR_COLUMNS.values() if c in frame)]
        self.error_preview = errors[shown].head(PREVIEW_ROWS)
        self.preview = frame.head(PREVIEW_ROWS)
        self._files: dict[str, bytes] = {}
        # Streamlit runs a deferred download on its own thread; two quick clicks must not
        # build the same file twice.
        self._lock = threading.Lock()

    def _built(self, kind: str, build: Callable[[], bytes]) -> bytes:
        with self._lock:
            if kind not in self._files:
                self._files[kind] = build()
            return self._files[kind]

    def csv(self, lang: Lang, scale: ShownScale) -> bytes:
        """The results as the page shows them, in `lang`: CSV."""
        return self._built(
            f"csv-{lang}", lambda: csv_file_bytes(for_reader(self.frame, lang, scale))
        )

    def xlsx(self, lang: Lang, scale: ShownScale) -> bytes:
        """The results as the page shows them, in `lang`: Excel, one sheet."""
        sheet = label("sheet_results", lang)
        return self._built(
            f"xlsx-{lang}", lambda: xlsx_bytes({sheet: for_reader(self.frame, lang, scale)})
        )

    def stored(self) -> bytes:
        """The results for any reader, as the workspace keeps them (Parquet, compressed)."""
        return self._built("parquet", lambda: parquet_bytes(self.frame))


def stored_for_reader(data: bytes, stored_as: str, lang: Lang, scale: ShownScale) -> bytes:
    """A kept result as a CSV for the reader: a Parquet result (for any reader) worded in
    `lang`; a CSV kept by an earlier version, as it was."""
    if not stored_as.endswith(".parquet"):
        return data
    import pyarrow.parquet as pq

    frame = pq.read_table(io.BytesIO(data)).to_pandas()
    return csv_file_bytes(for_reader(frame, lang, scale))


def failure_message(error: Exception) -> str | None:
    """What to tell the user about an error reading their file; None if it is not about it."""
    if isinstance(error, UserFacingError):
        return t("field_value", field=t("batch_failed"), value=plain(error.message.in_(lang())))
    return None
