"""Server-side sessions, CSRF tokens, password checks and account lockout for the practice portal.

The cookie carries only a signed session id (itsdangerous); the session itself — user, CSRF token,
last activity and the draft of a multi-step form — lives in memory. A session expires after
``session_minutes`` without activity, measured with the injected clock so tests can move time.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import SecretStr

COOKIE_NAME = "praksisportal_session"


class Clock(Protocol):
    """Where the portal gets the time from (``now()`` returns an aware UTC datetime)."""

    def now(self) -> datetime: ...


@dataclass(slots=True)
class Session:
    """One browser's session."""

    id: str
    csrf_token: str
    last_seen: datetime
    username: str | None = None
    draft: dict[str, Any] = field(default_factory=dict)


class SessionStore:
    """In-memory sessions with idle expiry."""

    def __init__(self, clock: Clock, idle: timedelta, secret_key: SecretStr) -> None:
        self._clock = clock
        self._idle = idle
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._signer = URLSafeSerializer(secret_key.get_secret_value(), salt="praksisportal-session")

    def create(self) -> Session:
        """Start a fresh anonymous session."""
        session = Session(secrets.token_urlsafe(24), secrets.token_urlsafe(24), self._clock.now())
        with self._lock:
            self._sessions[session.id] = session
        return session

    def load(self, cookie: str | None) -> tuple[Session | None, bool]:
        """The live session a cookie points at, and whether a logged-in session just expired.

        Args:
            cookie: the signed cookie value, if the browser sent one.

        Returns:
            ``(session, expired)``: the session (None when missing, forged or expired) and True
            when the cookie named a logged-in session that has run out of time.
        """
        if not cookie:
            return None, False
        try:
            session_id = self._signer.loads(cookie)
        except BadSignature:
            return None, False
        now = self._clock.now()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None, False
            if now - session.last_seen > self._idle:
                del self._sessions[session_id]
                return None, session.username is not None
            session.last_seen = now
        return session, False

    def cookie_value(self, session: Session) -> str:
        """The signed cookie value for ``session``."""
        return self._signer.dumps(session.id)

    def drop(self, session: Session) -> None:
        """End ``session`` (log out)."""
        with self._lock:
            self._sessions.pop(session.id, None)

    def expire_all(self) -> int:
        """End every session at once (for tests and demos); returns how many ended."""
        with self._lock:
            count = len(self._sessions)
            self._sessions.clear()
        return count


class LoginResult(StrEnum):
    """The outcome of a login attempt."""

    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(slots=True)
class _Failures:
    count: int = 0
    locked_until: datetime | None = None


class Accounts:
    """Users with argon2-hashed passwords, counting failed logins and locking accounts."""

    def __init__(
        self, users: dict[str, SecretStr], clock: Clock, *, lockout_after: int, lockout: timedelta
    ) -> None:
        self._hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
        self._hashes = {name: self._hasher.hash(pw.get_secret_value()) for name, pw in users.items()}
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))
        self._clock = clock
        self._lockout_after = lockout_after
        self._lockout = lockout
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()
        self.attempts: dict[str, int] = {}
        """Login attempts per username (checked or refused), for tests and the demo."""

    def locked_until(self, username: str) -> datetime | None:
        """When the lock on ``username`` ends, if it is locked now."""
        with self._lock:
            failures = self._failures.get(username)
            if failures and failures.locked_until and failures.locked_until > self._clock.now():
                return failures.locked_until
        return None

    def check(self, username: str, password: str) -> LoginResult:
        """Verify a login attempt and update the failure count.

        Args:
            username: the user name typed.
            password: the password typed.

        Returns:
            ``LoginResult.OK``, ``LoginResult.WRONG`` or ``LoginResult.LOCKED``.
        """
        with self._lock:
            self.attempts[username] = self.attempts.get(username, 0) + 1
        if self.locked_until(username):
            return LoginResult.LOCKED
        stored = self._hashes.get(username)
        try:
            ok = self._hasher.verify(stored or self._dummy, password) and stored is not None
        except VerificationError:
            ok = False
        with self._lock:
            failures = self._failures.setdefault(username, _Failures())
            if ok:
                failures.count, failures.locked_until = 0, None
                return LoginResult.OK
            failures.count += 1
            if failures.count >= self._lockout_after:
                failures.count = 0
                failures.locked_until = self._clock.now() + self._lockout
                return LoginResult.LOCKED
        return LoginResult.WRONG
