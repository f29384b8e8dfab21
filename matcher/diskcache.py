"""Small derived tables kept on disk between runs, so a one-shot command starts fast.

An entry is a JSON file named by a hash of everything it was derived from, so changed data
simply misses. JSON rather than pickle: the cache folder may be shared or tampered with, and
reading it must never run code. Every failure (no folder, unreadable, corrupt, read-only disk)
falls back to computing the value; the cache can only make a run faster, never change it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

APP = "haidian-matcher"
FORMAT = 1  # bump when the layout of any entry changes


def cache_dir() -> Path | None:
    """$MATCHER_CACHE_DIR (empty: no cache), else $XDG_CACHE_HOME or ~/.cache, /haidian-matcher."""
    override = os.environ.get("MATCHER_CACHE_DIR")
    if override is not None:
        return Path(override) if override else None
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / APP
    try:
        return Path.home() / ".cache" / APP
    except RuntimeError:  # no home directory to be found
        return None


def key_of(*parts: Any) -> str:
    """A short hash of JSON-serialisable inputs."""
    text = json.dumps([FORMAT, *parts], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def cached(
    name: str, key: str, build: Callable[[], Any], valid: Callable[[Any], bool] = bool
) -> Any:
    """The value stored under name and key if `valid` accepts it, else build() (and store it)."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{key}.json"
    with contextlib.suppress(OSError, ValueError):
        stored = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(stored, dict) and stored.get("key") == key and valid(stored.get("value")):
            return stored["value"]
    value = build()
    _store(path, {"key": key, "value": value})
    return value


def _store(path: Path, entry: dict[str, Any]) -> None:
    """Write atomically (a concurrent reader sees the old file or the new, never half)."""
    temp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        from matcher.atomic import temporary_beside  # named for its writer, stale ones swept

        fd, temp = temporary_beside(path)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(entry, handle, ensure_ascii=False)
        os.replace(temp, path)
    except (OSError, TypeError, ValueError):
        if temp is not None:
            temp.unlink(missing_ok=True)
