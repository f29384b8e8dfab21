"""Staff (`ws.staff`): accounts and passwords, sign-in locked after repeated failures,
sessions that expire and end.

Every test runs on a temporary SQLite file and on a throwaway PostgreSQL server."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matcher.workspace import StaffError, Workspace
from matcher.workspace.auth import LOCKOUT, MAX_FAILED_ATTEMPTS, SESSION_LIFETIME
from tests.workspace_fixtures import T0


def test_staff_accounts_and_passwords(workspace: Workspace) -> None:
    alice = workspace.staff.add("Alice", "correct horse battery", now=T0)
    assert alice.username == "alice" and alice.active
    with pytest.raises(StaffError, match="taken"):
        workspace.staff.add("alice", "another long password")
    with pytest.raises(StaffError, match="at least"):
        workspace.staff.add("bob", "short")
    with pytest.raises(StaffError, match="username"):
        workspace.staff.add("a b", "long enough password")
    assert [s.username for s in workspace.staff.all()] == ["alice"]
    assert (
        workspace.staff.authenticate("alice", "correct horse battery", T0)
        == workspace.staff.all()[0]
    )
    assert workspace.staff.authenticate("alice", "wrong password!", T0) is None
    assert workspace.staff.authenticate("nobody", "correct horse battery", T0) is None
    workspace.staff.set_active("alice", False)
    assert workspace.staff.authenticate("alice", "correct horse battery", T0) is None


def test_sign_in_is_throttled_after_repeated_failures(workspace: Workspace) -> None:
    workspace.staff.add("alice", "correct horse battery")
    for attempt in range(MAX_FAILED_ATTEMPTS):
        assert workspace.staff.authenticate("alice", f"guess {attempt}", T0) is None
    assert workspace.staff.locked_until("alice", T0) == T0 + LOCKOUT
    # locked: even the right password is refused until the lockout ends
    assert workspace.staff.authenticate("alice", "correct horse battery", T0 + LOCKOUT / 2) is None
    opened = T0 + LOCKOUT + timedelta(seconds=1)
    assert workspace.staff.locked_until("alice", opened) is None
    assert workspace.staff.authenticate("alice", "correct horse battery", opened) is not None
    # a success resets the count: four more failures do not lock
    for attempt in range(MAX_FAILED_ATTEMPTS - 1):
        workspace.staff.authenticate("alice", f"guess {attempt}", opened)
    assert workspace.staff.authenticate("alice", "correct horse battery", opened) is not None


def test_sessions_expire_and_end(workspace: Workspace) -> None:
    staff = workspace.staff.add("alice", "correct horse battery")
    token = workspace.staff.start_session(staff, T0)
    assert workspace.staff.signed_in(token, T0 + timedelta(hours=1)) == staff
    assert workspace.staff.signed_in(token, T0 + SESSION_LIFETIME) is None
    token = workspace.staff.start_session(staff, T0)
    workspace.staff.end_session(token)
    assert workspace.staff.signed_in(token, T0) is None
    assert workspace.staff.signed_in("not-a-token", T0) is None
    token = workspace.staff.start_session(staff, T0)
    workspace.staff.set_active("alice", False)
    assert workspace.staff.signed_in(token, T0) is None
