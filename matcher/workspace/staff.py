"""Staff accounts, signing in (with lockout after repeated failures) and sign-in sessions.

The password and token rules (argon2id hashes, lockout length, session lifetime) are in
matcher.workspace.auth; this keeps the accounts and sessions in the database.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.i18n import say
from matcher.workspace import auth
from matcher.workspace.db import Database, utcnow
from matcher.workspace.errors import StaffError
from matcher.workspace.schema import SessionRow, StaffRow
from matcher.workspace.views import Staff


class StaffAccounts:
    """Who may sign in, and who a browser session belongs to."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # ------------------------------------------------------------------------------ accounts

    def add(self, username: str, password: str, *, now: datetime | None = None) -> Staff:
        name = auth.check_username(username)
        password_hash = auth.hash_password(password)
        with self._db.session() as session:
            row = StaffRow(
                username=name,
                password_hash=password_hash,
                active=True,
                created_at=now or utcnow(),
                failed_attempts=0,
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                raise StaffError(say("username_taken", name=name)) from None
            return _staff_view(row)

    def bootstrap(self, spec: str, *, now: datetime | None = None) -> Staff | None:
        """`name:password` (the MATCHER_BOOTSTRAP_STAFF variable): add that staff member if
        absent, so a fresh install or a test has someone who can sign in. None if present."""
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
            return self.add(name, password, now=now)
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

    def set_active(self, username: str, active: bool) -> Staff:
        """Let a staff member sign in again, or not (which also ends their sessions)."""
        with self._db.session() as session:
            row = _staff_row(session, username)
            row.active = active
            if not active:
                session.execute(delete(SessionRow).where(SessionRow.staff_id == row.id))
            session.commit()
            return _staff_view(row)

    def set_password(self, username: str, password: str) -> Staff:
        """A new password; it also lifts a lockout."""
        password_hash = auth.hash_password(password)
        with self._db.session() as session:
            row = _staff_row(session, username)
            row.password_hash = password_hash
            row.failed_attempts = 0
            row.locked_until = None
            session.commit()
            return _staff_view(row)

    # ------------------------------------------------------------------------------ sign-in

    def authenticate(self, username: str, password: str, now: datetime) -> Staff | None:
        """The staff member if the password is right and the account active and not locked.

        After MAX_FAILED_ATTEMPTS failures in a row the account is locked for LOCKOUT, during
        which even the right password is refused (and not counted). Unknown names take the
        same time as known ones."""
        with self._db.session() as session:
            row = session.scalar(
                select(StaffRow).where(StaffRow.username == username.strip().lower())
            )
            if row is None:
                auth.verify_password(None, password)
                return None
            if row.locked_until is not None and row.locked_until > now:
                return None
            if not auth.verify_password(row.password_hash, password):
                row.failed_attempts = (row.failed_attempts or 0) + 1
                if row.failed_attempts >= auth.MAX_FAILED_ATTEMPTS:
                    row.locked_until = now + auth.LOCKOUT
                    row.failed_attempts = 0
                session.commit()
                return None
            if not row.active:
                return None
            if auth.needs_rehash(row.password_hash):
                row.password_hash = auth.hash_password(password)
            row.failed_attempts = 0
            row.locked_until = None
            row.last_sign_in_at = now
            session.commit()
            return _staff_view(row)

    def locked_until(self, username: str, now: datetime) -> datetime | None:
        """When a locked account opens again (None: not locked), for the sign-in page."""
        with self._db.session() as session:
            until = session.scalar(
                select(StaffRow.locked_until).where(StaffRow.username == username.strip().lower())
            )
        return until if until is not None and until > now else None

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
        raise StaffError(say("staff_not_found", name=username[:40]))
    return row


def _staff_view(row: StaffRow) -> Staff:
    return Staff(
        id=row.id,
        username=row.username,
        active=row.active,
        created_at=row.created_at,
        last_sign_in_at=row.last_sign_in_at,
        locked_until=row.locked_until,
    )
