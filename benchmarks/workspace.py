"""Time the staff Inbox over 10,000 cases (target: at most 1 s to open) and a case page's load.

The cases are bulk-inserted (each with its first ranking snapshot, about 3 kB compressed), a
tenth of them with a three-park shortlist; then the Inbox queries a page would send are timed.

Run: .venv/bin/python benchmarks/workspace.py [--cases 10000] [--url DATABASE_URL]
     --url: an empty or upgraded database (default: a temporary SQLite file), e.g. PostgreSQL.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from matcher import Requirement
from matcher.scoring import ranker_for
from matcher.workspace import CaseStatus, Workspace
from matcher.workspace.db import make_engine, upgrade
from matcher.workspace.schema import (
    CaseRow,
    ShortlistEntryRow,
    SnapshotRow,
    StaffRow,
    StatusChangeRow,
)

SECTORS = ["集成电路设计", "机器人", "人工智能", "biomedicine", "量子计算", "卫星互联网", "fintech"]
STATUSES = [s.value for s in CaseStatus]


def _fill(workspace: Workspace, count: int) -> int:
    ranker = workspace.lexicon.ranker
    requirements = [Requirement.from_cells(sector_text=s, min_area="2000") for s in SECTORS]
    rankings = [[m.model_dump(mode="json") for m in ranker.rank(r)] for r in requirements]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with workspace.db.session() as session:
        session.execute(
            insert(StaffRow),
            [
                {"username": f"staff{i}", "password_hash": "x", "active": True,
                 "created_at": start, "failed_attempts": 0}
                for i in range(1, 11)
            ],
        )  # fmt: skip
        done = 0
        while done < count:
            size = min(1000, count - done)
            cases = []
            for i in range(done, done + size):
                k = i % len(SECTORS)
                cases.append(
                    {
                        "company": f"Company {i:05d}",
                        "contact_person": f"Contact {i}",
                        "contact": "",
                        "consent": bool(i % 2),
                        "source": "investor_form" if i % 3 else "batch",
                        "requirement": requirements[k].model_dump(mode="json"),
                        "sector_text": SECTORS[k],
                        "status": STATUSES[i % len(STATUSES)],
                        "assigned_staff_id": (i % 11) or None,
                        "created_at": start + timedelta(minutes=i),
                        "updated_at": start + timedelta(minutes=i),
                        "created_by": "bench",
                        "updated_by": "bench",
                        "version": 1,
                    }
                )
            ids = session.scalars(insert(CaseRow).returning(CaseRow.id), cases).all()
            session.execute(
                insert(StatusChangeRow),
                [{"case_id": c, "from_status": None, "to_status": "new", "changed_by": "bench",
                  "changed_at": start} for c in ids],
            )  # fmt: skip
            snapshot_ids = session.scalars(
                insert(SnapshotRow).returning(SnapshotRow.id),
                [
                    {"case_id": c, "requirement": cases[j]["requirement"],
                     "data_version": ranker.catalogue.version,
                     "matches": rankings[(done + j) % len(SECTORS)], "created_by": "bench",
                     "created_at": start}
                    for j, c in enumerate(ids)
                ],
            ).all()  # fmt: skip
            entries = []
            for j, (c, s) in enumerate(zip(ids, snapshot_ids, strict=True)):
                if (done + j) % 10:
                    continue
                for position, match in enumerate(rankings[(done + j) % len(SECTORS)][:3], 1):
                    entries.append(
                        {"case_id": c, "park_id": match["park_id"], "position": position,
                         "note": "", "snapshot_id": s, "match": match, "score": match["score"],
                         "fit": match["fit"], "data_version": ranker.catalogue.version,
                         "added_by": "bench", "added_at": start}
                    )  # fmt: skip
            if entries:
                session.execute(insert(ShortlistEntryRow), entries)
            done += size
        session.commit()
        return int(session.scalar(select(CaseRow.id).order_by(CaseRow.id.desc()).limit(1)) or 0)


def _time(label: str, action: Callable[[], object], runs: int = 7) -> None:
    action()  # warm
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    print(f"{label:<58} median {statistics.median(timings):8.1f} ms  max {max(timings):8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        workspace = Workspace(engine, ranker=ranker_for())
        start = time.perf_counter()
        last = _fill(workspace, args.cases)
        print(f"{engine.dialect.name}: inserted {args.cases} cases with snapshots in "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip
        engine.dispose()

        start = time.perf_counter()
        workspace = Workspace.open(url, ranker=ranker_for())
        opened = 1000 * (time.perf_counter() - start)
        print(f"{'open the workspace (schema check)':<58} {opened:8.1f} ms")
        _time("Inbox: first page of 200 + total", lambda: workspace.inbox.page())
        _time("Inbox: all cases, no limit", lambda: workspace.inbox.page(limit=None))
        _time(
            "Inbox: status=shortlisted, all",
            lambda: workspace.inbox.page(status="shortlisted", limit=None),
        )
        _time(
            "Inbox: assigned to one staff member, page",
            lambda: workspace.inbox.page(assigned_staff_id=3),
        )
        _time("Inbox: search 'Company 09', page", lambda: workspace.inbox.page(search="Company 09"))
        _time("Inbox: search '机器人' + status new, all",
              lambda: workspace.inbox.page(search="机器人", status="new", limit=None))  # fmt: skip
        shortlisted = last - (last - 1) % 10  # every tenth case has a shortlist
        _time(f"case page: case {shortlisted} (snapshot + 3 entries)",
              lambda: workspace.cases.get(shortlisted))  # fmt: skip
        page = workspace.inbox.page(limit=None)
        print(f"Inbox rows: {len(page.rows)} of {page.total}")
        workspace.engine.dispose()


if __name__ == "__main__":
    main()
