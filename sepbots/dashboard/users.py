"""Dashboard users: roles, argon2id password hashes, and the account operations behind ``sepbots users``."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, Row, delete, func, insert, select, update

from sepbots.clock import Clock
from sepbots.exceptions import SepbotsError
from sepbots.store.schema import dashboard_sessions, users

# argon2id, 64 MiB and 3 passes as the library recommends (RFC 9106's second option), but one lane:
# a check then uses one core instead of four, so on a small robot workstation a login (or a flood
# of them, one check at a time) leaves the other cores to the robots. Stronger than OWASP's minimum
# (19 MiB, 2 passes, 1 lane). Older four-lane hashes still verify and are rehashed at the next login.
_HASHER = PasswordHasher(parallelism=1)
# Verified against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("sepbots-no-such-user")
MIN_PASSWORD_LENGTH = 10


class UserError(SepbotsError):
    """A user cannot be created, found or changed (the message says why)."""


class Role(enum.StrEnum):
    """What a dashboard user may do; each role includes the ones before it."""

    VIEWER = "viewer"  # reads every page
    OPERATOR = "operator"  # + handles and retries items, pauses and resumes schedules
    ADMIN = "admin"  # + manages users on the dashboard

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        """Whether this role may do what ``needed`` may do."""
        return self.rank >= needed.rank


@dataclass(frozen=True)
class User:
    """A dashboard account (never carries the password hash)."""

    id: int
    username: str
    role: Role
    active: bool
    created_at: datetime
    last_login_at: datetime | None


def _row_to_user(row: Row[Any]) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=Role(row.role),
        active=bool(row.active),
        created_at=row.created_at,
        last_login_at=row.last_login_at,
    )


def _check_username(username: str) -> str:
    name = username.strip()
    if not name or len(name) > 100 or any(ch.isspace() for ch in name):
        raise UserError(f"ugyldigt brugernavn {username!r}: 1-100 tegn uden mellemrum / "
                        f"invalid user name {username!r}: 1-100 characters without spaces")
    return name


def add_user(conn: Connection, username: str, password: str, role: Role, clock: Clock) -> User:
    """Create an active user with an argon2id hash of ``password``.

    Raises:
        UserError: the name is taken or invalid, or the password is shorter than 10 characters.
    """
    name = _check_username(username)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"adgangskoden skal have mindst {MIN_PASSWORD_LENGTH} tegn / "
                        f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if conn.execute(select(users.c.id).where(users.c.username == name)).first() is not None:
        raise UserError(f"brugeren {name!r} findes allerede / the user {name!r} already exists")
    conn.execute(
        insert(users).values(
            username=name, password_hash=_HASHER.hash(password), role=role.value, active=True,
            created_at=clock.now(),
        )
    )
    return get_user(conn, name)


def get_user(conn: Connection, username: str) -> User:
    """The user called ``username``.

    Raises:
        UserError: there is no such user.
    """
    row = conn.execute(select(users).where(users.c.username == username.strip())).first()
    if row is None:
        raise UserError(f"ingen bruger hedder {username!r} / no user called {username!r}")
    return _row_to_user(row)


def list_users(conn: Connection) -> list[User]:
    """Every user, by name."""
    return [_row_to_user(r) for r in conn.execute(select(users).order_by(users.c.username))]


def count_users(conn: Connection) -> int:
    """How many accounts exist (active or not)."""
    return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def _end_sessions(conn: Connection, user_id: int) -> None:
    conn.execute(delete(dashboard_sessions).where(dashboard_sessions.c.user_id == user_id))


def set_active(conn: Connection, username: str, active: bool) -> User:
    """Enable or disable a user; disabling ends every session of theirs for good (enabling again
    does not bring one back: they log in anew).

    Raises:
        UserError: there is no such user.
    """
    user = get_user(conn, username)
    conn.execute(update(users).where(users.c.id == user.id).values(active=active))
    if not active:
        _end_sessions(conn, user.id)
    return get_user(conn, username)


def set_password(conn: Connection, username: str, password: str) -> User:
    """Give ``username`` a new password (argon2id) and end every session opened with the old one.

    Raises:
        UserError: there is no such user, or the password is shorter than 10 characters.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"adgangskoden skal have mindst {MIN_PASSWORD_LENGTH} tegn / "
                        f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    user = get_user(conn, username)
    conn.execute(update(users).where(users.c.id == user.id).values(password_hash=_HASHER.hash(password)))
    _end_sessions(conn, user.id)
    return user


@dataclass(frozen=True)
class Candidate:
    """Who a login names, read before the password is checked (no lock held while hashing)."""

    user: User | None  # None: no such user
    password_hash: str  # the stored hash, or a dummy one so a wrong name costs as long as a wrong password


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a password against a ``Candidate``."""

    ok: bool
    new_hash: str | None = None  # a fresh hash when the stored one uses outdated parameters


def find_candidate(conn: Connection, username: str) -> Candidate:
    """The account a login names (read-only)."""
    row = conn.execute(select(users).where(users.c.username == username.strip())).first()
    if row is None:
        return Candidate(None, _DUMMY_HASH)
    return Candidate(_row_to_user(row), row.password_hash)


def verify_password(candidate: Candidate, password: str) -> Verdict:
    """Check ``password`` with argon2id: CPU only, no database; call it outside any transaction."""
    try:
        _HASHER.verify(candidate.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return Verdict(False)
    if candidate.user is None or not candidate.user.active:
        return Verdict(False)
    new_hash = _HASHER.hash(password) if _HASHER.check_needs_rehash(candidate.password_hash) else None
    return Verdict(True, new_hash)


def accept_login(conn: Connection, candidate: Candidate, verdict: Verdict, now: datetime) -> User | None:
    """Record a verified login in the caller's (short) write transaction.

    Returns ``None`` when the account changed since it was read (password changed, disabled or
    removed while the password was being checked): the login then counts as failed.
    """
    if not verdict.ok or candidate.user is None:
        return None
    row = conn.execute(select(users.c.password_hash, users.c.active).where(users.c.id == candidate.user.id)).first()
    if row is None or not row.active or row.password_hash != candidate.password_hash:
        return None
    values: dict[str, object] = {"last_login_at": now}
    if verdict.new_hash is not None:
        values["password_hash"] = verdict.new_hash
    conn.execute(update(users).where(users.c.id == candidate.user.id).values(**values))
    return candidate.user


def authenticate(conn: Connection, username: str, password: str, clock: Clock) -> User | None:
    """The active user whose password matches, else ``None`` (same cost either way).

    One call for scripts and tests; the dashboard splits it (read, verify outside the
    transaction, then ``accept_login``) so no lock is held while argon2 runs.
    """
    candidate = find_candidate(conn, username)
    return accept_login(conn, candidate, verify_password(candidate, password), clock.now())
