"""`matcher availability set|show|confirm` and `matcher cases notices`, run as a user would
(through `matcher.cli.main` in this process, tests/cli_runner.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.cli_runner import Result


def test_an_office_keeps_a_parks_availability_from_the_command_line(
    cli: Callable[..., Result], empty_db_url: str, tmp_path: Path
) -> None:
    def matcher(*args: str) -> Result:
        env = {"MATCHER_DB_URL": empty_db_url, "MATCHER_STAFF": "li", "MATCHER_LANG": "en"}
        return cli(args, env=env, cwd=tmp_path)

    assert matcher("db", "upgrade").code == 0
    case = json.loads(
        matcher(
            "cases", "add", "集成电路设计", "--min-area", "5000", "--location", "温泉", "--json"
        ).out
    )
    assert [m["park_id"] for m in case["snapshot"]["matches"][:1]] == ["P01"]

    done = matcher(
        "availability", "set", "P07", "--area", "8,000", "--from", "2027-03",
        "--status", "available", "--source", "phone",
    )  # fmt: skip
    assert done.code == 0, done.err
    assert "P07 Xueyuan Road Science Park · Dongsheng Park: 8,000 m² free from 1 March 2027" in (
        done.out
    )
    assert matcher("availability", "set", "P01", "--area", "0", "--status", "full",
                   "--source", "park_operator").code == 0  # fmt: skip
    assert matcher("availability", "confirm", "P07").code == 0

    history = json.loads(matcher("availability", "show", "P07", "--json").out)
    assert [(e["kind"], e["by"], e["record"]["area_m2"]) for e in history] == [
        ("check", "li", 8000.0),
        ("record", "li", 8000.0),
    ]
    every = json.loads(matcher("availability", "show", "--json").out)
    assert len(every) == 18
    assert {e["park_id"]: e["current"] is not None for e in every if e["current"]} == {
        "P01": True,
        "P07": True,
    }
    listed = matcher("availability", "show").out
    assert "P03 Zhongguancun Wenquan Science Park (Phase II): Not recorded" in listed

    notices = matcher("cases", "notices").out.splitlines()
    assert len(notices) == 1 and "P01 Zhongguancun Comprehensive Bonded Zone" in notices[0]
    assert "is now full" in notices[0]

    refused = matcher("availability", "set", "P07", "--area", "8000", "--from", "2027-13",
                      "--source", "phone")  # fmt: skip
    assert refused.code == 2 and refused.err.startswith("error: --from: “2027-13” is not a date")
    refused = matcher("availability", "confirm", "P09")
    assert refused.code == 2 and "P09 has no availability recorded" in refused.err
