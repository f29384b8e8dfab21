"""Workspace mistakes a user can understand and act on (all UserFacingError: one message)."""

from __future__ import annotations

from datetime import datetime

from matcher.errors import UsageError, UserFacingError
from matcher.i18n import Text, joined, same, say, time_words

# Raised by the workspace, defined with the lexicon whose checks it reports.
from matcher.lexicon import TaughtTermError as TaughtTermError


class CaseNotFoundError(UserFacingError):
    def __init__(self, case_id: int) -> None:
        super().__init__(say("case_not_found_id", case=case_id))
        self.case_id = case_id


class StatusChangeError(UsageError):
    """A status change the workflow does not allow (new → sent, say)."""


class AvailabilityError(UsageError):
    """An availability figure that cannot be recorded: an unknown park, status or source, an
    implausible area, or a park with no figure to confirm."""


class StaffError(UsageError):
    """An unusable username or password, a username taken, an unknown staff member."""


class SubmissionLimitError(UserFacingError):
    """Too many enquiries from one address or one contact (or, without an address, from
    everyone without one) in the window: nothing was stored; `until` says when to retry."""

    def __init__(self, until: datetime, *, shared: bool) -> None:
        self.until = until
        super().__init__(
            say("enquiry_busy" if shared else "enquiry_rate_limited", time=time_words(until))
        )


class StaleCaseError(UserFacingError):
    """Someone else saved the case since it was loaded: nothing was saved, and this says what
    they changed, so the user can reload and apply their edit again."""

    def __init__(
        self,
        case_id: int,
        changes: dict[str, tuple[object, object]],
        by: str,
        at: datetime,
        loaded_version: int,
        current_version: int,
    ) -> None:
        self.case_id = case_id
        self.changes = changes
        self.by = by
        self.at = at
        self.loaded_version = loaded_version
        self.current_version = current_version
        # Who changed what and when, without advice: the case page adds its own (the typed
        # text is kept there), the command line says to show the case and repeat the edit.
        self.what = stale_what(changes, by, at)
        super().__init__(say("stale_case_detail", what=self.what))


# The case's own fields another person may have changed, compared one by one; then what
# the workspace compares as a whole. Their order is the order a message names them in.
DETAIL_FIELDS = (
    "company",
    "contact_person",
    "contact",
    "consent",
    "status",
    "assigned_to",
    "shortlist_note",
    "investor_note",
)
CHANGED_FIELDS = (*DETAIL_FIELDS, "requirement", "shortlist", "ranking")


# Values longer than this are cut in the message (the case page shows them in full).
SHOWN_CHARS = 60


def _value(field: str, value: object) -> Text:
    if field == "status":
        return say(f"status_{value}")
    if isinstance(value, bool):
        return say("yes" if value else "no")
    text = "" if value is None else str(value)
    if not text:
        return say("empty_value")
    return same(text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…")


def stale_what(changes: dict[str, tuple[object, object]], by: str, at: datetime) -> Text:
    """Who changed the case, when (Beijing time) and what, in words."""
    named = []
    for field in CHANGED_FIELDS:
        if field not in changes:
            continue
        old, new = changes[field]
        if field in ("shortlist", "ranking"):
            named.append(say(f"changed_{field}"))
            continue
        named.append(
            say(
                "stale_changed_value",
                field=say(f"changed_{field}"),
                old=_value(field, old),
                new=_value(field, new),
            )
        )
    return say(
        "stale_case_what",
        who=same(by) if by else say("someone"),
        time=time_words(at),
        changes=joined(named, "reason_separator") if named else say("changed_saved_again"),
    )
