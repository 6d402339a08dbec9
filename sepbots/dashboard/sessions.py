"""Server-side login sessions.

The browser holds a random token in an HttpOnly cookie; the database keeps only its SHA-256, the
user, the session's CSRF token and an absolute expiry. A user's sessions are deleted when their
password changes or they are disabled (``sepbots.dashboard.users``), so neither a stolen cookie
nor re-enabling the account brings one back. The login rate limit is in ``ratelimit``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, delete, insert, select

from sepbots.clock import Clock
from sepbots.dashboard.users import Role
from sepbots.store.schema import dashboard_sessions, users


@dataclass(frozen=True)
class Session:
    """A logged-in user as seen by one request."""

    user_id: int
    username: str
    role: Role
    csrf: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(conn: Connection, user_id: int, clock: Clock, minutes: int) -> str:
    """Start a session for ``user_id`` and return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    conn.execute(delete(dashboard_sessions).where(dashboard_sessions.c.expires_at < now))
    conn.execute(
        insert(dashboard_sessions).values(
            token_hash=_digest(token), user_id=user_id, csrf=secrets.token_urlsafe(32),
            created_at=now, expires_at=now + timedelta(minutes=minutes),
        )
    )
    return token


def load_session(conn: Connection, token: str | None, clock: Clock) -> Session | None:
    """The live session for ``token``; ``None`` when unknown, expired, or its user is disabled."""
    if not token or len(token) > 100:
        return None
    row = conn.execute(
        select(dashboard_sessions.c.csrf, users.c.id, users.c.username, users.c.role)
        .join(users, users.c.id == dashboard_sessions.c.user_id)
        .where(
            dashboard_sessions.c.token_hash == _digest(token),
            dashboard_sessions.c.expires_at > clock.now(),
            users.c.active.is_(True),
        )
    ).first()
    if row is None:
        return None
    return Session(user_id=row.id, username=row.username, role=Role(row.role), csrf=row.csrf)


def close_session(conn: Connection, token: str | None) -> None:
    """End the session for ``token`` (no-op when there is none)."""
    if token:
        conn.execute(delete(dashboard_sessions).where(dashboard_sessions.c.token_hash == _digest(token)))
