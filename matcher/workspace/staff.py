"""Staff accounts, signing in (with lockout after repeated failures) and sign-in sessions.

The password and token rules (argon2id hashes, lockout length, session lifetime) are in
matcher.workspace.auth; this keeps the accounts and sessions in the database.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.free_text import shown
from matcher.i18n import say
from matcher.workspace import auth, throttle
from matcher.workspace.db import Database, utcnow
from matcher.workspace.errors import StaffError
from matcher.workspace.roles import Role
from matcher.workspace.schema import SessionRow, StaffRow
from matcher.workspace.views import Staff

# The three sign-in counts (auth: MAX_FAILED_*), in the order they are always taken.
SIGNIN_PAIR, SIGNIN_ADDRESS, SIGNIN_ACCOUNT = "signin_pair", "signin_address", "signin_account"
_KINDS = (SIGNIN_PAIR, SIGNIN_ADDRESS, SIGNIN_ACCOUNT)
_LIMITS = (auth.MAX_FAILED_ATTEMPTS, auth.MAX_FAILED_PER_ADDRESS, auth.MAX_FAILED_PER_ACCOUNT)
_PARK_ID = re.compile(r"^P\d{2,}$")  # as matcher.models.Park numbers parks
# Counts whose window started this long ago are dropped (every window is far shorter).
SWEEP_AFTER = timedelta(days=1)


class StaffAccounts:
    """Who may sign in, and who a browser session belongs to."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # ------------------------------------------------------------------------------ accounts

    def add(
        self,
        username: str,
        password: str,
        *,
        role: Role = Role.STAFF,
        park_id: str | None = None,
        now: datetime | None = None,
    ) -> Staff:
        """A new account with `role`; an operator names the one park it speaks for."""
        name = auth.check_username(username)
        park = _role_park(role, park_id)
        password_hash = auth.hash_password(password)
        with self._db.session() as session:
            row = StaffRow(
                username=name,
                password_hash=password_hash,
                active=True,
                created_at=now or utcnow(),
                role=role.value,
                park_id=park,
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                raise StaffError(say("username_taken", name=name)) from None
            return _staff_view(row)

    def bootstrap(self, spec: str, *, now: datetime | None = None) -> Staff | None:
        """`name:password` (the MATCHER_BOOTSTRAP_STAFF variable): add that account if absent,
        as an administrator, so a fresh install or a test has someone who can sign in and add
        the others. None if present (its role and password are never changed)."""
        name, sep, password = spec.partition(":")
        if not sep or not name.strip() or not password:
            raise StaffError(say("bootstrap_format"))
        with self._db.session() as session:
            exists = session.scalar(
                select(StaffRow.id).where(StaffRow.username == name.strip().lower())
            )
        if exists is not None:
            return None
        try:
            return self.add(name, password, role=Role.ADMIN, now=now)
        except StaffError:
            if any(s.username == name.strip().lower() for s in self.all()):
                return None  # another process added it at the same moment
            raise

    def all(self) -> list[Staff]:
        """Every staff account, inactive ones included, by username."""
        with self._db.session() as session:
            return [
                _staff_view(r)
                for r in session.scalars(select(StaffRow).order_by(StaffRow.username))
            ]

    def find(self, username: str) -> Staff:
        """The staff member named `username`; StaffError if there is none."""
        with self._db.session() as session:
            return _staff_view(_staff_row(session, username))

    def set_active(self, username: str, active: bool) -> Staff:
        """Let a staff member sign in again, or not (which also ends their sessions)."""
        with self._db.session() as session:
            row = _staff_row(session, username)
            row.active = active
            if not active:
                session.execute(delete(SessionRow).where(SessionRow.staff_id == row.id))
            session.commit()
            return _staff_view(row)

    def set_role(self, username: str, role: Role, park_id: str | None = None) -> Staff:
        """Give an account another role (an operator's park with it). Its open sessions end:
        a page drawn for the old role must not keep serving it."""
        park = _role_park(role, park_id)
        with self._db.session() as session:
            row = _staff_row(session, username)
            row.role, row.park_id = role.value, park
            session.execute(delete(SessionRow).where(SessionRow.staff_id == row.id))
            session.commit()
            return _staff_view(row)

    def set_password(self, username: str, password: str) -> Staff:
        """A new password. It lifts every sign-in lock on the account and ends its sessions:
        a password is reset because the old one may be known, and a session opened with it
        must not outlive it."""
        password_hash = auth.hash_password(password)
        with self._db.session() as session:
            row = _staff_row(session, username)
            row.password_hash = password_hash
            session.execute(delete(SessionRow).where(SessionRow.staff_id == row.id))
            account = throttle.subject(row.username)
            throttle.forget(session, SIGNIN_PAIR, account)
            throttle.forget(session, SIGNIN_ACCOUNT, account)
            session.commit()
            return _staff_view(row)

    # ------------------------------------------------------------------------------ sign-in

    def authenticate(
        self, username: str, password: str, now: datetime, *, client: str | None = None
    ) -> Staff | None:
        """The staff member if the password is right and the account active and not locked.

        `client` is the address the attempt comes from (None: unknown, as Streamlit reports a
        connection from this machine; all such attempts count as one address). Each attempt
        is counted before its password is checked (matcher.workspace.throttle), per username
        from that address, per address and per username: an attempt beyond a limit is
        refused unchecked, the right password too, until that count's window ends (see
        auth). A success clears its username's count from that address and uncounts itself
        from the other two. Unknown usernames are counted and answered exactly as known
        ones, and take the same time."""
        name = username.strip().lower()
        counts = self._take(name, client, now)
        if any(c.over(limit) for c, limit in zip(counts, _LIMITS, strict=True)):
            return None
        with self._db.session() as session:
            row = session.scalar(select(StaffRow).where(StaffRow.username == name))
        if not auth.verify_password(row.password_hash if row else None, password):
            return None
        assert row is not None  # verify_password is never true without a stored hash
        if not row.active:
            return None
        with self._db.session() as session:
            account, address = throttle.subject(name), throttle.subject(client)
            throttle.forget(session, SIGNIN_PAIR, account + address)
            throttle.give_back(session, SIGNIN_ADDRESS, address)
            throttle.give_back(session, SIGNIN_ACCOUNT, account)
            values: dict[str, object] = {"last_sign_in_at": now}
            if auth.needs_rehash(row.password_hash):
                values["password_hash"] = auth.hash_password(password)
            session.execute(update(StaffRow).where(StaffRow.id == row.id).values(**values))
            session.commit()
            row = session.get(StaffRow, row.id)
            assert row is not None
            return _staff_view(row)

    def _take(self, name: str, client: str | None, now: datetime) -> list[throttle.Count]:
        """One attempt counted under each of the three counts, in one transaction, always in
        the same order (so two transactions never wait on each other in a circle)."""
        account, address = throttle.subject(name), throttle.subject(client)
        keys = (account + address, address, account)
        with self._db.session() as session:
            counts = [
                throttle.take(session, kind, key, now, auth.LOCKOUT)
                for kind, key in zip(_KINDS, keys, strict=True)
            ]
            session.commit()
        if counts[0].count == 1:  # a new window: the time to drop windows long over
            with self._db.session() as session:
                throttle.sweep(session, now - SWEEP_AFTER)
                session.commit()
        return counts

    def locked_until(
        self, username: str, now: datetime, *, client: str | None = None
    ) -> datetime | None:
        """When sign-ins for `username` from `client` open again (None: they are open), for
        the sign-in page. Answered the same for a username that does not exist."""
        name = username.strip().lower()
        account, address = throttle.subject(name), throttle.subject(client)
        keys = (account + address, address, account)
        ends = []
        with self._db.session() as session:
            for kind, key, limit in zip(_KINDS, keys, _LIMITS, strict=True):
                count = throttle.current(session, kind, key, now, auth.LOCKOUT)
                if count is not None and count.count >= limit:
                    ends.append(count.ends_at)
        return max(ends, default=None)

    # ----------------------------------------------------------------------------- sessions

    def start_session(self, staff: Staff, now: datetime) -> str:
        """A new session token for a signed-in staff member (only its SHA-256 is stored)."""
        token = auth.new_session_token()
        with self._db.session() as session:
            session.add(
                SessionRow(
                    token_sha256=auth.token_digest(token),
                    staff_id=staff.id,
                    created_at=now,
                    expires_at=now + auth.SESSION_LIFETIME,
                )
            )
            session.commit()
        return token

    def signed_in(self, token: str, now: datetime) -> Staff | None:
        """The staff member a session token belongs to, None if unknown, expired or inactive."""
        if not token:
            return None
        with self._db.session() as session:
            found = session.execute(
                select(SessionRow, StaffRow)
                .join(StaffRow, StaffRow.id == SessionRow.staff_id)
                .where(SessionRow.token_sha256 == auth.token_digest(token))
            ).first()
            if found is None:
                return None
            session_row, staff_row = found
            if session_row.expires_at <= now or not staff_row.active:
                session.delete(session_row)
                session.commit()
                return None
            return _staff_view(staff_row)

    def end_session(self, token: str) -> None:
        with self._db.session() as session:
            row = session.get(SessionRow, auth.token_digest(token))
            if row is not None:
                session.delete(row)
                session.commit()


def _staff_row(session: Session, username: str) -> StaffRow:
    row = session.scalar(select(StaffRow).where(StaffRow.username == username.strip().lower()))
    if row is None:
        raise StaffError(say("staff_not_found", name=shown(username[:40])))
    return row


def _role_park(role: Role, park_id: str | None) -> str | None:
    """An operator's park id (upper case), checked for shape; other roles have none. Whether
    the park is in the published list is the caller's to check (it holds the list)."""
    park = (park_id or "").strip().upper()
    if role is Role.OPERATOR:
        if not _PARK_ID.match(park):
            raise StaffError(say("operator_needs_park", park=shown(park[:20]) or "-"))
        return park
    if park:
        raise StaffError(say("park_only_for_operator", role=say(f"role_{role.value}")))
    return None


def _staff_view(row: StaffRow) -> Staff:
    return Staff(
        id=row.id,
        username=row.username,
        active=row.active,
        created_at=row.created_at,
        last_sign_in_at=row.last_sign_in_at,
        role=Role(row.role),
        park_id=row.park_id,
    )
