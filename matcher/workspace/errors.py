"""Workspace mistakes a user can understand and act on (all UserFacingError: one message)."""

from __future__ import annotations

from datetime import datetime

from matcher.errors import UsageError, UserFacingError

# Raised by the workspace, defined with the lexicon whose checks it reports.
from matcher.lexicon import TaughtTermError as TaughtTermError


class CaseNotFoundError(UserFacingError):
    def __init__(self, case_id: int) -> None:
        super().__init__(f"case {case_id} does not exist (案件不存在)")
        self.case_id = case_id


class StatusChangeError(UsageError):
    """A status change the workflow does not allow (new → sent, say)."""


class StaffError(UsageError):
    """An unusable username or password, a username taken, an unknown staff member."""


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
        what = "; ".join(f"{field}: {old!r} → {new!r}" for field, (old, new) in changes.items())
        super().__init__(
            f"case {case_id} was changed by {by or 'someone'} at "
            f"{at.isoformat(timespec='seconds')} after you opened it (version {loaded_version} → "
            f"{current_version}): {what or 'saved again'}. Nothing of yours was saved; reload the "
            f"case and apply your change again (案件已被他人修改，您的修改未保存，请刷新后重试)"
        )
