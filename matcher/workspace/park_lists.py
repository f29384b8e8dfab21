"""Park list versions (`ws.park_lists`): a list staff import waits as a draft beside the one
in use, with its diff, until an administrator publishes it; every published version stays
readable, and rankings use the latest (through `ranker`, which the lexicon builds on).

Version 1 is the list published in 2025, data/parks.csv itself: it has no row, and is the
one in use while the workspace has published none. Reading, checking, comparing and wording
a list are the library's (matcher.park_lists).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select, update

from matcher.catalogue import ParkListEdition
from matcher.errors import UsageError
from matcher.free_text import escaped
from matcher.i18n import Text, say
from matcher.models import Park
from matcher.park_lists import ParkList, ParkListDiff, diff_parks, edition_words, parks_of
from matcher.park_lists import with_parks as catalogue_with_parks
from matcher.workspace.db import Database, utcnow
from matcher.workspace.roles import Account, Action, require
from matcher.workspace.schema import ParkListRow

if TYPE_CHECKING:
    from matcher.scoring import Ranker

RECHECK_SECONDS = 2.0  # a list published from another process counts within this time
DRAFT, PUBLISHED, DISCARDED = "draft", "published", "discarded"


class ParkListVersion(BaseModel):
    """A published park list (number 1: data/'s), or the draft waiting (number None)."""

    model_config = ConfigDict(frozen=True)
    number: int | None
    parks: tuple[Park, ...]
    file_name: str = ""
    imported_by: str = ""
    imported_at: datetime | None = None
    published_by: str = ""
    published_at: datetime | None = None

    @property
    def edition(self) -> ParkListEdition:
        return ParkListEdition(self.number or 0, self.published_at, self.published_by)

    def words(self) -> Text:
        """园区名录 2026年12月2日版 / Park list of 2 December 2026."""
        return edition_words(self.edition)


class ParkLists:
    """The park lists of one workspace, and the ranker over the one in use."""

    def __init__(self, db: Database, curated: Ranker) -> None:
        self._db = db
        self.curated = curated  # data/ as it is, version 1 of the park list
        self._built: tuple[int, Ranker] | None = None
        self._checked: tuple[float, Ranker] | None = None
        # Called with each version published, who published it and when (the workspace
        # re-ranks open cases with it: matcher.workspace.availability).
        self.on_publish: Callable[[int, str, datetime], object] | None = None

    # ---------------------------------------------------------------------------- reading

    @property
    def ranker(self) -> Ranker:
        """The curated data with the latest published park list (the curated ranker itself
        while none is published). Built once per published version."""
        clock = time.monotonic()
        if self._checked is not None and clock - self._checked[0] < RECHECK_SECONDS:
            return self._checked[1]
        latest = self._latest_number()
        if self._built is None or self._built[0] != latest:
            ranker = self.curated
            if latest > 1:
                from matcher.scoring import Ranker

                versions = self.history()  # newest first, data/'s last
                earlier = [p for v in reversed(versions[1:]) for p in v.parks]
                latest_version = versions[0]
                ranker = Ranker(
                    catalogue_with_parks(
                        self.curated.catalogue,
                        latest_version.parks,
                        latest_version.edition,
                        earlier,
                    )
                )
            self._built = (latest, ranker)
        self._checked = (clock, self._built[1])
        return self._built[1]

    def catch_up(self, number: int) -> None:
        """Something was made on version `number` (published by another process, say): when
        this process ranks on an older list, the next `ranker` reads the latest at once
        rather than after RECHECK_SECONDS, so that what was made can be shown."""
        if self._built is None or self._built[0] < number:
            self._checked = None

    def current(self) -> ParkListVersion:
        """The list in use now."""
        return self.version(self._latest_number())

    def version(self, number: int) -> ParkListVersion:
        """A published version, the earlier ones included; UsageError if there is none."""
        if number == 1:
            return ParkListVersion(number=1, parks=self.curated.catalogue.parks)
        with self._db.session() as session:
            row = session.scalar(select(ParkListRow).where(ParkListRow.number == number))
            if row is None:
                raise UsageError(say("park_list_not_found"))
            return self._view(row)

    def history(self) -> list[ParkListVersion]:
        """Every published version, newest first; data/'s list last."""
        with self._db.session() as session:
            rows = session.scalars(
                select(ParkListRow)
                .where(ParkListRow.status == PUBLISHED)
                .order_by(ParkListRow.number.desc())
            ).all()
            return [*(self._view(r) for r in rows), self.version(1)]

    def words(self, number: int) -> Text:
        """A version as people name it (for snapshots, exports and batch runs)."""
        if number == 1:
            return edition_words(ParkListEdition())
        with self._db.session() as session:
            at = session.scalar(
                select(ParkListRow.published_at).where(ParkListRow.number == number)
            )
        return edition_words(ParkListEdition(number, at))

    def draft(self) -> ParkListVersion | None:
        """The list imported and not yet published or discarded, if any."""
        with self._db.session() as session:
            row = session.scalar(select(ParkListRow).where(ParkListRow.status == DRAFT))
            return None if row is None else self._view(row)

    def diff(self) -> ParkListDiff:
        """What publishing the draft would change; UsageError when there is no draft."""
        draft = self.draft()
        if draft is None:
            raise UsageError(say("park_list_no_draft"))
        return diff_parks(self.current().parks, draft.parks)

    # ---------------------------------------------------------------------------- changing

    def import_list(
        self, park_list: ParkList, *, by: Account, now: datetime | None = None
    ) -> ParkListVersion:
        """Keep a checked list as the draft (an earlier draft is discarded): nothing changes
        for rankings until it is published."""
        require(by, Action.IMPORT_PARK_LIST)
        with self._db.session() as session:
            session.execute(
                update(ParkListRow).where(ParkListRow.status == DRAFT).values(status=DISCARDED)
            )
            row = ParkListRow(
                status=DRAFT,
                parks=[dict(cells) for cells in park_list.cells],
                # The name the file came with is a record: hidden characters as escapes.
                file_name=escaped(park_list.file_name)[:255],
                file_sha256=park_list.file_sha256,
                imported_by=by.username,
                imported_at=now or utcnow(),
            )
            session.add(row)
            session.commit()
            return self._view(row)

    def publish(self, *, by: Account, now: datetime | None = None) -> ParkListVersion:
        """Make the draft the list in use, recording who and when (administrators only), then
        tell `on_publish` (open cases are re-ranked before this returns)."""
        require(by, Action.PUBLISH_PARK_LIST)
        with self._db.session() as session:
            row = session.scalar(
                select(ParkListRow).where(ParkListRow.status == DRAFT).with_for_update()
            )
            if row is None:
                raise UsageError(say("park_list_no_draft"))
            last = session.scalar(select(func.max(ParkListRow.number))) or 1
            row.status, row.number = PUBLISHED, last + 1
            row.published_by, row.published_at = by.username, now or utcnow()
            session.commit()
            self._checked = None
            published = self._view(row)
        if self.on_publish is not None and published.number is not None:
            self.on_publish(published.number, by.username, published.published_at or utcnow())
        return published

    def discard(self, *, by: Account) -> None:
        """Drop the draft without publishing it (whoever may import may discard)."""
        require(by, Action.IMPORT_PARK_LIST)
        with self._db.session() as session:
            session.execute(
                update(ParkListRow).where(ParkListRow.status == DRAFT).values(status=DISCARDED)
            )
            session.commit()

    # ---------------------------------------------------------------------------- helpers

    def _latest_number(self) -> int:
        with self._db.session() as session:
            return session.scalar(select(func.max(ParkListRow.number))) or 1

    def _view(self, row: ParkListRow) -> ParkListVersion:
        return ParkListVersion(
            number=row.number,
            parks=parks_of(row.parks, self.curated.catalogue),
            file_name=row.file_name,
            imported_by=row.imported_by,
            imported_at=row.imported_at,
            published_by=row.published_by or "",
            published_at=row.published_at,
        )
