"""A realistic generated history of cases for a throwaway database: demos, the dashboard's
screenshots and its benchmark. Deterministic for a seed; refused on a database holding real
cases (any case it did not generate) unless forced.

Requirements are drawn from what the matcher knows (sector names, chain terms) and from the
enquiry evaluation set (informal messages, trades no park fits), with areas and places; each
distinct requirement is ranked once by the workspace's ranker, so every case carries its real
ranking, demand facts and shortlist. Cases move along the workflow as offices see them:
most get a first answer within a day, unmet demand rarely reaches a shortlist, and a case
that went quiet is closed with an outcome. Rows are written in bulk (SQLAlchemy Core),
a chunk per transaction.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from matcher.errors import UsageError
from matcher.i18n import label, say
from matcher.models import Match, Requirement
from matcher.workspace.deadlines import Deadlines
from matcher.workspace.demand import demand_facts
from matcher.workspace.editing import requirement_json, sector_summary
from matcher.workspace.insights import received_periods
from matcher.workspace.schema import (
    CaseRow,
    ShortlistEntryRow,
    SnapshotRow,
    StaffRow,
    StatusChangeRow,
)
from matcher.workspace.store import Workspace
from matcher.workspace.views import CaseOutcome, CaseSource, CaseStatus

ACTOR = "demo-data"  # every generated case is created by this name: how they are told apart
ENQUIRIES = Path(__file__).resolve().parent.parent.parent / "data" / "eval" / "enquiries.csv"
AREAS = (None, None, 300, 800, 1_500, 3_000, 5_000, 10_000, 30_000, 120_000, 1_500_000)
CHUNK = 2_000


class DemoDataRefusedError(UsageError):
    """The database holds cases the generator did not make."""


@dataclass(frozen=True)
class Template:
    """One distinct requirement, ranked once: what every case asking for it stores."""

    requirement: dict[str, Any]
    sector_text: str
    facts: dict[str, object]
    matches: list[dict[str, Any]]  # as the snapshot stores them
    top: tuple[tuple[str, float, str, dict[str, Any]], ...]  # (park, score, fit, match) best first
    data_version: str


def _places(ws: Workspace) -> list[str]:
    """Places asked for: none in most requirements, else one of every fourth known place."""
    places = sorted(ws.lexicon.base_ranker.catalogue.places, key=lambda p: p.place_id)
    return ["", "", "", "", *(p.name_zh for p in places[::4])]


def _texts(ws: Workspace) -> list[str]:
    catalogue = ws.lexicon.base_ranker.catalogue
    texts = [s.name_zh for s in catalogue.sectors]
    texts += [c.term_zh for c in catalogue.chains[::25]]
    if ENQUIRIES.exists():
        with ENQUIRIES.open(encoding="utf-8") as handle:
            texts += [row["sector"] for row in csv.DictReader(handle) if row.get("sector")]
    return texts


class _Templates:
    """Requirements ranked on first use, each once."""

    def __init__(self, ws: Workspace, compact: bool) -> None:
        self._ranker = ws.lexicon.ranker
        self._compact = compact
        self._known: dict[tuple[str, float | None, str], Template] = {}

    def get(self, text_: str, area: float | None, place: str) -> Template:
        key = (text_, area, place)
        if key not in self._known:
            requirement = Requirement.from_cells(
                sector_text=text_, min_area="" if area is None else str(area), location=place
            )
            matches: list[Match] = self._ranker.rank(requirement)
            facts = demand_facts(requirement, self._ranker.understand(requirement), matches)
            kept = matches[:1] if self._compact else matches
            self._known[key] = Template(
                requirement=requirement_json(requirement),
                sector_text=sector_summary(requirement),
                facts=facts.columns(),
                matches=[m.model_dump(mode="json") for m in kept],
                top=tuple(
                    (m.park_id, m.score, m.fit.value, m.model_dump(mode="json"))
                    for m in matches[:4]
                ),
                data_version=self._ranker.catalogue.version,
            )
        return self._known[key]


def refuse_real_cases(ws: Workspace) -> None:
    """DemoDataRefusedError if any case in the database was not generated here."""
    with ws.db.session() as session:
        real = session.scalar(select(func.count(CaseRow.id)).where(CaseRow.created_by != ACTOR))
    if real:
        raise DemoDataRefusedError(say("demo_data_refused", cases=real))


def generate(
    ws: Workspace,
    *,
    cases: int = 10_000,
    years: float = 2.0,
    seed: int = 21,
    end: datetime,
    force: bool = False,
    compact: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add `cases` generated cases received over the `years` before `end`; returns how many.
    `compact` keeps only each ranking's best park (benchmarks: the dashboard never reads them).
    """
    if not force:
        refuse_real_cases(ws)
    rng = random.Random(seed)
    templates = _Templates(ws, compact)
    texts, places = _texts(ws), _places(ws)
    deadlines = ws.cases.deadlines
    with ws.db.session() as session:
        owners = list(session.scalars(select(StaffRow.id).order_by(StaffRow.id)))
        next_ids = {
            table: (session.scalar(select(func.max(table.id))) or 0) + 1
            for table in (CaseRow, StatusChangeRow, SnapshotRow, ShortlistEntryRow)
        }
    span = timedelta(days=365 * years)
    made = 0
    while made < cases:
        size = min(CHUNK, cases - made)
        rows: dict[Any, list[dict[str, Any]]] = {
            CaseRow: [],
            StatusChangeRow: [],
            SnapshotRow: [],
            ShortlistEntryRow: [],
        }
        for _ in range(size):
            at = end - span * rng.random() ** 1.3  # more recent cases than old ones
            if at.weekday() >= 5 and rng.random() < 0.7:
                at -= timedelta(days=rng.randint(1, 2))  # fewer enquiries at the weekend
            template = templates.get(rng.choice(texts), rng.choice(AREAS), rng.choice(places))
            _one_case(rows, next_ids, template, at, end, rng, owners, deadlines)
        with ws.db.session() as session:
            for table in (CaseRow, SnapshotRow, StatusChangeRow, ShortlistEntryRow):
                if rows[table]:
                    session.execute(insert(table), rows[table])
            session.commit()
        made += size
        if progress:
            progress(made)
    _reset_sequences(ws)
    return made


def _one_case(
    rows: dict[Any, list[dict[str, Any]]],
    ids: dict[Any, int],
    template: Template,
    at: datetime,
    end: datetime,
    rng: random.Random,
    owners: list[int],
    deadlines: Deadlines,
) -> None:
    case_id = _take(ids, CaseRow)
    roll = rng.random()
    source = (
        CaseSource.INVESTOR_FORM
        if roll < 0.6
        else CaseSource.STAFF
        if roll < 0.9
        else CaseSource.BATCH
    )
    unmet = bool(template.facts["unmet"])
    first_due, list_due = deadlines.due(at)
    steps = list(_path(at, end, source, unmet, rng))
    status = steps[-1][0]
    case: dict[str, Any] = {
        "id": case_id,
        "company": label("demo_company", "zh", number=case_id),
        "contact_person": "",
        "contact": "",
        "consent": source == CaseSource.INVESTOR_FORM,
        "consent_at": at if source == CaseSource.INVESTOR_FORM else None,
        "source": source.value,
        "requirement": template.requirement,
        "sector_text": template.sector_text,
        "status": status.value,
        "shortlist_note": "",
        "investor_note": "",
        "assigned_staff_id": rng.choice(owners) if owners else None,
        "created_at": at,
        "updated_at": steps[-1][1],
        "created_by": ACTOR,
        "updated_by": ACTOR,
        "version": len(steps),
        "first_response_due": first_due,
        "received_week": received_periods(at)[0],
        "received_month": received_periods(at)[1],
        "shortlist_due": list_due,
        "first_action_at": None,
        "first_action_seconds": None,
        "in_progress_at": None,
        "shortlisted_at": None,
        "sent_at": None,
        "sent_seconds": None,
        "closed_at": None,
        "outcome": None,
        "outcome_park_id": None,
        **template.facts,
    }
    if source != CaseSource.INVESTOR_FORM:
        case["first_action_at"], case["first_action_seconds"] = at, 0
    previous: CaseStatus | None = None
    for status_now, when in steps:
        if previous is not None and case["first_action_at"] is None:
            case["first_action_at"] = when
            case["first_action_seconds"] = int((when - at).total_seconds())
        if status_now == CaseStatus.IN_PROGRESS and case["in_progress_at"] is None:
            case["in_progress_at"] = when
        if status_now == CaseStatus.SHORTLISTED and case["shortlisted_at"] is None:
            case["shortlisted_at"] = when
        if status_now == CaseStatus.SENT and case["sent_at"] is None:
            case["sent_at"] = when
            case["sent_seconds"] = int((when - at).total_seconds())
        rows[StatusChangeRow].append(
            {
                "id": _take(ids, StatusChangeRow),
                "case_id": case_id,
                "from_status": previous.value if previous else None,
                "to_status": status_now.value,
                "changed_by": ACTOR,
                "changed_at": when,
            }
        )
        previous = status_now
    snapshot_id = _take(ids, SnapshotRow)
    rows[SnapshotRow].append(
        {
            "id": snapshot_id,
            "case_id": case_id,
            "requirement": template.requirement,
            "data_version": template.data_version,
            "matches": template.matches,
            "created_by": ACTOR,
            "created_at": at,
        }
    )
    listed: list[str] = []
    if case["shortlisted_at"] is not None:
        count = rng.randint(1, min(4, len(template.top)))
        for position, (park, score, fit, match) in enumerate(template.top[:count]):
            listed.append(park)
            rows[ShortlistEntryRow].append(
                {
                    "id": _take(ids, ShortlistEntryRow),
                    "case_id": case_id,
                    "park_id": park,
                    "position": position,
                    "note": "",
                    "investor_note": "",
                    "snapshot_id": snapshot_id,
                    "match": match,
                    "score": score,
                    "fit": fit,
                    "data_version": template.data_version,
                    "added_by": ACTOR,
                    "added_at": case["shortlisted_at"],
                }
            )
    if status == CaseStatus.CLOSED:
        case["closed_at"] = steps[-1][1]
        case["outcome"] = _outcome(case, unmet, rng).value
        if case["outcome"] == CaseOutcome.LANDED.value:
            case["outcome_park_id"] = rng.choice(listed[:2])
    rows[CaseRow].append(case)


def _take(ids: dict[Any, int], table: Any) -> int:
    ids[table] += 1
    return ids[table] - 1


def _path(
    at: datetime, end: datetime, source: CaseSource, unmet: bool, rng: random.Random
) -> Iterator[tuple[CaseStatus, datetime]]:
    """The statuses the case went through, with when, up to `end`."""
    yield CaseStatus.NEW, at
    when = at
    # (next status, chance of going on, typical hours it takes)
    plan = (
        (CaseStatus.IN_PROGRESS, 0.93, 14.0 if source == CaseSource.INVESTOR_FORM else 2.0),
        (CaseStatus.SHORTLISTED, 0.2 if unmet else 0.7, 90.0),
        (CaseStatus.SENT, 0.8, 40.0),
    )
    for status, chance, hours in plan:
        if rng.random() > chance:
            break
        step = when + timedelta(hours=rng.expovariate(1 / hours))
        if step > end:
            return
        yield status, step
        when = step
    closing = when + timedelta(days=rng.expovariate(1 / 25))
    if closing <= end and rng.random() < 0.9:
        yield CaseStatus.CLOSED, closing


def _outcome(case: dict[str, Any], unmet: bool, rng: random.Random) -> CaseOutcome:
    if case["sent_at"] is not None and rng.random() < 0.45:
        return CaseOutcome.LANDED
    if unmet:
        no_fit = CaseOutcome.NO_SPACE if not case["space_fits"] else CaseOutcome.NO_SECTOR_FIT
        return no_fit if rng.random() < 0.7 else CaseOutcome.WITHDRAWN
    return rng.choices(
        (
            CaseOutcome.LOST_ELSEWHERE,
            CaseOutcome.WITHDRAWN,
            CaseOutcome.NO_SPACE,
            CaseOutcome.OTHER,
        ),
        weights=(45, 35, 12, 8),
    )[0]


def _reset_sequences(ws: Workspace) -> None:
    """PostgreSQL: ids were given explicitly, so each table's sequence moves past them."""
    if ws.engine.dialect.name != "postgresql":
        return
    with ws.engine.begin() as connection:
        for table in ("cases", "case_status_changes", "ranking_snapshots", "shortlist_entries"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )
            )
