"""The numbers behind every score live in data/scoring.toml: validated, versioned, and the
README's tables say what the file says."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from matcher.catalogue import CatalogueError, data_version, load_catalogue
from matcher.tuning import AreaLevel, LocationLevel, Tuning, load_tuning
from tests.cli_runner import Result
from tests.conftest import DATA, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tuning() -> Tuning:
    return load_tuning(DATA / "scoring.toml")


def table_rows(heading: str) -> list[list[str]]:
    """The body rows of the README table whose header row starts with `heading`."""
    lines = README.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {heading} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_the_readme_band_table_is_the_one_in_scoring_toml(tuning: Tuning) -> None:
    names = {
        "area fits, sector fits": tuning.bands.fits_area_and_sector,
        "area fits, no sector fit": tuning.bands.fits_area_only,
        "cannot fit, sector fits": tuning.bands.fits_sector_only,
        "cannot fit, no sector fit": tuning.bands.fits_neither,
    }
    rows = table_rows("band")
    assert [r[0] for r in rows] == list(names)
    for name, floor, width, *_ in rows:
        assert (float(floor), float(width)) == (names[name].floor, names[name].width)


@pytest.mark.parametrize(
    ("heading", "kind"), [("area level", AreaLevel), ("location level", LocationLevel)]
)
def test_the_readme_level_tables_are_the_ones_in_scoring_toml(
    tuning: Tuning, heading: str, kind: type[AreaLevel] | type[LocationLevel]
) -> None:
    levels = tuning.area.levels if kind is AreaLevel else tuning.location.levels
    rows = table_rows(heading)
    assert [r[0] for r in rows] == [level.value for level in kind]
    for name, value, *_ in rows:
        assert float(value) == levels[kind(name)]  # type: ignore[index]


def test_the_readme_default_weights_and_fit_thresholds_are_the_toml_ones(tuning: Tuning) -> None:
    w = tuning.weights
    assert f"default sector {w.sector:g}, area {w.area:g}, location {w.location:g}" in README
    s = tuning.sector
    assert f"Sector score ≥ {s.strong:g} → `strong`, ≥ {s.partial:g} → `partial`" in README
    assert f"`1 / (1 + {s.breadth_step:g} × (groups − 1))`" in README
    credit = s.tag_level_credit
    assert f"times {credit.secondary:g} for a supporting line" in README
    assert f"or {credit.name:g} for a sector only the park's name carries" in README


def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    path = target / "scoring.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("old", "new", "english", "chinese"),
    [
        (
            "fits_area_only = { floor = 20.0",
            "fits_area_only = { floor = 45.0",
            "bands: band fits_area_and_sector starts at 40.0, below the top of fits_area_only "
            "(64.9): bands must not overlap",
            "bands：分数段 fits_area_and_sector 起点 40.0 低于分数段 fits_area_only 的上限 64.9："
            "分数段不能重叠",
        ),
        (
            "underground_only = 0.5",
            "",
            "area: levels missing: underground_only",
            "area：缺少等级：underground_only",
        ),
        (
            "enough = 1.0",
            "enough = 0.7",
            "area: enough must score 1 and cannot_fit 0",
            "area：enough 的得分须为 1，cannot_fit 须为 0",
        ),
        (
            "strong = 0.7",
            "strong = 0.3",
            "sector: strong must be above partial",
            "sector：strong 须大于 partial",
        ),
        (
            "sector = 0.6\narea = 0.25\nlocation = 0.15",
            "sector = 0\narea = 0\nlocation = 0",
            "weights: at least one weight must be above 0",
            "weights：至少一个权重须大于 0",
        ),
        (
            "same_zone = 0.3",
            "same_zone = 3",
            "location: every level's score must be between 0 and 1",
            "location：每个等级的得分须在 0 到 1 之间",
        ),
        (
            'hard_keeps = ["at_place", "same_town"]',
            'hard_keeps = ["nearby"]',
            "location.hard_keeps.0: Input should be one of 'at_place', 'same_town'",
            "location.hard_keeps.0：应为以下取值之一：'at_place', 'same_town'",
        ),
        ("[weights]", "[weights", "not valid TOML: ", "不是有效的 TOML 文件："),
    ],
)
def test_check_data_refuses_tuning_that_would_break_a_promise(
    tmp_path: Path, old: str, new: str, english: str, chinese: str
) -> None:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(broken_copy(tmp_path, old, new), seeds_dir=ROOT / "seeds")
    problems = caught.value.problems
    assert any(p.en.startswith("scoring.toml: ") and english in p.en for p in problems)
    assert any(p.zh.startswith("scoring.toml：") and chinese in p.zh for p in problems)


def test_the_data_version_changes_with_the_tuning_and_the_column_aliases(tmp_path: Path) -> None:
    before = data_version(DATA)
    tuned = broken_copy(tmp_path, "same_zone = 0.3", "same_zone = 0.35")
    assert data_version(tuned) != before
    aliases = tuned / "column_aliases.csv"
    changed = data_version(tuned)
    aliases.write_text(aliases.read_text(encoding="utf-8") + "sector,赛道\n", encoding="utf-8")
    assert data_version(tuned) != changed


def test_a_tuning_change_changes_the_scores(tmp_path: Path) -> None:
    from matcher import Requirement
    from matcher.scoring import Ranker

    req = Requirement(sector_text="集成电路", preferred_location="上庄")
    base = {m.park_id: m.location.score for m in Ranker(load_catalogue(DATA)).rank(req)}
    tuned = load_catalogue(
        broken_copy(tmp_path, "same_zone = 0.3", "same_zone = 0.2"), ROOT / "seeds"
    )
    after = {m.park_id: m.location.score for m in Ranker(tuned).rank(req)}
    changed = {p for p in base if base[p] != after[p]}
    assert changed and all(base[p] == 0.3 and after[p] == 0.2 for p in changed)


@pytest.mark.parametrize(
    ("section", "line", "value"),
    [
        ("scoring.toml", "sector = ", "inf"),
        ("scoring.toml", "sector = ", "nan"),
        ("scoring.toml", "sector = ", "-inf"),
        ("scoring.toml", "short_of_max = ", "nan"),
        ("scoring.toml", "plausible_factor = ", "inf"),
        ("reading.toml", "customers = ", "nan"),
    ],
)
def test_a_number_that_is_not_finite_is_refused_naming_the_file_and_key(
    data_copy: Path, cli: Callable[..., Result], section: str, line: str, value: str
) -> None:
    # TOML reads inf and nan as floats; `ge=0` lets inf through, and nan compares false with
    # every bound. Once accepted, every ranking failed with "unexpected error".
    path = data_copy / section
    text = path.read_text(encoding="utf-8")
    key = line.split(" = ")[0]
    broken, count = re.subn(rf"^{line}[0-9.]+", f"{line}{value}", text, count=1, flags=re.M)
    assert count == 1
    path.write_text(broken, encoding="utf-8")
    checked = cli(["--data-dir", data_copy, "check-data"])
    ranked = cli(["--data-dir", data_copy, "rank", "AI"])
    for done in (checked, ranked):
        assert done.code == 1 and "unexpected" not in done.err
        problem = done.err.splitlines()[1]
        assert (
            problem.startswith(f"  - {section}: ") and f".{key}: must be a finite number" in problem
        )
