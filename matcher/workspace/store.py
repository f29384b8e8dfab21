"""The workspace: one database, and its parts, one per concern.

    ws = Workspace.open(url, ranker=ranker)   # the ranker over the curated data, always given
    ws.cases       cases: details, requirement and its rankings, status   (cases.py)
    ws.inbox       the cases listed, filtered, searched, paged            (inbox.py)
    ws.shortlists  a case's shortlisted parks and their exports           (shortlists.py)
    ws.staff       staff accounts, signing in, sessions                   (staff.py)
    ws.lexicon     taught terms, and the ranker they make with the data   (lexicon.py)
    ws.batch_runs  batch runs and their results, kept in the database     (batch_runs.py)
    ws.availability space available per park, history, re-matching cases (availability.py)
    ws.park_lists  park list versions: import, diff, publish, history     (park_lists.py)
    ws.insights    the dashboard's and the monthly report's figures        (insights.py)

    ws.acting_as(account)   the same parts, each handed over only if the account's role
                            allows it (matcher.workspace.roles)

Every method opens its own short transaction and returns frozen views
(matcher.workspace.views), never live ORM rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine

from matcher.workspace.availability import Availabilities
from matcher.workspace.batch_runs import BatchRuns, Retention
from matcher.workspace.cases import Cases
from matcher.workspace.db import Database, ensure_schema, make_engine
from matcher.workspace.deadlines import Deadlines
from matcher.workspace.editing import CaseEditor
from matcher.workspace.inbox import Inbox
from matcher.workspace.insights import Insights
from matcher.workspace.lexicon import Lexicon
from matcher.workspace.park_lists import ParkLists
from matcher.workspace.roles import Account, Action, require
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
        retention: Retention | None = None,
        deadlines: Deadlines | None = None,
    ) -> None:
        self.engine = engine
        self.db = Database(engine)
        self.park_lists = ParkLists(self.db, ranker)
        self.lexicon = Lexicon(self.db, self.park_lists)
        editor = CaseEditor(self.db, self.lexicon)
        self.cases = Cases(self.db, editor, self.lexicon, deadlines)
        self.inbox = Inbox(self.db, self.park_lists)
        self.insights = Insights(self.db)
        self.shortlists = Shortlists(self.db, editor, self.lexicon)
        self.staff = StaffAccounts(self.db)
        self.availability = Availabilities(self.db, editor, self.lexicon)
        self.park_lists.on_publish = lambda number, by, at: self.availability.rematch_park_list(
            number, actor=by, now=at
        )
        self.batch_runs = BatchRuns(self.db, self.lexicon, retention)

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        ranker: Ranker,
        retention: Retention | None = None,
        deadlines: Deadlines | None = None,
    ) -> Workspace:
        """The workspace at `url` ($MATCHER_DB_URL, else var/matcher.db, created on first use);
        `deadlines` default to the environment's (matcher.workspace.deadlines)."""
        engine = make_engine(url)
        ensure_schema(engine)
        return cls(engine, ranker=ranker, retention=retention, deadlines=deadlines)

    def acting_as(self, account: Account) -> Acting:
        """The workspace as `account` may use it (pages and the CLI go through this)."""
        return Acting(self, account)


class Acting:
    """One account's way into the workspace: each part is handed over only when the
    account's role allows what that part does, so a refusal comes before anything is read
    (a park operator reaching for cases gets NotAllowedError, not a list of cases). Within
    a part, what a role limits further (publishing a list, an operator's own park) is
    checked by the part itself, given `account`."""

    def __init__(self, workspace: Workspace, account: Account) -> None:
        self.workspace = workspace
        self.account = account

    def _part(self, action: Action) -> Workspace:
        require(self.account, action)
        return self.workspace

    @property
    def cases(self) -> Cases:
        return self._part(Action.WORK_CASES).cases

    @property
    def inbox(self) -> Inbox:
        return self._part(Action.WORK_CASES).inbox

    @property
    def shortlists(self) -> Shortlists:
        return self._part(Action.WORK_CASES).shortlists

    @property
    def batch_runs(self) -> BatchRuns:
        return self._part(Action.WORK_CASES).batch_runs

    @property
    def insights(self) -> Insights:
        return self._part(Action.WORK_CASES).insights

    @property
    def lexicon(self) -> Lexicon:
        return self._part(Action.WORK_CASES).lexicon

    @property
    def staff(self) -> StaffAccounts:
        return self._part(Action.MANAGE_STAFF).staff

    @property
    def park_lists(self) -> ParkLists:
        return self._part(Action.IMPORT_PARK_LIST).park_lists

    @property
    def availability(self) -> Availabilities:
        # Every role records availability; an operator only for their own park, which
        # the part checks per park (Action.RECORD_AVAILABILITY).
        return self.workspace.availability
