"""The practice portal's own SQLite file: generated companies and stored refund submissions.

Tests and the demo open the same file with :class:`PortalDatabase` to check what a bot really did.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sepbots.practice.data import Company, CompanyStatus

_SCHEMA = """
CREATE TABLE IF NOT EXISTS companies (
    cvr TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    street TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    city TEXT NOT NULL,
    status TEXT NOT NULL,
    industry_code TEXT NOT NULL,
    industry_text TEXT NOT NULL,
    start_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS companies_name ON companies (name COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    receipt TEXT UNIQUE,
    client_reference TEXT NOT NULL,
    username TEXT NOT NULL,
    employer_cvr TEXT NOT NULL,
    employee_cpr TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    hours TEXT NOT NULL,
    amount TEXT NOT NULL,
    reason TEXT NOT NULL,
    submitted_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_reference ON submissions (client_reference);
"""


@dataclass(frozen=True, slots=True)
class Submission:
    """One refund request the portal accepted."""

    id: int
    receipt: str
    client_reference: str
    username: str
    employer_cvr: str
    employee_cpr: str
    period_from: date
    period_to: date
    hours: Decimal
    amount: Decimal
    reason: str
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of company search results."""

    companies: list[Company]
    total: int
    page: int
    pages: int


# A table's columns are its record's fields (``SELECT *``); only what SQLite keeps as text is converted back.
def _company(row: sqlite3.Row) -> Company:
    return Company(**{
        **dict(row), "status": CompanyStatus(row["status"]), "start_date": date.fromisoformat(row["start_date"]),
    })


def _submission(row: sqlite3.Row) -> Submission:
    return Submission(**{
        **dict(row),
        "period_from": date.fromisoformat(row["period_from"]),
        "period_to": date.fromisoformat(row["period_to"]),
        "hours": Decimal(row["hours"]),
        "amount": Decimal(row["amount"]),
        "submitted_at": datetime.fromisoformat(row["submitted_at"]),
    })


class PortalDatabase:
    """Access to the portal's SQLite file (safe to share between threads)."""

    def __init__(self, path: Path) -> None:
        """Open (and create if needed) the database at ``path``.

        Args:
            path: the SQLite file; its folder is created when missing.
        """
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    def seed_companies(self, companies: Iterable[Company]) -> int:
        """Store ``companies`` unless the register already holds companies.

        Args:
            companies: the companies to store.

        Returns:
            How many companies were added (0 when the register was already filled).
        """
        with self._lock:
            if self._conn.execute("SELECT COUNT(*) FROM companies").fetchone()[0]:
                return 0
            rows = [
                (
                    c.cvr,
                    c.name,
                    c.street,
                    c.postal_code,
                    c.city,
                    c.status.value,
                    c.industry_code,
                    c.industry_text,
                    c.start_date.isoformat(),
                )
                for c in companies
            ]
            self._conn.execute("BEGIN")
            self._conn.executemany("INSERT INTO companies VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self._conn.execute("COMMIT")
            return len(rows)

    def company(self, cvr: str) -> Company | None:
        """The company with CVR number ``cvr``, if registered."""
        with self._lock:
            row = self._conn.execute("SELECT * FROM companies WHERE cvr = ?", (cvr,)).fetchone()
        return _company(row) if row else None

    def search_companies(self, text: str, *, page: int, page_size: int) -> SearchPage:
        """Companies whose name contains ``text`` (case-insensitive), one page at a time.

        Args:
            text: part of the name.
            page: 1-based page number; clamped to the existing pages.
            page_size: results per page.

        Returns:
            The page, with the total count and number of pages.
        """
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where = "WHERE name LIKE ? ESCAPE '\\'"
        with self._lock:
            total = self._conn.execute(f"SELECT COUNT(*) FROM companies {where}", (pattern,)).fetchone()[0]
            pages = max(1, -(-total // page_size))
            page = min(max(1, page), pages)
            rows = self._conn.execute(
                f"SELECT * FROM companies {where} ORDER BY name, cvr LIMIT ? OFFSET ?",
                (pattern, page_size, (page - 1) * page_size),
            ).fetchall()
        return SearchPage([_company(r) for r in rows], total, page, pages)

    def add_submission(
        self,
        *,
        client_reference: str,
        username: str,
        employer_cvr: str,
        employee_cpr: str,
        period_from: date,
        period_to: date,
        hours: Decimal,
        amount: Decimal,
        reason: str,
        submitted_at: datetime,
    ) -> str:
        """Store an accepted refund request and give it a receipt number ``SDP-<year>-<000123>``.

        Returns:
            The receipt number.
        """
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                cursor = self._conn.execute(
                    "INSERT INTO submissions (client_reference, username, employer_cvr, employee_cpr,"
                    " period_from, period_to, hours, amount, reason, submitted_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        client_reference,
                        username,
                        employer_cvr,
                        employee_cpr,
                        period_from.isoformat(),
                        period_to.isoformat(),
                        str(hours),
                        str(amount),
                        reason,
                        submitted_at.isoformat(),
                    ),
                )
                receipt = f"SDP-{submitted_at.year}-{cursor.lastrowid:06d}"
                self._conn.execute(
                    "UPDATE submissions SET receipt = ? WHERE id = ?", (receipt, cursor.lastrowid)
                )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return receipt

    def submissions(self, client_reference: str | None = None) -> list[Submission]:
        """Stored submissions in order, optionally only those with ``client_reference``."""
        with self._lock:
            if client_reference is None:
                rows = self._conn.execute("SELECT * FROM submissions ORDER BY id").fetchall()
            else:
                rows = self._conn.execute(
                    "SELECT * FROM submissions WHERE client_reference = ? ORDER BY id", (client_reference,)
                ).fetchall()
        return [_submission(r) for r in rows]

    def submission(self, receipt: str) -> Submission | None:
        """The submission with receipt number ``receipt``, if any."""
        with self._lock:
            row = self._conn.execute("SELECT * FROM submissions WHERE receipt = ?", (receipt,)).fetchone()
        return _submission(row) if row else None

    def submission_counts(self) -> dict[str, int]:
        """How many submissions each client reference has."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT client_reference, COUNT(*) FROM submissions GROUP BY client_reference"
            ).fetchall()
        return {r[0]: r[1] for r in rows}
