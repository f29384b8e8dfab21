"""Roles (matcher.workspace.roles): an administrator manages accounts and publishes the park
list; staff work on cases and availability; a park operator updates only their own park's
availability and sees no case. Enforced in the library, whatever a page draws.

Every workspace test runs on a temporary SQLite file and on a throwaway PostgreSQL server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from matcher.workspace import Staff, StaffError, Workspace, utcnow
from matcher.workspace.db import make_engine, upgrade
from matcher.workspace.roles import ALLOWED, Action, NotAllowedError, Role, can, require
from matcher.workspace.staff import StaffAccounts
from tests.workspace_fixtures import IC_DESIGN, T0

PASSWORD = "correct horse battery"


def account(role: Role, park: str | None = None) -> Staff:
    return Staff(id=1, username=role.value, active=True, created_at=T0, role=role, park_id=park)


ADMIN, STAFF = account(Role.ADMIN), account(Role.STAFF)
OPERATOR = account(Role.OPERATOR, "P07")


# -- the table ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        (ADMIN, set(Action)),
        (STAFF, {Action.WORK_CASES, Action.IMPORT_PARK_LIST, Action.RECORD_AVAILABILITY}),
        (OPERATOR, set()),  # availability only with their own park, below
    ],
)
def test_what_each_role_may_do(who: Staff, allowed: set[Action]) -> None:
    assert {a for a in Action if can(who, a)} == allowed


def test_a_park_operator_updates_their_own_parks_availability_only() -> None:
    assert can(OPERATOR, Action.RECORD_AVAILABILITY, "P07")
    assert not can(OPERATOR, Action.RECORD_AVAILABILITY, "P08")
    assert not can(OPERATOR, Action.RECORD_AVAILABILITY)
    with pytest.raises(NotAllowedError) as refused:
        require(OPERATOR, Action.RECORD_AVAILABILITY, "P08")
    assert refused.value.message.en == (
        "operator may update the available space of P07 only, not of P08: nothing was done"
    )
    assert (
        refused.value.message.zh
        == "operator 只能更新园区 P07 的可用面积，不能更新 P08，未作任何改动"
    )
    # Staff and administrators record any park's.
    assert can(STAFF, Action.RECORD_AVAILABILITY, "P08")
    assert can(ADMIN, Action.RECORD_AVAILABILITY, "P08")


@pytest.mark.parametrize(
    ("who", "action"),
    [(w, a) for w in (ADMIN, STAFF, OPERATOR) for a in Action if a not in ALLOWED[w.role]],
)
def test_every_role_is_refused_in_words_what_it_may_not_do(who: Staff, action: Action) -> None:
    with pytest.raises(NotAllowedError) as refused:
        require(who, action, "P08")
    assert refused.value.message.en.startswith(f"{who.username} (")
    assert refused.value.message.en.endswith("nothing was done")
    assert refused.value.exit_code == 2


# -- through the workspace -------------------------------------------------------------------


def test_a_park_operator_sees_no_case(workspace: Workspace) -> None:
    case = workspace.cases.create(IC_DESIGN, actor="sam")
    operator = workspace.staff.add("olu", PASSWORD, role=Role.OPERATOR, park_id="P07")
    acting = workspace.acting_as(operator)
    for part in ("cases", "inbox", "shortlists", "batch_runs", "lexicon"):
        with pytest.raises(NotAllowedError, match="olu \\(park operator\\) may not see or work"):
            getattr(acting, part)
    with pytest.raises(NotAllowedError, match="may not manage staff accounts"):
        acting.staff.add("eve", PASSWORD)
    with pytest.raises(NotAllowedError, match="may not import a park list"):
        acting.park_lists.draft()
    assert [s.username for s in workspace.staff.all()] == ["olu"]
    # Staff reach the cases through the same door.
    sam = workspace.staff.add("sam", PASSWORD)
    assert workspace.acting_as(sam).cases.get(case.id).id == case.id


def test_staff_cannot_manage_accounts_and_an_administrator_can(workspace: Workspace) -> None:
    sam = workspace.staff.add("sam", PASSWORD)
    with pytest.raises(NotAllowedError, match="sam \\(staff member\\) may not manage staff"):
        workspace.acting_as(sam).staff.set_role("sam", Role.ADMIN)
    assert workspace.staff.find("sam").role is Role.STAFF
    ada = workspace.staff.add("ada", PASSWORD, role=Role.ADMIN)
    promoted = workspace.acting_as(ada).staff.set_role("sam", Role.ADMIN)
    assert promoted.role is Role.ADMIN


def test_an_operator_account_names_one_park_and_no_other_account_does(
    workspace: Workspace,
) -> None:
    with pytest.raises(StaffError, match="needs its park's id"):
        workspace.staff.add("olu", PASSWORD, role=Role.OPERATOR)
    with pytest.raises(StaffError, match="needs its park's id"):
        workspace.staff.add("olu", PASSWORD, role=Role.OPERATOR, park_id="Haidian")
    with pytest.raises(StaffError, match="only a park operator's account names a park"):
        workspace.staff.add("sam", PASSWORD, park_id="P07")
    olu = workspace.staff.add("olu", PASSWORD, role=Role.OPERATOR, park_id="p07")
    assert (olu.role, olu.park_id) == (Role.OPERATOR, "P07")
    assert workspace.staff.authenticate("olu", PASSWORD, T0) == workspace.staff.find("olu")


def test_a_changed_role_ends_the_accounts_sessions(workspace: Workspace) -> None:
    sam = workspace.staff.add("sam", PASSWORD)
    token = workspace.staff.start_session(sam, utcnow())
    workspace.staff.set_role("sam", Role.OPERATOR, "P03")
    assert workspace.staff.signed_in(token, utcnow() + timedelta(seconds=1)) is None
    assert workspace.staff.find("sam").park_id == "P03"


def test_the_bootstrap_account_is_an_administrator(workspace: Workspace) -> None:
    made = workspace.staff.bootstrap("boot:correct horse battery")
    assert made is not None and made.role is Role.ADMIN


def test_existing_accounts_become_staff_when_the_schema_is_upgraded(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    upgrade(engine, "0005")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO staff (username, password_hash, active, created_at, failed_attempts)"
                " VALUES ('first', 'x', true, :at, 0), ('second', 'x', true, :at, 0)"
            ),
            {"at": T0.replace(tzinfo=None)},
        )
    upgrade(engine)
    from matcher.workspace import Database

    accounts = StaffAccounts(Database(engine))
    assert [(s.username, s.role, s.park_id) for s in accounts.all()] == [
        ("first", Role.STAFF, None),
        ("second", Role.STAFF, None),
    ]
    engine.dispose()


def test_going_back_to_the_schema_before_roles_keeps_accounts_and_sessions(
    empty_db_url: str,
) -> None:
    engine = make_engine(empty_db_url)
    upgrade(engine)
    from matcher.workspace import Database
    from matcher.workspace.db import downgrade

    accounts = StaffAccounts(Database(engine))
    sam = accounts.add("sam", PASSWORD)
    accounts.start_session(sam, T0)
    downgrade(engine, "0005")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM staff_sessions")).scalar() == 1
        assert connection.execute(text("SELECT username FROM staff")).scalars().all() == ["sam"]
    engine.dispose()
