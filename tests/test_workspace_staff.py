"""Staff (`ws.staff`): accounts and passwords, sign-in locked after repeated failures,
sessions that expire and end.

Every test runs on a temporary SQLite file and on a throwaway PostgreSQL server."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TypeVar

import pytest

from matcher.workspace import Staff, StaffError, Workspace, auth
from matcher.workspace.auth import (
    LOCKOUT,
    MAX_FAILED_ATTEMPTS,
    MAX_FAILED_PER_ACCOUNT,
    MAX_FAILED_PER_ADDRESS,
    SESSION_LIFETIME,
)
from tests.workspace_fixtures import T0

T = TypeVar("T")


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


# --- under attack (issue 22): parallel guesses, strangers locking staff out, name probing ---

RIGHT = "correct horse battery"
HOME, STRANGER = "10.0.0.7", "203.0.113.9"


def at_once(calls: list[Callable[[], T]]) -> list[T]:
    """Run every call in its own thread, all released together; their results in order."""
    ready = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        ready.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.fixture
def checked_passwords(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every password the workspace checked (True: it was right), in order."""
    checked: list[bool] = []
    real = auth.verify_password

    def counting(password_hash: str | None, password: str) -> bool:
        right = real(password_hash, password)
        checked.append(right)
        return right

    monkeypatch.setattr(auth, "verify_password", counting)
    return checked


def test_thirty_parallel_wrong_passwords_lock_and_only_five_are_checked(
    workspace: Workspace, checked_passwords: list[bool]
) -> None:
    workspace.staff.add("alice", RIGHT)
    guesses = [
        (lambda i=i: workspace.staff.authenticate("alice", f"guess {i}", T0, client=STRANGER))
        for i in range(30)
    ]
    assert at_once(guesses) == [None] * 30
    # Each guess took its number before its password was checked: five were checked, the
    # other twenty-five refused unchecked, however they interleaved.
    assert checked_passwords == [False] * MAX_FAILED_ATTEMPTS
    assert workspace.staff.locked_until("alice", T0, client=STRANGER) == T0 + LOCKOUT
    assert workspace.staff.authenticate("alice", RIGHT, T0, client=STRANGER) is None
    # ... and only from there: alice, at her own address, signs in.
    assert workspace.staff.authenticate("alice", RIGHT, T0, client=HOME) is not None


def test_the_right_password_sent_after_the_fifth_failure_is_refused(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twelve tabs: eleven wrong passwords at once, and the right one sent the moment the
    fifth failure is known, while the other guesses are still being checked."""
    workspace.staff.add("alice", RIGHT)
    fifth_failure = threading.Event()
    failures: list[bool] = []
    real = auth.verify_password

    def noting(password_hash: str | None, password: str) -> bool:
        right = real(password_hash, password)
        if not right:
            failures.append(right)
            if len(failures) == MAX_FAILED_ATTEMPTS:
                fifth_failure.set()
        return right

    monkeypatch.setattr(auth, "verify_password", noting)

    def right_one() -> Staff | None:
        assert fifth_failure.wait(timeout=60)
        return workspace.staff.authenticate("alice", RIGHT, T0, client=STRANGER)

    tries: list[Callable[[], Staff | None]] = [
        (lambda i=i: workspace.staff.authenticate("alice", f"guess {i}", T0, client=STRANGER))
        for i in range(11)
    ]
    assert at_once([*tries, right_one]) == [None] * 12
    assert workspace.staff.locked_until("alice", T0, client=STRANGER) == T0 + LOCKOUT


def test_a_stranger_cannot_lock_staff_out_nor_learn_which_names_exist(
    workspace: Workspace,
) -> None:
    workspace.staff.add("alice", RIGHT)
    for name in ("alice", "nobody"):
        for attempt in range(MAX_FAILED_ATTEMPTS):
            assert (
                workspace.staff.authenticate(name, f"guess {attempt}", T0, client=STRANGER) is None
            )
    # A real name and an unknown one are locked alike, and said alike on the page.
    assert (
        workspace.staff.locked_until("alice", T0, client=STRANGER)
        == workspace.staff.locked_until("nobody", T0, client=STRANGER)
        == T0 + LOCKOUT
    )
    assert workspace.staff.locked_until("alice", T0, client=HOME) is None
    assert workspace.staff.authenticate("alice", RIGHT, T0, client=HOME) is not None


def test_one_address_trying_many_names_is_slowed(workspace: Workspace) -> None:
    workspace.staff.add("alice", RIGHT)
    names = [f"user{i}" for i in range(MAX_FAILED_PER_ADDRESS // (MAX_FAILED_ATTEMPTS - 1))]
    for name in names:  # four guesses each: no one name is locked
        for attempt in range(MAX_FAILED_ATTEMPTS - 1):
            workspace.staff.authenticate(name, f"guess {attempt}", T0, client=STRANGER)
    assert workspace.staff.locked_until("alice", T0, client=STRANGER) == T0 + LOCKOUT
    assert workspace.staff.authenticate("alice", RIGHT, T0, client=STRANGER) is None
    assert workspace.staff.authenticate("alice", RIGHT, T0, client=HOME) is not None
    later = T0 + LOCKOUT + timedelta(seconds=1)
    assert workspace.staff.authenticate("alice", RIGHT, later, client=STRANGER) is not None


def test_many_addresses_together_meet_the_accounts_ceiling(workspace: Workspace) -> None:
    workspace.staff.add("alice", RIGHT)
    for n in range(MAX_FAILED_PER_ACCOUNT // MAX_FAILED_ATTEMPTS):
        for attempt in range(MAX_FAILED_ATTEMPTS):
            workspace.staff.authenticate("alice", f"guess {attempt}", T0, client=f"198.51.100.{n}")
    assert workspace.staff.authenticate("alice", RIGHT, T0, client=HOME) is None
    assert workspace.staff.locked_until("alice", T0, client=HOME) == T0 + LOCKOUT
    # A new password (matcher staff reset-password) lifts every lock on the account.
    workspace.staff.set_password("alice", "a brand new password")
    assert workspace.staff.authenticate("alice", "a brand new password", T0, client=HOME)


def test_a_password_reset_or_deactivation_ends_every_session(workspace: Workspace) -> None:
    alice = workspace.staff.add("alice", RIGHT)
    tokens = [workspace.staff.start_session(alice, T0) for _ in range(2)]
    workspace.staff.set_password("alice", "a brand new password")
    assert [workspace.staff.signed_in(t, T0) for t in tokens] == [None, None]
    token = workspace.staff.start_session(alice, T0)
    workspace.staff.set_active("alice", False)
    assert workspace.staff.signed_in(token, T0) is None
    assert workspace.staff.authenticate("alice", "a brand new password", T0) is None
