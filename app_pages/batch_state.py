"""What the Batch page keeps between reruns, and how it words a file it cannot read.

Not a page: st.navigation lists the pages explicitly.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from app_pages.common import plain, t
from matcher.batch import BatchSummary
from matcher.errors import UserFacingError
from matcher.exports import write_csv, xlsx_bytes

PREVIEW_ROWS = 200
SAFE_NAME = "upload.csv"


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
    """One batch result; each download is built on its first click and then reused."""

    def __init__(self, key: str, file_name: str, summary: BatchSummary, frame: pd.DataFrame):
        self.key = key
        self.file_name = file_name
        self.summary = summary
        self.frame = frame
        errors = frame[frame["status"] == "error"]
        self.error_count = len(errors)
        self.error_preview = errors[["request_id", "error"]].head(PREVIEW_ROWS)
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

    def csv(self) -> bytes:
        return self._built("csv", lambda: csv_file_bytes(self.frame))

    def xlsx(self) -> bytes:
        return self._built("xlsx", lambda: xlsx_bytes({"matches": self.frame}))


def failure_message(error: Exception) -> str | None:
    """What to tell the user about an error reading their file; None if it is not about it."""
    if isinstance(error, UserFacingError):
        return f"{t('batch_failed')}: {plain(error)}"
    return None
