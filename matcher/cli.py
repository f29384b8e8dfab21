"""Command line: `matcher rank | batch | check-data | eval` (thin wrapper over the library)."""

from __future__ import annotations

import argparse
import codecs
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from matcher.areas import AreaError
from matcher.catalogue import CatalogueError, chain_gaps, load_catalogue
from matcher.errors import UsageError, UserFacingError
from matcher.i18n import Lang, Text, label, say, time_words
from matcher.models import Requirement, Weights

if TYPE_CHECKING:
    from rich.console import Console

    from matcher.tuning import ShownScale
    from matcher.workspace import CaseView, Database, Staff, StaffAccounts, Workspace

# The heavy modules (rich, pandas, pyarrow, openpyxl, the XLSX writer via batch) are imported by the
# commands that use them, so that `matcher rank` starts in about the time numpy and pydantic take.


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(said("cli_not_positive", value=value[:40]))
    return number


def _weight(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not (0 <= number <= 1e6):
        raise argparse.ArgumentTypeError(said("cli_not_weight", value=value[:40]))
    return number


def _encoding(value: str) -> str:
    try:
        codecs.lookup(value)
    except LookupError:
        raise argparse.ArgumentTypeError(said("encoding_unknown", encoding=value[:40])) from None
    return value


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors end in one line, in the terminal's language."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        problem = said("cli_bad_arguments", message=message)
        self.exit(2, said("cli_error", message=problem) + "\n")


def cli_lang() -> Lang:
    """The terminal's language: $MATCHER_LANG, else the locale's (zh_CN … is Chinese)."""
    for name in ("MATCHER_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def said(key: str, **values: object) -> str:
    """Message `key` in the terminal's language."""
    return label(key, cli_lang(), **values)


def _in_option(option: str, error: UserFacingError) -> UsageError:
    """An area (or other) mistake named by the option it was given in."""
    return UsageError(say("cli_option_problem", option=option, problem=error.message))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="matcher", description=__doc__)
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="curated tables (default: data/)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    rank = sub.add_parser("rank", help="rank the parks for one requirement")
    rank.add_argument("sector", nargs="?", default="", help="sector, free text (zh or en)")
    rank.add_argument("--sector-id", action="append", default=[], help="taxonomy sector id")
    rank.add_argument("--min-area", default="", help=label("area_help", cli_lang()))
    rank.add_argument("--max-area", default="", help="maximum floor area")
    rank.add_argument("--location", default="", help="preferred location (town, zone, landmark)")
    rank.add_argument("--place-id", action="append", default=[], help="place id (data/places.csv)")
    rank.add_argument("--top", type=_positive_int, default=18, help="how many parks to show")
    rank.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the reasons")
    rank.add_argument("--weights", nargs=3, type=_weight, metavar=("SECTOR", "AREA", "LOCATION"))
    rank.add_argument("--hard-area", action="store_true", help="exclude parks that are too small")
    rank.add_argument("--hard-location", action="store_true", help="exclude parks elsewhere")
    rank.add_argument("--json", action="store_true", help="print the matches as JSON")

    batch = sub.add_parser("batch", help="match every row of a CSV or XLSX file")
    batch.add_argument("input", type=Path)
    batch.add_argument("--output", "-o", type=Path, required=True, help=".csv or .xlsx")
    batch.add_argument("--top", type=_positive_int, default=5)
    batch.add_argument("--format", choices=("long", "wide"), default="long")
    batch.add_argument(
        "--input-encoding", type=_encoding, default=None, help="override encoding detection"
    )
    batch.add_argument(
        "--encoding", type=_encoding, default="utf-8-sig", help="encoding of a CSV output"
    )
    batch.add_argument("--sheet", default=None, help="XLSX sheet name (default: the first)")
    batch.add_argument("--no-progress", action="store_true")
    batch.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=None,
        help="headers, fit labels and errors in this language (default: the English contract)",
    )

    _add_brief_parser(sub)

    sub.add_parser("check-data", help="validate the curated catalogue and taxonomy")

    ev = sub.add_parser("eval", help="nDCG@5, Hit@1 and MRR on a graded gold file")
    ev.add_argument("gold", type=Path)
    ev.add_argument("--verbose", "-v", action="store_true", help="print every row")
    _add_workspace_commands(sub)
    return parser


def requirement_from_args(args: argparse.Namespace, area_limit_m2: float) -> Requirement:
    """The `rank` command's requirement, through the one front door."""
    if args.weights and not any(args.weights):
        raise UsageError(say("cli_weights_all_zero"))
    weights = (
        Weights(**dict(zip(("sector", "area", "location"), args.weights, strict=True)))
        if args.weights
        else None
    )
    try:
        return Requirement.from_cells(
            sector_text=args.sector,
            sector_ids=tuple(args.sector_id),
            place_ids=tuple(args.place_id),
            min_area=args.min_area,
            max_area=args.max_area,
            location=args.location,
            weights=weights,
            area_is_hard=args.hard_area,
            location_is_hard=args.hard_location,
            area_limit_m2=area_limit_m2,
        )
    except AreaError as error:
        option = "--max-area" if error.field == "max" else "--min-area"
        raise _in_option(option, error) from error


def _rank(args: argparse.Namespace, console: Console) -> int:
    from matcher.scoring import Ranker

    ranker = Ranker(load_catalogue(args.data_dir))
    requirement = requirement_from_args(args, ranker.area_limit_m2)
    matches = ranker.rank(requirement)[: args.top]
    if args.json:
        print(
            json.dumps([m.model_dump(mode="json") for m in matches], ensure_ascii=False, indent=2)
        )
        return 0
    from rich.table import Table

    from matcher.views import header, ranked_rows

    # The ranking's rows as every output shows them (matcher/views.py): the shown score, the
    # fit in words, the headers in the reader's language.
    columns = ("rank", "park_id", "park_name_zh", "score", "fit", *COMPONENT_SCORES, "reasons")
    table = Table(show_lines=True)
    for column in columns:
        table.add_column(header(column, args.lang))
    for row in ranked_rows(matches, ranker.catalogue, args.lang):
        table.add_row(*(_cell(c, row[c]) for c in columns))
    console.print(table, markup=False)
    return 0


COMPONENT_SCORES = ("sector_score", "area_score", "location_score")


def _cell(column: str, value: object) -> str:
    """A table cell: the score to one decimal, a component's value to two, none as '-'."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}" if column in COMPONENT_SCORES else f"{value:.1f}"
    return str(value)


def _batch(args: argparse.Namespace, console: Console) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from matcher.batch import run_batch

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
            lang=args.lang,
        )
    done = said(
        "cli_batch_done",
        summary=summary.words(),
        output=_output_name(args.output),
        seconds=summary.seconds,
    )
    _summary(done, args.output, console)
    return 0


def _summary(line: str, output: Path, console: Console) -> None:
    """A command's closing line: on standard error when the data itself goes to standard
    output or another stream (`--output -`, /dev/stdout, a pipe), so the data stays pure."""
    from matcher.atomic import is_stream

    if is_stream(output):
        print(_one_line(line), file=sys.stderr)
    else:
        console.print(_one_line(line), markup=False)


def _output_name(output: Path) -> str:
    """The output as the closing line names it: a file's path, or "standard output"."""
    from matcher.atomic import is_stdout

    return said("cli_standard_output") if is_stdout(output) else str(output)


def _one_line(line: str) -> str:
    """A message as one terminal line: a path or value holding a newline, an escape or an
    undecodable byte is written as its escape (\\n, \\x1b), never acted on."""
    from matcher.free_text import escaped

    return escaped(line)


# -- brief: the printable PDF for an investor (the same one the app's shortlist page downloads)


def _park_ids(value: str) -> tuple[str, ...]:
    ids = tuple(p.strip().upper() for p in value.split(",") if p.strip())
    if not ids:
        raise argparse.ArgumentTypeError(said("cli_give_park_ids"))
    return ids


def _add_brief_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    brief = sub.add_parser("brief", help="write the PDF brief for a shortlist of parks")
    brief.add_argument("sector", nargs="?", default="", help="sector, free text (zh or en)")
    brief.add_argument("--min-area", default="", help="minimum floor area")
    brief.add_argument("--max-area", default="", help="maximum floor area")
    brief.add_argument("--location", default="", help="preferred location")
    brief.add_argument(
        "--parks", type=_park_ids, required=True, help="park ids in order, e.g. P05,P01,P03"
    )
    brief.add_argument(
        "--note",
        default="",
        help="the brief's covering note, printed for the investor (there is no internal note "
        "here: nothing is kept)",
    )
    brief.add_argument("--company", default="", help="the investor's name, shown in the title")
    brief.add_argument("--lang", choices=("zh", "en"), default="zh")
    brief.add_argument("--output", "-o", type=Path, required=True, help="a .pdf file")


def _brief(args: argparse.Namespace, console: Console) -> int:
    from matcher.brief import write_brief
    from matcher.scoring import Ranker
    from matcher.shortlist import Shortlist, ShortlistItem, matches_by_id, shortlist_pdf

    catalogue = load_catalogue(args.data_dir)
    known = {p.park_id for p in catalogue.parks}
    unknown = [p for p in args.parks if p not in known]
    if unknown:
        raise UsageError(
            say("cli_unknown_parks", parks=", ".join(unknown)[:80], last=f"P{len(known):02d}")
        )
    if len(set(args.parks)) != len(args.parks):
        raise UsageError(say("cli_park_twice"))
    ranker = Ranker(catalogue)
    try:
        requirement = Requirement.from_cells(
            sector_text=args.sector,
            min_area=args.min_area,
            max_area=args.max_area,
            location=args.location,
            area_limit_m2=ranker.area_limit_m2,
        )
    except AreaError as error:
        option = "--max-area" if error.field == "max" else "--min-area"
        raise _in_option(option, error) from error
    shortlist = Shortlist(
        items=tuple(ShortlistItem(park_id=p) for p in args.parks),
        investor_note=args.note,
        company=args.company,
        requirement=requirement,
        data_version=catalogue.version,
    )
    pdf = shortlist_pdf(shortlist, catalogue, matches_by_id(ranker.rank(requirement)), args.lang)
    write_brief(args.output, pdf)
    done = said(
        "cli_brief_done", output=_output_name(args.output), parks=len(args.parks), size=len(pdf)
    )
    _summary(done, args.output, console)
    return 0


def _check_data(args: argparse.Namespace, console: Console) -> int:
    catalogue = load_catalogue(args.data_dir)
    console.print(
        said(
            "cli_data_ok",
            parks=len(catalogue.parks),
            sectors=len(catalogue.sectors),
            relations=len(catalogue.relations),
            places=len(catalogue.places),
            version=catalogue.version,
        ),
        markup=False,
    )
    gaps = chain_gaps(args.data_dir)
    if gaps:
        console.print(said("cli_chain_gaps", count=len(gaps)), markup=False)
        for gap in gaps:
            console.print(f"  {gap.in_(cli_lang())}", markup=False, soft_wrap=True)
    else:
        console.print(said("cli_chain_gaps_none"), markup=False)
    return 0


def _eval(args: argparse.Namespace, console: Console) -> int:
    from matcher.evaluation import evaluate, read_gold
    from matcher.scoring import Ranker

    ranker = Ranker(load_catalogue(args.data_dir))
    report = evaluate(read_gold(args.gold, ranker.area_limit_m2), ranker.rank)
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


# ---------------------------------------------------------------------------------------------
# Workspace commands: db, cases, shortlist, staff, backup, restore (issues 9, 20). SQLAlchemy and
# the rest of matcher.workspace are imported inside these handlers only, so `matcher rank` never
# loads them.
# The database is $MATCHER_DB_URL, else var/matcher.db; the actor recorded is $MATCHER_STAFF,
# else "cli:<login name>".

_STATUSES = ("new", "in_progress", "shortlisted", "sent", "closed")
_OUTCOMES = ("landed", "lost_elsewhere", "no_space", "no_sector_fit", "withdrawn", "other")


def _add_workspace_commands(sub: argparse._SubParsersAction[Any]) -> None:
    db = sub.add_parser("db", help="the workspace database ($MATCHER_DB_URL)")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="create or migrate the schema to this version")
    db_sub.add_parser("current", help="print the schema revision")
    db_sub.add_parser(
        "fill-demand",
        help="give cases kept before the dashboard their demand facts (from their latest "
        "ranking as shown)",
    )

    cases = sub.add_parser("cases", help="investor enquiries kept in the workspace")
    cases_sub = cases.add_subparsers(dest="cases_command", required=True)
    add = cases_sub.add_parser("add", help="open a case and rank the parks for it")
    add.add_argument("sector", help="sector, free text (zh or en)")
    add.add_argument("--min-area", default="", help="minimum floor area")
    add.add_argument("--max-area", default="", help="maximum floor area")
    add.add_argument("--location", default="", help="preferred location")
    add.add_argument("--company", default="", help="the investor's company")
    add.add_argument("--contact", default="", help="contact person")
    add.add_argument("--email-or-phone", default="", help="how to reach the contact person")
    add.add_argument("--consent", action="store_true", help="consents to be contacted")
    add.add_argument(
        "--needed-by", default="", help="the date the space is needed by (2027-03-01 or 2027-03)"
    )
    add.add_argument("--json", action="store_true")
    listing = cases_sub.add_parser("list", help="the Inbox, newest first")
    listing.add_argument("--status", choices=_STATUSES, default=None)
    listing.add_argument("--limit", type=_positive_int, default=200)
    listing.add_argument("--json", action="store_true")
    show = cases_sub.add_parser("show", help="one case with its ranking and shortlist")
    show.add_argument("case_id", type=_positive_int, metavar="ID")
    show.add_argument("--json", action="store_true")
    status = cases_sub.add_parser("status", help="move a case to another status")
    status.add_argument("case_id", type=_positive_int, metavar="ID")
    status.add_argument("status", choices=_STATUSES)
    status.add_argument(
        "--outcome",
        choices=_OUTCOMES,
        default=None,
        help="how the case ended (needed to close it)",
    )
    status.add_argument("--park", default=None, help="the park a landed case landed in")
    status.add_argument("--json", action="store_true")
    notices = cases_sub.add_parser(
        "notices",
        help="open cases re-ranked when availability or the park list changed (the Inbox)",
    )
    notices.add_argument("--all", action="store_true", help="read ones too")
    notices.add_argument("--json", action="store_true")
    _add_availability_commands(sub)

    demo = sub.add_parser(
        "demo-data",
        help="fill a throwaway workspace with a generated history of cases (refused on a "
        "database holding real cases unless --force)",
    )
    demo.add_argument("--cases", type=_positive_int, default=10_000)
    demo.add_argument("--years", type=float, default=2.0)
    demo.add_argument("--seed", type=int, default=21)
    demo.add_argument("--end", default=None, help="the last day of the history (YYYY-MM-DD)")
    demo.add_argument("--force", action="store_true")

    report = sub.add_parser(
        "report", help="the monthly demand report: the dashboard's figures as PDF or XLSX"
    )
    report.add_argument("--month", required=True, help="YYYY-MM, in Beijing time")
    report.add_argument("--lang", choices=("zh", "en"), default="zh")
    report.add_argument("--sector", default=None, help="one sector id only")
    report.add_argument("--output", type=Path, required=True, help="report.pdf or report.xlsx")

    shortlist = sub.add_parser("shortlist", help="a case's shortlist")
    shortlist_sub = shortlist.add_subparsers(dest="shortlist_command", required=True)
    sl_add = shortlist_sub.add_parser("add", help="add parks with their match as it is now")
    sl_add.add_argument("case_id", type=_positive_int, metavar="CASE_ID")
    sl_add.add_argument("park_ids", nargs="+", metavar="PARK_ID")
    sl_add.add_argument(
        "--note", default="", help="internal staff note on these parks (never exported)"
    )
    sl_add.add_argument(
        "--for-investor",
        action="store_true",
        help="--note is for the investor: printed in the brief and written in the exports",
    )
    sl_add.add_argument("--json", action="store_true")

    staff = sub.add_parser("staff", help="staff accounts")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    staff_add = staff_sub.add_parser(
        "add", help="add a staff member; the password is asked for (or read from stdin)"
    )
    staff_add.add_argument("username")
    _role_options(staff_add, default="staff")
    set_role = staff_sub.add_parser(
        "set-role", help="give an account another role (its open sessions end)"
    )
    set_role.add_argument("username")
    _role_options(set_role, default=None)
    staff_sub.add_parser("list", help="staff accounts")
    deactivate = staff_sub.add_parser(
        "deactivate", help="stop a staff member signing in; their open sessions end at once"
    )
    deactivate.add_argument("username")
    activate = staff_sub.add_parser("activate", help="let a deactivated staff member sign in")
    activate.add_argument("username")
    reset = staff_sub.add_parser(
        "reset-password",
        help="a new password, asked for (or read from stdin), never an argument; it lifts "
        "sign-in locks and ends the member's sessions",
    )
    reset.add_argument("username")

    backup = sub.add_parser(
        "backup",
        help="write the whole workspace to PATH (SQLite: a copy; PostgreSQL: pg_dump's custom "
        "format), readable by its owner only",
    )
    backup.add_argument("path", type=Path)
    restore = sub.add_parser(
        "restore",
        help="replace the workspace with the backup at PATH (stop the app first); then "
        "`matcher db upgrade` if the backup is from an older version",
    )
    restore.add_argument("path", type=Path)

    catalogue = sub.add_parser(
        "catalogue", help="park list versions: import a newly published list, diff, publish"
    )
    catalogue_sub = catalogue.add_subparsers(dest="catalogue_command", required=True)
    imported = catalogue_sub.add_parser(
        "import", help="keep FILE (CSV or XLSX in data/parks.csv's columns) as the draft"
    )
    imported.add_argument("file", type=Path)
    imported.add_argument("--input-encoding", type=_encoding, default=None)
    imported.add_argument("--sheet", default=None, help="XLSX sheet name (default: the first)")
    catalogue_sub.add_parser("diff", help="what publishing the draft would change")
    catalogue_sub.add_parser("publish", help="make the draft the list in use (administrators)")
    catalogue_sub.add_parser("discard", help="drop the draft without publishing it")
    catalogue_sub.add_parser("history", help="every published version, newest first")

    lexicon = sub.add_parser("lexicon", help="terms staff taught the matcher (the Lexicon page)")
    lexicon_sub = lexicon.add_subparsers(dest="lexicon_command", required=True)
    lexicon_list = lexicon_sub.add_parser("list", help="taught terms, retired ones included")
    lexicon_list.add_argument("--json", action="store_true")
    lexicon_export = lexicon_sub.add_parser(
        "export", help="write the taught terms as CSV (chains.csv columns + who and when)"
    )
    lexicon_export.add_argument("path", type=Path)
    lexicon_export.add_argument(
        "--for-data",
        action="store_true",
        help="only the terms in use, in data/chains.csv's columns and exactly as taught (not "
        "for a spreadsheet): append its rows to data/chains.csv",
    )
    teach = lexicon_sub.add_parser("teach", help="map a product or technology word to a chain")
    teach.add_argument("term_zh", help="the Chinese term")
    teach.add_argument("--en", required=True, help="English term(s), separated by | or commas")
    teach.add_argument("--sector", required=True, help="sector id whose chain it belongs to")
    teach.add_argument("--segment", required=True, help="chain segment id (chain_segments.csv)")
    teach.add_argument("--secondary", default=None, help="a secondary sector id")
    teach.add_argument("--note", default="", help="why: the judgement, for review")
    retire = lexicon_sub.add_parser("retire", help="stop using a taught term (the record stays)")
    retire.add_argument("term_id", type=_positive_int)


_AVAILABILITY_STATUSES = ("available", "under_negotiation", "full")
_AVAILABILITY_SOURCES = ("park_operator", "phone", "site_visit", "published_list")


def _add_availability_commands(sub: argparse._SubParsersAction[Any]) -> None:
    availability = sub.add_parser(
        "availability", help="space available per park, kept with its history"
    )
    av_sub = availability.add_subparsers(dest="availability_command", required=True)
    av_set = av_sub.add_parser(
        "set", help="record a park's space available now; open cases are re-matched"
    )
    av_set.add_argument("park_id", metavar="PARK_ID")
    av_set.add_argument("--area", required=True, help="above-ground floor area available")
    av_set.add_argument("--underground", default="", help="underground floor area available")
    av_set.add_argument(
        "--from", dest="available_from", default="", help="available from (2027-03-01 or 2027-03)"
    )
    av_set.add_argument("--status", choices=_AVAILABILITY_STATUSES, default="available")
    av_set.add_argument("--source", choices=_AVAILABILITY_SOURCES, required=True)
    av_set.add_argument("--json", action="store_true")
    av_show = av_sub.add_parser("show", help="every park's current figure, or one park's history")
    av_show.add_argument("park_id", nargs="?", default=None, metavar="PARK_ID")
    av_show.add_argument("--json", action="store_true")
    av_confirm = av_sub.add_parser(
        "confirm", help="still accurate: confirm a park's current figure (recorded as a check)"
    )
    av_confirm.add_argument("park_id", metavar="PARK_ID")
    av_confirm.add_argument("--json", action="store_true")


def _role_options(parser: argparse.ArgumentParser, default: str | None) -> None:
    parser.add_argument(
        "--role",
        choices=("admin", "staff", "operator"),
        default=default,
        required=default is None,
        help="admin: accounts and publishing the park list; staff: cases and availability; "
        "operator: their own park's availability only",
    )
    parser.add_argument("--park", default=None, help="an operator's park id, e.g. P07")


def _actor() -> str:
    named = os.environ.get("MATCHER_STAFF", "").strip()
    if named:
        return named
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


def _print_json(value: object) -> None:
    from datetime import datetime

    from matcher.free_text import json_safe

    def plain(item: object) -> str:
        return item.isoformat() if isinstance(item, datetime) else str(item)

    # Stored text may hold what a terminal acts on (written before it was checked): JSON
    # escapes keep the data the same for a reader and inert on screen.
    print(json_safe(json.dumps(value, ensure_ascii=False, indent=2, default=plain)))


def _db(args: argparse.Namespace, console: Console) -> int:
    from matcher.workspace.db import current_revision, database_url, head_revision, make_engine
    from matcher.workspace.db import upgrade as upgrade_schema

    if args.db_command == "fill-demand":
        filled = _open_workspace(args).cases.fill_demand_facts()
        console.print(said("demand_filled", cases=filled), markup=False)
        return 0
    engine = make_engine()
    if args.db_command == "upgrade":
        before = current_revision(engine)
        upgrade_schema(engine)
        after = current_revision(engine)
        state = "already at" if before == after else f"upgraded from {before or 'empty'} to"
        print(f"{_redact(database_url())}: {state} {after}")
    else:
        print(f"{current_revision(engine) or 'empty'} (this version needs {head_revision()})")
    return 0


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _open_workspace(args: argparse.Namespace) -> Workspace:
    from matcher.scoring import Ranker, ranker_for
    from matcher.workspace import Workspace

    ranker = Ranker(load_catalogue(args.data_dir)) if args.data_dir else ranker_for()
    return Workspace.open(ranker=ranker)


def _case_json(case: CaseView, scale: ShownScale) -> dict[str, Any]:
    """A case as the CLI's JSON contract: the case, its latest ranking, shortlist, exports."""
    snapshot = case.snapshot
    return {
        "id": case.id,
        "company": case.company,
        "contact_person": case.contact_person,
        "contact": case.contact,
        "consent": case.consent,
        "consent_at": case.consent_at,
        "source": case.source.value,
        "status": case.status.value,
        "assigned_to": case.assigned_to,
        "version": case.version,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "requirement": case.requirement.model_dump(mode="json"),
        "history": [h.model_dump(mode="json") for h in case.history],
        "snapshot": None
        if snapshot is None
        else {
            "id": snapshot.id,
            "data_version": snapshot.data_version,
            "park_list": snapshot.park_list,
            "created_at": snapshot.created_at,
            "outdated": case.ranking_outdated,
            "matches": [
                {"park_id": m.park_id, "rank": m.rank, "score": m.score, "fit": m.fit.value}
                for m in snapshot.matches
            ],
        },
        "snapshot_count": case.snapshot_count,
        "shortlist": [
            {
                "park_id": e.park_id,
                "position": e.position,
                "score": e.stored.score,
                "fit": e.stored.fit.value,
                "reasons_zh": list(e.stored.reasons_zh),
                "reasons_en": list(e.stored.reasons_en),
                "data_version": e.stored_data_version,
                "note": e.note,
                "investor_note": e.investor_note,
                "added_by": e.added_by,
                "added_at": e.added_at,
                "current_score": e.current.score if e.current else None,
                "current_fit": e.current.fit.value if e.current else None,
                "current_data_version": e.current_data_version,
                "changed": e.changed,
                "change_en": e.change_text("en", scale),
                "change_zh": e.change_text("zh", scale),
            }
            for e in case.shortlist
        ],
        "exports": [x.model_dump(mode="json") for x in case.exports],
    }


def _ranked_on(workspace: Workspace, case: CaseView) -> Text | None:
    """The park list the case's latest ranking was made on, in words."""
    return None if case.snapshot is None else workspace.park_lists.words(case.snapshot.park_list)


def _print_case(
    case: CaseView, console: Console, scale: ShownScale, ranked_on: Text | None = None
) -> None:
    """A case as the case page shows it: shown scores and fit words, times in Beijing.
    Stored text goes through `shown`: escapes, never a raw control or direction character,
    even in cases stored before texts were checked."""
    from matcher.display import shown_score
    from matcher.free_text import shown
    from matcher.i18n import time_words

    lang = cli_lang()
    console.print(
        f"case {case.id} [{case.status.value}] {shown(case.company) or '(no company)'}"
        f"{' · ' + shown(case.contact_person) if case.contact_person else ''}",
        markup=False,
    )
    req = case.requirement
    console.print(
        f"requirement: {shown(req.sector_text or ', '.join(req.sector_ids))}; min "
        f"{req.min_area_m2 or '-'} m², max {req.max_area_m2 or '-'} m², location "
        f"{shown(req.preferred_location) or '-'}",
        markup=False,
    )
    if case.snapshot:
        top = ", ".join(
            f"{m.park_id} {shown_score(m, scale):.1f} {label(f'fit_{m.fit.value}', lang)}"
            for m in case.snapshot.matches[:5]
        )
        outdated = " (the park data changed since: rank again)" if case.ranking_outdated else ""
        console.print(f"ranking{outdated}: {top}", markup=False)
        if ranked_on is not None:
            console.print(label("ranked_on_park_list", lang, list=ranked_on), markup=False)
    for e in case.shortlist:
        change = f" — {e.change_text(lang, scale)}" if e.changed else ""
        note = f" · note: {shown(e.note)}" if e.note else ""
        if e.investor_note:
            note += f" · for the investor: {shown(e.investor_note)}"
        console.print(
            f"  {e.position}. {e.park_id} {shown_score(e.stored, scale):.1f} "
            f"{label(f'fit_{e.stored.fit.value}', lang)}{change}{note}",
            markup=False,
        )
    for x in case.exports:
        console.print(
            f"  export {x.id}: {x.format} {', '.join(x.park_ids)} by {shown(x.created_by)}, "
            f"{time_words(x.created_at).in_(lang)}",
            markup=False,
        )


def _cases(args: argparse.Namespace, console: Console) -> int:
    from matcher.workspace import CaseSource

    workspace = _open_workspace(args)
    if args.cases_command == "add":
        try:
            requirement = Requirement.from_cells(
                sector_text=args.sector,
                min_area=args.min_area,
                max_area=args.max_area,
                location=args.location,
                area_limit_m2=workspace.lexicon.ranker.area_limit_m2,
                needed_by=_day_option("--needed-by", args.needed_by) if args.needed_by else None,
            )
        except AreaError as error:
            option = "--max-area" if error.field == "max" else "--min-area"
            raise _in_option(option, error) from error
        if not requirement.asks_sector:
            raise UsageError(say("cli_give_sector"))
        case = workspace.cases.create(
            requirement,
            actor=_actor(),
            source=CaseSource.STAFF,
            company=args.company,
            contact_person=args.contact,
            contact=args.email_or_phone,
            consent=args.consent,
        )
    elif args.cases_command == "list":
        page = workspace.inbox.page(status=args.status, limit=args.limit)
        if args.json:
            _print_json([row.model_dump(mode="json") for row in page.rows])
            return 0
        from matcher.free_text import shown

        for row in page.rows:  # one line per case, whatever its stored text holds
            console.print(
                f"{row.id:>6}  {row.status.value:<12} {row.updated_at:%Y-%m-%d %H:%M}  "
                f"{shown(row.company) or '-'}  {shown(row.sector_text)}  "
                f"shortlist {row.shortlist_size}",
                markup=False,
            )
        console.print(f"{len(page.rows)} of {page.total} cases", markup=False)
        return 0
    elif args.cases_command == "notices":
        return _print_notices(workspace, args, console)
    elif args.cases_command == "show":
        case = workspace.cases.get(args.case_id)
    else:
        case = workspace.cases.set_status(
            args.case_id,
            args.status,
            actor=_actor(),
            outcome=args.outcome,
            outcome_park_id=args.park,
        )
    scale = workspace.lexicon.ranker.catalogue.tuning.shown
    if args.json:
        _print_json(_case_json(case, scale))
    else:
        _print_case(case, console, scale, _ranked_on(workspace, case))
    return 0


def _shortlist(args: argparse.Namespace, console: Console) -> int:
    workspace = _open_workspace(args)
    # --note is the internal note (kept in the workspace, never exported), as it always was;
    # with --for-investor it is the note the brief prints and the exports carry.
    case = workspace.shortlists.add(
        args.case_id,
        args.park_ids,
        actor=_actor(),
        note="" if args.for_investor else args.note,
        investor_note=args.note if args.for_investor else "",
    )
    scale = workspace.lexicon.ranker.catalogue.tuning.shown
    if args.json:
        _print_json(_case_json(case, scale))
    else:
        _print_case(case, console, scale, _ranked_on(workspace, case))
    return 0


def _read_password() -> str:
    if sys.stdin is None or not sys.stdin.isatty():
        line = sys.stdin.readline() if sys.stdin else ""
        password = line.rstrip("\r\n")
    else:
        import getpass

        password = getpass.getpass(said("cli_password_prompt"))
        if getpass.getpass(said("cli_password_again")) != password:
            raise UsageError(say("cli_passwords_differ"))
    if not password:
        raise UsageError(say("cli_no_password"))
    return password


def _staff(args: argparse.Namespace, console: Console) -> int:
    from matcher.workspace import Database, StaffAccounts
    from matcher.workspace.roles import Action, Role, require

    database = Database.open()  # no ranking here: the database alone
    accounts = StaffAccounts(database)
    if args.staff_command != "list":
        require(_cli_account(accounts), Action.MANAGE_STAFF)
    if args.staff_command in ("add", "set-role"):
        role = Role(args.role)
        if role is Role.OPERATOR and args.park:
            _known_park(database, args.park)
    if args.staff_command == "add":
        from matcher.workspace.auth import check_username

        check_username(args.username)  # before asking for a password
        staff = accounts.add(args.username, _read_password(), role=role, park_id=args.park)
        done = say(
            "staff_added_operator" if staff.park_id else "staff_added_role",
            role=say(f"role_{staff.role.value}"),
            name=staff.username,
            park=staff.park_id or "",
        )
        console.print(done.in_(cli_lang()), markup=False)
        return 0
    if args.staff_command == "set-role":
        staff = accounts.set_role(args.username, role, args.park)
        done = say("staff_role_set", name=staff.username, role=say(f"role_{staff.role.value}"))
        console.print(done.in_(cli_lang()), markup=False)
        return 0
    if args.staff_command in ("deactivate", "activate"):
        staff = accounts.set_active(args.username, args.staff_command == "activate")
        state = "activated" if staff.active else "deactivated (their sessions ended)"
        console.print(f"{state} staff {staff.username}", markup=False)
        return 0
    if args.staff_command == "reset-password":
        accounts.find(args.username)  # before asking for a password
        staff = accounts.set_password(args.username, _read_password())
        console.print(
            f"new password for staff {staff.username}; their sessions ended", markup=False
        )
        return 0
    for member in accounts.all():
        state = "active" if member.active else "inactive"
        role_words = label(f"role_{member.role.value}", cli_lang())
        park = f" {member.park_id}" if member.park_id else ""
        console.print(
            f"{member.id:>4}  {member.username:<24} {state:<8} {role_words}{park}  created "
            f"{member.created_at:%Y-%m-%d}",
            markup=False,
        )
    return 0


def _cli_account(accounts: StaffAccounts) -> Staff:
    """Who the command line acts as: the account $MATCHER_STAFF names, with its role; else
    the server's administrator (whoever can run this can open the database file itself,
    and a fresh install has no account to act as), recorded as `cli:<login name>`."""
    from matcher.workspace import StaffError, utcnow
    from matcher.workspace.roles import Role
    from matcher.workspace.views import Staff

    named = os.environ.get("MATCHER_STAFF", "").strip()
    if named:
        try:
            return accounts.find(named)
        except StaffError:
            pass  # a name to record, not an account
    return Staff(id=0, username=_actor(), active=True, created_at=utcnow(), role=Role.ADMIN)


def _known_park(database: Database, park_id: str) -> None:
    """Refuse an operator's park that the park list in use does not have."""
    from matcher.scoring import ranker_for
    from matcher.workspace.park_lists import ParkLists

    parks = ParkLists(database, ranker_for()).current().parks
    if park_id.strip().upper() not in {p.park_id for p in parks}:
        raise UsageError(say("operator_park_unknown", park=park_id.strip().upper()[:20]))


def _catalogue(args: argparse.Namespace, console: Console) -> int:
    from matcher.i18n import time_words
    from matcher.park_lists import read_park_list

    lang = cli_lang()
    workspace = _open_workspace(args)
    account = _cli_account(workspace.staff)
    lists = workspace.acting_as(account).park_lists

    def show_diff() -> None:
        lines = lists.diff().lines()
        for line in lines or [say("diff_none")]:
            console.print(f"  - {line.in_(lang)}", markup=False)

    if args.catalogue_command == "import":
        park_list = read_park_list(
            args.file, lists.curated.catalogue, encoding=args.input_encoding, sheet=args.sheet
        )
        draft = lists.import_list(park_list, by=account)
        imported = say("park_list_imported", file=draft.file_name, parks=len(draft.parks))
        console.print(imported.in_(lang), markup=False)
        show_diff()
    elif args.catalogue_command == "diff":
        show_diff()
    elif args.catalogue_command == "publish":
        version = lists.publish(by=account)
        assert version.published_at is not None
        published = say(
            "park_list_published",
            words=version.words(),
            parks=len(version.parks),
            who=version.published_by,
            time=time_words(version.published_at),
        )
        console.print(published.in_(lang), markup=False)
    elif args.catalogue_command == "discard":
        lists.discard(by=account)
        console.print(label("park_list_discarded", lang), markup=False)
    else:
        in_use = lists.current().number
        for version in lists.history():
            line = (
                say("park_list_history_first", words=version.words(), parks=len(version.parks))
                if version.published_at is None
                else say(
                    "park_list_history_line",
                    words=version.words(),
                    parks=len(version.parks),
                    who=version.published_by,
                    time=time_words(version.published_at),
                )
            )
            mark = label("park_list_in_use", lang) if version.number == in_use else ""
            console.print(line.in_(lang) + mark, markup=False)
        waiting_draft = lists.draft()
        if waiting_draft is not None and waiting_draft.imported_at is not None:
            waiting = say(
                "park_list_draft_line",
                file=waiting_draft.file_name,
                parks=len(waiting_draft.parks),
                who=waiting_draft.imported_by,
                time=time_words(waiting_draft.imported_at),
            )
            console.print(waiting.in_(lang), markup=False)
    return 0


def _backup(args: argparse.Namespace, console: Console) -> int:
    from matcher.workspace.backup import backup

    written = backup(args.path)
    console.print(f"backed up the workspace to {written}", markup=False)
    return 0


def _restore(args: argparse.Namespace, console: Console) -> int:
    from matcher.workspace.backup import restore

    restore(args.path)
    console.print(f"restored the workspace from {args.path}", markup=False)
    return 0


def _lexicon(args: argparse.Namespace, console: Console) -> int:
    from matcher.atomic import atomic_output
    from matcher.i18n import same
    from matcher.lexicon import chain_rows, lexicon_csv, read_term

    workspace = _open_workspace(args)
    if args.lexicon_command == "teach":
        term = read_term(
            term_zh=args.term_zh,
            term_en=args.en,
            sector_id=args.sector,
            secondary_sector_id=args.secondary,
            segment=args.segment,
            note=args.note,
            field_names={
                key: same(option)
                for key, option in (
                    ("lexicon_term_zh", "TERM_ZH"),
                    ("lexicon_term_en", "--en"),
                    ("lexicon_sector", "--sector"),
                    ("lexicon_segment", "--segment"),
                    ("lexicon_note", "--note"),
                )
            },
        )
        entry = workspace.lexicon.teach(term, actor=_actor())
        console.print(f"taught term {entry.id}: {term.term_zh} → {term.sector_id}", markup=False)
        return 0
    if args.lexicon_command == "retire":
        entry = workspace.lexicon.retire(args.term_id, actor=_actor())
        console.print(f"retired term {entry.id}: {entry.term.term_zh}", markup=False)
        return 0
    entries = workspace.lexicon.terms()
    if args.lexicon_command == "export":
        from matcher.chains import CHAINS_FILE

        chains = workspace.lexicon.ranker.catalogue.data_dir / CHAINS_FILE
        written = [e for e in entries if e.active] if args.for_data else entries
        # Never over the curated file itself: appending is the reviewer's step.
        with atomic_output(args.path, protect=(chains,)) as out:
            out.write(chain_rows(entries) if args.for_data else lexicon_csv(entries))
        done = said("cli_lexicon_exported", count=len(written), output=_output_name(args.path))
        _summary(done, args.path, console)
        return 0
    if args.json:
        _print_json(
            [
                {
                    "id": e.id,
                    **e.term.model_dump(mode="json"),
                    "taught_by": e.taught_by,
                    "taught_at": e.taught_at,
                    "retired_by": e.retired_by,
                    "retired_at": e.retired_at,
                }
                for e in entries
            ]
        )
        return 0
    for e in entries:
        state = "in use" if e.active else f"retired by {e.retired_by}"
        console.print(
            f"{e.id:>4}  {e.term.term_zh} ({' | '.join(e.term.term_en)}) → {e.term.sector_id}"
            f"/{e.term.segment}  taught by {e.taught_by} {e.taught_at:%Y-%m-%d}  {state}",
            markup=False,
        )
    console.print(f"{len(entries)} taught terms; data version {workspace.lexicon.data_version}")
    return 0


def _day_option(option: str, text: str) -> date:
    from matcher.availability import read_day

    try:
        return read_day(text)
    except UserFacingError as error:
        raise _in_option(option, error) from error


def _area_option(option: str, text: str) -> float:
    from matcher.areas import area_bounds

    try:
        bounds = area_bounds(text, "")
    except AreaError as error:
        raise _in_option(option, error) from error
    if bounds.min_m2 is None or bounds.max_m2 not in (None, bounds.min_m2):
        raise UsageError(say("cli_option_problem", option=option, problem=say("cli_one_area")))
    return bounds.min_m2


def _availability(args: argparse.Namespace, console: Console) -> int:
    from matcher.availability import figure_words, provenance_words
    from matcher.reasons import park_named

    workspace = _open_workspace(args)
    availability = workspace.availability
    account = _cli_account(workspace.staff)  # an operator's role applies here too
    lang = cli_lang()
    catalogue = workspace.lexicon.ranker.catalogue
    if args.availability_command in ("set", "confirm"):
        if args.availability_command == "set":
            record = availability.record(
                args.park_id,
                area_m2=_area_option("--area", args.area),
                underground_m2=(
                    _area_option("--underground", args.underground) if args.underground else None
                ),
                available_from=(
                    _day_option("--from", args.available_from) if args.available_from else None
                ),
                status=args.status,
                source=args.source,
                actor=account,
            )
        else:
            record = availability.confirm(args.park_id, actor=account)
        if args.json:
            _print_json(record.model_dump(mode="json"))
            return 0
        park = catalogue.park(record.park_id)
        console.print(
            said(
                "cli_availability_line",
                park=park_named(park.park_id, park.name_zh, park.name_en),
                figure=figure_words(record),
                source=provenance_words(record),
            ),
            markup=False,
        )
        return 0
    if args.park_id is not None:
        history = availability.history(args.park_id)
        if args.json:
            _print_json([e.model_dump(mode="json") for e in history])
            return 0
        for entry in history:
            said_key = (
                "availability_history_check"
                if entry.kind == "check"
                else "availability_history_record"
            )
            console.print(
                said(
                    said_key,
                    when=time_words(entry.at),
                    who=entry.by,
                    figure=figure_words(entry.record),
                    source=say(f"availability_source_{entry.record.source.value}"),
                ),
                markup=False,
            )
        if not history:
            console.print(said("availability_not_recorded"), markup=False)
        return 0
    snapshot = availability.snapshot()
    if args.json:
        _print_json(
            [
                {
                    "park_id": park.park_id,
                    "current": (
                        snapshot.records[park.park_id].model_dump(mode="json")
                        if park.park_id in snapshot.records
                        else None
                    ),
                    "stale": park.park_id in snapshot.stale,
                }
                for park in catalogue.parks
            ]
        )
        return 0
    for park in catalogue.parks:
        named = park_named(park.park_id, park.name_zh, park.name_en)
        found = snapshot.records.get(park.park_id)
        if found is None:
            not_recorded = say("availability_not_recorded")
            console.print(said("field_value", field=named, value=not_recorded), markup=False)
            continue
        line = said(
            "cli_availability_line",
            park=named,
            figure=figure_words(found),
            source=provenance_words(found),
        )
        if park.park_id in snapshot.stale:
            line += " " + label("availability_stale_mark", lang)
        console.print(line, markup=False)
    return 0


def _print_notices(workspace: Workspace, args: argparse.Namespace, console: Console) -> int:
    from matcher.free_text import shown

    notices = workspace.inbox.notices(unread_only=not args.all)
    if args.json:
        _print_json([n.model_dump(mode="json") for n in notices])
        return 0
    for notice in notices:
        what = workspace.inbox.notice_words(notice)
        console.print(
            f"{notice.case_id:>6}  {shown(notice.company) or '-'}  {what.in_(cli_lang())}  "
            f"{time_words(notice.created_at).in_(cli_lang())}",
            markup=False,
        )
    return 0


def _demo_data(args: argparse.Namespace, console: Console) -> int:
    from datetime import UTC, datetime, time

    from matcher.i18n import BEIJING
    from matcher.workspace.demo import generate

    workspace = _open_workspace(args)
    end = datetime.now(UTC)
    if args.end:
        try:
            day = datetime.strptime(args.end, "%Y-%m-%d").date()
        except ValueError:
            raise UsageError(say("report_month_invalid", month=args.end[:20])) from None
        end = datetime.combine(day, time(18), BEIJING).astimezone(UTC)
    made = generate(
        workspace, cases=args.cases, years=args.years, seed=args.seed, end=end, force=args.force
    )
    console.print(said("demo_data_done", cases=made), markup=False)
    return 0


def _report(args: argparse.Namespace, console: Console) -> int:
    from matcher.atomic import atomic_output
    from matcher.insights_report import report_pdf, report_xlsx
    from matcher.workspace import Period
    from matcher.workspace.db import utcnow
    from matcher.workspace.insights import month_filters

    suffix = args.output.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise UsageError(say("report_format_unknown", path=str(args.output)))
    try:
        filters = month_filters(args.month, args.sector)
    except ValueError:
        raise UsageError(say("report_month_invalid", month=args.month[:20])) from None
    workspace = _open_workspace(args)
    now = utcnow()
    dashboard = workspace.insights.dashboard(filters, Period.MONTH, now)
    catalogue = workspace.lexicon.base_ranker.catalogue
    if suffix == ".pdf":
        data = report_pdf(dashboard, catalogue, args.lang, args.month, now)
    else:
        data = report_xlsx(dashboard, catalogue, args.lang)
    with atomic_output(args.output) as handle:
        handle.write(data)
    console.print(said("report_written", path=str(args.output)), markup=False)
    return 0


WORKSPACE_HANDLERS: dict[str, Callable[[argparse.Namespace, Console], int]] = {
    "demo-data": _demo_data,
    "report": _report,
    "db": _db,
    "availability": _availability,
    "cases": _cases,
    "shortlist": _shortlist,
    "staff": _staff,
    "backup": _backup,
    "restore": _restore,
    "lexicon": _lexicon,
    "catalogue": _catalogue,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every mistake a user can make ends in one message, never a traceback.

    Exit codes: 0 done, 1 a problem with the data or files, 2 a problem with the command.
    """
    args = build_parser().parse_args(argv)
    from rich.console import Console

    console = Console(soft_wrap=False, width=200 if not sys.stdout.isatty() else None)
    handlers = {
        "rank": _rank,
        "batch": _batch,
        "brief": _brief,
        "check-data": _check_data,
        "eval": _eval,
    }
    handlers.update(WORKSPACE_HANDLERS)
    try:
        return handlers[args.command](args, console)
    except CatalogueError as error:
        print(said("cli_data_check_failed"), file=sys.stderr)
        for problem in error.problems:
            print(f"  - {_one_line(problem.in_(cli_lang()))}", file=sys.stderr)
        return 1
    except UserFacingError as error:
        print(_one_line(said("cli_error", message=error.message)), file=sys.stderr)
        return error.exit_code
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        reason = str(error.strerror or error)
        print(_one_line(said("cli_file_error", where=where, reason=reason)), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(said("cli_interrupted"), file=sys.stderr)
        return 130
    except Exception as error:  # the last resort: a bug must still not show a traceback
        if os.environ.get("MATCHER_DEBUG"):
            raise
        detail = str(error)[:200]
        line = said("cli_unexpected", kind=type(error).__name__, detail=detail)
        print(_one_line(line), file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
