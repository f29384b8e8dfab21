"""Counting attempts in the database, so every app process on it shares one count.

A subject (an address, an account, a contact) has one row per kind of attempt: how many it
made since its window started. `take` counts one more in a single statement (INSERT … ON
CONFLICT DO UPDATE … RETURNING, on SQLite and PostgreSQL alike), so attempts made at the
same moment each get their own number: no two read 3 and both write 4. An attempt is
allowed when its number is within the limit, and the number is taken *before* the work it
guards (checking a password, storing an enquiry), so a burst of parallel attempts cannot
all pass a check that each made alone.

Windows are fixed: they start with a subject's first attempt and last `window`; the next
attempt after that starts a new one. Subjects are stored as SHA-256 digests (`subject`): an
address, a typed username (sometimes a password typed in the wrong field) or a contact is
never kept in clear here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from matcher.workspace.schema import ThrottleRow, UTCDateTime


def subject(*parts: str | None) -> str:
    """The key a subject is counted under: 32 hex digits of SHA-256 per part, so a pair
    (account, address) starts with its account's key and can be found by it."""
    return "".join(
        hashlib.sha256(("" if p is None else p).encode("utf-8", "surrogatepass")).hexdigest()[:32]
        for p in parts
    )


@dataclass(frozen=True)
class Count:
    """A subject's attempts in its current window, this one included."""

    count: int
    started_at: datetime
    window: timedelta

    def over(self, limit: int) -> bool:
        return self.count > limit

    @property
    def ends_at(self) -> datetime:
        return self.started_at + self.window


def take(session: Session, kind: str, key: str, now: datetime, window: timedelta) -> Count:
    """Count one attempt of `key` now, atomically; the count with it. The caller commits."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = ThrottleRow.__table__
    expired = table.c.started_at <= now - window
    at = literal(now, UTCDateTime())
    statement = (
        insert(ThrottleRow)
        .values(kind=kind, key=key, count=1, started_at=now)
        .on_conflict_do_update(
            index_elements=[table.c.kind, table.c.key],
            set_={
                "count": case((expired, 1), else_=table.c.count + 1),
                "started_at": case((expired, at), else_=table.c.started_at),
            },
        )
        .returning(table.c.count, table.c.started_at)
    )
    count, started_at = session.execute(statement).one()
    return Count(count, started_at, window)


def give_back(session: Session, kind: str, key: str) -> None:
    """Uncount one attempt (it turned out to be a success). The caller commits."""
    session.execute(
        update(ThrottleRow)
        .where(ThrottleRow.kind == kind, ThrottleRow.key == key, ThrottleRow.count > 0)
        .values(count=ThrottleRow.count - 1)
    )


def forget(session: Session, kind: str, key_prefix: str) -> None:
    """Drop the counts of every key starting with `key_prefix`. The caller commits."""
    session.execute(
        delete(ThrottleRow).where(
            ThrottleRow.kind == kind, ThrottleRow.key.startswith(key_prefix, autoescape=True)
        )
    )


def current(
    session: Session, kind: str, key: str, now: datetime, window: timedelta
) -> Count | None:
    """The count of `key`'s window still running at `now` (None: none is)."""
    found = session.execute(
        select(ThrottleRow.count, ThrottleRow.started_at).where(
            ThrottleRow.kind == kind, ThrottleRow.key == key
        )
    ).first()
    if found is None:
        return None
    count, started_at = found
    return None if started_at <= now - window else Count(count, started_at, window)


def sweep(session: Session, before: datetime) -> None:
    """Drop counts whose window started before `before` (all ended): the table stays the
    size of the last hour's attempts. The caller commits."""
    session.execute(delete(ThrottleRow).where(ThrottleRow.started_at < before))
