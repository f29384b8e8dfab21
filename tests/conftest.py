from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from matcher import Catalogue, default_catalogue
from matcher.scoring import Ranker, ranker_for

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEEDS = ROOT / "seeds"
SHARED_GOLD = ROOT.parent / "shared" / "eval" / "dev.csv"


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return default_catalogue()


@pytest.fixture(scope="session")
def ranker() -> Ranker:
    return ranker_for()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
