"""The login rate limit: failed logins counted per user name and address, per address, and in total.

Checked on a read connection before any password is hashed, so a refused attempt costs three
indexed counts and writes nothing: a flood of guesses can neither hold the database's write lock
nor keep the CPU busy with argon2. An attempt that passes is counted as failed (``reserve``, in a
short write transaction that checks again) before its password is checked. Limits (failures within ``WINDOW``) come from
``[dashboard]`` settings; the defaults are 5 per user name and address, 20 per address and 100
for the whole dashboard.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, delete, func, insert, select

from sepbots.store.schema import login_attempts

WINDOW = timedelta(minutes=5)


class Block(enum.StrEnum):
    """Why a login is refused before its password is looked at (the value keys the page's message)."""

    USER = "login.blocked"  # this name from this address
    ADDRESS = "login.blocked_address"  # this address, whatever the name
    EVERYONE = "login.blocked_all"  # the whole dashboard is under a guessing attack


@dataclass(frozen=True)
class Limits:
    """Failed logins allowed within ``WINDOW`` before further attempts are refused with 429."""

    per_user: int = 5
    per_address: int = 20
    total: int = 100


def _failures(conn: Connection, since: datetime, *conditions: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(login_attempts).where(
        login_attempts.c.ts > since, login_attempts.c.success.is_(False), *conditions
    )
    return int(conn.execute(query).scalar_one())


def blocked(conn: Connection, username: str, ip: str, now: datetime, limits: Limits) -> Block | None:
    """The first limit this attempt would exceed, or ``None`` when it may be checked."""
    since = now - WINDOW
    name, address = username[:100], ip[:64]
    if _failures(conn, since) >= limits.total:
        return Block.EVERYONE
    if _failures(conn, since, login_attempts.c.ip == address) >= limits.per_address:
        return Block.ADDRESS
    if _failures(conn, since, login_attempts.c.ip == address, login_attempts.c.username == name) >= limits.per_user:
        return Block.USER
    return None


def reserve(conn: Connection, username: str, ip: str, now: datetime, limits: Limits) -> Block | None:
    """In the caller's write transaction: the limit this attempt exceeds, or count it as failed now.

    The attempt counts as a failure before its password is checked, so attempts checked at the
    same time cannot together slip past a limit; ``succeeded`` clears it when the password was right.
    """
    block = blocked(conn, username, ip, now, limits)
    if block is None:
        conn.execute(delete(login_attempts).where(login_attempts.c.ts < now - timedelta(days=1)))
        conn.execute(insert(login_attempts).values(username=username[:100], ip=ip[:64], success=False, ts=now))
    return block


def succeeded(conn: Connection, username: str, ip: str, now: datetime) -> None:
    """A login succeeded: clear the failures of that name and address (its own reservation too)."""
    name, address = username[:100], ip[:64]
    conn.execute(delete(login_attempts).where(login_attempts.c.username == name, login_attempts.c.ip == address))
    conn.execute(insert(login_attempts).values(username=name, ip=address, success=True, ts=now))
