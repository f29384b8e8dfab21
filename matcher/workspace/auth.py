"""Staff passwords and sign-in rules: argon2id hashes (argon2-cffi), throttling, sessions.

No home-made crypto: passwords go through argon2-cffi's PasswordHasher; session tokens come
from `secrets` and only their SHA-256 is stored, so a copy of the database opens no session.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from matcher.free_text import shown
from matcher.i18n import say
from matcher.workspace.errors import StaffError

# Sign-in throttling (matcher.workspace.staff, README "Limits"). Failures count per
# username from one address, so a stranger's guesses lock that stranger out, not the staff
# member; per address over every username, so one address cannot try name after name; and
# per username over every address, so many addresses together still meet a ceiling.
MAX_FAILED_ATTEMPTS = 5  # failed sign-ins in a row for one username from one address
MAX_FAILED_PER_ADDRESS = 20  # failed sign-ins from one address, whatever the username
MAX_FAILED_PER_ACCOUNT = 50  # failed sign-ins for one username, from all addresses together
LOCKOUT = timedelta(minutes=15)  # each count's window, and how long a lock lasts at most
SESSION_LIFETIME = timedelta(hours=8)
MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def check_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise StaffError(say("username_invalid", name=shown(username[:40])))
    return name


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(say("password_too_short", least=MIN_PASSWORD_LENGTH))
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
