"""Files the workspace keeps (batch results), stored in the database itself, so every app
process on it reads the same ones and a backup of the database holds them.

A file is named by its SHA-256 and kept once, however many records name it, in parts of at
most PART_BYTES (a 1 GB value is PostgreSQL's limit for one field, and a smaller part keeps
each statement's memory small). The caller compresses: results are zstd Parquet already.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from matcher.workspace.schema import FilePartRow

PART_BYTES = 4 * 1024 * 1024


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(session: Session, data: bytes) -> str:
    """Keep `data` (once: a file already kept is not written again); its SHA-256. The
    caller commits."""
    key = digest(data)
    if session.scalar(select(exists().where(FilePartRow.file_sha256 == key))):
        return key
    view = memoryview(data)
    for number, start in enumerate(range(0, max(len(data), 1), PART_BYTES)):
        session.add(
            FilePartRow(file_sha256=key, part=number, data=bytes(view[start : start + PART_BYTES]))
        )
    return key


def get(session: Session, key: str) -> bytes | None:
    """The file kept under `key`, None if it is not (or no longer) kept. Not checked here:
    the caller compares its SHA-256 with the one it recorded."""
    parts = session.scalars(
        select(FilePartRow.data).where(FilePartRow.file_sha256 == key).order_by(FilePartRow.part)
    ).all()
    return b"".join(parts) if parts else None


def parts(session: Session, key: str) -> Iterator[bytes]:
    """The file kept under `key`, part by part (nothing if it is not kept): memory holds one
    part at a time. Not checked here, as with get."""
    numbers = session.scalars(
        select(FilePartRow.part).where(FilePartRow.file_sha256 == key).order_by(FilePartRow.part)
    ).all()
    for number in numbers:
        data = session.scalar(
            select(FilePartRow.data).where(
                FilePartRow.file_sha256 == key, FilePartRow.part == number
            )
        )
        if data is not None:
            yield data


def drop(session: Session, keys: Iterable[str]) -> None:
    """Forget the files under `keys`. The caller commits."""
    wanted = sorted(set(keys))
    if wanted:
        session.execute(delete(FilePartRow).where(FilePartRow.file_sha256.in_(wanted)))
