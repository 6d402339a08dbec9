"""The practice case system's own database: one SQLite file of journalised documents."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sepbots.clock import local

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    journal_number TEXT UNIQUE,
    case_number TEXT NOT NULL,
    title TEXT NOT NULL,
    document_date TEXT NOT NULL,
    category TEXT NOT NULL,
    saved_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class JournalRecord:
    """One journalised document as the case system stored it."""

    journal_number: str
    case_number: str
    title: str
    document_date: date
    category: str
    saved_at: datetime


class JournalStore:
    """Journal records in ``path`` (created if missing).

    Args:
        path: the SQLite file.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with self._connect() as db:
            db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection for one transaction: committed on success, always closed."""
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            yield db

    def find(self, case_number: str, title: str, document_date: date) -> str | None:
        """The journal number of an identical document already on the case, if any."""
        with self._connect() as db:
            row = db.execute(
                "SELECT journal_number FROM journal WHERE case_number = ? AND title = ? AND document_date = ?",
                (case_number, title, document_date.isoformat()),
            ).fetchone()
        return row[0] if row else None

    def save(self, case_number: str, title: str, document_date: date, category: str, saved_at: datetime) -> str:
        """Store a document and return its new journal number, ``J-<year>-<6 digits>``.

        Args:
            saved_at: aware UTC time; the year in the number is the Danish local year.
        """
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO journal (case_number, title, document_date, category, saved_at) VALUES (?, ?, ?, ?, ?)",
                (case_number, title, document_date.isoformat(), category, saved_at.isoformat()),
            )
            number = f"J-{local(saved_at).year}-{cursor.lastrowid:06d}"
            db.execute("UPDATE journal SET journal_number = ? WHERE id = ?", (number, cursor.lastrowid))
        return number

    def records(self) -> list[JournalRecord]:
        """Every record, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT journal_number, case_number, title, document_date, category, saved_at FROM journal ORDER BY id"
            ).fetchall()
        return [JournalRecord(n, c, t, date.fromisoformat(d), cat, datetime.fromisoformat(s)) for n, c, t, d, cat, s in rows]
