"""Who may do what: the three roles and the one table of their permissions.

    admin     staff accounts, publishing a park list, and everything staff do
    staff     cases (inbox, shortlists, exports, batch, lexicon), importing a park list,
              availability of any park
    operator  a park operator: the availability of their own park only; sees no case

Every part of the workspace that a role limits asks `require(account, action, park_id)`
(or is reached through `Workspace.acting_as(account)`, which asks before handing a part
over); pages ask `can` to decide what to draw. A refusal is one sentence naming the role
and what it may not do.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from matcher.errors import UserFacingError
from matcher.i18n import say


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    OPERATOR = "operator"


class Action(StrEnum):
    MANAGE_STAFF = "manage_staff"  # add, deactivate, reset, change a role
    PUBLISH_PARK_LIST = "publish_park_list"
    IMPORT_PARK_LIST = "import_park_list"  # import a draft, see its diff, discard it
    WORK_CASES = "work_cases"  # inbox, cases, shortlists, exports, compare, batch, lexicon
    RECORD_AVAILABILITY = "record_availability"  # a park's available space (park_id given)


# The one table: which role may take which action. An operator's availability is further
# limited to their own park (see `can`).
ALLOWED: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.STAFF: frozenset({Action.IMPORT_PARK_LIST, Action.WORK_CASES, Action.RECORD_AVAILABILITY}),
    Role.OPERATOR: frozenset({Action.RECORD_AVAILABILITY}),
}


class Account(Protocol):
    """What a permission is decided on: a staff account's role, and an operator's park."""

    @property
    def username(self) -> str: ...

    @property
    def role(self) -> Role: ...

    @property
    def park_id(self) -> str | None: ...


class NotAllowedError(UserFacingError):
    """The acting account's role does not allow the action: nothing was done."""

    exit_code = 2


def can(account: Account, action: Action, park_id: str | None = None) -> bool:
    """Whether `account` may take `action` (on park `park_id`, for availability)."""
    if action not in ALLOWED[account.role]:
        return False
    if account.role is Role.OPERATOR and action is Action.RECORD_AVAILABILITY:
        return park_id is not None and park_id == account.park_id
    return True


def require(account: Account, action: Action, park_id: str | None = None) -> None:
    """Nothing if `can(account, action, park_id)`; NotAllowedError in words otherwise."""
    if can(account, action, park_id):
        return
    if account.role is Role.OPERATOR and action is Action.RECORD_AVAILABILITY:
        message = say(
            "role_other_park", name=account.username, park=account.park_id or "", other=park_id
        )
    else:
        message = say(
            "role_refused",
            name=account.username,
            role=say(f"role_{account.role.value}"),
            action=say(f"action_{action.value}"),
        )
    raise NotAllowedError(message)
