"""A practice "legacy case system" (Tk) for journalising documents, for desktop bots to drive.

Run it with ``sepbots practice desktop --db journal.db`` or ``python -m sepbots.practice.desktop``.
The form is keyboard-first; what it saved is kept in its own SQLite file (``records.py``) so tests
can check a bot's work without trusting the bot.
"""

from __future__ import annotations

from sepbots.practice.desktop.records import JournalRecord, JournalStore
from sepbots.practice.desktop.validation import CATEGORIES, JournalForm, validate

__all__ = ["CATEGORIES", "JournalForm", "JournalRecord", "JournalStore", "validate"]
