"""Read-only queries that start fast: the SQLite file through the standard library when that is safe.

``sepbots runs list`` is the command an operator types most; importing SQLAlchemy alone costs more
than the rest of it. So a listing opens an up-to-date SQLite database read-only with ``sqlite3``,
and leaves every other case to the ``Store`` (another database, a URL with options, a missing,
empty, damaged, older or newer file), which migrates or names the trouble as it always does.

A statement is written once, as SQL with ``:name`` parameters, which both ``sqlite3`` and
SQLAlchemy's ``text()`` accept, and ``fetch`` runs it on either kind of connection; times come back
as aware UTC datetimes and flags as booleans on both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sepbots.store.revisions import head_revision

_PLAIN_URL = "sqlite:///"


def open_readonly(url: str, *, busy_timeout_s: float) -> sqlite3.Connection | None:
    """A read-only connection to the SQLite database at ``url`` when it holds the newest schema, else ``None``."""
    path = _sqlite_path(url)
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=busy_timeout_s)
    except sqlite3.Error:
        return None
    try:
        current = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        current = None
    if current is None or current[0] != head_revision():
        conn.close()
        return None
    return conn


def _sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///<path>`` URL; ``None`` for anything SQLAlchemy must parse."""
    if not url.startswith(_PLAIN_URL):
        return None
    database = url[len(_PLAIN_URL):]
    if not database or database == ":memory:" or any(c in database for c in "?%#"):
        return None
    return Path(database)


def fetch(
    source: Any, sql: str, params: Mapping[str, Any], *, times: Collection[str] = (), flags: Collection[str] = ()
) -> list[SimpleNamespace]:
    """The rows of ``sql`` on ``source`` (a ``sqlite3`` or SQLAlchemy connection), one namespace per row.

    Args:
        times: columns holding times (SQLite keeps them as text): returned as aware UTC datetimes.
        flags: boolean columns (SQLite keeps 0/1): returned as ``bool``.
    """
    if isinstance(source, sqlite3.Connection):
        cursor = source.execute(sql, dict(params))
        names = [column[0] for column in cursor.description]
        values: list[Any] = cursor.fetchall()
    else:
        from sqlalchemy import text

        result = source.execute(text(sql), dict(params))
        names, values = list(result.keys()), result.all()
    return [SimpleNamespace(**{name: _typed(name, value, times, flags) for name, value in zip(names, row, strict=True)})
            for row in values]


def _typed(name: str, value: Any, times: Collection[str], flags: Collection[str]) -> Any:
    if value is None:
        return None
    if name in times:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if name in flags:
        return bool(value)
    return value
