"""The staff workspace: cases that persist, rankings kept as shown, shortlists bound to their
requirement, export and batch records, staff sign-in. SQLAlchemy 2 on SQLite or PostgreSQL,
schema by Alembic (migrations/). No Streamlit here: pages and the CLI call `Workspace`.

    ws = Workspace.open()                       # $MATCHER_DB_URL or var/matcher.db
    case = ws.create_case(requirement, actor="li", company="…")
    case = ws.add_to_shortlist(case, ["P05"], actor="li", note="…")
    for entry in ws.case(case.id).shortlist:     # stored match + current one, and whether
        entry.stored.score, entry.current, entry.change_text("en")   # they differ
"""

from matcher.workspace.db import DatabaseError, database_url, make_engine
from matcher.workspace.errors import (
    CaseNotFoundError,
    StaffError,
    StaleCaseError,
    StatusChangeError,
    TaughtTermError,
)
from matcher.workspace.store import Workspace, utcnow
from matcher.workspace.views import (
    NEXT_STATUSES,
    BatchRun,
    CaseSource,
    CaseStatus,
    CaseSummary,
    CaseView,
    ExportRecord,
    InboxPage,
    ShortlistEntry,
    Snapshot,
    Staff,
    StatusChange,
)

__all__ = [
    "NEXT_STATUSES",
    "BatchRun",
    "CaseNotFoundError",
    "CaseSource",
    "CaseStatus",
    "CaseSummary",
    "CaseView",
    "DatabaseError",
    "ExportRecord",
    "InboxPage",
    "ShortlistEntry",
    "Snapshot",
    "Staff",
    "StaffError",
    "StaleCaseError",
    "StatusChange",
    "StatusChangeError",
    "TaughtTermError",
    "Workspace",
    "database_url",
    "make_engine",
    "utcnow",
]
