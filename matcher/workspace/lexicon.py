"""Terms staff taught the matcher (the Lexicon page), and the ranker they make with the
curated data: every other part of the workspace ranks and versions through `Lexicon.ranker`.

The taught-term rules themselves (what a term is, its checks, how it joins a catalogue) are
the library's, in matcher.lexicon; this keeps the terms, who taught and retired them, when.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from matcher.errors import UsageError
from matcher.i18n import say, time_words
from matcher.lexicon import TaughtEntry, TaughtTerm, term_problems, with_taught_terms
from matcher.text import normalize
from matcher.workspace.db import Database, utcnow
from matcher.workspace.errors import TaughtTermError
from matcher.workspace.schema import TaughtTermRow

if TYPE_CHECKING:
    from matcher.availability import Availability
    from matcher.scoring import Ranker
    from matcher.workspace.park_lists import ParkLists

TAUGHT_RECHECK_SECONDS = 2.0


class Lexicon:
    """The taught terms, and the ranker over the curated data plus the active ones."""

    def __init__(self, db: Database, park_lists: ParkLists) -> None:
        self._db = db
        self._park_lists = park_lists
        self._taught_ranker: tuple[tuple[int, ...], Ranker, Ranker] | None = None
        self._taught_checked: tuple[float, Ranker] | None = None
        # The space available per park (set by the workspace's Availabilities), which every
        # ranking compares areas with; None: the published totals alone.
        self.availability: Callable[[], Availability] | None = None
        self._with_space: tuple[Ranker, Availability, Ranker] | None = None

    @property
    def base_ranker(self) -> Ranker:
        """The curated data with the published park list in use, without taught terms."""
        return self._park_lists.ranker

    def catch_up(self, park_list: int) -> None:
        """A ranking was made on park list `park_list`: rank on it (or a later one) from now."""
        self._park_lists.catch_up(park_list)

    @property
    def ranker(self) -> Ranker:
        """The curated data plus the terms staff taught (active ones), comparing areas with
        the space available per park; its catalogue's data version covers the taught terms."""
        taught = self._taught()
        if self.availability is None:
            return taught
        space = self.availability()
        if not space.in_use:  # nothing recorded: the totals as published, the same ranker
            return taught
        kept = self._with_space
        if kept is not None and kept[0] is taught and kept[1] is space:
            return kept[2]
        ranker = taught.with_availability(space)
        self._with_space = (taught, space, ranker)
        return ranker

    def _taught(self) -> Ranker:
        """The curated data (with the published park list in use) plus the terms staff taught
        (active ones), rebuilt when either changes."""
        # A page asks for the ranker many times per run: the terms are read again only after
        # TAUGHT_RECHECK_SECONDS (or at once after this process taught or retired one), so
        # a term taught from another process counts within that time.
        # The park list in use is checked the same way (ParkLists.ranker, at once after this
        # process published one).
        clock = time.monotonic()
        base = self.base_ranker
        kept = self._taught_ranker
        if (
            self._taught_checked is not None
            and clock - self._taught_checked[0] < TAUGHT_RECHECK_SECONDS
            and kept is not None
            and kept[2] is base
        ):
            return self._taught_checked[1]
        active = [e for e in self.terms() if e.active]
        key = tuple(e.id for e in active)
        cached = self._taught_ranker
        if cached is None or cached[0] != key or cached[2] is not base:
            ranker = base
            if active:
                from matcher.scoring import Ranker

                ranker = Ranker(with_taught_terms(base.catalogue, [e.term for e in active]))
            cached = self._taught_ranker = (key, ranker, base)
        self._taught_checked = (clock, cached[1])
        return cached[1]

    @property
    def data_version(self) -> str:
        """The version of the data rankings are made on now, taught terms included."""
        return self.ranker.catalogue.version

    def terms(self) -> list[TaughtEntry]:
        """Every term staff taught, retired ones included, newest first."""
        with self._db.session() as session:
            rows = session.scalars(
                select(TaughtTermRow).order_by(TaughtTermRow.taught_at.desc(), TaughtTermRow.id)
            )
            return [_taught_view(r) for r in rows]

    def teach(self, term: TaughtTerm, *, actor: str, now: datetime | None = None) -> TaughtEntry:
        """Store a taught term after checking it against the catalogue it would join."""
        problems = term_problems(self.ranker.catalogue, term)
        if problems:
            raise TaughtTermError(tuple(problems))
        with self._db.session() as session:
            row = TaughtTermRow(
                term_zh=term.term_zh,
                term_key=normalize(term.term_zh),
                term_en="|".join(term.term_en),
                sector_id=term.sector_id,
                secondary_sector_id=term.secondary_sector_id,
                segment=term.segment,
                note=term.note,
                taught_by=actor,
                taught_at=now or utcnow(),
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError:  # a colleague taught it a moment ago
                raise TaughtTermError([say("lexicon_just_taught", term=term.term_zh)]) from None
            self._taught_checked = None
            return _taught_view(row)

    def retire(self, entry_id: int, *, actor: str, now: datetime | None = None) -> TaughtEntry:
        """Stop using a taught term; the record (who taught and who retired it) stays."""
        with self._db.session() as session:
            row = session.get(TaughtTermRow, entry_id)
            if row is None:
                raise UsageError(say("taught_term_not_found", term=entry_id))
            if row.retired_at is not None:
                raise UsageError(
                    say(
                        "taught_term_retired",
                        term=entry_id,
                        word=row.term_zh,
                        who=row.retired_by or "",
                        when=time_words(row.retired_at),
                    )
                )
            row.retired_by, row.retired_at = actor, now or utcnow()
            session.commit()
            self._taught_checked = None
            return _taught_view(row)


def _taught_view(row: TaughtTermRow) -> TaughtEntry:
    return TaughtEntry(
        id=row.id,
        term=TaughtTerm(
            term_zh=row.term_zh,
            term_en=tuple(row.term_en.split("|")),
            sector_id=row.sector_id,
            secondary_sector_id=row.secondary_sector_id,
            segment=row.segment,
            note=row.note,
        ),
        taught_by=row.taught_by,
        taught_at=row.taught_at,
        retired_by=row.retired_by,
        retired_at=row.retired_at,
    )
