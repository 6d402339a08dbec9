"""The practice case system's rules, its journal file and its command line (no display needed)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sepbots.cli.practice import app
from sepbots.practice.desktop import JournalForm, JournalStore, validate
from sepbots.practice.desktop.app import Slowness
from sepbots.practice.desktop.validation import Field

GOOD = JournalForm("2026-001234", "Ansøgning", "29-02-2028", "Ansøgning")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"case_number": "2026-1234"}, Field.CASE_NUMBER),
        ({"case_number": "26-001234"}, Field.CASE_NUMBER),
        ({"title": "   "}, Field.TITLE),
        ({"title": "x" * 201}, Field.TITLE),
        ({"document_date": "2026-02-01"}, Field.DATE),
        ({"document_date": "29-02-2026"}, Field.DATE),
        ({"document_date": "1-2-2026"}, Field.DATE),
        ({"category": "Diverse"}, Field.CATEGORY),
    ],
)
def test_each_bad_field_is_reported_once(changes: dict[str, str], field: Field) -> None:
    """One wrong field gives exactly one problem, on that field."""
    form = JournalForm(**{**GOOD.__dict__, **changes})
    assert [problem.field for problem in validate(form)] == [field]


def test_a_good_form_has_no_problems_and_messages_exist_in_english() -> None:
    """A valid form passes; the same rules speak English when asked."""
    assert validate(GOOD) == []
    [problem] = validate(JournalForm("x", "t", "01-01-2026", "Notat"), "en")
    assert problem.message.startswith("Case number must look like")


def test_slowness_applies_to_every_nth_save() -> None:
    """slow_every_n=3 delays saves 3, 6, …; 0 delays every save."""
    assert [Slowness(500, 3).delay_for(n) for n in range(1, 7)] == [0, 0, 500, 0, 0, 500]
    assert Slowness(200).delay_for(1) == Slowness(200).delay_for(2) == 200


def test_journal_numbers_count_up_within_the_danish_year(tmp_path: Path) -> None:
    """Numbers are J-<Danish local year>-<6-digit serial>; a document can be found again by its data."""
    store = JournalStore(tmp_path / "journal.db")
    new_year_eve_utc = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 2027 in Copenhagen
    first = store.save("2026-000001", "Notat", date(2026, 12, 1), "Notat", new_year_eve_utc)
    second = store.save("2026-000001", "Klage", date(2026, 12, 2), "Klage", new_year_eve_utc)
    assert (first, second) == ("J-2027-000001", "J-2027-000002")
    assert store.find("2026-000001", "Klage", date(2026, 12, 2)) == second
    assert store.find("2026-000001", "Klage", date(2026, 12, 3)) is None
    assert [r.journal_number for r in JournalStore(tmp_path / "journal.db").records()] == [first, second]


def test_cli_offers_the_desktop_command_in_danish_and_english() -> None:
    """``sepbots practice --help`` lists ``desktop`` with a bilingual description."""
    listing = CliRunner().invoke(app, ["--help"])
    assert listing.exit_code == 0 and "desktop" in listing.output and "portal" in listing.output
    result = CliRunner().invoke(app, ["desktop", "--help"])
    assert result.exit_code == 0
    assert "øvelses-sagssystemet" in result.output and "practice case system" in result.output


def test_cli_rejects_an_unknown_language() -> None:
    """An unsupported --lang is a usage error (exit code 2) before any window opens."""
    result = CliRunner().invoke(app, ["desktop", "--lang", "de"])
    assert result.exit_code == 2
