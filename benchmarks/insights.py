"""Time the staff dashboard's figures and the monthly report over 100,000 generated cases
(target: each within 1 s), on SQLite and on PostgreSQL.

The history is `matcher demo-data`'s (matcher.workspace.demo, compact rankings: the dashboard
never reads them), over two years. Timed, each the median of --runs: the whole dashboard
unfiltered (weekly, then monthly), one month, one sector over a quarter, the monthly report
(PDF and XLSX, queries included), and the Inbox's first page with its overdue marks.

Run: .venv/bin/python benchmarks/insights.py [--cases 100000] [--url URL] [--no-postgres]
     Without --url: a temporary SQLite file, then a throwaway PostgreSQL cluster (Debian's
     postgresql binaries, as the tests use) unless --no-postgres; --only names one of them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matcher.insights_report import report_pdf, report_xlsx
from matcher.scoring import ranker_for
from matcher.workspace import Filters, Period, Workspace
from matcher.workspace.db import make_engine, upgrade
from matcher.workspace.demo import generate
from matcher.workspace.insights import month_filters

END = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def _timed(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench(url: str, cases: int, runs: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    ws = Workspace.open(url, ranker=ranker_for())
    start = time.perf_counter()
    generate(ws, cases=cases, end=END, force=True, compact=True)
    print(f"  generated {cases:,} cases in {time.perf_counter() - start:.1f} s", flush=True)
    if ws.engine.dialect.name == "postgresql":
        with ws.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    insights = ws.insights
    catalogue = ws.lexicon.base_ranker.catalogue
    november = month_filters("2026-11")
    quarter = Filters(start=date(2026, 7, 1), end=date(2026, 9, 30), sector_id="ai")
    total = insights.total(Filters())
    print(f"  cases in the database: {total:,}; in November 2026: {insights.total(november):,}")
    figures: list[tuple[str, Callable[[], object]]] = [
        ("dashboard, all cases, weekly", lambda: insights.dashboard(Filters(), Period.WEEK, END)),
        ("dashboard, all cases, monthly", lambda: insights.dashboard(Filters(), Period.MONTH, END)),
        ("dashboard, November 2026", lambda: insights.dashboard(november, Period.WEEK, END)),
        ("dashboard, AI over a quarter", lambda: insights.dashboard(quarter, Period.WEEK, END)),
        (
            "report PDF, November (queries + layout)",
            lambda: report_pdf(
                insights.dashboard(november, Period.MONTH, END), catalogue, "zh", "2026-11", END
            ),
        ),
        (
            "report XLSX, November (queries + workbook)",
            lambda: report_xlsx(insights.dashboard(november, Period.MONTH, END), catalogue, "zh"),
        ),
        ("Inbox first page with overdue marks", lambda: ws.inbox.page(limit=50, now=END)),
    ]
    for name, work in figures:
        work()  # warm: caches, the first connection
        print(f"  {name:<44} median {_timed(runs, work) * 1000:7.0f} ms", flush=True)
    slowest = {}
    for name, query in (
        (
            "received by sector, weekly",
            lambda: insights.received(Filters(), Period.WEEK, _dim("sector")),
        ),
        ("unmet by sector and size", lambda: insights.unmet(Filters())),
        ("parks shortlisted/sent/landed", lambda: insights.parks(Filters())),
        ("funnel", lambda: insights.funnel(Filters())),
        ("medians", lambda: insights.medians(Filters())),
        ("overdue", lambda: insights.overdue(Filters(), END)),
    ):
        slowest[name] = _timed(runs, query)
    print(
        "  per figure, all cases: "
        + ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in slowest.items())
    )
    ws.engine.dispose()


def _dim(name: str) -> object:
    from matcher.workspace import Dimension

    return Dimension(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", default=None)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), default=None)
    args = parser.parse_args()
    if args.url:
        print(args.url.split("@")[-1])
        bench(args.url, args.cases, args.runs)
        return
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory(prefix="matcher-insights-") as folder:
            print("SQLite (a temporary file)")
            bench(f"sqlite:///{Path(folder) / 'bench.db'}", args.cases, args.runs)
    if args.no_postgres or args.only == "sqlite":
        return
    from tests.workspace_fixtures import PostgresServer, _pg_bin

    bin_dir = _pg_bin()
    if bin_dir is None:
        print("PostgreSQL: binaries not found (apt-get install postgresql)")
        return
    server = PostgresServer(bin_dir)
    server.start()
    try:
        print(f"PostgreSQL (a throwaway cluster, {bin_dir.parent.name})")
        bench(server.new_database(), args.cases, args.runs)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
