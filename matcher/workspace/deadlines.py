"""Deadlines of a case: a first response and a shortlist due so many working days after the
case arrived. Working days are Monday to Friday in Beijing time; public holidays and the
weekend working days China swaps in for them are not known here (a calendar would be data).

The defaults (1 and 7 working days) can be changed per office with MATCHER_FIRST_RESPONSE_DAYS
and MATCHER_SHORTLIST_DAYS, or by passing `Deadlines` to `Workspace.open`.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, or_

from matcher.i18n import BEIJING
from matcher.workspace.schema import CaseRow

FIRST_RESPONSE_ENV, SHORTLIST_ENV = "MATCHER_FIRST_RESPONSE_DAYS", "MATCHER_SHORTLIST_DAYS"
# Statuses by which the shortlist is done: a case past them is never late for it.
SHORTLIST_DONE = ("shortlisted", "sent", "closed")


class Deadlines(BaseModel):
    """How many working days a case has for its first response and for its shortlist."""

    model_config = ConfigDict(frozen=True)
    first_response_days: int = Field(default=1, ge=0, le=60)
    shortlist_days: int = Field(default=7, ge=0, le=120)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Deadlines:
        """The defaults, or the office's own from the environment (a bad value is refused)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, field in (
            (FIRST_RESPONSE_ENV, "first_response_days"),
            (SHORTLIST_ENV, "shortlist_days"),
        ):
            if env.get(name, "").strip():
                values[field] = env[name].strip()
        return cls.model_validate(values)

    def due(self, arrived: datetime) -> tuple[datetime, datetime]:
        """(first response due, shortlist due) for a case that arrived at `arrived`."""
        return (
            add_working_days(arrived, self.first_response_days),
            add_working_days(arrived, self.shortlist_days),
        )


def add_working_days(moment: datetime, days: int) -> datetime:
    """`moment` plus `days` working days (Mon-Fri, Beijing time), at the same time of day; a
    case arriving at the weekend counts from Monday's start."""
    local = moment.astimezone(BEIJING)
    while local.weekday() >= 5:  # arrived at the weekend: the clock starts on Monday
        local = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    left = days
    while left > 0:
        local += timedelta(days=1)
        if local.weekday() < 5:
            left -= 1
    return local.astimezone(moment.tzinfo)


def first_response_overdue(now: datetime) -> Any:
    """SQL condition: nobody has acted on the case and its first response is past due."""
    return and_(
        CaseRow.first_action_at.is_(None),
        CaseRow.first_response_due.is_not(None),
        CaseRow.first_response_due < now,
    )


def shortlist_overdue(now: datetime) -> Any:
    """SQL condition: the case is still before its shortlist and the shortlist is past due."""
    return and_(
        CaseRow.status.not_in(SHORTLIST_DONE),
        CaseRow.shortlist_due.is_not(None),
        CaseRow.shortlist_due < now,
    )


def overdue(now: datetime) -> Any:
    """SQL condition: either deadline is missed."""
    return or_(first_response_overdue(now), shortlist_overdue(now))
