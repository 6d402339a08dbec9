"""Dashboard users: roles, argon2id password hashes, and the account operations behind ``sepbots users``."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, Row, func, insert, select, update

from sepbots.clock import Clock
from sepbots.exceptions import SepbotsError
from sepbots.store.schema import users

_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
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
        raise UserError(f"invalid user name {username!r}: 1-100 characters without spaces")
    return name


def add_user(conn: Connection, username: str, password: str, role: Role, clock: Clock) -> User:
    """Create an active user with an argon2id hash of ``password``.

    Raises:
        UserError: the name is taken or invalid, or the password is shorter than 10 characters.
    """
    name = _check_username(username)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if conn.execute(select(users.c.id).where(users.c.username == name)).first() is not None:
        raise UserError(f"the user {name!r} already exists")
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
        raise UserError(f"no user called {username!r}")
    return _row_to_user(row)


def list_users(conn: Connection) -> list[User]:
    """Every user, by name."""
    return [_row_to_user(r) for r in conn.execute(select(users).order_by(users.c.username))]


def count_users(conn: Connection) -> int:
    """How many accounts exist (active or not)."""
    return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def set_active(conn: Connection, username: str, active: bool) -> User:
    """Enable or disable a user; a disabled user's sessions stop working at once.

    Raises:
        UserError: there is no such user.
    """
    user = get_user(conn, username)
    conn.execute(update(users).where(users.c.id == user.id).values(active=active))
    return get_user(conn, username)


def set_password(conn: Connection, username: str, password: str) -> User:
    """Give ``username`` a new password (argon2id); their live sessions stay valid.

    Raises:
        UserError: there is no such user, or the password is shorter than 10 characters.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    user = get_user(conn, username)
    conn.execute(update(users).where(users.c.id == user.id).values(password_hash=_HASHER.hash(password)))
    return user


def authenticate(conn: Connection, username: str, password: str, clock: Clock) -> User | None:
    """The active user whose password matches, else ``None`` (same cost either way)."""
    row = conn.execute(select(users).where(users.c.username == username.strip())).first()
    stored = row.password_hash if row is not None else _DUMMY_HASH
    try:
        _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    values: dict[str, object] = {"last_login_at": clock.now()}
    if _HASHER.check_needs_rehash(stored):
        values["password_hash"] = _HASHER.hash(password)
    conn.execute(update(users).where(users.c.id == row.id).values(**values))
    return _row_to_user(row)
