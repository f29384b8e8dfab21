"""The staff workspace: cases that persist, rankings kept as shown, shortlists bound to their
requirement, export and batch records, staff sign-in. SQLAlchemy 2 on SQLite or PostgreSQL,
schema by Alembic (migrations/). No Streamlit here: pages and the CLI call `Workspace`.

    ws = Workspace.open(ranker=ranker)          # $MATCHER_DB_URL or var/matcher.db
    case = ws.cases.create(requirement, actor="li", company="…")
    case = ws.shortlists.add(case, ["P05"], actor="li", note="…")
    for entry in ws.cases.get(case.id).shortlist:   # stored match + current one, and whether
        entry.stored.score, entry.current, entry.change_text("en", scale)   # they differ
"""

from matcher.workspace.batch_runs import BatchRuns
from matcher.workspace.cases import Cases
from matcher.workspace.db import Database, DatabaseError, database_url, make_engine, utcnow
from matcher.workspace.deadlines import Deadlines
from matcher.workspace.errors import (
    CaseNotFoundError,
    StaffError,
    StaleCaseError,
    StatusChangeError,
    SubmissionLimitError,
    TaughtTermError,
)
from matcher.workspace.inbox import Inbox
from matcher.workspace.insights import Dashboard, Dimension, Filters, Insights, Period
from matcher.workspace.lexicon import Lexicon
from matcher.workspace.shortlists import Shortlists
from matcher.workspace.staff import StaffAccounts
from matcher.workspace.store import Workspace
from matcher.workspace.views import (
    NEXT_STATUSES,
    BatchRun,
    CaseOutcome,
    CaseSource,
    CaseStatus,
    CaseSummary,
    CaseView,
    ExportRecord,
    InboxPage,
    PreparedExport,
    ShortlistEntry,
    Snapshot,
    Staff,
    StatusChange,
)

__all__ = [
    "NEXT_STATUSES",
    "BatchRun",
    "BatchRuns",
    "CaseNotFoundError",
    "CaseOutcome",
    "CaseSource",
    "CaseStatus",
    "CaseSummary",
    "CaseView",
    "Cases",
    "Dashboard",
    "Database",
    "DatabaseError",
    "Deadlines",
    "Dimension",
    "ExportRecord",
    "Filters",
    "Inbox",
    "InboxPage",
    "Insights",
    "Lexicon",
    "Period",
    "PreparedExport",
    "ShortlistEntry",
    "Shortlists",
    "Snapshot",
    "Staff",
    "StaffAccounts",
    "StaffError",
    "StaleCaseError",
    "StatusChange",
    "StatusChangeError",
    "SubmissionLimitError",
    "TaughtTermError",
    "Workspace",
    "database_url",
    "make_engine",
    "utcnow",
]
