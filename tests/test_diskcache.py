"""The on-disk cache only ever saves time: whatever state the folder is in, answers are the same."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from matcher.diskcache import cache_dir, cached, key_of


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MATCHER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


class Builder:
    def __init__(self, value: Any) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> Any:
        self.calls += 1
        return self.value


def test_a_value_is_built_once_and_then_read_back(folder: Path) -> None:
    build = Builder([["xibeiwang", "T01"]])
    assert cached("t", "k1", build) == [["xibeiwang", "T01"]]
    assert cached("t", "k1", build) == [["xibeiwang", "T01"]]
    assert build.calls == 1
    assert [p.name for p in folder.iterdir()] == ["t-k1.json"]  # no temporary file left


def test_another_key_is_another_entry(folder: Path) -> None:
    assert cached("t", "k1", Builder([1])) == [1]
    assert cached("t", "k2", Builder([2])) == [2]


@pytest.mark.parametrize("content", [b"", b"{not json", b"\xff\xfe", b"[1, 2]", b'{"key": "k9"}'])
def test_a_corrupt_or_foreign_entry_is_rebuilt_and_replaced(folder: Path, content: bytes) -> None:
    folder.mkdir()
    (folder / "t-k1.json").write_bytes(content)
    build = Builder([1])
    assert cached("t", "k1", build) == [1] and build.calls == 1
    assert json.loads((folder / "t-k1.json").read_text()) == {"key": "k1", "value": [1]}


def test_a_value_the_caller_rejects_is_rebuilt(folder: Path) -> None:
    cached("t", "k1", Builder(["stale"]))
    build = Builder([1])
    assert cached("t", "k1", build, valid=lambda v: v == [1]) == [1] and build.calls == 1


def test_an_unusable_folder_still_gives_the_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("MATCHER_CACHE_DIR", str(blocker / "cache"))
    build = Builder([1])
    assert cached("t", "k1", build) == [1]
    assert cached("t", "k1", build) == [1] and build.calls == 2


def test_an_empty_matcher_cache_dir_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHER_CACHE_DIR", "")
    assert cache_dir() is None
    build = Builder([1])
    cached("t", "k1", build)
    cached("t", "k1", build)
    assert build.calls == 2


def test_the_folder_follows_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MATCHER_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "haidian-matcher"


def test_keys_differ_when_any_input_differs() -> None:
    assert key_of("a", [1, 2]) == key_of("a", [1, 2])
    assert len({key_of("a", [1, 2]), key_of("a", [2, 1]), key_of("b", [1, 2])}) == 3
