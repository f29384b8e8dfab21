from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from matcher import Catalogue, default_catalogue
from matcher.scoring import Ranker, ranker_for
from tests.cli_runner import cli  # noqa: F401 (the command line, in-process)
from tests.e2e_fixtures import (  # noqa: F401 (the browser tests' apps)
    own_server,
    server,
    server_db_url,
)
from tests.workspace_fixtures import (  # noqa: F401 (the workspace tests' databases)
    db_url,
    empty_db_url,
    postgres_server,
    workspace,
)

# Property tests check what holds, not how fast: on two workers sharing two cores an example's
# time says nothing, so no example fails for taking long.
settings.register_profile("project", deadline=None)
settings.load_profile("project")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEEDS = ROOT / "seeds"
SHARED_GOLD = ROOT.parent / "shared" / "eval" / "dev.csv"


@pytest.fixture(scope="session", autouse=True)
def _own_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests (and the commands they start) neither read nor fill the user's own cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MATCHER_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        # ... nor the workspace database in var/ (matcher.workspace)
        patch.setenv("MATCHER_DB_URL", f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}")
        yield


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
