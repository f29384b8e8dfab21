"""Command line: `matcher rank | batch | check-data | eval` (thin wrapper over the library)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from matcher.areas import AreaError, parse_area
from matcher.batch import run_batch
from matcher.batch_io import BatchError
from matcher.catalogue import CatalogueError, load_catalogue
from matcher.evaluation import evaluate, read_gold
from matcher.models import Requirement, Weights
from matcher.scoring import Ranker


def _area(value: str) -> float:
    try:
        parsed = parse_area(value)
    except AreaError as error:
        raise argparse.ArgumentTypeError(str(error)) from error
    found = parsed.min_m2 if parsed.min_m2 is not None else parsed.max_m2
    if found is None:
        raise argparse.ArgumentTypeError(f"'{value}' is not an area")
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="matcher", description=__doc__)
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="curated tables (default: data/)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    rank = sub.add_parser("rank", help="rank the parks for one requirement")
    rank.add_argument("sector", nargs="?", default="", help="sector, free text (zh or en)")
    rank.add_argument("--sector-id", action="append", default=[], help="taxonomy sector id")
    rank.add_argument("--min-area", type=_area, help="minimum floor area, e.g. 3000 or 0.3万平方米")
    rank.add_argument("--max-area", type=_area, help="maximum floor area")
    rank.add_argument("--location", default="", help="preferred location (town, zone, landmark)")
    rank.add_argument("--top", type=int, default=18, help="how many parks to show")
    rank.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the reasons")
    rank.add_argument("--weights", nargs=3, type=float, metavar=("SECTOR", "AREA", "LOCATION"))
    rank.add_argument("--hard-area", action="store_true", help="exclude parks that are too small")
    rank.add_argument("--hard-location", action="store_true", help="exclude parks elsewhere")
    rank.add_argument("--json", action="store_true", help="print the matches as JSON")

    batch = sub.add_parser("batch", help="match every row of a CSV or XLSX file")
    batch.add_argument("input", type=Path)
    batch.add_argument("--output", "-o", type=Path, required=True, help=".csv or .xlsx")
    batch.add_argument("--top", type=int, default=5)
    batch.add_argument("--format", choices=("long", "wide"), default="long")
    batch.add_argument("--input-encoding", default=None, help="override encoding detection")
    batch.add_argument("--encoding", default="utf-8-sig", help="encoding of a CSV output")
    batch.add_argument("--sheet", default=None, help="XLSX sheet name (default: the first)")
    batch.add_argument("--no-progress", action="store_true")

    sub.add_parser("check-data", help="validate the curated catalogue and taxonomy")

    ev = sub.add_parser("eval", help="nDCG@5, Hit@1 and MRR on a graded gold file")
    ev.add_argument("gold", type=Path)
    ev.add_argument("--verbose", "-v", action="store_true", help="print every row")
    return parser


def _rank(args: argparse.Namespace, console: Console) -> int:
    weights = (
        Weights(**dict(zip(("sector", "area", "location"), args.weights, strict=True)))
        if args.weights
        else Weights()
    )
    requirement = Requirement(
        sector_text=args.sector,
        sector_ids=tuple(args.sector_id),
        min_area_m2=args.min_area,
        max_area_m2=args.max_area,
        preferred_location=args.location,
        weights=weights,
        area_is_hard=args.hard_area,
        location_is_hard=args.hard_location,
    )
    matches = Ranker(load_catalogue(args.data_dir)).rank(requirement)[: args.top]
    if args.json:
        print(
            json.dumps([m.model_dump(mode="json") for m in matches], ensure_ascii=False, indent=2)
        )
        return 0
    table = Table(show_lines=True)
    for title in ("#", "park", "score", "fit", "sector", "area", "location", "reasons"):
        table.add_column(title)
    for m in matches:
        name = m.park_name_zh if args.lang == "zh" else m.park_name_en
        table.add_row(
            str(m.rank),
            f"{m.park_id} {name}",
            f"{m.score:.1f}",
            m.fit.value,
            *(("-" if c.score is None else f"{c.score:.2f}") for c in m.components),
            m.reason(args.lang),
        )
    console.print(table)
    return 0


def _batch(args: argparse.Namespace, console: Console) -> int:
    with Progress(
        TextColumn("matching"),
        BarColumn(),
        TextColumn("{task.completed} rows"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=args.no_progress,
    ) as bar:
        task = bar.add_task("batch", total=None)
        summary, _ = run_batch(
            args.input,
            args.output,
            top_k=args.top,
            output_format=args.format,
            encoding=args.input_encoding,
            output_encoding=args.encoding,
            sheet=args.sheet,
            catalogue=load_catalogue(args.data_dir) if args.data_dir else None,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    console.print(f"{summary.line()}; wrote {args.output} in {summary.seconds:.2f} s")
    return 0


def _check_data(args: argparse.Namespace, console: Console) -> int:
    catalogue = load_catalogue(args.data_dir)
    console.print(
        f"ok: {len(catalogue.parks)} parks, {len(catalogue.sectors)} sectors, "
        f"{len(catalogue.relations)} relations, {len(catalogue.places)} places "
        f"(data version {catalogue.version})"
    )
    return 0


def _eval(args: argparse.Namespace, console: Console) -> int:
    ranker = Ranker(load_catalogue(args.data_dir))
    report = evaluate(read_gold(args.gold), ranker.rank)
    if args.verbose:
        for row in report.rows:
            console.print(
                f"{row.request_id} {row.sector_text!r}: {' '.join(row.ranked[:5])} "
                f"gold={dict(row.grades)} "
                f"nDCG@5={'-' if row.ndcg5 is None else round(row.ndcg5, 3)} "
                f"top fit={row.top_fit.value}"
            )
    for lang in ("zh", "en"):
        console.print(
            f"{lang}: nDCG@5 {report.ndcg5(lang):.3f}  Hit@1 {report.hit1(lang):.3f}  "
            f"MRR {report.mrr(lang):.3f}"
        )
    console.print(
        f"rows with gold: {report.graded_rows}, without (no park fits): {len(report.empty_rows)}"
    )
    console.print(f"nDCG@5 {report.ndcg5():.3f}  Hit@1 {report.hit1():.3f}  MRR {report.mrr():.3f}")
    console.print(
        f"no-fit rows flagged weak/none: {report.empty_flagged} of {len(report.empty_rows)}"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console(soft_wrap=False, width=200 if not sys.stdout.isatty() else None)
    handlers = {"rank": _rank, "batch": _batch, "check-data": _check_data, "eval": _eval}
    try:
        return handlers[args.command](args, console)
    except CatalogueError as error:
        print("data check failed:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    except (BatchError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
