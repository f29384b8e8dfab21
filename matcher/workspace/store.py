"""The workspace: one database, and its parts, one per concern.

    ws = Workspace.open(url, ranker=ranker)   # the ranker over the curated data, always given
    ws.cases       cases: details, requirement and its rankings, status   (cases.py)
    ws.inbox       the cases listed, filtered, searched, paged            (inbox.py)
    ws.shortlists  a case's shortlisted parks and their exports           (shortlists.py)
    ws.staff       staff accounts, signing in, sessions                   (staff.py)
    ws.lexicon     taught terms, and the ranker they make with the data   (lexicon.py)
    ws.batch_runs  batch runs and their result files                      (batch_runs.py)
    ws.insights    the dashboard's and the monthly report's figures        (insights.py)

Every method opens its own short transaction and returns frozen views
(matcher.workspace.views), never live ORM rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from matcher.workspace.batch_runs import BatchRuns, default_results_dir
from matcher.workspace.cases import Cases
from matcher.workspace.db import Database, ensure_schema, make_engine
from matcher.workspace.deadlines import Deadlines
from matcher.workspace.editing import CaseEditor
from matcher.workspace.inbox import Inbox
from matcher.workspace.insights import Insights
from matcher.workspace.lexicon import Lexicon
from matcher.workspace.shortlists import Shortlists
from matcher.workspace.staff import StaffAccounts

if TYPE_CHECKING:
    from matcher.scoring import Ranker


class Workspace:
    """One database of cases and staff; safe to share between threads (one per app process).

    `ranker` ranks on the curated data (its catalogue): the workspace never picks one itself.
    Terms staff taught are added to it by `lexicon`; every ranking, shortlist and data version
    in the workspace comes from `lexicon.ranker`."""

    def __init__(
        self,
        engine: Engine,
        *,
        ranker: Ranker,
        results_dir: Path | None = None,
        deadlines: Deadlines | None = None,
    ) -> None:
        self.engine = engine
        self.db = Database(engine)
        self.lexicon = Lexicon(self.db, ranker)
        editor = CaseEditor(self.db, self.lexicon)
        self.cases = Cases(self.db, editor, self.lexicon, deadlines)
        self.inbox = Inbox(self.db)
        self.insights = Insights(self.db)
        self.shortlists = Shortlists(self.db, editor, self.lexicon)
        self.staff = StaffAccounts(self.db)
        self.batch_runs = BatchRuns(
            self.db, self.lexicon, results_dir or default_results_dir(engine)
        )

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        ranker: Ranker,
        results_dir: Path | None = None,
        deadlines: Deadlines | None = None,
    ) -> Workspace:
        """The workspace at `url` ($MATCHER_DB_URL, else var/matcher.db, created on first use);
        `deadlines` default to the environment's (matcher.workspace.deadlines)."""
        engine = make_engine(url)
        ensure_schema(engine)
        return cls(engine, ranker=ranker, results_dir=results_dir, deadlines=deadlines)
